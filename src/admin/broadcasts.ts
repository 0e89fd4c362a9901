// Broadcasts to subscribers, throttled to keep the WhatsApp number safe, and restart-safe:
// every recipient is marked 'attempting' durably (only if unmarked) BEFORE the send and 'sent'/'failed'
// after, so a restart never sends twice (an 'attempting' left by a crash is not resent through chat:
// at most once beats twice) and never skips anyone (unmarked recipients are sent on resume).
import { knownAtIntech } from '../intech/known.js';
import { createHash, randomUUID } from 'node:crypto';
import type { Channel } from '../channels/channel.js';
import type { Lang } from '../i18n/lang.js';
import type { IntechApi } from '../intech/api.js';
import type { CallbackBody } from '../intech/types.js';
import { IntechUnknownOutcomeError } from '../intech/errors.js';
import { type Logger, silentLogger } from '../logger.js';
import type { Broadcast, Customer, RecipientMark, Store } from '../store/types.js';

export const SKIPS_NS = 'broadcast-skips';
export const WHATSAPP_MESSAGING = 'WHATSAPP_MESSAGING';

export type SkipReason = 'unsubscribed' | 'paused' | 'unknown_customer' | 'no_phone' | 'unknown_outcome';

export interface BroadcastProgress {
  id: string;
  state: Broadcast['state'];
  via: Broadcast['via'];
  total: number;
  sent: number;
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
}

export interface BroadcastDeps {
  store: Store;
  channel: Pick<Channel, 'sendText'>;
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

