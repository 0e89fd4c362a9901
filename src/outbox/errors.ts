// How a send error is treated: rate-overlimit pauses every send (the limit is per WhatsApp account),
// transient errors (socket down, timeouts, connection lost) are retried later, permanent ones give up.

/** The channel cannot send right now (socket closed, reconnecting, logged out): nothing left, retry later. */
export class ChannelNotReadyError extends Error {
  readonly transient = true;
  constructor(detail: string) {
    super(`channel cannot send: ${detail}`);
    this.name = 'ChannelNotReadyError';
  }
}

/** Thrown by a channel for a message it can never send (bad address, unreadable payload). */
export class PermanentSendError extends Error {
  readonly permanent = true;
  constructor(message: string) {
    super(message);
    this.name = 'PermanentSendError';
  }
}

export type SendErrorKind = 'overlimit' | 'transient' | 'permanent';

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

export function classifySendError(error: unknown): SendErrorKind {
  if (isRateOverlimit(error)) return 'overlimit';
  if ((error as { permanent?: unknown })?.permanent === true) return 'permanent';
  // Everything else (Boom 408/428/503, timeouts, "Connection Closed") may work on the next try.
  return 'transient';
}

export function errorText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 300);
}
