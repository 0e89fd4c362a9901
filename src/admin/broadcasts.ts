// Broadcasts to subscribers, throttled to keep the WhatsApp number safe, and restart-safe: starting
// snapshots the audience as 'pending' recipients in the store; each one is claimed 'attempting' durably
// (only from 'pending', so exactly once across processes) BEFORE the send and settled as sent / failed /
// skipped (with its reason) / unknown after. Through the chat, "sent" means handed to the durable outbox
// under the id `${broadcastId}:${customerId}` (the recipient's ref): an 'attempting' left by a crash is
// simply queued again, which the outbox stores once. Through Intech, an 'attempting' is looked up first.
// A restart never sends twice and never skips anyone (pending ones go on).
import { createHash, randomUUID } from 'node:crypto';
import { knownAtIntech } from '../intech/known.js';
import type { Lang } from '../i18n/lang.js';
import type { IntechApi } from '../intech/api.js';
import type { CallbackBody } from '../intech/types.js';
import { IntechUnknownOutcomeError } from '../intech/errors.js';
import { type Logger, silentLogger } from '../logger.js';
import { type Outbox, text as textPayload } from '../outbox/outbox.js';
import type { Broadcast, Customer, RecipientStatus, Store } from '../store/types.js';

export const WHATSAPP_MESSAGING = 'WHATSAPP_MESSAGING';

export type SkipReason = 'unsubscribed' | 'paused' | 'unknown_customer' | 'no_phone';

/** Recipients read per page while snapshotting or sending: memory stays flat with the audience. */
const PAGE = 500;

export interface BroadcastProgress {
  id: string;
  state: Broadcast['state'];
  via: Broadcast['via'];
  total: number;
  sent: number;
  /** Of the sent: WhatsApp reported them delivered to the phone (read included), and read. */
  delivered: number;
  read: number;
  /** Send failed (channel error, Intech refused). */
  failed: number;
  /** Not sent on purpose: STOP said during the broadcast, paused, no phone for Intech. */
  skipped: number;
  /** Attempted but outcome unknown (crash mid-send, Intech timeout): never resent. */
  unknown: number;
  left: number;
  /** 0..100 */
  percent: number;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  text: Broadcast['text'];
}

export interface BroadcastService {
  create(text: string | Broadcast['text'], createdBy: string): Promise<Broadcast>;
  /** draft -> sending: snapshots today's subscribers and starts sending in the background. */
  start(id: string): Promise<Broadcast>;
  cancel(id: string): Promise<Broadcast | undefined>;
  /** On boot: continue every broadcast left in 'sending'. */
  resume(): Promise<void>;
  /** Starts running any 'sending' broadcast not running here (started on another instance). */
  pickUp(): Promise<void>;
  progress(id: string): Promise<BroadcastProgress | undefined>;
  list(limit?: number): Promise<BroadcastProgress[]>;
  /** Resolves when the background run of this broadcast ends (tests, shutdown). */
  settled(id: string): Promise<void>;
  /** Stops sending (shutdown). Broadcasts stay 'sending' and resume() continues them. */
  stop(): Promise<void>;
  /**
   * Intech callback for a WHATSAPP_MESSAGING broadcast message (already verified by the callback route):
   * FAILLED turns a 'sent' into 'failed', SUCCESS settles an unknown outcome. false when not ours.
   */
  handleCallback(body: CallbackBody): Promise<boolean>;
  /** The outbox gave up on a chat broadcast message (a permanent send error): 'sent' becomes 'failed'. */
  messageFailed(broadcastId: string, customerId: string, error: string): Promise<void>;
}

export interface BroadcastDeps {
  store: Store;
  /** Chat broadcasts are queued here; the drainer sends them at the WhatsApp rate. */
  outbox: Outbox;
  intech?: Pick<IntechApi, 'operation' | 'getTransactionStatus'>;
  via: 'chat' | 'intech';
  perMinute: number;
  /** Extra random delay, as a fraction of the spacing (default 0.3): a steady robot rhythm looks like spam. */
  jitter?: number;
  callbackUrl?: string;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  newId?: () => string;
  logger?: Logger;
  /** Called once a broadcast ends (done or cancelled) with its final figures. */
  onFinished?: (b: Broadcast, p: BroadcastProgress) => Promise<void>;
  /**
   * Several instances: whether this one runs broadcasts now (it holds the broadcast lease). Others only
   * snapshot and mark them 'sending'; the holder picks them up (pickUp). Default: always.
   */
  canRun?: () => boolean;
}

