import { Boom } from '@hapi/boom';
import { Browsers, type ConnectionState, proto, type WAMessage } from '@whiskeysockets/baileys';
import { describe, expect, it, vi } from 'vitest';
import type { InboundMessage } from '../../../src/channels/channel.js';
import { createWhatsAppChannel, type WhatsAppChannelDeps } from '../../../src/channels/whatsapp/index.js';
import { silentLogger } from '../../../src/logger.js';
import { createMemoryStore } from '../../../src/store/memory.js';
import type { Store } from '../../../src/store/types.js';
import { ChannelNotReadyError, PermanentSendError } from '../../../src/outbox/errors.js';
import { text } from '../../../src/outbox/outbox.js';
import type { DeliveryUpdate } from '../../../src/outbox/delivery.js';
import { ack, type FakeSocket, fakeFactory, settle } from './fake-socket.js';
import { LID_JID, NOW, PN_JID, waMessage } from './fixtures.js';

/** A sleep the test releases by hand, to see what happens before and after a backoff. */
function manualSleep() {
  const pending: { ms: number; resolve: () => void }[] = [];
  const sleep = vi.fn((ms: number) => new Promise<void>((resolve) => pending.push({ ms, resolve })));
  return {
    sleep,
    pending,
    releaseAll() {
      for (const p of pending.splice(0)) p.resolve();
    },
  };
}

async function setup(
  opts: Partial<WhatsAppChannelDeps> & {
    store?: Store;
    lidToPn?: Record<string, string>;
    handlerFails?: boolean;
  } = {},
) {
  const store = opts.store ?? createMemoryStore();
  const f = fakeFactory(opts.lidToPn);
  const alerts: { kind: string; message: string }[] = [];
  const received: InboundMessage[] = [];
  const printQr = vi.fn();
  const printPairingCode = vi.fn();
  const sleep = opts.sleep ?? vi.fn(async (_ms: number) => {});
  const { store: _s, lidToPn: _l, handlerFails, ...rest } = opts;
  const channel = createWhatsAppChannel({
    kv: store.kv,
    dedupe: store.dedupe,
    logger: silentLogger,
    socketFactory: f.factory,
    onAlert: (kind, message) => {
      alerts.push({ kind, message });
    },
    printQr,
    printPairingCode,
    now: () => NOW,
    random: () => 0.5,
    sleep,
    version: [2, 3000, 1],
    ...rest,
  });
  const handler = vi.fn(async (m: InboundMessage) => {
    received.push(m);
    if (handlerFails) throw new Error('handler bug');
  });
  await channel.start(handler);
  return { store, f, alerts, received, printQr, printPairingCode, sleep, channel, handler };
}

function update(sock: FakeSocket, u: Partial<ConnectionState>) {
  sock.ev.emit('connection.update', u);
}

function close(sock: FakeSocket, statusCode: number) {
  update(sock, {
    connection: 'close',
    lastDisconnect: { error: new Boom('x', { statusCode }), date: new Date(NOW) },
  });
}

function upsert(sock: FakeSocket, messages: WAMessage[], type: 'notify' | 'append' = 'notify') {
  sock.ev.emit('messages.upsert', { messages, type });
}

