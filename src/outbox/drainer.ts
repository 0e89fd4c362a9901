// The drainer: the only caller of the channel's send. It claims messages from the durable outbox (the
// store keeps per-chat order), sends them at the configured rate, and records the outcome: markSent with
// the WhatsApp id, retry with backoff on transient errors, markFailed on permanent ones.
//
// Delivery guarantee, chosen: AT-LEAST-ONCE. The window between the channel accepting a message and
// markSent being durable cannot be closed on our side. A crash in that window leaves the row 'sending';
// once its claim expires, a drainer claims it again and sends it again — with the same WhatsApp message id,
// derived from the row's id (src/channels/whatsapp/message-id.ts), so the customer's WhatsApp should see one
// message with one key (not verifiable without real WhatsApp: count on a possible duplicate). The other choice (at-most-once: never resend an expired claim) would silently lose a
// receipt or a reply, which the product forbids; a duplicate text is the lesser harm. Within a process
// the window is closed: a message the channel accepted is never sent again, even when markSent fails
// (the WhatsApp id is kept and markSent retried), and a row that already has a waMessageId is only marked.
import type { Logger } from '../logger.js';
import type {
  OutboxChatView,
  OutboxMessage,
  OutboxPayload,
  OutboxRepo,
  OutboxState,
  WriteUnit,
} from '../store/types.js';
import { ChannelNotReadyError, classifySendError, errorText, type SendErrorKind } from './errors.js';
import type { Pacer } from './pacer.js';

/** What the drainer needs from a channel. */
export interface SendTarget {
  deliver(chat: string, payload: OutboxPayload, outboxId?: string): Promise<{ waMessageId?: string }>;
  canSend(): boolean;
}

/**
 * How a flush knows its chat is done: the chat's newest `limit` rows in `states`, read after each send
 * (with the sent mark when the store can), then `done` of them.
 */
export interface ChatCheck {
  states: OutboxState[];
  limit: number;
  done: (rows: OutboxMessage[]) => boolean;
  /**
   * The flush may be done once the turn's own rows are delivered, before their sent marks are stored, when
   * its commit wrote them claimed (so they were the chat's only unsent rows then) and nothing was queued
   * for the chat in this process since. `done` then sees those rows as sent, and rows another instance
   * queued after that commit are left to the drainer loop, as if queued after the check.
   */
  early?: boolean;
}

/** The rows a check reads of a chat. */
const viewOf = (chat: string, check: ChatCheck): OutboxChatView => ({
  chat,
  states: check.states,
  limit: check.limit,
});

/** The default check: nothing of the chat unsent. */
const NOTHING_LEFT: ChatCheck = {
  states: ['pending', 'sending'],
  limit: 1,
  done: (rows) => rows.length === 0,
};

export interface DrainerDeps {
  outbox: OutboxRepo;
  channel: SendTarget;
  /** This process's claim owner id (unique per process). */
  owner: string;
  pacer: Pacer;
  now: () => number;
  random: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Idle poll interval (default 1 s): picks up work left by a restart or another instance. */
  pollMs?: number;
  /** Claim lease (default 60 s): a crashed owner's claims are taken again after it. */
  leaseMs?: number;
  /** Transient errors before giving up on a message (default 12, about half an hour with the backoff). */
  maxAttempts?: number;
  /** Retry backoff (default 2 s doubling, at most 5 min, with jitter). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** This many send errors in a row pause every send (default 5) for errorPauseMs (default 2 min). */
  errorRun?: number;
  errorPauseMs?: number;
  /** First pause after rate-overlimit (default 30 s, doubling while it repeats, at most 15 min). */
  overlimitPauseMs?: number;
  onAlert?: (kind: string, message: string) => void;
  onSendError?: (kind: SendErrorKind) => void;
  /** A message given up on (permanent error or too many attempts): a broadcast counts it as failed. */
  onFailed?: (message: OutboxMessage, error: string) => void | Promise<void>;
  logger?: Logger;
}

