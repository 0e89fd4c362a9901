// One behaviour suite for every Store implementation (memory, lowdb, later PostgreSQL).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Order } from '../../src/orders/types.js';
import type { CallbackRecord, Store } from '../../src/store/types.js';
import { finish, makeBroadcast, makeCustomer, makeOrder } from './fixtures.js';

export interface StoreHandle {
  store: Store;
  cleanup(): Promise<void>;
  /** Closes the current store and opens a new one on the same data (durable stores only). */
  reopen?(): Promise<Store>;
}

function cb(
  ext: string,
  status: CallbackRecord['status'],
  transactionId = 'T1',
  receivedAt = 5_000,
): CallbackRecord {
  return {
    externalTransactionId: ext,
    transactionId,
    status,
    receivedAt,
    body: { status, nested: { a: 1 } },
  };
}

/** Retries a CAS update until it wins, as the order flow does. */
async function casLoop(store: Store, id: string, change: (o: Order) => Order): Promise<Order> {
  for (;;) {
    const cur = (await store.orders.get(id))!;
    const next = await store.orders.update(change(cur), cur.version);
    if (next) return next;
  }
}

export function runStoreContract(name: string, factory: () => Promise<StoreHandle>): void {
  describe(`Store contract: ${name}`, () => {
    let h: StoreHandle;
    let store: Store;
    beforeEach(async () => {
      h = await factory();
      store = h.store;
    });
    afterEach(async () => {
      await h.cleanup();
    });

    describe('orders', () => {
      it('creates with version 1 whatever the input says, and reads it back', async () => {
        const created = await store.orders.create(makeOrder('A1', { version: 7 }));
        expect(created.version).toBe(1);
        expect(await store.orders.get('A1')).toEqual(makeOrder('A1', { version: 1 }));
        expect(await store.orders.get('nope')).toBeUndefined();
      });

      it('refuses a duplicate id and keeps the first order', async () => {
        await store.orders.create(makeOrder('A1', { amount: 500 }));
        await expect(store.orders.create(makeOrder('A1', { amount: 900 }))).rejects.toThrow();
        expect((await store.orders.get('A1'))?.amount).toBe(500);
      });

      it('finds an order by the externalTransactionId of any operation', async () => {
        const o = await store.orders.create(makeOrder('A1'));
        await store.orders.create(makeOrder('B2'));
        expect((await store.orders.findByExternalId('A1-C'))?.id).toBe('A1');
        expect(await store.orders.findByExternalId('A1-D')).toBeUndefined();
        await store.orders.update({ ...o, state: 'collected', operations: { ...finish(o).operations } }, 1);
        expect((await store.orders.findByExternalId('A1-D'))?.id).toBe('A1');
        expect((await store.orders.findByExternalId('B2-C'))?.id).toBe('B2');
        expect(await store.orders.findByExternalId('')).toBeUndefined();
        expect(await store.orders.findByExternalId('zzz')).toBeUndefined();
      });

      it('update is compare-and-set on version', async () => {
        const o = await store.orders.create(makeOrder('A1'));
        const v2 = await store.orders.update({ ...o, state: 'collecting' }, 1);
        expect(v2?.version).toBe(2);
        expect(v2?.state).toBe('collecting');
        // Stale writer loses and changes nothing.
        expect(await store.orders.update({ ...o, state: 'cancelled' }, 1)).toBeNull();
        expect(await store.orders.get('A1')).toMatchObject({ version: 2, state: 'collecting' });
        // A wrong future version loses too.
        expect(await store.orders.update({ ...o, state: 'cancelled' }, 5)).toBeNull();
        // Unknown order: no upsert.
        expect(await store.orders.update(makeOrder('ZZ'), 1)).toBeNull();
        expect(await store.orders.get('ZZ')).toBeUndefined();
        // The version in `next` is ignored; expectedVersion + 1 is stored.
        expect((await store.orders.update({ ...o, version: 99, state: 'collected' }, 2))?.version).toBe(3);
      });

      it('two concurrent updates with the same expected version: exactly one wins', async () => {
        const o = await store.orders.create(makeOrder('A1'));
        const results = await Promise.all([
          store.orders.update({ ...o, state: 'collecting' }, 1),
          store.orders.update({ ...o, state: 'cancelled' }, 1),
        ]);
        const winners = results.filter((r) => r !== null);
        expect(winners).toHaveLength(1);
        expect((await store.orders.get('A1'))?.state).toBe(winners[0]!.state);
      });

      it('many concurrent CAS writers: one winner per version, no lost update', async () => {
        const o = await store.orders.create(makeOrder('A1'));
        const first = await Promise.all(
          Array.from({ length: 25 }, (_, i) => store.orders.update({ ...o, amount: 2000 + i }, 1)),
        );
        expect(first.filter((r) => r !== null)).toHaveLength(1);
        // 8 workers x 5 increments each, every one retried until it wins.
        await Promise.all(
          Array.from({ length: 8 }, async (_, w) => {
            for (let k = 0; k < 5; k++) {
              await casLoop(store, 'A1', (cur) => ({
                ...cur,
                events: [...cur.events, { at: 2_000, type: `w${w}-${k}` }],
              }));
            }
          }),
        );
        const final = (await store.orders.get('A1'))!;
        expect(final.version).toBe(2 + 40);
        expect(final.events).toHaveLength(1 + 40);
        expect(new Set(final.events.map((e) => e.type)).size).toBe(41);
      });

      it('listOpen returns only non-terminal orders', async () => {
        await store.orders.create(makeOrder('A1', { state: 'created' }));
        const b = await store.orders.create(makeOrder('B2', { state: 'collecting' }));
        const c = await store.orders.create(makeOrder('C3'));
        await store.orders.update(finish(c, 'completed'), 1);
        await store.orders.update(finish(b, 'refunding'), 1);
        const ids = (await store.orders.listOpen()).map((o) => o.id).sort();
        expect(ids).toEqual(['A1', 'B2']);
        for (const s of ['collect_failed', 'refunded', 'needs_human', 'cancelled'] as const) {
          const o = await store.orders.create(makeOrder(`T-${s}`));
          await store.orders.update({ ...o, state: s }, 1);
        }
        expect((await store.orders.listOpen()).map((o) => o.id).sort()).toEqual(['A1', 'B2']);
      });

      it('list filters by customer, states, since, search and limit, newest first', async () => {
        await store.orders.create(
          makeOrder('OLD1', { createdAt: 1_000, customerId: 'c1', recipient: '+221770000001' }),
        );
        await store.orders.create(
          makeOrder('MID2', { createdAt: 2_000, customerId: 'c2', account: '21050176023' }),
        );
        const n = await store.orders.create(makeOrder('NEW3', { createdAt: 3_000, customerId: 'c1' }));
        await store.orders.update(finish(n, 'completed'), 1);
        const ids = async (q: Parameters<Store['orders']['list']>[0]) =>
          (await store.orders.list(q)).map((o) => o.id);
        expect(await ids({})).toEqual(['NEW3', 'MID2', 'OLD1']);
        expect(await ids({ customerId: 'c1' })).toEqual(['NEW3', 'OLD1']);
        expect(await ids({ states: ['completed'] })).toEqual(['NEW3']);
        expect(await ids({ states: ['created', 'completed'], customerId: 'c2' })).toEqual(['MID2']);
        expect(await ids({ since: 2_000 })).toEqual(['NEW3', 'MID2']);
        expect(await ids({ search: '0176' })).toEqual(['MID2']);
        expect(await ids({ search: '770000001' })).toEqual(['OLD1']);
        expect(await ids({ search: 'new3' })).toEqual(['NEW3']);
        expect(await ids({ limit: 2 })).toEqual(['NEW3', 'MID2']);
        expect(await ids({ customerId: 'c1', limit: 1 })).toEqual(['NEW3']);
        expect(await ids({ customerId: 'nobody' })).toEqual([]);
        expect((await store.orders.list({ states: ['completed'] }))[0]?.version).toBe(2);
      });

      it('finished orders stay readable, searchable and updatable', async () => {
        const o = await store.orders.create(makeOrder('A1'));
        const done = (await store.orders.update(finish(o, 'needs_human'), 1))!;
        expect(await store.orders.get('A1')).toEqual(done);
        expect((await store.orders.findByExternalId('A1-D'))?.version).toBe(2);
        expect((await store.orders.findByExternalId('A1-C'))?.version).toBe(2);
        // An admin resolves it later: CAS still applies to finished orders.
        expect(await store.orders.update({ ...done, state: 'refunded' }, 1)).toBeNull();
        const resolved = await store.orders.update({ ...done, state: 'refunded', claimRef: 'CL1' }, 2);
        expect(resolved).toMatchObject({ version: 3, state: 'refunded', claimRef: 'CL1' });
        expect(await store.orders.get('A1')).toMatchObject({ version: 3, claimRef: 'CL1' });
        expect(await store.orders.list({ states: ['needs_human'] })).toEqual([]);
        expect((await store.orders.list({ states: ['refunded'] })).map((x) => x.version)).toEqual([3]);
        // And back to open (a reopened case) is allowed: it returns to the work list.
        await store.orders.update({ ...resolved!, state: 'refunding' }, 3);
        expect((await store.orders.listOpen()).map((x) => x.id)).toEqual(['A1']);
        await expect(store.orders.create(makeOrder('A1'))).rejects.toThrow();
      });

      it('isolates stored orders from callers (deep copies in and out)', async () => {
        const input = makeOrder('A1');
        const created = await store.orders.create(input);
        input.operations.collect!.status = 'failed';
        input.events.push({ at: 1, type: 'x' });
        created.operations.collect!.status = 'failed';
        const got = (await store.orders.get('A1'))!;
        expect(got.operations.collect!.status).toBe('recorded');
        expect(got.events).toHaveLength(1);
        got.events.push({ at: 1, type: 'y' });
        (await store.orders.list({}))[0]!.events.push({ at: 1, type: 'z' });
        (await store.orders.listOpen())[0]!.amount = 1;
        (await store.orders.findByExternalId('A1-C'))!.amount = 2;
        const next = { ...got, state: 'collecting' as const };
        const updated = (await store.orders.update(next, 1))!;
        next.events.push({ at: 1, type: 'after' });
        updated.amount = 3;
        const final = (await store.orders.get('A1'))!;
        expect(final.amount).toBe(1000);
        expect(final.events.map((e) => e.type)).toEqual(['created', 'y']);
      });
    });

    describe('callbacks', () => {
      it('records each (externalTransactionId, transactionId, status) once', async () => {
        expect(await store.callbacks.record(cb('X-C', 'PENDING'))).toBe('new');
        expect(await store.callbacks.record(cb('X-C', 'PENDING', 'T1', 9_999))).toBe('duplicate');
        expect(await store.callbacks.record(cb('X-C', 'SUCCESS'))).toBe('new');
        expect(await store.callbacks.record(cb('X-C', 'SUCCESS', 'T2'))).toBe('new');
        expect(await store.callbacks.record(cb('Y-C', 'SUCCESS'))).toBe('new');
        const list = await store.callbacks.list('X-C');
        expect(list.map((r) => [r.transactionId, r.status])).toEqual([
          ['T1', 'PENDING'],
          ['T1', 'SUCCESS'],
          ['T2', 'SUCCESS'],
        ]);
        expect(list[0]).toEqual(cb('X-C', 'PENDING'));
        expect(await store.callbacks.list('none')).toEqual([]);
      });

      it('concurrent duplicates: exactly one is new', async () => {
        const results = await Promise.all(
          Array.from({ length: 10 }, () => store.callbacks.record(cb('X-C', 'SUCCESS'))),
        );
        expect(results.filter((r) => r === 'new')).toHaveLength(1);
        expect(await store.callbacks.list('X-C')).toHaveLength(1);
      });

      it('keeps callbacks of finished orders', async () => {
        const o = await store.orders.create(makeOrder('A1'));
        await store.callbacks.record(cb('A1-C', 'SUCCESS'));
        await store.orders.update(finish(o), 1);
        expect(await store.callbacks.list('A1-C')).toHaveLength(1);
        expect(await store.callbacks.record(cb('A1-C', 'SUCCESS'))).toBe('duplicate');
      });

      it('isolates bodies', async () => {
        const rec = cb('X-C', 'SUCCESS');
        await store.callbacks.record(rec);
        (rec.body as { status: string }).status = 'changed';
        ((await store.callbacks.list('X-C'))[0]!.body as { status: string }).status = 'changed';
        expect((await store.callbacks.list('X-C'))[0]!.body).toEqual({ status: 'SUCCESS', nested: { a: 1 } });
      });
    });

    describe('statusLookups', () => {
      it('allows at most max calls in a sliding window', async () => {
        const s = store.statusLookups;
        expect(await s.tryAcquire('X', 10_000, 3, 1_000)).toBe(true);
        expect(await s.tryAcquire('X', 10_500, 3, 1_000)).toBe(true);
        expect(await s.tryAcquire('X', 10_600, 3, 1_000)).toBe(true);
        expect(await s.tryAcquire('X', 10_700, 3, 1_000)).toBe(false);
        expect(await s.count('X', 10_700, 1_000)).toBe(3);
        expect(await s.tryAcquire('Y', 10_700, 3, 1_000)).toBe(true);
        // 10_000 leaves the window at 11_000: one slot frees up.
        expect(await s.count('X', 11_000, 1_000)).toBe(2);
        expect(await s.tryAcquire('X', 11_000, 3, 1_000)).toBe(true);
        expect(await s.tryAcquire('X', 11_100, 3, 1_000)).toBe(false);
        expect(await s.count('X', 20_000, 1_000)).toBe(0);
        expect(await s.count('none', 20_000, 1_000)).toBe(0);
      });

      it('concurrent acquires never exceed max', async () => {
        const r = await Promise.all(
          Array.from({ length: 12 }, () => store.statusLookups.tryAcquire('X', 5_000, 4, 60_000)),
        );
        expect(r.filter(Boolean)).toHaveLength(4);
      });
    });

    describe('customers and conversations', () => {
      it('saves, reads and lists customers with beneficiaries', async () => {
        const c = makeCustomer('+221771111111', {
          wallet: { codeService: 'WAVE_SN_API_CASH_OUT', payer: '+221771111111' },
          beneficiaries: [
            { nickname: 'maman', kind: 'phone', value: '+221772222222' },
            { nickname: 'maison', kind: 'account', value: '21050176023', codeService: 'SENELEC_SN_BILL_PAY' },
          ],
        });
        await store.customers.save(c);
        await store.customers.save(makeCustomer('lid:9@lid', { subscribed: false, firstSeenAt: 2_000 }));
        expect(await store.customers.get('+221771111111')).toEqual(c);
        expect(await store.customers.get('nobody')).toBeUndefined();
        c.beneficiaries.pop();
        expect((await store.customers.get('+221771111111'))?.beneficiaries).toHaveLength(2);
        await store.customers.save({ ...c, lang: 'wo' });
        expect((await store.customers.get('+221771111111'))?.lang).toBe('wo');
        expect((await store.customers.list()).map((x) => x.id)).toEqual(['+221771111111', 'lid:9@lid']);
        expect((await store.customers.list({ subscribed: true })).map((x) => x.id)).toEqual([
          '+221771111111',
        ]);
        expect((await store.customers.list({ subscribed: false })).map((x) => x.id)).toEqual(['lid:9@lid']);
        (await store.customers.list())[0]!.beneficiaries.push({ nickname: 'x', kind: 'phone', value: '1' });
        expect((await store.customers.get('+221771111111'))?.beneficiaries).toHaveLength(1);
      });

      it('saves, reads and deletes conversation state', async () => {
        const state = { step: 'confirm', draft: { amount: 1000 } };
        await store.conversations.save('c1', state);
        state.draft.amount = 5;
        expect(await store.conversations.get('c1')).toEqual({ step: 'confirm', draft: { amount: 1000 } });
        const got = (await store.conversations.get('c1')) as { draft: { amount: number } };
        got.draft.amount = 7;
        expect(await store.conversations.get('c1')).toEqual({ step: 'confirm', draft: { amount: 1000 } });
        await store.conversations.save('c1', { step: 'idle' });
        expect(await store.conversations.get('c1')).toEqual({ step: 'idle' });
        await store.conversations.delete('c1');
        expect(await store.conversations.get('c1')).toBeUndefined();
        await store.conversations.delete('never');
      });
    });

    describe('broadcasts and alerts', () => {
      it('creates, saves and lists broadcasts newest first', async () => {
        await store.broadcasts.create(makeBroadcast('B1', { createdAt: 1_000 }));
        await store.broadcasts.create(
          makeBroadcast('B2', { createdAt: 2_000, text: { fr: 'Salut', wo: 'Salaam' } }),
        );
        await expect(store.broadcasts.create(makeBroadcast('B1'))).rejects.toThrow();
        await store.broadcasts.save({
          ...makeBroadcast('B1'),
          state: 'sending',
          recipients: ['a', 'b'],
          startedAt: 1_500,
        });
        expect(await store.broadcasts.get('B1')).toMatchObject({ state: 'sending', recipients: ['a', 'b'] });
        expect(await store.broadcasts.get('none')).toBeUndefined();
        expect((await store.broadcasts.list()).map((b) => b.id)).toEqual(['B2', 'B1']);
        expect((await store.broadcasts.list(1)).map((b) => b.id)).toEqual(['B2']);
        (await store.broadcasts.get('B1'))!.recipients.push('c');
        expect((await store.broadcasts.get('B1'))?.recipients).toEqual(['a', 'b']);
      });

      it('marks recipients durably, onlyIfAbsent guards against double sends', async () => {
        await store.broadcasts.create(makeBroadcast('B1'));
        expect(await store.broadcasts.mark('B1', 'a', 'attempting', true)).toBe(true);
        expect(await store.broadcasts.mark('B1', 'a', 'attempting', true)).toBe(false);
        expect(await store.broadcasts.mark('B1', 'a', 'sent')).toBe(true);
        expect(await store.broadcasts.mark('B1', 'a', 'failed', true)).toBe(false);
        expect(await store.broadcasts.mark('B1', 'b', 'failed')).toBe(true);
        expect(await store.broadcasts.marks('B1')).toEqual({ a: 'sent', b: 'failed' });
        expect(await store.broadcasts.marks('B2')).toEqual({});
        const r = await Promise.all(
          Array.from({ length: 6 }, () => store.broadcasts.mark('B1', 'c', 'attempting', true)),
        );
        expect(r.filter(Boolean)).toHaveLength(1);
      });

      it('adds, lists and resolves alerts', async () => {
        await store.alerts.add({
          id: 'AL1',
          at: 1_000,
          kind: 'refund_failed',
          message: 'm1',
          orderId: 'A1',
          resolved: false,
        });
        await store.alerts.add({ id: 'AL2', at: 2_000, kind: 'balance', message: 'm2', resolved: false });
        expect((await store.alerts.list()).map((a) => a.id)).toEqual(['AL2', 'AL1']);
        await store.alerts.resolve('AL1');
        await store.alerts.resolve('unknown');
        expect((await store.alerts.list({ resolved: false })).map((a) => a.id)).toEqual(['AL2']);
        expect(await store.alerts.list({ resolved: true })).toEqual([
          { id: 'AL1', at: 1_000, kind: 'refund_failed', message: 'm1', orderId: 'A1', resolved: true },
        ]);
      });
    });

    describe('kv and dedupe', () => {
      it('keeps namespaces apart; null deletes; setMany applies a batch', async () => {
        await store.kv.set('settings', 'margin', { pct: 2 });
        await store.kv.set('auth', 'margin', 'other');
        expect(await store.kv.get('settings', 'margin')).toEqual({ pct: 2 });
        expect(await store.kv.get('auth', 'margin')).toBe('other');
        expect(await store.kv.get('settings', 'none')).toBeUndefined();
        expect(await store.kv.get('empty-ns', 'x')).toBeUndefined();
        await store.kv.setMany('auth', { 'pre-key-1': { k: [1, 2] }, 'pre-key-2': 'b', margin: null });
        expect(await store.kv.list('auth')).toEqual({ 'pre-key-1': { k: [1, 2] }, 'pre-key-2': 'b' });
        await store.kv.set('auth', 'pre-key-2', null);
        expect(await store.kv.list('auth')).toEqual({ 'pre-key-1': { k: [1, 2] } });
        await store.kv.setMany('auth', {});
        await store.kv.clear('auth');
        expect(await store.kv.list('auth')).toEqual({});
        expect(await store.kv.get('settings', 'margin')).toEqual({ pct: 2 });
        expect(await store.kv.list('never')).toEqual({});
      });

      it('isolates kv values', async () => {
        const v = { a: [1] };
        await store.kv.set('ns', 'k', v);
        v.a.push(2);
        (await store.kv.get<{ a: number[] }>('ns', 'k'))!.a.push(3);
        (await store.kv.list<{ a: number[] }>('ns')).k!.a.push(4);
        expect(await store.kv.get('ns', 'k')).toEqual({ a: [1] });
      });

      it('setMany with a value that cannot be stored changes nothing', async () => {
        await store.kv.set('ns', 'a', 1);
        const cyclic: Record<string, unknown> = {};
        cyclic.self = cyclic;
        await expect(store.kv.setMany('ns', { a: 2, b: cyclic })).rejects.toThrow();
        expect(await store.kv.list('ns')).toEqual({ a: 1 });
      });

      it('dedupe.firstSeen is true once per key within the ttl', async () => {
        expect(await store.dedupe.firstSeen('m1', 1_000, 500)).toBe(true);
        expect(await store.dedupe.firstSeen('m1', 1_400, 500)).toBe(false);
        expect(await store.dedupe.firstSeen('m2', 1_400, 500)).toBe(true);
        expect(await store.dedupe.firstSeen('m1', 1_600, 500)).toBe(true);
        const r = await Promise.all(
          Array.from({ length: 5 }, () => store.dedupe.firstSeen('m3', 2_000, 500)),
        );
        expect(r.filter(Boolean)).toHaveLength(1);
      });
    });

    it('ping answers while open', async () => {
      expect(await store.ping()).toBe(true);
    });

    it('survives a reopen with every kind of data (durable stores)', async (ctx) => {
      if (!h.reopen) return ctx.skip();
      const a = await store.orders.create(makeOrder('A1', { createdAt: 1_000 }));
      const b = await store.orders.create(makeOrder('B2', { createdAt: 2_000 }));
      await store.orders.update({ ...a, state: 'collecting' }, 1);
      await store.orders.update(finish(b, 'completed'), 1);
      await store.callbacks.record(cb('A1-C', 'PENDING'));
      await store.callbacks.record(cb('B2-C', 'SUCCESS'));
      await store.statusLookups.tryAcquire('A1-C', 10_000, 2, 60_000);
      await store.statusLookups.tryAcquire('A1-C', 10_001, 2, 60_000);
      await store.customers.save(makeCustomer('+221771111111'));
      await store.conversations.save('+221771111111', { step: 'menu' });
      await store.broadcasts.create(makeBroadcast('BC1'));
      await store.broadcasts.mark('BC1', '+221771111111', 'sent');
      await store.alerts.add({ id: 'AL1', at: 1, kind: 'k', message: 'm', resolved: false });
      await store.kv.setMany('auth', { creds: { me: 'x' }, 'pre-key-1': 1 });
      await store.dedupe.firstSeen('msg-1', Date.now(), 3_600_000);

      store = await h.reopen();
      expect(await store.orders.get('A1')).toMatchObject({ version: 2, state: 'collecting' });
      expect(await store.orders.get('B2')).toMatchObject({ version: 2, state: 'completed' });
      expect((await store.orders.findByExternalId('B2-D'))?.id).toBe('B2');
      expect((await store.orders.listOpen()).map((o) => o.id)).toEqual(['A1']);
      expect((await store.orders.list({})).map((o) => o.id)).toEqual(['B2', 'A1']);
      await expect(store.orders.create(makeOrder('B2'))).rejects.toThrow();
      expect(await store.callbacks.record(cb('A1-C', 'PENDING'))).toBe('duplicate');
      expect(await store.callbacks.record(cb('B2-C', 'SUCCESS'))).toBe('duplicate');
      expect(await store.callbacks.list('B2-C')).toHaveLength(1);
      expect(await store.statusLookups.tryAcquire('A1-C', 10_002, 2, 60_000)).toBe(false);
      expect(await store.customers.get('+221771111111')).toEqual(makeCustomer('+221771111111'));
      expect(await store.conversations.get('+221771111111')).toEqual({ step: 'menu' });
      expect(await store.broadcasts.get('BC1')).toEqual(makeBroadcast('BC1'));
      expect(await store.broadcasts.marks('BC1')).toEqual({ '+221771111111': 'sent' });
      expect(await store.alerts.list()).toHaveLength(1);
      expect(await store.kv.list('auth')).toEqual({ creds: { me: 'x' }, 'pre-key-1': 1 });
      expect(await store.dedupe.firstSeen('msg-1', Date.now(), 3_600_000)).toBe(false);
      // CAS continues from the persisted versions.
      expect(await store.orders.update({ ...a, state: 'collected' }, 1)).toBeNull();
      expect((await store.orders.update({ ...a, state: 'collected' }, 2))?.version).toBe(3);
      const b2 = (await store.orders.get('B2'))!;
      expect((await store.orders.update({ ...b2, notices: ['late'] }, 2))?.version).toBe(3);

      store = await h.reopen();
      expect(await store.orders.get('A1')).toMatchObject({ version: 3, state: 'collected' });
      expect(await store.orders.get('B2')).toMatchObject({ version: 3, notices: ['late'] });
    });
  });
}
