// WhatsApp channel (Baileys). createWhatsAppChannel is the entry point; the pieces are exported
// for tests and tools.
export { type KvAuthState, useKvAuthState } from './auth-state.js';
export {
  createWhatsAppChannel,
  HOW_TO_PAIR,
  type WhatsAppChannel,
  type WhatsAppChannelDeps,
  type WhatsAppState,
} from './channel.js';
export { createMessageDedupe, dedupeKey, type MessageDedupe } from './dedupe.js';
export { backoffDelay, type DisconnectAction, disconnectAction, statusCodeOf } from './disconnect.js';
export { extractText, type ResolvePn, skipReason, toIncoming } from './incoming.js';
export { customerIdToJid, isPrivateChatJid, phoneFromJid, shouldIgnoreJid } from './jid.js';
export { isRateOverlimit } from '../../outbox/errors.js';
export { createLruCacheStore, createSentMessageStore, LruMap, type SentMessageStore } from './sent-store.js';
export type { SocketFactory, WaSocketLike } from './socket.js';