  async function skipsOf(id: string): Promise<Record<string, SkipReason>> {
    const all = await store.kv.list<SkipReason>(SKIPS_NS);
    const out: Record<string, SkipReason> = {};
    const prefix = `${id}|`;
    for (const [k, v] of Object.entries(all)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
    return out;
  }

  function tally(
    b: Broadcast,
    marks: Record<string, RecipientMark>,
    skips: Record<string, SkipReason>,
  ): BroadcastProgress {
    let sent = 0;
    let failed = 0;
    let skipped = 0;
    let unknown = 0;
    const flying = inFlight.get(b.id);
    for (const cid of b.recipients) {
      const m = marks[cid];
      if (m === 'sent') sent++;
      else if (m === 'failed') {
        const reason = skips[cid];
        if (reason === 'unknown_outcome') unknown++;
        else if (reason) skipped++;
        else failed++;
      } else if (m === 'attempting' && !flying?.has(cid)) unknown++;
    }
    const total = b.recipients.length;
    const left = Math.max(0, total - sent - failed - skipped - unknown);
    const done = b.state === 'done' || b.state === 'cancelled';
    const percent = total === 0 ? (done ? 100 : 0) : Math.floor((100 * (total - left)) / total);
    return {
      id: b.id,
      state: b.state,
      via: b.via,
      total,
      sent,
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
    return tally(b, await store.broadcasts.marks(b.id), await skipsOf(b.id));
  }

  /** Persists sent/failed counts (failed = everything attempted or skipped that did not go out). */
  async function saveCounts(b: Broadcast): Promise<Broadcast> {
    const p = await progressOf(b);
    const next: Broadcast = {
      ...b,
      state: cancelled.has(b.id) ? 'cancelled' : b.state,
      sent: p.sent,
      failed: p.failed + p.skipped + p.unknown,
    };
    await store.broadcasts.save(next);
    return next;
  }

  async function skip(b: Broadcast, cid: string, reason: SkipReason): Promise<void> {
    await store.kv.set(SKIPS_NS, `${b.id}|${cid}`, reason);
    await store.broadcasts.mark(b.id, cid, 'failed');
  }

  type Outcome = 'sent' | 'failed' | 'unknown';

  async function deliver(b: Broadcast, c: Customer): Promise<Outcome> {
    const text = textFor(b, c.lang);
    if (b.via === 'chat') {
      try {
        await deps.channel.sendText(c.id, text);
        return 'sent';
      } catch (err) {
        logger.warn(
          { broadcast: b.id, customer: c.id, err: (err as Error).message },
          'broadcast send failed',
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
    if (o === 'unknown') await store.kv.set(SKIPS_NS, `${b.id}|${cid}`, 'unknown_outcome');
    await store.broadcasts.mark(b.id, cid, o === 'sent' ? 'sent' : 'failed');
  }

  async function run(id: string): Promise<void> {
    let b = await store.broadcasts.get(id);
    if (b?.state !== 'sending') return;
    const marks = await store.broadcasts.marks(id);
    const flying = new Set<string>();
    inFlight.set(id, flying);
    try {
      for (const cid of b.recipients) {
        if (stopped || cancelled.has(id)) break;
        const mark = marks[cid];
        if (mark === 'sent' || mark === 'failed') continue;
        if (mark === 'attempting') {
          // Left by a previous process (crash or stop mid-send).
          const o = b.via === 'intech' ? await checkIntech(b, cid) : 'unknown';
          if (o !== 'not_found') {
            await record(b, cid, o);
            b = await saveCounts(b);
            continue;
          }
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
        if (reason || !c) {
          await skip(b, cid, reason ?? 'unknown_customer');
          b = await saveCounts(b);
          continue;
        }
        await waitForSlot();
        if (stopped || cancelled.has(id)) break;
        // STOP may have arrived while we waited.
        const fresh = await store.customers.get(cid);
        if (!fresh?.subscribed || fresh.paused) {
          await skip(b, cid, fresh?.paused ? 'paused' : 'unsubscribed');
          b = await saveCounts(b);
          continue;
        }
        if (mark !== 'attempting' && !(await store.broadcasts.mark(id, cid, 'attempting', true))) continue;
        flying.add(cid);
        const outcome = await deliver(b, fresh);
        await record(b, cid, outcome);
        flying.delete(cid);
        b = await saveCounts(b);
      }
      if (stopped && !cancelled.has(id)) return;
      const final: Broadcast = { ...b, state: cancelled.has(id) ? 'cancelled' : 'done', finishedAt: now() };
      const saved = await saveCounts(final);
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

  function launch(id: string): void {
    if (running.has(id)) return;
    const p = run(id)
      .catch((err: unknown) =>
        logger.error({ broadcast: id, err: (err as Error).message }, 'broadcast run crashed'),
      )
      .finally(() => running.delete(id));
    running.set(id, p);
  }

  const starting = new Set<string>();
  async function startDraft(b: Broadcast): Promise<Broadcast> {
    const subs = await store.customers.list({ subscribed: true });
    const recipients = subs.filter((c) => !c.paused).map((c) => c.id);
    const next: Broadcast = { ...b, state: 'sending', recipients, startedAt: now() };
    await store.broadcasts.save(next);
    logger.info({ broadcast: b.id, recipients: recipients.length, via: b.via }, 'broadcast started');
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
        recipients: [],
        sent: 0,
        failed: 0,
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
      const done: Broadcast = { ...cur, state: 'cancelled', finishedAt: cur.finishedAt ?? now() };
      return saveCounts(done);
    },
    async resume() {
      stopped = false;
      // The previous process may have sent a moment ago: keep the spacing across the restart.
      nextSlotAt = Math.max(nextSlotAt, now() + spacing);
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
      const mark = (await store.broadcasts.marks(bid))[cid];
      const skips = await skipsOf(bid);
      if (body.status === 'FAILLED' && mark === 'sent') await store.broadcasts.mark(bid, cid, 'failed');
      else if (body.status === 'SUCCESS' && skips[cid] === 'unknown_outcome') {
        await store.kv.set(SKIPS_NS, `${bid}|${cid}`, null);
        await store.broadcasts.mark(bid, cid, 'sent');
      } else return true;
      // While the run is active it saves counts itself; afterwards, keep the stored figures right.
      if (!running.has(bid)) await saveCounts(b);
      return true;
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
export function reportToCreator(channel: () => Pick<Channel, 'sendText'> | undefined) {
  return async (b: Broadcast, p: BroadcastProgress): Promise<void> => {
    if (!b.createdBy.startsWith('+')) return;
    await channel()?.sendText(b.createdBy, reportText(p));
  };
}