describe('WhatsApp channel: connection', () => {
  it('opens a socket with bot-safe options and the stored auth', async () => {
    const { f, channel } = await setup();
    expect(f.sockets).toHaveLength(1);
    const cfg = f.configs[0]!;
    expect(cfg.markOnlineOnConnect).toBe(false);
    expect(cfg.syncFullHistory).toBe(false);
    expect(cfg.browser).toEqual(Browsers.macOS('Chrome'));
    expect(cfg.version).toEqual([2, 3000, 1]);
    expect(cfg.shouldIgnoreJid?.('120363041234567890@g.us')).toBe(true);
    expect(cfg.shouldIgnoreJid?.('status@broadcast')).toBe(true);
    expect(cfg.shouldIgnoreJid?.(PN_JID)).toBe(false);
    expect(cfg.msgRetryCounterCache).toBeDefined();
    expect(cfg.auth.creds.registered).toBe(false);
    expect(channel.state()).toBe('connecting');
    update(f.last, { connection: 'open' });
    expect(channel.state()).toBe('open');
    expect(channel.health()).toEqual({ connected: true, detail: 'open' });
  });

  it('prints the QR code', async () => {
    const { f, printQr, printPairingCode } = await setup();
    update(f.last, { qr: '2@abc,def' });
    expect(printQr).toHaveBeenCalledWith('2@abc,def');
    expect(printPairingCode).not.toHaveBeenCalled();
  });

  it('requests a pairing code (digits only, once per socket) instead of a QR when a number is set', async () => {
    const { f, printQr, printPairingCode } = await setup({ pairingNumber: '+221 77 000 00 00' });
    update(f.last, { qr: 'qr-1' });
    update(f.last, { qr: 'qr-2' });
    await settle();
    expect(f.last.requestPairingCode).toHaveBeenCalledTimes(1);
    expect(f.last.requestPairingCode).toHaveBeenCalledWith('221770000000');
    expect(printPairingCode).toHaveBeenCalledWith('ABCD1234');
    expect(printQr).not.toHaveBeenCalled();
  });

  it('persists creds on creds.update', async () => {
    const { f, store } = await setup();
    f.configs[0]!.auth.creds.registered = true;
    f.last.ev.emit('creds.update', { registered: true });
    await settle();
    expect(await store.kv.get('wa-auth', 'creds')).toContain('"registered":true');
  });

  it('515 after pairing: a new socket at once, same auth, no backoff', async () => {
    const { f, sleep, channel } = await setup();
    close(f.last, 515);
    await settle();
    expect(f.sockets).toHaveLength(2);
    expect(sleep).not.toHaveBeenCalled();
    expect(f.configs[1]!.auth.creds).toBe(f.configs[0]!.auth.creds);
    expect(channel.state()).toBe('connecting');
  });

  it.each([428, 408, 503, 500])('%s: reconnects after a backoff, keeping the auth', async (code) => {
    const manual = manualSleep();
    const { f, store, channel, alerts } = await setup({ sleep: manual.sleep });
    f.configs[0]!.auth.creds.registered = true;
    f.last.ev.emit('creds.update', { registered: true });
    await settle();
    const first = f.last;
    close(first, code);
    await settle();
    expect(f.sockets).toHaveLength(1); // still waiting
    expect(channel.state()).toBe('closed');
    expect(manual.pending).toHaveLength(1);
    expect(manual.pending[0]!.ms).toBeGreaterThan(0);
    manual.releaseAll();
    await settle();
    expect(f.sockets).toHaveLength(2);
    expect(await store.kv.get('wa-auth', 'creds')).toContain('"registered":true');
    expect(alerts).toEqual([]);
    // the dead socket's late events are ignored
    upsert(first, [waMessage()]);
    update(first, { connection: 'open' });
    await settle();
    expect(channel.state()).toBe('connecting');
  });

  it('405 (client version outdated): looks the version up again before reconnecting', async () => {
    const fetchVersion = vi
      .fn<() => Promise<[number, number, number] | undefined>>()
      .mockResolvedValueOnce([2, 3000, 5])
      .mockResolvedValueOnce([2, 3000, 9]);
    const { f } = await setup({ version: undefined, fetchVersion });
    expect(f.configs[0]!.version).toEqual([2, 3000, 5]);
    close(f.last, 405);
    await settle();
    expect(f.configs[1]!.version).toEqual([2, 3000, 9]);
    close(f.last, 428);
    await settle();
    expect(fetchVersion).toHaveBeenCalledTimes(2);
  });

  it('starts with the library default version when the lookup fails', async () => {
    const { f } = await setup({
      version: undefined,
      fetchVersion: async () => Promise.reject(new Error('offline')),
    });
    expect(f.configs[0]!.version).toBeUndefined();
  });

  it('backs off longer on repeated failures, resets after a successful open, no alert per attempt', async () => {
    const manual = manualSleep();
    const { f, alerts } = await setup({ sleep: manual.sleep });
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      close(f.last, 408);
      await settle();
      delays.push(manual.pending[0]!.ms);
      manual.releaseAll();
      await settle();
    }
    expect(delays[1]!).toBeGreaterThan(delays[0]!);
    expect(delays[2]!).toBeGreaterThan(delays[1]!);
    // one alert per outage is the outage watch's job (test/admin/outage-watch.test.ts)
    expect(alerts).toEqual([]);
    update(f.last, { connection: 'open' });
    close(f.last, 408);
    await settle();
    expect(manual.pending[0]!.ms).toBe(delays[0]);
  });

  it.each([401, 411])(
    '%s: clears the auth state, stays logged out and says how to pair again',
    async (code) => {
      const { f, store, channel, alerts } = await setup();
      f.configs[0]!.auth.creds.registered = true;
      f.last.ev.emit('creds.update', { registered: true });
      await f.configs[0]!.auth.keys.set({ session: { 'a.0': Buffer.from('s') } });
      await settle();
      expect(Object.keys(await store.kv.list('wa-auth')).length).toBeGreaterThan(0);
      update(f.last, { connection: 'open' });
      close(f.last, code);
      await settle();
      expect(channel.state()).toBe('logged_out');
      expect(channel.health().connected).toBe(false);
      expect(await store.kv.list('wa-auth')).toEqual({});
      expect(f.configs[0]!.auth.creds.registered).toBe(false);
      expect(f.sockets).toHaveLength(1);
      expect(alerts).toHaveLength(1);
      expect(alerts[0]!.kind).toBe('whatsapp_logged_out');
      expect(alerts[0]!.message).toMatch(/QR/);
      expect(alerts[0]!.message).toMatch(/WHATSAPP_PAIRING_NUMBER/);
      expect(channel.canSend()).toBe(false);
      await expect(channel.deliver('+221771234567', text('hi'))).rejects.toThrow(/logged_out/);
      // an admin can link again without restarting the process
      await channel.relink();
      expect(f.sockets).toHaveLength(2);
      expect(f.configs[1]!.auth.creds.registered).toBe(false);
      // the new socket's key store does not serve the old session from a cache
      expect(await f.configs[1]!.auth.keys.get('session', ['a.0'])).toEqual({});
    },
  );

  it.each([
    [403, 'whatsapp_forbidden'],
    [440, 'whatsapp_replaced'],
  ])('%s: stops without reconnecting and alerts the admins', async (code, kind) => {
    const { f, store, channel, alerts, sleep } = await setup();
    f.configs[0]!.auth.creds.registered = true;
    f.last.ev.emit('creds.update', { registered: true });
    update(f.last, { connection: 'open' });
    close(f.last, code);
    await settle();
    expect(channel.state()).toBe('stopped');
    expect(f.sockets).toHaveLength(1);
    expect(sleep).not.toHaveBeenCalled();
    expect(alerts.map((a) => a.kind)).toEqual([kind]);
    // the session is kept: 440 means someone else uses it, 403 needs a human
    expect(await store.kv.get('wa-auth', 'creds')).toContain('"registered":true');
  });

  it('stop() ends the socket and the resulting close does not reconnect', async () => {
    const { f, channel } = await setup();
    update(f.last, { connection: 'open' });
    await channel.stop();
    expect(f.last.end).toHaveBeenCalled();
    close(f.last, 428);
    await settle();
    expect(f.sockets).toHaveLength(1);
    expect(channel.state()).toBe('stopped');
  });
});