export interface Drainer {
  start(): void;
  /** Finishes the send in flight (and its markSent), then stops. */
  stop(): Promise<void>;
  /**
   * Something was just enqueued: look now instead of at the next poll (the rate still applies). With the
   * chats it was for: no wake-up when every one of them is held (its own flush is about to send it).
   */
  kick(chats?: readonly string[]): void;
  /**
   * Without a rate (sandbox): a turn of this chat will flush it itself, so kicks for it do not wake the
   * loop meanwhile (one claim instead of two). Returns the release; the poll still finds anything left.
   */
  holdChat(chat: string): () => void;
  /**
   * For a held chat (its turn's flush comes right after the commit): the claim its rows can be written
   * with (WriteUnit.claim), so that the flush sends them without claiming them first. Else undefined.
   */
  claimFor(chat: string): WriteUnit['claim'] | undefined;
  /** Rows a commit wrote claimed for this drainer (claimFor): the chat's flush sends them first. */
  adopt(messages: readonly OutboxMessage[]): void;
  /**
   * Sends this chat's waiting messages now; true when `check` says the chat is done (default: none is
   * left), false at the deadline. A caller that also wants what it read gives its own check.
   */
  flushChat(chat: string, deadlineMs?: number, check?: ChatCheck): Promise<boolean>;
  /** Sends what is waiting, at the rate, until nothing is left or the deadline (graceful stop). */
  flush(deadlineMs: number): Promise<boolean>;
  /** One claim-and-send round (tests); returns how many messages were handled. */
  drainOnce(): Promise<number>;
}

const defaultSleep = (ms: number) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    t.unref?.();
  });

