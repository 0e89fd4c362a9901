// The link between the bot and its WhatsApp number: what the admin sees (state, QR, pairing code) and
// the pure rule for a closed socket that also knows whether the session was ever linked.
import type { AuthenticationCreds } from '@whiskeysockets/baileys';
import { type DisconnectAction, disconnectAction } from './disconnect.js';

export type WhatsAppState = 'connecting' | 'open' | 'closed' | 'logged_out' | 'stopped';

/** For the admin dashboard only: the QR is a credential (never in /healthz or logs). */
export interface LinkStatus {
  state: WhatsAppState;
  /** A session was paired once (creds hold an account); false = waiting for a first QR scan / code. */
  linked: boolean;
  /** Since when the state holds (epoch ms). */
  since: number;
  /** The QR Baileys emitted last on the live socket (refreshed every ~20 s), if any. */
  qr?: string;
  qrAt?: number;
  /** The pairing code of the live socket (WHATSAPP_PAIRING_NUMBER set), if any. */
  pairingCode?: string;
  pairingCodeAt?: number;
  lastDisconnect?: { code: number | null; at: number };
}

/**
 * Paired at least once. A QR pairing sets `account` (pair-success) but never `registered`; a pairing
 * code sets `registered` when the code is typed, then `account`.
 */
export function isLinked(creds: Pick<AuthenticationCreds, 'account' | 'registered'>): boolean {
  return Boolean(creds.account || creds.registered);
}

/** repair: the pairing never completed; wipe the half-made session and pair afresh (new QR / code). */
export type ClosePlan = DisconnectAction | 'repair';

/**
 * A 401/411 on a session that was never linked is not a logout: it is a pairing code that was not
 * typed in time (`requestPairingCode` stores `creds.me`, so the next socket tries a login and gets
 * 401). Same for any other close once a pairing code left `creds.me` behind: reconnecting with it
 * would only reach that 401. Both start a fresh pairing instead of sitting in logged_out.
 */
export function closePlan(
  statusCode: number | undefined,
  creds: Pick<AuthenticationCreds, 'account' | 'registered' | 'me'>,
): ClosePlan {
  const action = disconnectAction(statusCode);
  if (isLinked(creds) || action === 'restart' || action === 'fatal') return action;
  if (action === 'logout') return 'repair';
  return creds.me ? 'repair' : action;
}