describe('WhatsApp channel: receiving', () => {
  it('delivers private messages only', async () => {
    const { f, received } = await setup();
    upsert(f.last, [
      waMessage({ remoteJid: '120363041234567890@g.us', id: 'G' }),
      waMessage({ remoteJid: 'status@broadcast', id: 'S' }),
      waMessage({ remoteJid: '1699999999@broadcast', id: 'B' }),
      waMessage({ remoteJid: '120363111111111111@newsletter', id: 'N' }),
      waMessage({ fromMe: true, id: 'ME' }),
      waMessage({
        id: 'P',
        message: { protocolMessage: { type: proto.Message.ProtocolMessage.Type.REVOKE } },
      }),
      waMessage({ id: 'R', message: { reactionMessage: { text: '👍', key: { id: 'OK' } } } }),
      waMessage({ id: 'STUB', message: null, messageStubType: 2 }),
      waMessage({ id: 'OK', message: { conversation: '1000 Orange 771234567' } }),
    ]);
    await settle();
    expect(received.map((m) => m.id)).toEqual(['OK']);
    expect(received[0]).toMatchObject({
      customerId: '+221771234567',
      phone: '+221771234567',
      text: '1000 Orange 771234567',
    });
  });

  it('handles both notify and offline append messages', async () => {
    const { f, received } = await setup();
    upsert(f.last, [waMessage({ id: 'LIVE', message: { conversation: 'live' } })], 'notify');
    upsert(
      f.last,
      [waMessage({ id: 'OFF', message: { conversation: 'offline' }, at: NOW - 3_600_000 })],
      'append',
    );
    await settle();
    expect(received.map((m) => m.text).sort()).toEqual(['live', 'offline']);
  });

  it('does not answer offline messages older than a day', async () => {
    const { f, received } = await setup();
    upsert(f.last, [waMessage({ id: 'OLD', at: NOW - 2 * 24 * 3_600_000 })], 'append');
    await settle();
    expect(received).toEqual([]);
  });

  it('delivers a message id once, across redeliveries and a new channel on the same store', async () => {
    const store = createMemoryStore();
    const a = await setup({ store });
    const m = waMessage({ id: 'DUP1', message: { conversation: 'oui' } });
    upsert(a.f.last, [m]);
    upsert(a.f.last, [m]);
    upsert(a.f.last, [m], 'append');
    await settle();
    expect(a.received.map((x) => x.id)).toEqual(['DUP1']);
    await a.channel.stop();
    const b = await setup({ store });
    upsert(b.f.last, [m], 'append');
    upsert(b.f.last, [waMessage({ id: 'NEW1' })]);
    await settle();
    expect(b.received.map((x) => x.id)).toEqual(['NEW1']);
  });

  it('a stub first, then the same id with content: delivered once, with its text', async () => {
    const { f, received } = await setup();
    upsert(f.last, [waMessage({ id: 'LATE', message: null, messageStubType: 2 })]);
    upsert(f.last, [waMessage({ id: 'LATE', message: { conversation: 'retry ok' } })]);
    await settle();
    expect(received.map((m) => [m.id, m.text])).toEqual([['LATE', 'retry ok']]);
  });

  it('maps @lid senders: remoteJidAlt, then the LID mapping, else no phone', async () => {
    const { f, received } = await setup({ lidToPn: { '222@lid': '221781112233:0@s.whatsapp.net' } });
    upsert(f.last, [
      waMessage({ id: 'L1', remoteJid: '111@lid', remoteJidAlt: '221771234567@s.whatsapp.net' }),
      waMessage({ id: 'L2', remoteJid: '222@lid' }),
      waMessage({ id: 'L3', remoteJid: LID_JID }),
    ]);
    await settle();
    const byId = Object.fromEntries(received.map((m) => [m.id, m]));
    expect(byId.L1).toMatchObject({ customerId: '+221771234567', phone: '+221771234567' });
    expect(byId.L2).toMatchObject({ customerId: '+221781112233', phone: '+221781112233' });
    expect(byId.L3).toMatchObject({ customerId: LID_JID, phone: null });
    expect(f.last.signalRepository.lidMapping.getPNForLID).toHaveBeenCalledWith('222@lid');
  });

  it('sends a read receipt and shows typing while the handler works', async () => {
    const seen: string[] = [];
    // the handler looks at what the customer saw so far
    const store = createMemoryStore();
    const g = fakeFactory();
    const ch = createWhatsAppChannel({
      kv: store.kv,
      dedupe: store.dedupe,
      logger: silentLogger,
      socketFactory: g.factory,
      now: () => NOW,
      sleep: async () => {},
      version: [2, 3000, 1],
    });
    await ch.start(async (m) => {
      seen.push(`read:${g.last.readMessages.mock.calls.length}`);
      seen.push(`presence:${g.last.sendPresenceUpdate.mock.calls.map((c) => c[0]).join(',')}`);
      await ch.deliver(m.customerId, text('Bonjour'));
    });
    update(g.last, { connection: 'open' });
    const m = waMessage({ id: 'RR' });
    upsert(g.last, [m]);
    await settle();
    expect(seen).toEqual(['read:1', 'presence:composing']);
    expect(g.last.readMessages).toHaveBeenCalledWith([m.key]);
    expect(g.last.sendPresenceUpdate.mock.calls).toEqual([
      ['composing', PN_JID],
      ['paused', PN_JID],
    ]);
    expect(g.last.sendMessage).toHaveBeenCalledWith(PN_JID, { text: 'Bonjour' });
  });

  it('a failing handler does not stop the next messages', async () => {
    const { f, received } = await setup({ handlerFails: true });
    upsert(f.last, [waMessage({ id: 'H1' }), waMessage({ id: 'H2' })]);
    await settle();
    expect(received.map((m) => m.id)).toEqual(['H1', 'H2']);
    expect(f.last.sendPresenceUpdate).toHaveBeenLastCalledWith('paused', PN_JID);
  });

  it('handles one chat in order even when the handler is slow', async () => {
    const { f, handler } = await setup();
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    handler.mockImplementation(async (m) => {
      order.push(`start ${m.id}`);
      if (m.id === 'S1') await gate;
      order.push(`end ${m.id}`);
    });
    upsert(f.last, [waMessage({ id: 'S1' })]);
    upsert(f.last, [waMessage({ id: 'S2' })]);
    await settle();
    expect(order).toEqual(['start S1']);
    release();
    await settle();
    expect(order).toEqual(['start S1', 'end S1', 'start S2', 'end S2']);
  });
});

