import { describe, expect, it } from 'vitest';
import {
  broadcastExtId,
  createBroadcastService,
  isBroadcastExtId,
  OPT_OUT,
  reportText,
  textFor,
} from '../../src/admin/broadcasts.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryStore, openLowdbStore } from '../../src/store/index.js';
import { recordBroadcastAck } from '../../src/outbox/broadcast-acks.js';
import { createDeliveryTracker } from '../../src/outbox/delivery.js';
import { putCustomer } from '../store/fixtures.js';

async function recipientIds(store: Store, broadcastId: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await store.broadcasts.recipients(broadcastId, { limit: 2, cursor });
    ids.push(...page.items.map((r) => r.customerId));
    cursor = page.next;
  } while (cursor);
  return ids;
}
import type { Store } from '../../src/store/types.js';
import { fakeClock, fakeIntech, inlineOutbox, recordingChannel, seedSubscribers } from './helpers.js';

function setup(opts: { perMinute?: number; random?: () => number; store?: Store } = {}) {
  const store = opts.store ?? createMemoryStore();
  const clock = fakeClock();
  const channel = recordingChannel();
  channel.clock = clock.now;
  const outbox = inlineOutbox(store, channel);
  const reports: string[] = [];
  const make = (extra: Partial<Parameters<typeof createBroadcastService>[0]> = {}) =>
    createBroadcastService({
      store,
      outbox,
      via: 'chat',
      perMinute: opts.perMinute ?? 60,
      random: opts.random ?? (() => 0.5),
      sleep: clock.sleep,
      now: clock.now,
      onFinished: async (_b, p) => {
        reports.push(reportText(p));
      },
      ...extra,
    });
  return { store, clock, channel, outbox, reports, make };
}

function countBy(xs: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
}

