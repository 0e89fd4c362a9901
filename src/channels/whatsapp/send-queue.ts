// Outbound queue: per-chat FIFO, a global rate with random jitter, and a pause + retry when
// WhatsApp answers rate-overlimit (429). Mass sending gets numbers banned; keep it gentle.
import type { Logger } from '../../logger.js';
import { type BackoffOptions, backoffDelay } from './disconnect.js';

export interface SendQueueOptions {
  /** Global sends per minute (all chats together). */
  perMinute: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Extra random wait per send, as a fraction of the interval (default 0.3). */
  jitterRatio?: number;
  /** Retries after rate-overlimit before giving up (default 5). */
  maxRetries?: number;
  /** Pause schedule after rate-overlimit (default 10 s doubling, max 5 min). */
  overlimitBackoff?: BackoffOptions;
  logger?: Logger;
}

export interface SendQueue {
  /** Runs `task` after every earlier task of the same chat, in a global rate slot. */
  enqueue<T>(chat: string, task: () => Promise<T>): Promise<T>;
  /** Tasks not yet finished. */
  pending(): number;
}

export function isRateOverlimit(error: unknown): boolean {
  const e = error as {
    message?: unknown;
    data?: unknown;
    output?: { statusCode?: unknown };
    statusCode?: unknown;
  };
  if (!e || typeof e !== 'object') return false;
  if (typeof e.message === 'string' && e.message.includes('rate-overlimit')) return true;
  return e.data === 429 || e.output?.statusCode === 429 || e.statusCode === 429;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createSendQueue(opts: SendQueueOptions): SendQueue {
  if (!(opts.perMinute > 0)) throw new Error('sendPerMinute must be > 0');
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? defaultSleep;
  const random = opts.random ?? Math.random;
  const interval = 60_000 / opts.perMinute;
  const jitterRatio = opts.jitterRatio ?? 0.3;
  const maxRetries = opts.maxRetries ?? 5;
  const backoff: BackoffOptions = { baseMs: 10_000, maxMs: 300_000, ...opts.overlimitBackoff };
  const chains = new Map<string, Promise<unknown>>();
  let nextAt = 0; // earliest start of the next send, across all chats
  let pausedUntil = 0; // set by rate-overlimit; also holds sends whose slot was already reserved
  let inFlight = 0;

  /** Reserves the next global slot synchronously; returns how long to wait for it. */
  const reserve = (): number => {
    const t = now();
    const start = Math.max(t, nextAt) + Math.round(random() * interval * jitterRatio);
    nextAt = start + interval;
    return start - t;
  };

  const runWithRate = async <T>(task: () => Promise<T>): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      const wait = reserve();
      if (wait > 0) await sleep(wait);
      // A slot reserved before a rate-overlimit pause is stale: wait the pause out, then queue
      // again so the sends held back do not all fire at once when it ends.
      // Loops only while a newer pause started meanwhile (never spins on a stuck clock).
      for (let waited = 0; pausedUntil > waited && now() < pausedUntil; ) {
        waited = pausedUntil;
        await sleep(pausedUntil - now());
        const again = reserve();
        if (again > 0) await sleep(again);
      }
      try {
        return await task();
      } catch (error) {
        if (!isRateOverlimit(error) || attempt >= maxRetries) throw error;
        const pause = backoffDelay(attempt + 1, random, backoff);
        // Everyone pauses, not just this chat: the limit is per account.
        pausedUntil = Math.max(pausedUntil, now() + pause);
        nextAt = Math.max(nextAt, pausedUntil);
        opts.logger?.warn({ attempt: attempt + 1, pauseMs: pause }, 'whatsapp rate-overlimit: pausing sends');
      }
    }
  };

  return {
    enqueue<T>(chat: string, task: () => Promise<T>): Promise<T> {
      inFlight++;
      const previous = chains.get(chat) ?? Promise.resolve();
      const result = previous.then(() => runWithRate(task));
      const tail = result.then(
        () => undefined,
        () => undefined,
      );
      chains.set(chat, tail);
      void tail.then(() => {
        inFlight--;
        if (chains.get(chat) === tail) chains.delete(chat);
      });
      return result;
    },
    pending: () => inFlight,
  };
}
