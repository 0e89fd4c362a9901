import { proto } from '@whiskeysockets/baileys';
import { describe, expect, it, vi } from 'vitest';
import { extractText, skipReason, toIncoming } from '../../../src/channels/whatsapp/incoming.js';
import { customerIdToJid, phoneFromJid, shouldIgnoreJid } from '../../../src/channels/whatsapp/jid.js';
import { LID_JID, NOW, PN_JID, waMessage } from './fixtures.js';

const noPn = async () => null;

describe('toIncoming: which messages reach the bot', () => {
  it('delivers a private text message with phone, id, time and push name', async () => {
    const m = waMessage({ id: 'ABC', message: { conversation: ' 1000 Orange ' } });
    expect(await toIncoming(m, noPn)).toEqual({
      id: 'ABC',
      customerId: '+221771234567',
      phone: '+221771234567',
      text: '1000 Orange',
      at: NOW,
      pushName: 'Awa',
    });
  });

  it.each([
    ['group', waMessage({ remoteJid: '120363041234567890@g.us' })],
    ['status', waMessage({ remoteJid: 'status@broadcast' })],
    ['broadcast list', waMessage({ remoteJid: '1699999999@broadcast' })],
    ['newsletter', waMessage({ remoteJid: '120363111111111111@newsletter' })],
    ['own message', waMessage({ fromMe: true })],
    [
      'protocol message',
      waMessage({ message: { protocolMessage: { type: proto.Message.ProtocolMessage.Type.REVOKE } } }),
    ],
    ['reaction', waMessage({ message: { reactionMessage: { text: '👍', key: { id: 'X' } } } })],
    ['stub without message (undecryptable)', waMessage({ message: null, messageStubType: 2 })],
    [
      'sender-key distribution only',
      waMessage({
        message: {
          senderKeyDistributionMessage: {
            groupId: 'g',
            axolotlSenderKeyDistributionMessage: new Uint8Array([1]),
          },
        },
      }),
    ],
  ])('ignores a %s', async (_name, m) => {
    expect(skipReason(m)).not.toBeNull();
    expect(await toIncoming(m, noPn)).toBeNull();
  });

  it('keeps media without caption, with empty text, so the bot can still answer', async () => {
    const m = waMessage({ message: { audioMessage: { seconds: 3 } } });
    expect((await toIncoming(m, noPn))?.text).toBe('');
  });
});

describe('toIncoming: LID senders', () => {
  it('uses remoteJidAlt when the server sends the phone number', async () => {
    const resolve = vi.fn(noPn);
    const m = waMessage({ remoteJid: LID_JID, remoteJidAlt: PN_JID });
    const got = await toIncoming(m, resolve);
    expect(got).toMatchObject({ customerId: '+221771234567', phone: '+221771234567' });
    expect(resolve).not.toHaveBeenCalled();
  });

  it('falls back to the LID mapping (device suffix dropped)', async () => {
    const resolve = vi.fn(async (lid: string) => (lid === LID_JID ? '221781112233:0@s.whatsapp.net' : null));
    const got = await toIncoming(waMessage({ remoteJid: LID_JID }), resolve);
    expect(got).toMatchObject({ customerId: '+221781112233', phone: '+221781112233' });
    expect(resolve).toHaveBeenCalledWith(LID_JID);
  });

  it('gives the LID JID and a null phone when nothing is known (bot must ask the number)', async () => {
    const got = await toIncoming(waMessage({ remoteJid: LID_JID }), noPn);
    expect(got).toMatchObject({ customerId: LID_JID, phone: null });
    const failing = await toIncoming(waMessage({ remoteJid: LID_JID }), async () => {
      throw new Error('no mapping');
    });
    expect(failing).toMatchObject({ customerId: LID_JID, phone: null });
  });

  it('normalises a device-suffixed LID chat', async () => {
    const got = await toIncoming(waMessage({ remoteJid: '123456789012345:12@lid' }), noPn);
    expect(got?.customerId).toBe(LID_JID);
  });
});

describe('extractText', () => {
  it.each<[string, proto.IMessage, string]>([
    ['conversation', { conversation: 'solde' }, 'solde'],
    ['extended text', { extendedTextMessage: { text: 'Woyofal 5000' } }, 'Woyofal 5000'],
    ['image caption', { imageMessage: { caption: 'facture Senelec' } }, 'facture Senelec'],
    ['video caption', { videoMessage: { caption: 'vid' } }, 'vid'],
    ['document caption', { documentMessage: { caption: 'doc' } }, 'doc'],
    [
      'button reply',
      { buttonsResponseMessage: { selectedButtonId: 'confirm', selectedDisplayText: 'Oui' } },
      'confirm',
    ],
    [
      'list reply',
      { listResponseMessage: { title: 'Orange', singleSelectReply: { selectedRowId: 'op:orange' } } },
      'op:orange',
    ],
    [
      'template button reply',
      { templateButtonReplyMessage: { selectedId: 'cancel', selectedDisplayText: 'Non' } },
      'cancel',
    ],
    [
      'ephemeral wrapper',
      { ephemeralMessage: { message: { extendedTextMessage: { text: 'dans ephemeral' } } } },
      'dans ephemeral',
    ],
    ['view-once image', { viewOnceMessageV2: { message: { imageMessage: { caption: 'vue' } } } }, 'vue'],
    ['sticker', { stickerMessage: {} }, ''],
  ])('%s', (_name, message, expected) => {
    expect(extractText(proto.Message.create(message))).toBe(expected);
  });
});

describe('JID helpers', () => {
  it('maps phone JIDs to E.164 and back', () => {
    expect(phoneFromJid('221771234567:3@s.whatsapp.net')).toBe('+221771234567');
    expect(phoneFromJid(LID_JID)).toBeNull();
    expect(phoneFromJid(undefined)).toBeNull();
    expect(customerIdToJid('+221771234567')).toBe(PN_JID);
    expect(customerIdToJid(LID_JID)).toBe(LID_JID);
    expect(() => customerIdToJid('hello')).toThrow();
  });

  it('tells Baileys to ignore groups, status, broadcasts and newsletters', () => {
    expect(shouldIgnoreJid('120363041234567890@g.us')).toBe(true);
    expect(shouldIgnoreJid('status@broadcast')).toBe(true);
    expect(shouldIgnoreJid('1699999999@broadcast')).toBe(true);
    expect(shouldIgnoreJid('120363111111111111@newsletter')).toBe(true);
    expect(shouldIgnoreJid(PN_JID)).toBe(false);
    expect(shouldIgnoreJid(LID_JID)).toBe(false);
  });
});
