// WAMessage -> InboundMessage: which messages reach the bot, their text, and who sent them.
import {
  getContentType,
  isLidUser,
  jidNormalizedUser,
  normalizeMessageContent,
  type proto,
  toNumber,
  type WAMessage,
} from '@whiskeysockets/baileys';
import type { InboundMessage } from '../channel.js';
import { isPrivateChatJid, phoneFromJid } from './jid.js';

/** LID JID -> phone-number JID (the socket's LID mapping), or null when unknown. */
export type ResolvePn = (lidJid: string) => Promise<string | null | undefined>;

/** Content types that are signalling, not something a customer said. */
const SIGNALLING = new Set<string>([
  'protocolMessage',
  'reactionMessage',
  'encReactionMessage',
  'senderKeyDistributionMessage',
  'messageContextInfo',
  'pollUpdateMessage',
  'keepInChatMessage',
  'pinInChatMessage',
  'encEventResponseMessage',
  'secretEncryptedMessage',
  'botInvokeMessage',
  'placeholderMessage',
]);

/** The customer's words: typed text, a caption, or the id of the button / list row they picked. */
export function extractText(message: proto.IMessage | null | undefined): string {
  const m = normalizeMessageContent(message);
  if (!m) return '';
  const text =
    m.conversation ??
    m.extendedTextMessage?.text ??
    m.imageMessage?.caption ??
    m.videoMessage?.caption ??
    m.documentMessage?.caption ??
    m.buttonsResponseMessage?.selectedButtonId ??
    m.buttonsResponseMessage?.selectedDisplayText ??
    m.listResponseMessage?.singleSelectReply?.selectedRowId ??
    m.listResponseMessage?.title ??
    m.templateButtonReplyMessage?.selectedId ??
    m.templateButtonReplyMessage?.selectedDisplayText ??
    m.interactiveResponseMessage?.body?.text ??
    '';
  return text.trim();
}

/** Why a message is not for the bot, or null when it is. Pure and synchronous. */
export function skipReason(msg: WAMessage): string | null {
  const jid = msg.key?.remoteJid;
  if (!msg.key?.id) return 'no-id';
  if (msg.key.fromMe) return 'from-me';
  if (!isPrivateChatJid(jid)) return 'not-private-chat';
  // Undecryptable messages arrive as stubs without `message`; the same id comes back with content.
  if (!msg.message) return 'no-content';
  const content = normalizeMessageContent(msg.message);
  const type = getContentType(content ?? undefined);
  if (!type) return 'no-content';
  if (SIGNALLING.has(type)) return `signalling:${type}`;
  return null;
}

/**
 * The message as the bot sees it, or null when it must be ignored (groups, status, broadcasts,
 * newsletters, own messages, protocol / reaction messages, stubs). Media without a caption gives
 * text '' so the bot can still answer ("please type your request").
 */
export async function toIncoming(
  msg: WAMessage,
  resolvePn: ResolvePn,
  now: () => number = Date.now,
): Promise<InboundMessage | null> {
  if (skipReason(msg)) return null;
  const chat = jidNormalizedUser(msg.key.remoteJid as string);
  let phone = phoneFromJid(chat);
  if (!phone && isLidUser(chat)) {
    phone = phoneFromJid(msg.key.remoteJidAlt);
    if (!phone) {
      try {
        phone = phoneFromJid(await resolvePn(chat));
      } catch {
        phone = null; // an unknown mapping is not an error: the bot asks for the number
      }
    }
  }
  const seconds = toNumber(msg.messageTimestamp);
  const out: InboundMessage = {
    id: msg.key.id as string,
    customerId: phone ?? chat,
    phone,
    text: extractText(msg.message),
    at: seconds > 0 ? seconds * 1000 : now(),
  };
  if (msg.pushName) out.pushName = msg.pushName;
  return out;
}