describe('WhatsApp channel: sending', () => {
  it('delivers text and images to the customer JID, returns the WhatsApp id; getMessage returns what was sent', async () => {
    const { f, channel } = await setup();
    update(f.last, { connection: 'open' });
    expect(await channel.deliver('+221771234567', text('Votre recharge est faite'))).toEqual({
      waMessageId: 'BOT1',
    });
    expect(f.last.sendMessage).toHaveBeenCalledWith(PN_JID, { text: 'Votre recharge est faite' });
    const img = Buffer.from([0xff, 0xd8]);
    const r = await channel.deliver('+221771234567', {
      type: 'image',
      imageBase64: img.toString('base64'),
      caption: 'Reçu',
    });
    expect(r.waMessageId).toBe('BOT2');
    expect(f.last.sendMessage).toHaveBeenLastCalledWith(PN_JID, { image: img, caption: 'Reçu' });
    const sentMsg = await f.last.sendMessage.mock.results[0]!.value;
    const got = await f.configs[0]!.getMessage?.(sentMsg!.key);
    expect(got?.conversation).toBe('Votre recharge est faite');
    expect(await f.configs[0]!.getMessage?.({ id: 'UNKNOWN' })).toBeUndefined();
  });

  it('an outbox row sent twice (crash before markSent) goes with one WhatsApp message id', async () => {
    const { f, channel } = await setup();
    update(f.last, { connection: 'open' });
    const first = await channel.deliver('+221771234567', text('Reçu'), 'ORD1:receipt');
    const again = await channel.deliver('+221771234567', text('Reçu'), 'ORD1:receipt');
    const other = await channel.deliver('+221771234567', text('Reçu'), 'ORD2:receipt');
    expect(first.waMessageId).toMatch(/^3EB0[0-9A-F]{18}$/);
    expect(again).toEqual(first);
    expect(other.waMessageId).not.toBe(first.waMessageId);
    expect(f.last.sendMessage.mock.calls.map((c) => c[2])).toEqual([
      { messageId: first.waMessageId },
      { messageId: first.waMessageId },
      { messageId: other.waMessageId },
    ]);
  });

  it('answers a LID customer in the chat they wrote from', async () => {
    const { f, channel, received } = await setup();
    update(f.last, { connection: 'open' });
    upsert(f.last, [
      waMessage({ id: 'X1', remoteJid: '999@lid', remoteJidAlt: '221771234567@s.whatsapp.net' }),
    ]);
    upsert(f.last, [waMessage({ id: 'X2', remoteJid: LID_JID })]);
    await settle();
    // two chats: handled side by side, in any order
    expect(received.map((m) => m.customerId).sort()).toEqual(['+221771234567', LID_JID]);
    await channel.deliver('+221771234567', text('a'));
    await channel.deliver(LID_JID, text('b'));
    expect(f.last.sendMessage.mock.calls.map((c) => c[0])).toEqual(['999@lid', LID_JID]);
  });

  it('cannot send while not open: canSend() says so and deliver() refuses at once (the outbox retries)', async () => {
    const { f, channel } = await setup();
    expect(channel.canSend()).toBe(false);
    await expect(channel.deliver('+221771234567', text('x'))).rejects.toBeInstanceOf(ChannelNotReadyError);
    update(f.last, { connection: 'open' });
    expect(channel.canSend()).toBe(true);
    close(f.last, 428);
    await settle();
    expect(channel.canSend()).toBe(false);
    expect(f.sockets.every((s) => s.sendMessage.mock.calls.length === 0)).toBe(true);
  });

  it('an id no WhatsApp address can come from is refused for good (the outbox gives it up)', async () => {
    const { f, channel } = await setup();
    update(f.last, { connection: 'open' });
    await expect(channel.deliver('sandbox-user', text('x'))).rejects.toBeInstanceOf(PermanentSendError);
    expect(f.last.sendMessage).not.toHaveBeenCalled();
  });

  it('a sendMessage that never answers fails after the send timeout instead of hanging', async () => {
    const { f, channel } = await setup({ sendTimeoutMs: 30 });
    update(f.last, { connection: 'open' });
    f.last.sendMessage.mockImplementationOnce(() => new Promise(() => {}));
    await expect(channel.deliver('+221771234567', text('x'))).rejects.toThrow(/timed out/);
  });

  it('reports WhatsApp acknowledgements of its own messages (messages.update), errors with their code', async () => {
    const updates: DeliveryUpdate[] = [];
    const { f, channel } = await setup({ onDelivery: (u) => updates.push(u) });
    update(f.last, { connection: 'open' });
    const { waMessageId } = await channel.deliver('+221771234567', text('Reçu'));
    ack(f.last, PN_JID, waMessageId!, proto.WebMessageInfo.Status.SERVER_ACK);
    ack(f.last, PN_JID, waMessageId!, proto.WebMessageInfo.Status.DELIVERY_ACK);
    ack(f.last, PN_JID, waMessageId!, proto.WebMessageInfo.Status.READ);
    ack(f.last, PN_JID, waMessageId!, proto.WebMessageInfo.Status.PENDING); // nothing to record
    ack(f.last, PN_JID, waMessageId!, proto.WebMessageInfo.Status.ERROR, '463');
    // A status about a message the customer sent is not ours.
    f.last.ev.emit('messages.update', [
      { key: { remoteJid: PN_JID, fromMe: false, id: 'THEIRS' }, update: { status: 3 } },
    ]);
    await settle();
    expect(updates).toEqual([
      { waMessageId: 'BOT1', status: 'server_ack', at: NOW },
      { waMessageId: 'BOT1', status: 'delivered', at: NOW },
      { waMessageId: 'BOT1', status: 'read', at: NOW },
      { waMessageId: 'BOT1', status: 'error', error: '463', at: NOW },
    ]);
  });

  it('setTyping sends composing / paused when connected, nothing otherwise', async () => {
    const { f, channel } = await setup();
    await channel.setTyping('+221771234567', true);
    expect(f.last.sendPresenceUpdate).not.toHaveBeenCalled();
    update(f.last, { connection: 'open' });
    await channel.setTyping('+221771234567', true);
    await channel.setTyping('+221771234567', false);
    expect(f.last.sendPresenceUpdate.mock.calls).toEqual([
      ['composing', PN_JID],
      ['paused', PN_JID],
    ]);
  });
});