describe('broadcasts', () => {
  it('reaches every subscriber once, in their language, and never unsubscribed or paused customers', async () => {
    const { store, channel, reports, make } = setup();
    const ids = await seedSubscribers(store, 5, (i) => ({
      lang: i === 1 ? 'en' : 'fr',
      subscribed: i !== 3,
      paused: i === 4,
    }));
    const svc = make();
    const b = await svc.create({ fr: 'Bonjour à tous', en: 'Hello all' }, '+221770000999');
    expect((await svc.progress(b.id))?.state).toBe('draft');
    const started = await svc.start(b.id);
    expect(started.total).toBe(3);
    expect(await recipientIds(store, b.id)).toEqual([ids[0], ids[1], ids[2]].sort());
    await svc.settled(b.id);

    expect(channel.texts(ids[0])).toEqual([`Bonjour à tous\n\n${OPT_OUT.fr}`]);
    expect(channel.texts(ids[1])).toEqual([`Hello all\n\n${OPT_OUT.en}`]);
    expect(channel.texts(ids[2])).toEqual([`Bonjour à tous\n\n${OPT_OUT.fr}`]);
    expect(channel.texts(ids[3])).toEqual([]);
    expect(channel.texts(ids[4])).toEqual([]);
    const p = await svc.progress(b.id);
    expect(p).toMatchObject({ state: 'done', total: 3, sent: 3, failed: 0, left: 0, percent: 100 });
    expect((await store.broadcasts.counts(b.id)).sent).toBe(3);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toContain('3 envoyés/sent');
  });

  it('shows how many recipients WhatsApp reported delivered and read (never going back)', async () => {
    const { store, make } = setup();
    const ids = await seedSubscribers(store, 3);
    const svc = make();
    const b = await svc.start((await svc.create('Promo', '+221770000999')).id);
    await svc.settled(b.id);
    const rows = await store.outbox.list({ broadcastId: b.id, limit: 10 });
    const wa = (customer: string) => rows.find((r) => r.chat === customer)!.waMessageId!;
    // As the WhatsApp channel hands messages.update over to the pipeline (src/outbox/pipeline.ts).
    const tracker = createDeliveryTracker({
      outbox: store.outbox,
      onRecorded: (m, status) => recordBroadcastAck(store.broadcasts, m, status, 5),
    });
    const ack = (customer: string, status: 'delivered' | 'read') =>
      tracker.handle({ waMessageId: wa(customer), status, at: 5 });
    await ack(ids[0]!, 'delivered');
    await ack(ids[1]!, 'delivered');
    await ack(ids[1]!, 'read');
    await ack(ids[2]!, 'read');
    await ack(ids[2]!, 'delivered'); // late: read stays read
    expect(await svc.progress(b.id)).toMatchObject({ sent: 3, delivered: 3, read: 2, failed: 0, left: 0 });
    expect(await store.broadcasts.counts(b.id)).toEqual({ delivered: 1, read: 2 });
  });

  it('respects the configured rate: N messages are spaced by at least 60 s / perMinute, with jitter', async () => {
    const { store, channel, make, clock } = setup({ perMinute: 30, random: () => 1 });
    await seedSubscribers(store, 6);
    const svc = make({ jitter: 0.3 });
    const b = await svc.create('Promo', 'dashboard');
    await svc.start(b.id);
    await svc.settled(b.id);
    expect(channel.sent).toHaveLength(6);
    const gaps = channel.sent.slice(1).map((m, i) => m.at - channel.sent[i]!.at);
    // 30/min = 2 s spacing; random() = 1 with 30 % jitter -> 2.6 s.
    for (const g of gaps) expect(g).toBeGreaterThanOrEqual(2000);
    expect(gaps.every((g) => g === 2600)).toBe(true);
    expect(clock.sleeps.length).toBe(5);
  });

  it('never sends faster than the rate even with jitter at zero', async () => {
    const { store, channel, make } = setup({ perMinute: 20, random: () => 0 });
    await seedSubscribers(store, 4);
    const svc = make();
    const b = await svc.create('Promo', 'dashboard');
    await svc.start(b.id);
    await svc.settled(b.id);
    const gaps = channel.sent.slice(1).map((m, i) => m.at - channel.sent[i]!.at);
    expect(gaps).toEqual([3000, 3000, 3000]);
  });

  it('skips a customer who says STOP during the broadcast', async () => {
    const { store, channel, make } = setup();
    const ids = await seedSubscribers(store, 5);
    const svc = make();
    channel.afterSend = async (n) => {
      if (n === 2) {
        const c = await store.customers.get(ids[3]!);
        await putCustomer(store, { ...c!, subscribed: false });
      }
    };
    const b = await svc.create('Promo', 'dashboard');
    await svc.start(b.id);
    await svc.settled(b.id);
    expect(channel.texts(ids[3])).toEqual([]);
    expect(channel.sent.map((m) => m.to).sort()).toEqual([ids[0], ids[1], ids[2], ids[4]].sort());
    expect(await svc.progress(b.id)).toMatchObject({
      state: 'done',
      sent: 4,
      skipped: 1,
      left: 0,
      percent: 100,
    });
  });

  it('counts a message the outbox gave up on as failed and goes on with the others', async () => {
    const { store, channel, outbox, make } = setup();
    const ids = await seedSubscribers(store, 3);
    channel.failFor.add(ids[1]!);
    const svc = make();
    // As src/bot.ts wires it: the drainer's permanent failures reach the broadcast.
    outbox.onFailed = (m, e) => svc.messageFailed(m.broadcastId!, m.chat, e);
    const b = await svc.create('Promo', 'dashboard');
    await svc.start(b.id);
    await svc.settled(b.id);
    expect(await svc.progress(b.id)).toMatchObject({ sent: 2, failed: 1, left: 0 });
    expect((await store.broadcasts.counts(b.id)).failed).toBe(1);
    expect(await store.broadcasts.recipient(b.id, ids[1]!)).toMatchObject({
      status: 'failed',
      ref: `${b.id}:${ids[1]}`,
    });
    expect(channel.texts(ids[0])).toHaveLength(1);
    expect(channel.texts(ids[2])).toHaveLength(1);
  });

  it('survives a restart mid-broadcast: nobody twice, nobody skipped', async () => {
    const { store, channel, make } = setup();
    const ids = await seedSubscribers(store, 8);
    const first = make();
    channel.afterSend = (n) => {
      if (n === 3) void first.stop();
    };
    const b = await first.create('Promo', 'dashboard');
    await first.start(b.id);
    await first.settled(b.id);
    expect(channel.sent).toHaveLength(3);
    expect((await store.broadcasts.get(b.id))?.state).toBe('sending');
    expect(await first.progress(b.id)).toMatchObject({ sent: 3, left: 5, percent: 37 });

    channel.afterSend = undefined;
    const second = make();
    await second.resume();
    await second.settled(b.id);
    const counts = countBy(channel.sent.map((m) => m.to));
    for (const id of ids) expect(counts.get(id)).toBe(1);
    expect(await second.progress(b.id)).toMatchObject({ state: 'done', sent: 8, left: 0, percent: 100 });
  });

  it('survives a real process restart on the file store (lowdb): closed, reopened, resumed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'xaalis-bc-'));
    try {
      const clock = fakeClock();
      const channel = recordingChannel();
      const make = (store: Store) =>
        createBroadcastService({
          store,
          outbox: inlineOutbox(store, channel),
          via: 'chat',
          perMinute: 60,
          sleep: clock.sleep,
          now: clock.now,
        });
      const s1 = await openLowdbStore({ dir });
      const ids = await seedSubscribers(s1, 6);
      const first = make(s1);
      channel.afterSend = (n) => {
        if (n === 2) void first.stop();
      };
      const b = await first.create('Promo', 'dashboard');
      await first.start(b.id);
      await first.settled(b.id);
      await s1.close();
      expect(channel.sent).toHaveLength(2);

      channel.afterSend = undefined;
      const s2 = await openLowdbStore({ dir });
      const second = make(s2);
      await second.resume();
      await second.settled(b.id);
      const counts = countBy(channel.sent.map((m) => m.to));
      for (const id of ids) expect(counts.get(id)).toBe(1);
      expect(await second.progress(b.id)).toMatchObject({ state: 'done', sent: 6, left: 0 });
      await s2.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('after a crash between "attempting" and "sent", queued again under the same outbox id: exactly once', async () => {
    const { store, channel, make } = setup();
    const ids = await seedSubscribers(store, 5);
    const first = make();
    channel.afterSend = (n) => {
      if (n === 2) void first.stop();
    };
    const b = await first.create('Promo', 'dashboard');
    await first.start(b.id);
    await first.settled(b.id);
    // The process died after claiming two more recipients: the third before its message was queued,
    // the fourth after (its message is in the outbox, already sent).
    const [, , third, fourth] = await recipientIds(store, b.id);
    expect(await store.broadcasts.mark(b.id, third!, 'attempting', { from: ['pending'] })).toBe(true);
    expect(await store.broadcasts.mark(b.id, fourth!, 'attempting', { from: ['pending'] })).toBe(true);
    await store.outbox.enqueue(
      [
        {
          id: `${b.id}:${fourth}`,
          chat: fourth!,
          kind: 'broadcast',
          broadcastId: b.id,
          payload: { type: 'text', text: 'Promo' },
        },
      ],
      Date.now(),
    );
    const claimed = await store.outbox.claim('crashed', Date.now(), 60_000, 10);
    await store.outbox.markSent(claimed[0]!.id, 'crashed', {
      waMessageId: 'WA-before-crash',
      at: Date.now(),
    });
    channel.afterSend = undefined;
    const second = make();
    await second.resume();
    await second.settled(b.id);
    const counts = countBy(channel.sent.map((m) => m.to));
    expect(counts.get(third!)).toBe(1);
    expect(counts.get(fourth!)).toBeUndefined(); // the customer already has it
    for (const id of ids.filter((i) => i !== fourth)) expect(counts.get(id)).toBe(1);
    expect(await second.progress(b.id)).toMatchObject({ state: 'done', sent: 5, unknown: 0, left: 0 });
  });

  it('can be cancelled: sending stops and a restart does not continue it', async () => {
    const { store, channel, make } = setup();
    await seedSubscribers(store, 10);
    const svc = make();
    let cancelling: Promise<unknown> | undefined;
    const b = await svc.create('Promo', 'dashboard');
    channel.afterSend = (n) => {
      if (n === 2) cancelling = svc.cancel(b.id);
    };
    await svc.start(b.id);
    await svc.settled(b.id);
    await cancelling;
    const sentAtCancel = channel.sent.length;
    expect(sentAtCancel).toBeLessThan(10);
    const p = await svc.progress(b.id);
    expect(p?.state).toBe('cancelled');
    expect(p?.sent).toBe(sentAtCancel);
    expect(p?.left).toBe(10 - sentAtCancel);

    const again = make();
    await again.resume();
    await again.settled(b.id);
    expect(channel.sent.length).toBe(sentAtCancel);
    expect((await store.broadcasts.get(b.id))?.state).toBe('cancelled');
  });

  it('texts: customer language, French fallback, one STOP line', () => {
    const b = { text: { fr: 'Salut', en: 'Hi' } };
    expect(textFor(b, 'en')).toBe(`Hi\n\n${OPT_OUT.en}`);
    expect(textFor(b, 'wo')).toBe(`Salut\n\n${OPT_OUT.fr}`);
    expect(textFor({ text: { fr: 'Promo. Répondez STOP pour arrêter.' } }, 'fr')).toBe(
      'Promo. Répondez STOP pour arrêter.',
    );
  });

  it('two "send" clicks at once start it once', async () => {
    const { store, channel, make } = setup();
    await seedSubscribers(store, 3);
    const svc = make();
    const b = await svc.create('Promo', 'dashboard');
    await Promise.all([svc.start(b.id), svc.start(b.id), svc.start(b.id)]);
    await svc.settled(b.id);
    expect(channel.sent).toHaveLength(3);
  });

  it('a draft can be cancelled before it starts and then never sends', async () => {
    const { store, channel, make } = setup();
    await seedSubscribers(store, 2);
    const svc = make();
    const b = await svc.create('Promo', 'dashboard');
    await svc.cancel(b.id);
    await svc.start(b.id);
    await svc.settled(b.id);
    expect(channel.sent).toHaveLength(0);
  });

  describe('via Intech WHATSAPP_MESSAGING', () => {
    it('sends one operation per subscriber with a deterministic externalTransactionId and the E.164 phone', async () => {
      const { store, channel, make } = setup();
      const intech = fakeIntech();
      const ids = await seedSubscribers(store, 3, (i) => (i === 2 ? { lang: 'en' } : {}));
      await putCustomer(store, { ...(await store.customers.get(ids[1]!))!, id: 'lid:99@lid', phone: null });
      const svc = make({ via: 'intech', intech, callbackUrl: 'http://x/intech/callback' });
      const b = await svc.create({ fr: 'Salut', en: 'Hi' }, 'dashboard');
      await svc.start(b.id);
      await svc.settled(b.id);
      expect(channel.sent).toHaveLength(0);
      expect(intech.ops.map((o) => o.phone).sort()).toEqual(ids.sort());
      for (const op of intech.ops) {
        expect(op.codeService).toBe('WHATSAPP_MESSAGING');
        expect(op.callbackUrl).toBe('http://x/intech/callback');
        expect(op.externalTransactionId).toBe(broadcastExtId(b.id, op.phone));
      }
      expect(intech.ops.find((o) => o.phone === ids[2])?.message).toBe(`Hi\n\n${OPT_OUT.en}`);
      expect(new Set(intech.ops.map((o) => o.externalTransactionId)).size).toBe(3);
      // The lid customer has no phone: Intech cannot reach them, so they are skipped, not failed silently.
      expect(await svc.progress(b.id)).toMatchObject({ total: 4, sent: 3, skipped: 1, left: 0 });
    });

    it('on restart, asks Intech about an "attempting" recipient instead of resending', async () => {
      const { store, make } = setup();
      const intech = fakeIntech();
      const ids = await seedSubscribers(store, 4);
      const first = make({ via: 'intech', intech });
      const b = await first.create('Promo', 'dashboard');
      const s = await first.start(b.id);
      void first.stop();
      await first.settled(b.id);
      expect(s.total).toBe(4);
      const r = await recipientIds(store, b.id);
      // r[0]: sent and accepted by Intech before the crash; r[1]: marked, never reached Intech.
      await store.broadcasts.mark(b.id, r[0]!, 'attempting');
      intech.known.set(broadcastExtId(b.id, r[0]!), 'PENDING');
      await store.broadcasts.mark(b.id, r[1]!, 'attempting');
      intech.ops.length = 0;

      const second = make({ via: 'intech', intech });
      await second.resume();
      await second.settled(b.id);
      const phones = intech.ops.map((o) => o.phone).sort();
      expect(phones).toEqual([r[1], r[2], r[3]].sort());
      expect(intech.ops.find((o) => o.phone === r[1])?.externalTransactionId).toBe(
        broadcastExtId(b.id, r[1]!),
      );
      expect(intech.statusCalls.sort()).toEqual(
        [broadcastExtId(b.id, r[0]!), broadcastExtId(b.id, r[1]!)].sort(),
      );
      expect(await second.progress(b.id)).toMatchObject({ state: 'done', sent: 4, left: 0 });
      expect(ids).toHaveLength(4);
    });

    it('callbacks settle the figures: FAILLED turns sent into failed, SUCCESS settles an unknown', async () => {
      const { store, make } = setup();
      const intech = fakeIntech();
      const ids = await seedSubscribers(store, 3);
      intech.timeoutFor.add(ids[2]!);
      const svc = make({ via: 'intech', intech });
      const b = await svc.create('Promo', 'dashboard');
      await svc.start(b.id);
      await svc.settled(b.id);
      expect(await svc.progress(b.id)).toMatchObject({ sent: 2, unknown: 1, failed: 0 });
      const cb = (cid: string, status: 'SUCCESS' | 'FAILLED') => {
        const op = intech.ops.find((o) => o.phone === cid)!;
        expect(isBroadcastExtId(op.externalTransactionId)).toBe(true);
        return {
          status,
          sha256Hash: 'verified-by-the-route',
          transaction: {
            codeService: 'WHATSAPP_MESSAGING',
            transactionId: `TX-${cid}`,
            externalTransactionId: op.externalTransactionId,
            errorType: status === 'FAILLED' ? { id: 12, code: 'whatsapp_user_not_found' } : null,
            data: JSON.parse(op.data as string) as Record<string, unknown>,
          },
        };
      };
      expect(await svc.handleCallback(cb(ids[0]!, 'FAILLED'))).toBe(true);
      expect(await svc.handleCallback(cb(ids[2]!, 'SUCCESS'))).toBe(true);
      expect(await svc.progress(b.id)).toMatchObject({ sent: 2, failed: 1, unknown: 0, left: 0 });
      expect(await store.broadcasts.counts(b.id)).toEqual({ sent: 2, failed: 1 });
      // An order's callback is not ours.
      const other = cb(ids[1]!, 'SUCCESS');
      other.transaction.externalTransactionId = 'XB7K2M9Q-DLV';
      expect(await svc.handleCallback(other)).toBe(false);
    });

    it('a timeout is unknown, never resent', async () => {
      const { store, make } = setup();
      const intech = fakeIntech();
      const ids = await seedSubscribers(store, 3);
      intech.timeoutFor.add(ids[1]!);
      const svc = make({ via: 'intech', intech });
      const b = await svc.create('Promo', 'dashboard');
      await svc.start(b.id);
      await svc.settled(b.id);
      expect(intech.ops.filter((o) => o.phone === ids[1])).toHaveLength(1);
      expect(await svc.progress(b.id)).toMatchObject({ sent: 2, unknown: 1, failed: 0, left: 0 });
      const again = make({ via: 'intech', intech });
      await again.resume();
      await again.settled(b.id);
      expect(intech.ops.filter((o) => o.phone === ids[1])).toHaveLength(1);
    });
  });
});