/** Subscribers a broadcast would reach now (not paused). Pages through them: an admin action only. */
export async function countAudience(store: Pick<Store, 'customers'>): Promise<number> {
  let n = 0;
  let cursor: string | null = null;
  do {
    const page = await store.customers.page({ subscribed: true, limit: PAGE, cursor });
    for (const c of page.items) if (!c.paused) n++;
    cursor = page.next;
  } while (cursor);
  return n;
}

/** The outbox id of a chat broadcast message (also the recipient's ref). */
export function broadcastOutboxId(broadcastId: string, customerId: string): string {
  return `${broadcastId}:${customerId}`;
}

/** Our broadcast externalTransactionIds (see broadcastExtId); orders never start with "BC-". */
export function isBroadcastExtId(ext: string): boolean {
  return /^BC-[^-]{1,8}-[0-9a-f]{12}$/.test(ext);
}

/** Deterministic per (broadcast, recipient): a restart can never invent a second id for the same message. */
export function broadcastExtId(broadcastId: string, customerId: string): string {
  const h = createHash('sha256').update(`${broadcastId}|${customerId}`).digest('hex').slice(0, 12);
  return `BC-${broadcastId.slice(0, 8)}-${h}`;
}

/** Every broadcast tells how to stop them: fewer "report spam" taps keeps the WhatsApp number safe. */
export const OPT_OUT: Record<Lang, string> = {
  fr: 'Répondez STOP pour ne plus recevoir ces messages.',
  en: 'Reply STOP to stop receiving these messages.',
  wo: 'Tontul STOP su nga bëggul jot yii bataaxal.',
};

/** The text a customer receives: their language (French as fallback), with the STOP line once. */
export function textFor(b: Pick<Broadcast, 'text'>, lang: Lang): string {
  const l: Lang = b.text[lang] ? lang : 'fr';
  const body = (b.text[l] ?? b.text.fr).trim();
  return /\bSTOP\b/.test(body) ? body : `${body}\n\n${OPT_OUT[l]}`;
}