describe('WhatsApp channel: pairing that never completes', () => {
  /** What the real requestPairingCode does to the creds before anything is typed. */
  function pairingCodeLeftMe(f: ReturnType<typeof fakeFactory>) {
    f.configs.at(-1)!.auth.creds.me = { id: '221770000000@s.whatsapp.net', name: '~' };
    f.configs.at(-1)!.auth.creds.pairingCode = 'ABCD1234';
  }

  it('a pairing code not typed in time ends at a fresh pairing code, never in logged_out', async () => {
    const manual = manualSleep();
    const { f, channel, alerts, printPairingCode, store } = await setup({
      pairingNumber: '+221770000000',
      sleep: manual.sleep,
    });
    update(f.last, { qr: 'qr-1' });
    await settle();
    pairingCodeLeftMe(f);
    f.last.ev.emit('creds.update', { me: f.configs[0]!.auth.creds.me! });
    await settle();
    expect(channel.link()).toMatchObject({ state: 'connecting', linked: false, pairingCode: 'ABCD1234' });
    // the QR refs run out: 408
    close(f.last, 408);
    await settle();
    expect(channel.state()).toBe('closed');
    expect(channel.link().pairingCode).toBeUndefined();
    expect(channel.link().lastDisconnect).toEqual({ code: 408, at: NOW });
    // the half-made session is gone: the next socket registers instead of logging in (and a 401)
    expect(f.configs[0]!.auth.creds.me).toBeUndefined();
    expect(await store.kv.get('wa-auth', 'creds')).toBeUndefined();
    manual.releaseAll();
    await settle();
    expect(f.sockets).toHaveLength(2);
    expect(f.configs[1]!.auth.creds.me).toBeUndefined();
    update(f.last, { qr: 'qr-2' });
    await settle();
    expect(f.last.requestPairingCode).toHaveBeenCalledWith('221770000000');
    expect(printPairingCode).toHaveBeenCalledTimes(2);
    expect(channel.health()).toMatchObject({ connected: false, pairing: true });
    expect(alerts).toEqual([]);
  });

  it.each([401, 411])('%s on a session never linked: a fresh pairing, not logged_out', async (code) => {
    const manual = manualSleep();
    const { f, channel, alerts } = await setup({ pairingNumber: '+221770000000', sleep: manual.sleep });
    update(f.last, { qr: 'qr-1' });
    pairingCodeLeftMe(f);
    close(f.last, code);
    await settle();
    expect(channel.state()).not.toBe('logged_out');
    expect(f.configs[0]!.auth.creds.me).toBeUndefined();
    manual.releaseAll();
    await settle();
    expect(f.sockets).toHaveLength(2);
    expect(channel.state()).toBe('connecting');
    expect(alerts).toEqual([]);
  });

  it('a linked session (QR pairing sets account, not registered) that gets 401 is logged out', async () => {
    const { f, channel, alerts } = await setup();
    update(f.last, { qr: 'qr-1' });
    // pair-success: Baileys stores account + me; registered stays false for a QR pairing
    f.configs[0]!.auth.creds.account = { details: Buffer.from('d') } as never;
    f.configs[0]!.auth.creds.me = { id: '221770000000:3@s.whatsapp.net' };
    close(f.last, 515);
    await settle();
    update(f.last, { connection: 'open' });
    expect(channel.link()).toMatchObject({ state: 'open', linked: true });
    close(f.last, 401);
    await settle();
    expect(channel.state()).toBe('logged_out');
    expect(alerts.map((a) => a.kind)).toEqual(['whatsapp_logged_out']);
    expect(alerts[0]!.message).toMatch(/relink/i);
    expect(f.sockets).toHaveLength(2);
  });

  it('link() shows the live QR and its refreshes, and drops it when the socket closes or opens', async () => {
    let t = NOW;
    const { f, channel } = await setup({ now: () => t });
    expect(channel.link()).toEqual({ state: 'connecting', linked: false, since: NOW });
    update(f.last, { qr: '2@first' });
    t += 20_000;
    update(f.last, { qr: '2@second' });
    expect(channel.link()).toMatchObject({ qr: '2@second', qrAt: NOW + 20_000 });
    update(f.last, { connection: 'open' });
    expect(channel.link().qr).toBeUndefined();
    expect(channel.link()).toMatchObject({ state: 'open', since: NOW + 20_000 });
  });

  it('relink(): while waiting for a scan, a fresh QR now; when open, nothing', async () => {
    const manual = manualSleep();
    const { f, channel } = await setup({ sleep: manual.sleep });
    update(f.last, { qr: 'qr-1' });
    close(f.last, 408); // the QR expired; a reconnect waits in its backoff
    await settle();
    expect(manual.pending).toHaveLength(1);
    expect(await channel.relink()).toBe('relinking');
    expect(f.sockets).toHaveLength(2);
    // the backoff ends later and must not open a third socket
    manual.releaseAll();
    await settle();
    expect(f.sockets).toHaveLength(2);
    update(f.last, { connection: 'open' });
    expect(await channel.relink()).toBe('already_open');
    expect(f.sockets).toHaveLength(2);
  });

  it('relink() after 440 reconnects with the kept session', async () => {
    const { f, channel, store } = await setup();
    f.configs[0]!.auth.creds.registered = true;
    f.last.ev.emit('creds.update', { registered: true });
    update(f.last, { connection: 'open' });
    close(f.last, 440);
    await settle();
    expect(channel.state()).toBe('stopped');
    expect(await channel.relink()).toBe('relinking');
    expect(f.sockets).toHaveLength(2);
    expect(f.configs[1]!.auth.creds.registered).toBe(true);
    expect(await store.kv.get('wa-auth', 'creds')).toContain('"registered":true');
  });
});

