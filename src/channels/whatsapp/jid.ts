// JID helpers: which chats the bot talks to, and customerId <-> JID.
import {
  isJidBroadcast,
  isJidGroup,
  isJidNewsletter,
  isJidStatusBroadcast,
  isLidUser,
  isPnUser,
  jidDecode,
  jidNormalizedUser,
} from '@whiskeysockets/baileys';

/** Chats Baileys should not even decrypt: groups, status, broadcast lists, channels. */
export function shouldIgnoreJid(jid: string): boolean {
  return Boolean(isJidGroup(jid) || isJidStatusBroadcast(jid) || isJidBroadcast(jid) || isJidNewsletter(jid));
}

/** A one-to-one chat with a person (phone-number or LID identity). */
export function isPrivateChatJid(jid: string | null | undefined): jid is string {
  if (!jid || shouldIgnoreJid(jid)) return false;
  return Boolean(isPnUser(jid) || isLidUser(jid));
}

/** "221771234567:3@s.whatsapp.net" -> "+221771234567"; null for anything that is not a phone JID. */
export function phoneFromJid(jid: string | null | undefined): string | null {
  if (!jid || !isPnUser(jid)) return null;
  const user = jidDecode(jid)?.user;
  if (!user || !/^\d{6,15}$/.test(user)) return null;
  return `+${user}`;
}

/** Digits of a phone number given as E.164 or digits ("+221 77 123 45 67" -> "221771234567"). */
export function phoneDigits(phone: string): string {
  return phone.replace(/\D/g, '');
}

/** customerId (E.164, or a JID such as "123@lid") -> the JID to send to. */
export function customerIdToJid(customerId: string): string {
  if (customerId.includes('@')) return jidNormalizedUser(customerId) || customerId;
  const digits = phoneDigits(customerId);
  if (!/^\d{6,15}$/.test(digits)) throw new Error(`not a WhatsApp customer id: ${customerId}`);
  return `${digits}@s.whatsapp.net`;
}
