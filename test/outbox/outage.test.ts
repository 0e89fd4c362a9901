// After a WhatsApp outage the queue leaves at the configured rate, never in a burst: the rate is applied
// when a message actually leaves (the real WhatsApp channel on a fake Baileys socket, a manual clock).
import { Boom } from '@hapi/boom';
import { afterEach, describe, expect, it } from 'vitest';
import { createWhatsAppChannel } from '../../src/channels/whatsapp/index.js';
import { silentLogger } from '../../src/logger.js';
import { createDrainer } from '../../src/outbox/drainer.js';
import { createOutbox } from '../../src/outbox/outbox.js';
import { createPacer } from '../../src/outbox/pacer.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { fakeFactory, settle } from '../channels/whatsapp/fake-socket.js';
import { manualClock } from '../helpers/clock.js';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

describe('sending after an outage', () => {
  it('30 messages queued during a 2-minute outage leave at <= WHATSAPP_SEND_PER_MINUTE after the reconnect', async () => {
    const PER_MINUTE = 20;
    const clock = manualClock();
    const store = createMemoryStore({ now: clock.now });
    const f = fakeFactory();
    const channel = createWhatsAppChannel({
      kv: store.kv,
      dedupe: store.dedupe,
      logger: silentLogger,
      socketFactory: f.factory,
      now: clock.now,
      random: () => 0.5,
      sleep: async () => {}, // reconnect at once; the outage is how long the new socket takes to open
      version: [2, 3000, 1],
    });
    await channel.start(async () => {});
    const drainer = createDrainer({
      outbox: store.outbox,
      channel,
      owner: 'p1',
      pacer: createPacer({ perMinute: PER_MINUTE, now: clock.now, random: Math.random }),
      now: clock.now,
      random: Math.random,
      sleep: clock.sleep,
    });
    const outbox = createOutbox({ store, kick: () => drainer.kick(), now: clock.now });
    drainer.start();
    stops.push(
      () => drainer.stop(),
      () => channel.stop(),
    );

    f.last.ev.emit('connection.update', { connection: 'open' });
    await settle();
    const first = f.last;
    first.ev.emit('connection.update', {
      connection: 'close',
      lastDisconnect: { error: new Boom('lost', { statusCode: 428 }), date: new Date(clock.now()) },
    });
    await settle();
    expect(channel.canSend()).toBe(false);
    const second = f.last;
    expect(second).not.toBe(first);
    const sentAt: number[] = [];
    const real = second.sendMessage.getMockImplementation()!;
    second.sendMessage.mockImplementation(async (jid, content) => {
      sentAt.push(clock.now());
      return real(jid, content);
    });

    // 30 messages over the 2 minutes (some chats get several), each kicking the drainer.
    const outageStart = clock.now();
    for (let i = 0; i < 30; i++) {
      const chat = `+2217712345${String(i % 12).padStart(2, '0')}`;
      await outbox.send([{ id: `m${i}`, chat, kind: 'reply', payload: { type: 'text', text: `r${i}` } }]);
      await clock.advance(4_000, 500);
    }
    expect(clock.now() - outageStart).toBe(120_000);
    expect(first.sendMessage).not.toHaveBeenCalled();
    expect(second.sendMessage).not.toHaveBeenCalled();
    expect(await store.outbox.depth()).toEqual({ pending: 30, sending: 0 });

    const reconnectedAt = clock.now();
    second.ev.emit('connection.update', { connection: 'open' });
    await clock.advance(3 * 60_000, 100);

    expect(sentAt).toHaveLength(30);
    expect(sentAt[0]!).toBeGreaterThanOrEqual(reconnectedAt);
    // Never a burst: consecutive sends at least 60 s / rate apart, and no minute holds more than the rate.
    const gaps = sentAt.slice(1).map((t, i) => t - sentAt[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(60_000 / PER_MINUTE);
    for (const t of sentAt)
      expect(sentAt.filter((u) => u >= t && u < t + 60_000).length).toBeLessThanOrEqual(PER_MINUTE);
    // Every message once, each chat in its order.
    const texts = second.sendMessage.mock.calls.map((c) => (c[1] as { text: string }).text);
    expect(new Set(texts).size).toBe(30);
    for (let c = 0; c < 12; c++) {
      const mine = texts.filter((_, k) =>
        second.sendMessage.mock.calls[k]![0].startsWith(`2217712345${String(c).padStart(2, '0')}@`),
      );
      expect(mine).toEqual(mine.slice().sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))));
    }
    expect(await store.outbox.depth()).toEqual({ pending: 0, sending: 0 });
  });
});
