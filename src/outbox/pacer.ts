// The send rate, applied when a message actually leaves. The next slot is counted from the last real send,
// never reserved ahead: after an outage the queue leaves at the configured rate, not in a burst to catch up.

export interface Pacer {
  /** ms to wait before the next send may leave (0 = now). */
  delay(): number;
  /** A send was attempted at `at` (success or error: WhatsApp saw it either way). */
  sent(at: number): void;
  /** Holds every send until `until` (rate-overlimit, a run of errors). */
  pause(until: number): void;
  pausedUntil(): number;
  /** How many messages may go at once: 1 with a rate, more without one (sandbox). */
  readonly batch: number;
  /** No rate at all (sandbox): a chat's messages may leave beside the loop's batches. */
  readonly unrated: boolean;
}

export interface PacerOptions {
  /** Sends per minute across all chats; undefined = no rate (sandbox). */
  perMinute?: number;
  /** Extra random wait per send, as a fraction of the interval (default 0.3): a steady rhythm looks like a robot. */
  jitterRatio?: number;
  now: () => number;
  random: () => number;
}

export function createPacer(opts: PacerOptions): Pacer {
  if (opts.perMinute !== undefined && !(opts.perMinute > 0)) throw new Error('perMinute must be > 0');
  const interval = opts.perMinute ? 60_000 / opts.perMinute : 0;
  const jitter = opts.jitterRatio ?? 0.3;
  let nextAt = 0;
  let paused = 0;
  return {
    batch: interval > 0 ? 1 : 20,
    unrated: interval === 0,
    delay() {
      return Math.max(0, Math.max(nextAt, paused) - opts.now());
    },
    sent(at) {
      if (interval > 0) nextAt = at + interval + Math.round(opts.random() * interval * jitter);
    },
    pause(until) {
      paused = Math.max(paused, until);
    },
    pausedUntil: () => paused,
  };
}
