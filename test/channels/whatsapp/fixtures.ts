// WAMessage fixtures built with the library's own proto, as Baileys would emit them.
import { proto, type WAMessage } from '@whiskeysockets/baileys';

export const NOW = Date.UTC(2026, 10, 29, 12, 0, 0);
export const PN_JID = '221771234567@s.whatsapp.net';
export const LID_JID = '123456789012345@lid';

let seq = 0;

export function waMessage(
  opts: {
    remoteJid?: string;
    remoteJidAlt?: string;
    id?: string;
    fromMe?: boolean;
    message?: proto.IMessage | null;
    at?: number;
    pushName?: string;
    messageStubType?: number;
  } = {},
): WAMessage {
  const key: WAMessage['key'] = {
    remoteJid: opts.remoteJid ?? PN_JID,
    fromMe: opts.fromMe ?? false,
    id: opts.id ?? `3EB0${(++seq).toString(16).padStart(16, '0').toUpperCase()}`,
  };
  if (opts.remoteJidAlt) key.remoteJidAlt = opts.remoteJidAlt;
  const msg = proto.WebMessageInfo.create({
    key,
    messageTimestamp: Math.floor((opts.at ?? NOW) / 1000),
    pushName: opts.pushName ?? 'Awa',
    ...(opts.message === null
      ? {}
      : { message: proto.Message.create(opts.message ?? { conversation: 'hello' }) }),
    ...(opts.messageStubType ? { messageStubType: opts.messageStubType } : {}),
  });
  return msg as WAMessage;
}