/** Admin-facing report line (French and English are both readable by the team). */
export function reportText(p: BroadcastProgress): string {
  const head =
    p.state === 'cancelled'
      ? '🛑 Diffusion annulée / broadcast cancelled'
      : '✅ Diffusion terminée / broadcast done';
  const extra = [
    p.skipped ? `${p.skipped} ignorés/skipped` : '',
    p.unknown ? `${p.unknown} incertains/unknown` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return `${head} (${p.id.slice(0, 8)})\n${p.sent} envoyés/sent, ${p.failed} échecs/failed, ${p.left} restants/left${extra ? `, ${extra}` : ''} — ${p.total} au total/total.`;
}

export function progressLine(p: BroadcastProgress): string {
  return `📤 ${p.id.slice(0, 8)} [${p.state}] ${p.percent}% — ${p.sent} sent, ${p.failed + p.unknown} failed, ${p.skipped} skipped, ${p.left} left / ${p.total}`;
}

export function createBroadcastService(deps: BroadcastDeps): BroadcastService {
  const { store } = deps;
  const logger = deps.logger ?? silentLogger;
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const jitter = deps.jitter ?? 0.3;
  const spacing = 60_000 / Math.max(1, deps.perMinute);
  const baseSleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref?.()));
  const newId = deps.newId ?? (() => randomUUID());

  let stopped = false;
  /** Earliest time of the next send, shared by all broadcasts so two at once still respect the rate. */
  let nextSlotAt = 0;
  const running = new Map<string, Promise<void>>();
  const cancelled = new Set<string>();
  const inFlight = new Map<string, Set<string>>();
  const wakers = new Set<() => void>();

  const wakeAll = () => {
    for (const w of wakers) w();
    wakers.clear();
  };
  async function sleep(ms: number): Promise<void> {
    if (ms <= 0) return;
    let wake!: () => void;
    const woken = new Promise<void>((r) => {
      wake = r;
      wakers.add(r);
    });
    await Promise.race([baseSleep(ms), woken]);
    wakers.delete(wake);
  }
  async function waitForSlot(): Promise<void> {
    const t = now();
    const at = Math.max(t, nextSlotAt);
    nextSlotAt = at + spacing * (1 + jitter * random());
    await sleep(at - t);
  }

  function tally(b: Broadcast, counts: Partial<Record<RecipientStatus, number>>): BroadcastProgress {
    // Delivered and read messages were sent too; WhatsApp's acknowledgements only say how far they got.
    const read = counts.read ?? 0;
    const delivered = (counts.delivered ?? 0) + read;
    const sent = (counts.sent ?? 0) + delivered;
    const failed = counts.failed ?? 0;
    const skipped = counts.skipped ?? 0;
    // An 'attempting' not in flight here was left by a crash or a stop: its outcome is unknown.
    const flying = Math.min(inFlight.get(b.id)?.size ?? 0, counts.attempting ?? 0);
    const unknown = (counts.unknown ?? 0) + (counts.attempting ?? 0) - flying;
    const total = b.total;
    const left = Math.max(0, total - sent - failed - skipped - unknown);
    const done = b.state === 'done' || b.state === 'cancelled';
    const percent = total === 0 ? (done ? 100 : 0) : Math.floor((100 * (total - left)) / total);
    return {
      id: b.id,
      state: b.state,
      via: b.via,
      total,
      sent,
      delivered,
      read,
      failed,
      skipped,
      unknown,
      left,
      percent,
      createdAt: b.createdAt,
      ...(b.startedAt !== undefined ? { startedAt: b.startedAt } : {}),
      ...(b.finishedAt !== undefined ? { finishedAt: b.finishedAt } : {}),
      text: b.text,
    };
  }

  async function progressOf(b: Broadcast): Promise<BroadcastProgress> {
    return tally(b, await store.broadcasts.counts(b.id));
  }

  async function skip(b: Broadcast, cid: string, reason: SkipReason): Promise<void> {
    await store.broadcasts.mark(b.id, cid, 'skipped', { reason, at: now() });
  }

  type Outcome = 'sent' | 'failed' | 'unknown';

  async function deliver(b: Broadcast, c: Customer): Promise<Outcome> {
    const text = textFor(b, c.lang);
    if (b.via === 'chat') {
      try {
        await deps.outbox.send([
          {
            id: broadcastOutboxId(b.id, c.id),
            chat: c.id,
            kind: 'broadcast',
            broadcastId: b.id,
            payload: textPayload(text),
          },
        ]);
        return 'sent';
      } catch (err) {
        // Not queued (the store refused): nothing will send it.
        logger.warn(
          { broadcast: b.id, customer: c.id, err: (err as Error).message },
          'broadcast message not queued',
        );
        return 'failed';
      }
    }
    if (!deps.intech) throw new Error('broadcast via intech needs an IntechApi');
    try {
      await deps.intech.operation({
        codeService: WHATSAPP_MESSAGING,
        phone: c.phone as string,
        message: text,
        externalTransactionId: broadcastExtId(b.id, c.id),
        callbackUrl: deps.callbackUrl ?? '',
        // Comes back in the callback: handleCallback finds the recipient without a lookup table.
        data: JSON.stringify({ broadcastId: b.id, customerId: c.id }),
      });
      return 'sent';
    } catch (err) {
      // A timeout may have sent it: never retry, never call it failed.
      if (err instanceof IntechUnknownOutcomeError) return 'unknown';
      logger.warn(
        { broadcast: b.id, customer: c.id, err: (err as Error).message },
        'broadcast via Intech refused',
      );
      return 'failed';
    }
  }

  /** An 'attempting' left by a previous process, for Intech: ask by our deterministic id. */
  async function checkIntech(b: Broadcast, cid: string): Promise<Outcome | 'not_found'> {
    if (!deps.intech) return 'unknown';
    const ext = broadcastExtId(b.id, cid);
    if (!(await store.statusLookups.tryAcquire(ext, now(), 3, 60_000))) return 'unknown';
    try {
      const s = await deps.intech.getTransactionStatus(ext);
      if (s.status === 'FAILLED' || s.status === 'CANCELED' || s.status === 'REFUNDED') return 'failed';
      return 'sent';
    } catch (err) {
      // Intech does not know this id (the orders' rule): the request never reached it, so sending it now
      // is the first time. Any other refusal says nothing: never resend on it.
      return knownAtIntech({ ok: false, error: err }) === 'absent' ? 'not_found' : 'unknown';
    }
  }

  async function record(b: Broadcast, cid: string, o: Outcome): Promise<void> {
    const ref = { ref: b.via === 'intech' ? broadcastExtId(b.id, cid) : broadcastOutboxId(b.id, cid) };
    // Only from 'attempting': the drainer may already have given the message up ('failed').
    await store.broadcasts.mark(b.id, cid, o, { from: ['attempting'], at: now(), ...ref });
  }

  async function run(id: string): Promise<void> {
    const b = await store.broadcasts.get(id);
    if (b?.state !== 'sending') return;
    const flying = new Set<string>();
    inFlight.set(id, flying);
    try {
      let cursor: string | null = null;
      outer: do {
        const page = await store.broadcasts.recipients(id, {
          status: ['pending', 'attempting'],
          limit: PAGE,
          cursor,
        });
        cursor = page.next;
        for (const rec of page.items) {
          if (stopped || cancelled.has(id)) break outer;
          await sendTo(b, rec.customerId, rec.status, flying);
        }
      } while (cursor);
      if (stopped && !cancelled.has(id)) return;
      const saved =
        (await store.broadcasts.update(id, {
          state: cancelled.has(id) ? 'cancelled' : 'done',
          finishedAt: now(),
        })) ?? b;
      const p = await progressOf(saved);
      logger.info(
        { broadcast: id, sent: p.sent, failed: p.failed, skipped: p.skipped, unknown: p.unknown },
        'broadcast finished',
      );
      await deps
        .onFinished?.(saved, p)
        .catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'broadcast report failed'));
    } finally {
      inFlight.delete(id);
    }
  }

  /** One recipient, from 'pending' (or an 'attempting' left by a previous process). */
  async function sendTo(
    b: Broadcast,
    cid: string,
    status: RecipientStatus,
    flying: Set<string>,
  ): Promise<void> {
    const id = b.id;
    if (status === 'attempting') {
      // Left by a previous process (crash or stop mid-send). Through the chat, queueing it again is safe:
      // the outbox id is deterministic, so a message queued before the crash is stored (and sent) once.
      const o = b.via === 'intech' ? await checkIntech(b, cid) : 'not_found';
      if (o !== 'not_found') return record(b, cid, o);
    }
    const c = await store.customers.get(cid);
    const reason: SkipReason | null = !c
      ? 'unknown_customer'
      : !c.subscribed
        ? 'unsubscribed'
        : c.paused
          ? 'paused'
          : b.via === 'intech' && !c.phone
            ? 'no_phone'
            : null;
    if (reason || !c) return skip(b, cid, reason ?? 'unknown_customer');
    await waitForSlot();
    if (stopped || cancelled.has(id)) return;
    // Cancelled from another instance: its header says so.
    if ((await store.broadcasts.get(id))?.state === 'cancelled') {
      cancelled.add(id);
      return;
    }
    // STOP may have arrived while we waited.
    const fresh = await store.customers.get(cid);
    if (!fresh?.subscribed || fresh.paused) return skip(b, cid, fresh?.paused ? 'paused' : 'unsubscribed');
    if (
      status !== 'attempting' &&
      !(await store.broadcasts.mark(id, cid, 'attempting', { from: ['pending'], at: now() }))
    ) {
      return; // another process claimed it
    }
    flying.add(cid);
    try {
      const outcome = await deliver(b, fresh);
      await record(b, cid, outcome);
    } finally {
      flying.delete(cid);
    }
  }

  function launch(id: string): void {
    if (running.has(id) || !(deps.canRun?.() ?? true)) return;
    const p = run(id)
      .catch((err: unknown) =>
        logger.error({ broadcast: id, err: (err as Error).message }, 'broadcast run crashed'),
      )
      .finally(() => running.delete(id));
    running.set(id, p);
  }

  const starting = new Set<string>();
  async function startDraft(b: Broadcast): Promise<Broadcast> {
    // Snapshot page by page; idempotent, so a start cut short by a crash can simply be repeated.
    const at = now();
    let cursor: string | null = null;
    do {
      const page = await store.customers.page({ subscribed: true, limit: PAGE, cursor });
      const ids = page.items.filter((c) => !c.paused).map((c) => c.id);
      if (ids.length) await store.broadcasts.addRecipients(b.id, ids, at);
      cursor = page.next;
    } while (cursor);
    const counts = await store.broadcasts.counts(b.id);
    const total = Object.values(counts).reduce((n, k) => n + (k ?? 0), 0);
    const next = (await store.broadcasts.update(b.id, { state: 'sending', total, startedAt: at })) ?? b;
    logger.info({ broadcast: b.id, recipients: total, via: b.via }, 'broadcast started');
    launch(b.id);
    return next;
  }

  const service: BroadcastService = {
    async create(text, createdBy) {
      const t = typeof text === 'string' ? { fr: text } : text;
      if (!t.fr?.trim()) throw new Error('a broadcast needs a French text');
      const b: Broadcast = {
        id: newId(),
        createdAt: now(),
        createdBy,
        text: t,
        via: deps.via,
        state: 'draft',
        total: 0,
      };
      await store.broadcasts.create(b);
      return b;
    },
    async start(id) {
      const b = await store.broadcasts.get(id);
      if (!b) throw new Error(`no broadcast ${id}`);
      if (b.state !== 'draft' || starting.has(id)) return b;
      // Two clicks on "send" at once must not take two snapshots.
      starting.add(id);
      try {
        return await startDraft(b);
      } finally {
        starting.delete(id);
      }
    },
    async cancel(id) {
      const b = await store.broadcasts.get(id);
      if (!b) return undefined;
      if (b.state === 'done' || b.state === 'cancelled') return b;
      cancelled.add(id);
      wakeAll();
      const r = running.get(id);
      if (r) await Promise.race([r, new Promise((res) => setTimeout(res, 10_000).unref())]);
      const cur = (await store.broadcasts.get(id)) ?? b;
      if (cur.state === 'cancelled') return cur;
      return (
        (await store.broadcasts.update(id, { state: 'cancelled', finishedAt: cur.finishedAt ?? now() })) ??
        cur
      );
    },
    async resume() {
      stopped = false;
      // The previous process may have sent a moment ago: keep the spacing across the restart.
      nextSlotAt = Math.max(nextSlotAt, now() + spacing);
      for (const b of await store.broadcasts.list(1000)) if (b.state === 'sending') launch(b.id);
    },
    async pickUp() {
      if (stopped) return;
      for (const b of await store.broadcasts.list(1000)) if (b.state === 'sending') launch(b.id);
    },
    async progress(id) {
      const b = await store.broadcasts.get(id);
      return b ? progressOf(b) : undefined;
    },
    async list(limit = 20) {
      return Promise.all((await store.broadcasts.list(limit)).map(progressOf));
    },
    async settled(id) {
      await running.get(id);
    },
    async handleCallback(body) {
      const tx = body.transaction;
      if (!isBroadcastExtId(tx.externalTransactionId)) return false;
      const data = (tx.data ?? {}) as { broadcastId?: unknown; customerId?: unknown };
      const bid = typeof data.broadcastId === 'string' ? data.broadcastId : '';
      const cid = typeof data.customerId === 'string' ? data.customerId : '';
      if (!bid || !cid || broadcastExtId(bid, cid) !== tx.externalTransactionId) {
        logger.warn({ ext: tx.externalTransactionId }, 'broadcast callback without matching data: ignored');
        return true;
      }
      const b = await store.broadcasts.get(bid);
      if (!b) return true;
      const at = now();
      if (body.status === 'FAILLED') await store.broadcasts.mark(bid, cid, 'failed', { from: ['sent'], at });
      else if (body.status === 'SUCCESS') {
        await store.broadcasts.mark(bid, cid, 'sent', { from: ['unknown'], at });
      }
      return true;
    },
    async messageFailed(broadcastId, customerId, error) {
      await store.broadcasts.mark(broadcastId, customerId, 'failed', {
        // 'attempting' too: the drainer can give up before the broadcast recorded the message as queued.
        from: ['sent', 'attempting'],
        reason: error.slice(0, 200),
        ref: broadcastOutboxId(broadcastId, customerId),
        at: now(),
      });
    },
    async stop() {
      stopped = true;
      wakeAll();
      await Promise.race([
        Promise.all([...running.values()]),
        new Promise((res) => setTimeout(res, 10_000).unref()),
      ]);
    },
  };
  return service;
}

/** onFinished that sends the final report to the admin who created the broadcast (by WhatsApp). */
export function reportToCreator(outbox: Outbox) {
  return async (b: Broadcast, p: BroadcastProgress): Promise<void> => {
    if (!b.createdBy.startsWith('+')) return;
    await outbox.send([
      {
        id: `${b.id}:report:${b.state}`,
        chat: b.createdBy,
        kind: 'reply',
        broadcastId: b.id,
        payload: textPayload(reportText(p)),
      },
    ]);
  };
}