export function createDrainer(deps: DrainerDeps): Drainer {
  const { outbox, channel, owner, pacer, now, random } = deps;
  const sleep = deps.sleep ?? defaultSleep;
  const pollMs = deps.pollMs ?? 1_000;
  const leaseMs = deps.leaseMs ?? 60_000;
  const maxAttempts = deps.maxAttempts ?? 12;
  const retryBase = deps.retryBaseMs ?? 2_000;
  const retryMax = deps.retryMaxMs ?? 300_000;
  const errorRun = deps.errorRun ?? 5;
  const errorPauseMs = deps.errorPauseMs ?? 120_000;
  const overlimitBase = deps.overlimitPauseMs ?? 30_000;
  const log = deps.logger;

  let running = false;
  let stopped = false;
  let loop: Promise<void> | undefined;
  let wakers: (() => void)[] = [];
  /** Sends the channel accepted but whose markSent did not land yet: never sent again by this process. */
  const accepted = new Map<string, string | undefined>();
  /** Chats a turn will flush itself; `skipped`: a kick for it was let go since the flush last looked. */
  const held = new Map<string, { n: number; skipped: boolean }>();
  /** Rows written claimed for this drainer (adopt), per chat in seq order: sent by the chat's flush. */
  const adopted = new Map<string, OutboxMessage[]>();
  /** Sent marks still being stored after an early flush (ChatCheck.early): per chat, all of its marks. */
  const marking = new Map<string, Promise<void>>();
  let errorsInRow = 0;
  let overlimitStreak = 0;
  let lock: Promise<unknown> = Promise.resolve();

  const wakeAll = () => {
    const w = wakers;
    wakers = [];
    for (const f of w) f();
  };
  /** Sleeps ms, or less when kicked / stopped. */
  const wait = (ms: number): Promise<void> =>
    new Promise<void>((resolve) => {
      wakers.push(resolve);
      void sleep(ms).then(resolve);
    });

  /** One batch at a time across the loop and the flushes: the rate is global. */
  function locked<T>(fn: () => Promise<T>): Promise<T> {
    const run = lock.then(fn, fn);
    lock = run.catch(() => undefined);
    return run;
  }

  function backoff(attempts: number): number {
    const exp = Math.min(retryMax, retryBase * 2 ** Math.max(0, attempts));
    return Math.round(exp * (0.75 + 0.5 * random()));
  }

  function pauseAll(ms: number, kind: string, message: string): void {
    const until = now() + ms;
    const wasPaused = pacer.pausedUntil() > now();
    pacer.pause(until);
    log?.warn({ pauseMs: ms }, `outbox: sending paused (${kind})`);
    if (!wasPaused) deps.onAlert?.(kind, message);
  }

  function onError(kind: SendErrorKind, err: unknown): void {
    deps.onSendError?.(kind);
    if (err instanceof ChannelNotReadyError) return; // an outage, alerted by the channel itself
    errorsInRow++;
    if (kind === 'overlimit') {
      const ms = Math.min(15 * 60_000, overlimitBase * 2 ** overlimitStreak++);
      pauseAll(
        ms,
        'whatsapp_rate_limited',
        `WhatsApp refused a send as rate-overlimit; every send is paused for ${Math.round(ms / 1000)} s. Lower WHATSAPP_SEND_PER_MINUTE if it repeats.`,
      );
    } else if (errorsInRow >= errorRun) {
      errorsInRow = 0;
      pauseAll(
        errorPauseMs,
        'whatsapp_send_errors',
        `${errorRun} WhatsApp sends failed in a row (last: ${errorText(err)}); sending paused for ${Math.round(errorPauseMs / 1000)} s.`,
      );
    }
  }

  /** With `check`: the chat read back in the same call, for the flush's check (undefined if it failed). */
  async function markSent(
    m: OutboxMessage,
    waMessageId: string | undefined,
    check?: ChatCheck,
  ): Promise<OutboxMessage[] | undefined> {
    const result = { ...(waMessageId ? { waMessageId } : {}), at: now() };
    try {
      let rows: OutboxMessage[] | undefined;
      if (check) rows = (await outbox.markSentThenList(m.id, owner, result, viewOf(m.chat, check))).rows;
      else await outbox.markSent(m.id, owner, result);
      accepted.delete(m.id);
      return rows;
    } catch (err) {
      // Sent but not recorded: keep the id, the next claim of this row only records it.
      log?.error({ outboxId: m.id, err: errorText(err) }, 'outbox: markSent failed after a send');
      return undefined;
    }
  }

  /** Returns the chat read back with the mark when `check` is given and the row was sent. */
  async function sendOne(m: OutboxMessage, check?: ChatCheck): Promise<OutboxMessage[] | undefined> {
    const result = await deliverOne(m);
    return result ? markSent(m, result.waMessageId, check) : undefined;
  }

  /**
   * Hands m to the channel, not marking it: its result, or undefined when the send failed (then recorded
   * for a retry, or as failed). A row already accepted (by this process, or with its WhatsApp id) is not
   * sent again: its known result only waits for the mark.
   */
  async function deliverOne(m: OutboxMessage): Promise<{ waMessageId?: string } | undefined> {
    if (m.waMessageId || accepted.has(m.id)) return { waMessageId: m.waMessageId ?? accepted.get(m.id) };
    let result: { waMessageId?: string };
    try {
      if (!channel.canSend()) throw new ChannelNotReadyError('not connected');
      pacer.sent(now());
      result = await channel.deliver(m.chat, m.payload, m.id);
    } catch (err) {
      const kind = classifySendError(err);
      onError(kind, err);
      const why = errorText(err);
      try {
        if (kind === 'permanent' || m.attempts + 1 >= maxAttempts) {
          log?.error({ outboxId: m.id, kind: m.kind, err: why }, 'outbox: message given up');
          if (await outbox.markFailed(m.id, owner, why, now())) await deps.onFailed?.(m, why);
        } else {
          const delay = kind === 'overlimit' ? 0 : backoff(m.attempts);
          log?.warn({ outboxId: m.id, attempt: m.attempts + 1, err: why }, 'outbox: send failed, will retry');
          await outbox.retry(m.id, owner, now() + delay, why);
        }
      } catch (storeErr) {
        // The claim expires and the row is taken again: nothing lost.
        log?.error({ outboxId: m.id, err: errorText(storeErr) }, 'outbox: recording a send error failed');
      }
      return undefined;
    }
    errorsInRow = 0;
    overlimitStreak = 0;
    accepted.set(m.id, result.waMessageId);
    return result;
  }

  /** The sent mark stored in the background (an early flush): tracked per chat and for stop(). */
  function markLater(m: OutboxMessage, waMessageId: string | undefined): void {
    // markSent never rejects (a failed mark is logged and kept in `accepted`).
    const all = Promise.all([marking.get(m.chat), markSent(m, waMessageId)]).then(() => {
      if (marking.get(m.chat) === all) marking.delete(m.chat);
    });
    marking.set(m.chat, all);
  }

  /**
   * An early flush (ChatCheck.early): the chat's adopted rows delivered in order, their marks stored in the
   * background. True when `check` is satisfied by them; false (the caller goes on as usual) when one
   * failed to send or the check wants more.
   */
  async function flushEarly(chat: string, check: ChatCheck): Promise<boolean> {
    const sent: OutboxMessage[] = [];
    for (let m = takeAdopted(chat); m; m = takeAdopted(chat)) {
      const result = await deliverOne(m);
      if (!result) return false;
      markLater(m, result.waMessageId);
      const at = now();
      const wa = result.waMessageId;
      sent.push({ ...m, state: 'sent', sentAt: at, doneAt: at, ...(wa ? { waMessageId: wa } : {}) });
    }
    const view = sent
      .filter((x) => check.states.includes(x.state))
      .sort((a, b) => b.seq - a.seq)
      .slice(0, Math.max(0, check.limit));
    return check.done(view);
  }

  /** Claims what the rate allows now and sends it. */
  function sendBatch(): Promise<number> {
    return locked(async () => {
      if (pacer.delay() > 0 || !channel.canSend()) return 0;
      const batch = await outbox.claim(owner, now(), leaseMs, pacer.batch);
      await Promise.all(batch.map((m) => sendOne(m)));
      if (batch.length) wakeAll(); // flushes waiting on progress
      return batch.length;
    });
  }

  async function run(): Promise<void> {
    while (!stopped) {
      const d = pacer.delay();
      if (d > 0) {
        await wait(d); // a kick only makes the loop look again: the delay is re-checked
        continue;
      }
      let n = 0;
      try {
        n = channel.canSend() ? await sendBatch() : 0;
      } catch (err) {
        log?.error({ err: errorText(err) }, 'outbox: drain pass failed');
      }
      if (n === 0 && !stopped) await wait(pollMs);
    }
  }

  async function flushUntil(done: () => Promise<boolean>, deadlineMs: number): Promise<boolean> {
    const until = now() + deadlineMs;
    for (;;) {
      if (await done()) return true;
      const left = until - now();
      if (left <= 0) return false;
      const d = pacer.delay();
      if (d > 0) {
        if (d >= left) return false;
        await wait(d);
        continue;
      }
      const n = channel.canSend() ? await sendBatch() : 0;
      // Nothing claimable (the loop was sending this chat's message, a retry is not due): look again at
      // once (the batch we waited for may have finished it), else wait a little.
      if (n === 0 && !(await done())) await wait(Math.min(50, until - now()));
    }
  }

  /** The chat's next row written claimed for us, taken (so that only one flush sends it). */
  function takeAdopted(chat: string): OutboxMessage | undefined {
    const list = adopted.get(chat);
    const m = list?.shift();
    if (list && list.length === 0) adopted.delete(chat);
    return m;
  }

  /** Rows adopted for a chat no flush will send any more (its turn ended without one): sent now, in order. */
  async function sendAdopted(chat: string): Promise<void> {
    for (let m = takeAdopted(chat); m; m = takeAdopted(chat)) {
      try {
        await sendOne(m);
      } catch (err) {
        // The claim runs out and the row is taken again: nothing lost.
        log?.error({ outboxId: m.id, err: errorText(err) }, 'outbox: sending an adopted message failed');
      }
    }
  }

  /**
   * No rate (sandbox): this chat's messages are claimed and sent here, one after the other in seq order,
   * beside the loop rather than queued behind its batches (the turn waiting for its replies costs one
   * chat's work, not everyone's). Another sender holding this chat's head (the loop, another instance) is
   * waited for.
   */
  /** Whether `check` finds the chat done: on rows just read (with a sent mark), else on a read of its own. */
  async function chatDone(chat: string, check: ChatCheck, read?: OutboxMessage[]): Promise<boolean> {
    return check.done(read ?? (await outbox.list(viewOf(chat, check))));
  }

  async function flushOwnChat(chat: string, check: ChatCheck, deadlineMs: number): Promise<boolean> {
    const until = now() + deadlineMs;
    const idle = (read?: OutboxMessage[]) => chatDone(chat, check, read);
    const hold = held.get(chat);
    if (
      check.early &&
      hold &&
      !hold.skipped &&
      adopted.has(chat) &&
      channel.canSend() &&
      pacer.delay() <= 0 &&
      (await flushEarly(chat, check))
    )
      return true;
    // An earlier early flush's marks first: until they are stored, its rows hold the chat's head.
    await marking.get(chat);
    for (;;) {
      if (!channel.canSend()) return idle();
      const d = pacer.delay(); // a pause after a run of errors holds these too
      if (d > 0) {
        if (d >= until - now()) return idle();
        await wait(d);
        continue;
      }
      // The turn's own rows, written claimed for us, need no claim of their own.
      const m = takeAdopted(chat) ?? (await outbox.claim(owner, now(), leaseMs, 1, chat))[0];
      // The chat is looked at from here on (with the sent mark, or by idle()): a kick let go after this
      // may be for a row that look misses, and wakes the loop at release.
      const h = held.get(chat);
      if (h) h.skipped = false;
      // The chat read back with the sent mark: one call fewer per reply.
      const read = m ? await sendOne(m, check) : undefined;
      if (await idle(read)) return true;
      if (m) continue; // the next reply of this turn
      const left = until - now();
      if (left <= 0) return false;
      await wait(Math.min(50, left));
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      stopped = false;
      loop = run().catch((err) => log?.error({ err: errorText(err) }, 'outbox: drainer stopped on error'));
    },
    async stop() {
      stopped = true;
      wakeAll();
      await loop;
      await lock;
      await Promise.all(marking.values());
      running = false;
    },
    kick(chats) {
      if (chats?.length && pacer.unrated && chats.every((c) => held.has(c))) {
        for (const c of chats) held.get(c)!.skipped = true;
        return;
      }
      wakeAll();
    },
    holdChat(chat) {
      if (!pacer.unrated) return () => undefined;
      const h = held.get(chat) ?? { n: 0, skipped: false };
      h.n++;
      held.set(chat, h);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        if (--h.n > 0) return;
        held.delete(chat);
        // Enqueued after the flush last looked (a message from another flow): the loop takes it now, or
        // once the early flush's marks are stored (until then its rows hold the chat's head).
        const marked = marking.get(chat);
        if (h.skipped) marked ? void marked.then(wakeAll) : wakeAll();
        if (adopted.has(chat)) void sendAdopted(chat);
      };
    },
    claimFor(chat) {
      if (!pacer.unrated || !held.has(chat) || stopped) return undefined;
      return { chat, owner, leaseUntil: now() + leaseMs };
    },
    adopt(messages) {
      for (const m of messages) {
        const list = adopted.get(m.chat) ?? [];
        list.push(m);
        list.sort((a, b) => a.seq - b.seq);
        adopted.set(m.chat, list);
      }
    },
    flushChat(chat, deadlineMs = 10_000, check = NOTHING_LEFT) {
      if (!pacer.unrated) {
        return flushUntil(() => chatDone(chat, check), deadlineMs);
      }
      return flushOwnChat(chat, check, deadlineMs);
    },
    flush(deadlineMs) {
      return flushUntil(async () => {
        const d = await outbox.depth();
        return d.pending + d.sending === 0;
      }, deadlineMs);
    },
    drainOnce: sendBatch,
  };
}
