// What to do when the WhatsApp socket closes, and how long to wait before trying again.
import { DisconnectReason } from '@whiskeysockets/baileys';

export type DisconnectAction = 'restart' | 'reconnect' | 'logout' | 'fatal';

/** The status code Baileys puts on `lastDisconnect.error` (a Boom), if any. */
export function statusCodeOf(error: unknown): number | undefined {
  const code = (error as { output?: { statusCode?: unknown } } | undefined)?.output?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/**
 * 515 after pairing is normal: restart at once. 401/411: the session is gone, pair again.
 * 403 (banned / locked) and 440 (another client took the session): reconnecting would loop or
 * make things worse, so stop and alert. Everything else (428, 408, 503, 500, 405, unknown) is
 * transient: reconnect with backoff, keeping the auth state.
 */
export function disconnectAction(statusCode: number | undefined): DisconnectAction {
  switch (statusCode) {
    case DisconnectReason.restartRequired:
      return 'restart';
    case DisconnectReason.loggedOut:
    case DisconnectReason.multideviceMismatch:
      return 'logout';
    case DisconnectReason.forbidden:
    case DisconnectReason.connectionReplaced:
      return 'fatal';
    default:
      return 'reconnect';
  }
}

export interface BackoffOptions {
  baseMs?: number;
  maxMs?: number;
  /** 0..1; the delay is scaled by a factor in [1 - jitter/2, 1 + jitter/2]. */
  jitter?: number;
}

/** Exponential backoff with jitter: attempt 1 -> ~base, 2 -> ~2*base, ... capped at max. */
export function backoffDelay(
  attempt: number,
  random: () => number = Math.random,
  opts: BackoffOptions = {},
): number {
  const base = opts.baseMs ?? 2_000;
  const max = opts.maxMs ?? 120_000;
  const jitter = opts.jitter ?? 0.5;
  const raw = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  const factor = 1 - jitter / 2 + jitter * random();
  return Math.round(Math.min(max, raw * factor));
}