describe('WhatsApp channel: LID identities', () => {
  it('a LID chat whose number becomes known: merge hook first, then the message as the phone customer', async () => {
    const store = createMemoryStore();
    const events: string[] = [];
    const onLidMapped = vi.fn(async (lid: string, phone: string) => {
      events.push(`merge ${lid} -> ${phone}`);
    });
    const { f, handler } = await setup({ store, onLidMapped });
    handler.mockImplementation(async (m) => {
      events.push(`message ${m.id} as ${m.customerId}`);
    });
    upsert(f.last, [waMessage({ id: 'A', remoteJid: LID_JID })]);
    await settle();
    upsert(f.last, [waMessage({ id: 'B', remoteJid: LID_JID, remoteJidAlt: PN_JID })]);
    upsert(f.last, [waMessage({ id: 'C', remoteJid: LID_JID, remoteJidAlt: PN_JID })]);
    await settle();
    expect(events).toEqual([
      `message A as ${LID_JID}`,
      `merge ${LID_JID} -> +221771234567`,
      'message B as +221771234567',
      'message C as +221771234567',
    ]);
    expect(await store.kv.get('lid-map', `lid:${LID_JID}`)).toBe('+221771234567');
    expect(await store.kv.get('lid-map', 'pn:+221771234567')).toBe(LID_JID);
  });

  it('after a restart, a LID-only message (no remoteJidAlt, Baileys mapping empty) is the phone customer', async () => {
    const store = createMemoryStore();
    const a = await setup({ store });
    upsert(a.f.last, [waMessage({ id: 'A1', remoteJid: LID_JID, remoteJidAlt: PN_JID })]);
    await settle();
    await a.channel.stop();
    const b = await setup({ store });
    upsert(b.f.last, [waMessage({ id: 'B1', remoteJid: LID_JID })]);
    await settle();
    expect(b.received.map((m) => [m.customerId, m.phone])).toEqual([['+221771234567', '+221771234567']]);
  });

  it('lid-mapping.update runs the merge and records the mapping', async () => {
    const store = createMemoryStore();
    const onLidMapped = vi.fn(async () => {});
    const { f } = await setup({ store, onLidMapped });
    f.last.ev.emit('lid-mapping.update', { lid: '555:2@lid', pn: '221781112233:2@s.whatsapp.net' });
    f.last.ev.emit('lid-mapping.update', { lid: '555@lid', pn: '221781112233@s.whatsapp.net' });
    await settle();
    expect(onLidMapped).toHaveBeenCalledTimes(1);
    expect(onLidMapped).toHaveBeenCalledWith('555@lid', '+221781112233');
  });

  it('a failed merge is tried again on the next message, and the message still goes through', async () => {
    const onLidMapped = vi.fn().mockRejectedValueOnce(new Error('store down')).mockResolvedValue(undefined);
    const { f, received } = await setup({ onLidMapped });
    upsert(f.last, [waMessage({ id: 'M1', remoteJid: LID_JID, remoteJidAlt: PN_JID })]);
    upsert(f.last, [waMessage({ id: 'M2', remoteJid: LID_JID, remoteJidAlt: PN_JID })]);
    upsert(f.last, [waMessage({ id: 'M3', remoteJid: LID_JID, remoteJidAlt: PN_JID })]);
    await settle();
    expect(received.map((m) => m.id)).toEqual(['M1', 'M2', 'M3']);
    expect(onLidMapped).toHaveBeenCalledTimes(2);
  });
});
