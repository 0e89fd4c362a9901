// One behaviour suite for every Store implementation (memory, lowdb, later PostgreSQL).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Order } from '../../src/orders/types.js';
import type { CallbackRecord, Store } from '../../src/store/types.js';
import { updateCustomer } from '../../src/store/cas.js';
import {
  ConversationChangedError,
  FencedWriteError,
  type OutboxInput,
  type OutboxMessage,
  type OutboxState,
} from '../../src/store/types.js';
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

function text(id: string, chat: string, over: Partial<OutboxInput> = {}): OutboxInput {
  return { id, chat, kind: 'reply', payload: { type: 'text', text: `hello ${id}` }, ...over };
}

/** Retries a CAS update until it wins, as the order flow does. */
async function casLoop(store: Store, id: string, change: (o: Order) => Order): Promise<Order> {
  for (;;) {
    const cur = (await store.orders.get(id))!;
    const next = await store.orders.update(change(cur), cur.version);
    if (next) return next;
  }
}

export function runStoreContract(
  name: string,
  factory: () => Promise<StoreHandle>,
  /** false for a store with nothing to reopen (memory): its reopen tests are not registered at all. */
  opts: { durable: boolean } = { durable: true },
): void {
  // Registered only where they apply: CI must show no skipped test.
  const durableIt = opts.durable ? it : () => {};
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

      it('an order update carrying a callback copy records it with the change, once, and even when the CAS loses', async () => {
        const o = await store.orders.create(makeOrder('A1'));
        const v2 = await store.orders.update({ ...o, state: 'collecting' }, 1, cb('A1-C', 'SUCCESS'));
        expect(v2?.version).toBe(2);
        expect(await store.callbacks.list('A1-C')).toMatchObject([
          { status: 'SUCCESS', transactionId: 'T1' },
        ]);
        // A stale writer's copy: the order keeps the winner's change, the copy is kept (it was received).
        expect(await store.orders.update({ ...o, state: 'cancelled' }, 1, cb('A1-C', 'FAILLED'))).toBeNull();
        expect(await store.orders.get('A1')).toMatchObject({ version: 2, state: 'collecting' });
        expect((await store.callbacks.list('A1-C')).map((c) => c.status)).toEqual(['SUCCESS', 'FAILLED']);
        // The same copy again with the next change: stored once.
        await store.orders.update(finish(v2!), 2, cb('A1-C', 'SUCCESS', 'T1', 9_999));
        expect(await store.callbacks.list('A1-C')).toHaveLength(2);
        expect(await store.callbacks.record(cb('A1-C', 'SUCCESS'))).toBe('duplicate');
      });

      durableIt('an order update and the callback copy it carries survive a reopen together', async () => {
        if (!h.reopen) throw new Error('a durable store handle must be able to reopen');
        const o = await store.orders.create(makeOrder('A1'));
        await store.orders.update({ ...o, state: 'collecting' }, 1, cb('A1-C', 'SUCCESS'));
        store = await h.reopen();
        expect(await store.callbacks.list('A1-C')).toMatchObject([{ status: 'SUCCESS' }]);
        expect(await store.orders.get('A1')).toMatchObject({ version: 2, state: 'collecting' });
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
      it('getOrCreate stores version 1 once; get returns it; copies are isolated', async () => {
        const c = makeCustomer('+221771111111', {
          version: 9,
          wallet: { codeService: 'WAVE_SN_API_CASH_OUT', payer: '+221771111111' },
          beneficiaries: [
            { nickname: 'maman', kind: 'phone', value: '+221772222222' },
            { nickname: 'maison', kind: 'account', value: '21050176023', codeService: 'SENELEC_SN_BILL_PAY' },
          ],
        });
        const first = await store.customers.getOrCreate(c);
        expect(first).toEqual({ customer: { ...c, version: 1 }, created: true });
        const again = await store.customers.getOrCreate({ ...c, lang: 'wo' });
        expect(again).toEqual({ customer: { ...c, version: 1 }, created: false });
        expect(await store.customers.get('+221771111111')).toEqual({ ...c, version: 1 });
        expect(await store.customers.get('nobody')).toBeUndefined();
        c.beneficiaries.pop();
        first.customer.beneficiaries.pop();
        (await store.customers.get('+221771111111'))!.beneficiaries.pop();
        expect((await store.customers.get('+221771111111'))?.beneficiaries).toHaveLength(2);
      });

      it('update is compare-and-set on version; delete removes', async () => {
        const { customer: c } = await store.customers.getOrCreate(makeCustomer('+221771111111'));
        const v2 = await store.customers.update({ ...c, lang: 'wo', version: 77 }, 1);
        expect(v2).toMatchObject({ version: 2, lang: 'wo' });
        expect(await store.customers.update({ ...c, paused: true }, 1)).toBeNull();
        expect(await store.customers.get(c.id)).toMatchObject({ version: 2, lang: 'wo', paused: false });
        expect(await store.customers.update(makeCustomer('+221779999999'), 1)).toBeNull();
        expect(await store.customers.get('+221779999999')).toBeUndefined();
        await store.customers.delete(c.id);
        await store.customers.delete('never');
        expect(await store.customers.get(c.id)).toBeUndefined();
        expect((await store.customers.getOrCreate(c)).created).toBe(true);
      });

      it('race: two writers on one customer, both through the CAS loop: neither change is lost', async () => {
        await store.customers.getOrCreate(makeCustomer('+221771111111'));
        // A turn saving the language and an admin pausing, at the same moment.
        await Promise.all([
          updateCustomer(store.customers, '+221771111111', (c) => ({ ...c, lang: 'en' })),
          updateCustomer(store.customers, '+221771111111', (c) => ({ ...c, paused: true })),
        ]);
        expect(await store.customers.get('+221771111111')).toMatchObject({
          version: 3,
          lang: 'en',
          paused: true,
        });
        const same = await Promise.all(
          Array.from({ length: 8 }, () =>
            store.customers.update({ ...makeCustomer('+221771111111'), subscribed: false }, 3),
          ),
        );
        expect(same.filter((r) => r !== null)).toHaveLength(1);
      });

      it('race: getOrCreate twice at once creates once', async () => {
        const r = await Promise.all([
          store.customers.getOrCreate(makeCustomer('+221771111111', { lang: 'en' })),
          store.customers.getOrCreate(makeCustomer('+221771111111', { lang: 'wo' })),
        ]);
        expect(r.filter((x) => x.created)).toHaveLength(1);
        expect(r[0]!.customer).toEqual(r[1]!.customer);
      });

      it('pages customers by id ascending, filtered, stable; counts', async () => {
        const ids = ['+221770000005', '+221770000001', 'lid:9@lid', '+221770000003', '+221770000002'];
        for (const [i, id] of ids.entries()) {
          await store.customers.getOrCreate(makeCustomer(id, { subscribed: i !== 1 }));
        }
        const all: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const page = await store.customers.page({ limit: 2, cursor });
          expect(page.items.length).toBeLessThanOrEqual(2);
          all.push(...page.items.map((c) => c.id));
          cursor = page.next;
          pages++;
        } while (cursor && pages < 10);
        expect(all).toEqual([...ids].sort());
        const subs = await store.customers.page({ subscribed: true, limit: 10 });
        expect(subs.items.map((c) => c.id)).toEqual([
          '+221770000002',
          '+221770000003',
          '+221770000005',
          'lid:9@lid',
        ]);
        expect(subs.next).toBeNull();
        const unsub = await store.customers.page({ subscribed: false, limit: 10 });
        expect(unsub.items.map((c) => c.id)).toEqual(['+221770000001']);
        // A customer added before the cursor does not shift the next page.
        const p1 = await store.customers.page({ limit: 2 });
        await store.customers.getOrCreate(makeCustomer('+221770000000'));
        const p2 = await store.customers.page({ limit: 2, cursor: p1.next });
        expect(p2.items.map((c) => c.id)).toEqual(['+221770000003', '+221770000005']);
        expect(await store.customers.count()).toBe(6);
        expect(await store.customers.count({ subscribed: true })).toBe(5);
        expect(await store.customers.count({ subscribed: false })).toBe(1);
        const c = (await store.customers.get('+221770000001'))!;
        await store.customers.update({ ...c, subscribed: true }, c.version);
        expect(await store.customers.count({ subscribed: false })).toBe(0);
        await store.customers.delete('+221770000001');
        expect(await store.customers.count({ subscribed: true })).toBe(5);
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
      it('creates, updates headers and lists broadcasts newest first', async () => {
        await store.broadcasts.create(makeBroadcast('B1', { createdAt: 1_000 }));
        await store.broadcasts.create(
          makeBroadcast('B2', { createdAt: 2_000, text: { fr: 'Salut', wo: 'Salaam' } }),
        );
        await expect(store.broadcasts.create(makeBroadcast('B1'))).rejects.toThrow();
        const up = await store.broadcasts.update('B1', { state: 'sending', total: 2, startedAt: 1_500 });
        expect(up).toEqual(makeBroadcast('B1', { state: 'sending', total: 2, startedAt: 1_500 }));
        expect(await store.broadcasts.get('B1')).toEqual(up);
        expect(await store.broadcasts.update('none', { state: 'done' })).toBeUndefined();
        expect(await store.broadcasts.get('none')).toBeUndefined();
        expect((await store.broadcasts.list(10)).map((b) => b.id)).toEqual(['B2', 'B1']);
        expect((await store.broadcasts.list(1)).map((b) => b.id)).toEqual(['B2']);
        (await store.broadcasts.get('B1'))!.text.fr = 'changed';
        expect((await store.broadcasts.get('B1'))?.text.fr).toBe('Bonjour');
      });

      it('recipients: snapshot is idempotent; mark with from is a CAS; reasons and refs kept', async () => {
        await store.broadcasts.create(makeBroadcast('B1'));
        await store.broadcasts.addRecipients('B1', ['c', 'a', 'b'], 10);
        expect(await store.broadcasts.mark('B1', 'a', 'attempting', { from: ['pending'], at: 11 })).toBe(
          true,
        );
        await store.broadcasts.addRecipients('B1', ['a', 'd'], 12);
        expect(await store.broadcasts.recipient('B1', 'a')).toEqual({
          customerId: 'a',
          status: 'attempting',
          at: 11,
        });
        expect(await store.broadcasts.recipient('B1', 'd')).toEqual({
          customerId: 'd',
          status: 'pending',
          at: 12,
        });
        expect(await store.broadcasts.recipient('B1', 'zz')).toBeUndefined();
        expect(await store.broadcasts.mark('B1', 'a', 'attempting', { from: ['pending'] })).toBe(false);
        expect(await store.broadcasts.mark('B1', 'a', 'sent', { ref: 'out-1', at: 13 })).toBe(true);
        expect(await store.broadcasts.mark('B1', 'a', 'failed', { from: ['pending', 'attempting'] })).toBe(
          false,
        );
        expect(await store.broadcasts.mark('B1', 'b', 'skipped', { reason: 'paused', at: 14 })).toBe(true);
        expect(await store.broadcasts.mark('B1', 'zz', 'sent', { from: ['pending'] })).toBe(false);
        expect(await store.broadcasts.recipient('B1', 'a')).toEqual({
          customerId: 'a',
          status: 'sent',
          ref: 'out-1',
          at: 13,
        });
        expect(await store.broadcasts.recipient('B1', 'b')).toEqual({
          customerId: 'b',
          status: 'skipped',
          reason: 'paused',
          at: 14,
        });
        expect(await store.broadcasts.counts('B1')).toEqual({ sent: 1, skipped: 1, pending: 2 });
        expect(await store.broadcasts.counts('none')).toEqual({});
      });

      it('race: mark(…, {from: [pending]}) ×N at once claims exactly once', async () => {
        await store.broadcasts.create(makeBroadcast('B1'));
        await store.broadcasts.addRecipients('B1', ['c'], 10);
        const r = await Promise.all(
          Array.from({ length: 12 }, () =>
            store.broadcasts.mark('B1', 'c', 'attempting', { from: ['pending'] }),
          ),
        );
        expect(r.filter(Boolean)).toHaveLength(1);
        expect(await store.broadcasts.counts('B1')).toEqual({ attempting: 1 });
      });

      it('pages recipients by customer id, filtered by status, stable', async () => {
        await store.broadcasts.create(makeBroadcast('B1'));
        await store.broadcasts.create(makeBroadcast('B2'));
        const ids = Array.from({ length: 7 }, (_, i) => `+2217700000${i}`).reverse();
        await store.broadcasts.addRecipients('B1', ids, 1);
        await store.broadcasts.addRecipients('B2', ['other'], 1);
        await store.broadcasts.mark('B1', '+22177000002', 'sent');
        await store.broadcasts.mark('B1', '+22177000005', 'failed');
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const page = await store.broadcasts.recipients('B1', { status: ['pending'], limit: 2, cursor });
          seen.push(...page.items.map((r) => r.customerId));
          // Claiming while paging does not make the walk skip or repeat anyone.
          for (const r of page.items) await store.broadcasts.mark('B1', r.customerId, 'attempting');
          cursor = page.next;
        } while (cursor);
        expect(seen).toEqual([
          '+22177000000',
          '+22177000001',
          '+22177000003',
          '+22177000004',
          '+22177000006',
        ]);
        const everyone = await store.broadcasts.recipients('B1', { limit: 100 });
        expect(everyone.items.map((r) => r.customerId)).toEqual([...ids].sort());
        expect(everyone.next).toBeNull();
        expect((await store.broadcasts.recipients('none', { limit: 5 })).items).toEqual([]);
      });

      it('alerts: add is idempotent on id; list filters and limits', async () => {
        await store.alerts.add({ id: 'AL1', at: 1_000, kind: 'k', message: 'first', resolved: false });
        await store.alerts.add({ id: 'AL1', at: 9_000, kind: 'k', message: 'second', resolved: false });
        await store.alerts.add({ id: 'AL2', at: 2_000, kind: 'k', message: 'm', resolved: false });
        await store.alerts.add({ id: 'AL3', at: 3_000, kind: 'k', message: 'm', resolved: false });
        expect(await store.alerts.list()).toHaveLength(3);
        expect((await store.alerts.list({ limit: 2 })).map((a) => a.id)).toEqual(['AL3', 'AL2']);
        expect((await store.alerts.list({ resolved: false }))[2]).toMatchObject({
          id: 'AL1',
          message: 'first',
        });
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

    describe('orders: pages, payer, open list', () => {
      it('listOpen is oldest first and takes a limit', async () => {
        await store.orders.create(makeOrder('N3', { createdAt: 3_000 }));
        await store.orders.create(makeOrder('N1', { createdAt: 1_000 }));
        await store.orders.create(makeOrder('N2', { createdAt: 2_000 }));
        expect((await store.orders.listOpen()).map((o) => o.id)).toEqual(['N1', 'N2', 'N3']);
        expect((await store.orders.listOpen(2)).map((o) => o.id)).toEqual(['N1', 'N2']);
      });

      it('list filters by payer', async () => {
        await store.orders.create(makeOrder('P1', { payment: { codeService: 'W', payer: '+221770000001' } }));
        const p2 = await store.orders.create(
          makeOrder('P2', { createdAt: 2_000, payment: { codeService: 'W', payer: '+221770000002' } }),
        );
        await store.orders.update(finish(p2), 1);
        expect((await store.orders.list({ payer: '+221770000002' })).map((o) => o.id)).toEqual(['P2']);
        expect((await store.orders.list({ payer: '+221770000001' })).map((o) => o.id)).toEqual(['P1']);
        expect(await store.orders.list({ payer: '+221779999999' })).toEqual([]);
      });

      it('page walks newest first (createdAt desc, id desc), stable across pages and filters', async () => {
        const made: string[] = [];
        for (let i = 0; i < 7; i++) {
          const id = `Q${i}`;
          // Two orders share each createdAt: the id breaks the tie.
          const o = await store.orders.create(
            makeOrder(id, { createdAt: 1_000 + Math.floor(i / 2), customerId: i % 3 ? 'c1' : 'c2' }),
          );
          if (i % 2) await store.orders.update(finish(o), 1);
          made.push(id);
        }
        const walk = async (q: { customerId?: string; states?: Order['state'][] }) => {
          const out: string[] = [];
          let cursor: string | null = null;
          let n = 0;
          do {
            const page = await store.orders.page({ ...q, limit: 2, cursor });
            out.push(...page.items.map((o) => o.id));
            cursor = page.next;
          } while (cursor && ++n < 20);
          return out;
        };
        const expected = (await store.orders.list({})).map((o) => o.id);
        expect(expected).toEqual(['Q6', 'Q5', 'Q4', 'Q3', 'Q2', 'Q1', 'Q0']);
        expect(await walk({})).toEqual(expected);
        expect(await walk({ customerId: 'c2' })).toEqual(['Q6', 'Q3', 'Q0']);
        expect(await walk({ states: ['completed'] })).toEqual(['Q5', 'Q3', 'Q1']);
        // A new order (newest) does not shift a walk already under way.
        const first = await store.orders.page({ limit: 3 });
        await store.orders.create(makeOrder('Q9', { createdAt: 9_000 }));
        const second = await store.orders.page({ limit: 3, cursor: first.next });
        expect(second.items.map((o) => o.id)).toEqual(['Q3', 'Q2', 'Q1']);
        const last = await store.orders.page({ limit: 3, cursor: second.next });
        expect(last).toMatchObject({ next: null });
        expect(last.items.map((o) => o.id)).toEqual(['Q0']);
      });
    });

    describe('races', () => {
      it('statusLookups.tryAcquire ×10 at once under a limit of 3: exactly 3', async () => {
        const r = await Promise.all(
          Array.from({ length: 10 }, () => store.statusLookups.tryAcquire('R1', 50_000, 3, 60_000)),
        );
        expect(r.filter(Boolean)).toHaveLength(3);
        expect(await store.statusLookups.count('R1', 50_000, 60_000)).toBe(3);
      });

      it('dedupe.firstSeen twice at once: one true', async () => {
        const r = await Promise.all([
          store.dedupe.firstSeen('msg-x', 10_000, 60_000),
          store.dedupe.firstSeen('msg-x', 10_000, 60_000),
        ]);
        expect(r.sort()).toEqual([false, true]);
      });

      it('dedupe keeps thousands of keys apart and lets expired ones back in', async () => {
        for (let i = 0; i < 2_000; i++)
          expect(await store.dedupe.firstSeen(`k${i}`, 1_000 + i, 500)).toBe(true);
        expect(await store.dedupe.firstSeen('k1999', 3_000, 500)).toBe(false);
        expect(await store.dedupe.firstSeen('k0', 3_000, 500)).toBe(true);
      });
    });

    describe('kv: getMany and fenced writes', () => {
      it('getMany returns the keys present', async () => {
        await store.kv.setMany('auth', { a: 1, b: { x: [1] }, c: 'z' });
        expect(await store.kv.getMany('auth', ['a', 'b', 'missing'])).toEqual({ a: 1, b: { x: [1] } });
        expect(await store.kv.getMany('auth', [])).toEqual({});
        expect(await store.kv.getMany('nothing-here', ['a'])).toEqual({});
      });

      it('a fenced write goes through while the lease is held, and is refused for a stale epoch', async () => {
        const t = Date.now();
        const l1 = (await store.leases.acquire('wa', 'node-a', t, 60_000))!;
        const fenceA = { lease: 'wa', owner: 'node-a', epoch: l1.epoch };
        await store.kv.set('auth', 'creds', { v: 1 }, fenceA);
        await store.kv.setMany('auth', { 'session-1': { s: 1 } }, fenceA);
        expect(await store.kv.get('auth', 'creds')).toEqual({ v: 1 });
        // node-a loses the lease (it expired); node-b takes it with a new epoch.
        await store.leases.release('wa', 'node-a', l1.epoch);
        const l2 = (await store.leases.acquire('wa', 'node-b', t, 60_000))!;
        expect(l2.epoch).toBeGreaterThan(l1.epoch);
        await expect(store.kv.set('auth', 'creds', { v: 'stale' }, fenceA)).rejects.toBeInstanceOf(
          FencedWriteError,
        );
        await expect(store.kv.setMany('auth', { creds: null, x: 1 }, fenceA)).rejects.toBeInstanceOf(
          FencedWriteError,
        );
        await expect(store.kv.clear('auth', fenceA)).rejects.toBeInstanceOf(FencedWriteError);
        expect(await store.kv.list('auth')).toEqual({ creds: { v: 1 }, 'session-1': { s: 1 } });
        // Same owner name with the old epoch is refused too.
        await expect(
          store.kv.set('auth', 'creds', 1, { lease: 'wa', owner: 'node-b', epoch: l1.epoch }),
        ).rejects.toBeInstanceOf(FencedWriteError);
        await store.kv.set('auth', 'creds', { v: 2 }, { lease: 'wa', owner: 'node-b', epoch: l2.epoch });
        expect(await store.kv.get('auth', 'creds')).toEqual({ v: 2 });
        // Unknown lease: refused.
        await expect(
          store.kv.set('auth', 'k', 1, { lease: 'none', owner: 'node-b', epoch: 1 }),
        ).rejects.toBeInstanceOf(FencedWriteError);
      });

      it('a fenced write is refused once the lease has expired, even with no new holder', async () => {
        const past = Date.now() - 120_000;
        const l = (await store.leases.acquire('wa', 'node-a', past, 1_000))!;
        await expect(
          store.kv.set('auth', 'creds', 1, { lease: 'wa', owner: 'node-a', epoch: l.epoch }),
        ).rejects.toBeInstanceOf(FencedWriteError);
        expect(await store.kv.get('auth', 'creds')).toBeUndefined();
      });
    });

    describe('leases', () => {
      it('acquire, extend, renew, release; epoch grows on every change of hands', async () => {
        const a = await store.leases.acquire('sync', 'A', 1_000, 500);
        expect(a).toEqual({ name: 'sync', owner: 'A', epoch: 1, expiresAt: 1_500 });
        expect(await store.leases.acquire('sync', 'B', 1_200, 500)).toBeNull();
        // Re-acquire by the holder extends with the same epoch.
        expect(await store.leases.acquire('sync', 'A', 1_300, 500)).toMatchObject({
          epoch: 1,
          expiresAt: 1_800,
        });
        expect(await store.leases.renew('sync', 'A', 1, 1_400, 1_000)).toMatchObject({
          epoch: 1,
          expiresAt: 2_400,
        });
        expect(await store.leases.renew('sync', 'B', 1, 1_400, 1_000)).toBeNull();
        expect(await store.leases.renew('sync', 'A', 2, 1_400, 1_000)).toBeNull();
        // Expired: B takes it, epoch 2; A can no longer renew.
        const b = await store.leases.acquire('sync', 'B', 2_500, 500);
        expect(b).toEqual({ name: 'sync', owner: 'B', epoch: 2, expiresAt: 3_000 });
        expect(await store.leases.renew('sync', 'A', 1, 2_600, 500)).toBeNull();
        // A release by a stale holder does nothing; by the holder frees it at once.
        await store.leases.release('sync', 'A', 1);
        expect(await store.leases.acquire('sync', 'C', 2_700, 500)).toBeNull();
        await store.leases.release('sync', 'B', 2);
        expect(await store.leases.acquire('sync', 'C', 2_700, 500)).toMatchObject({ owner: 'C', epoch: 3 });
        // Re-taken by the same owner after expiry: a new epoch.
        expect(await store.leases.acquire('sync', 'C', 9_000, 500)).toMatchObject({ owner: 'C', epoch: 4 });
        expect(await store.leases.get('sync')).toMatchObject({ owner: 'C', epoch: 4 });
        expect(await store.leases.get('none')).toBeUndefined();
        expect(await store.leases.renew('none', 'A', 1, 1, 1)).toBeNull();
      });

      it('race: ten acquires at once, one winner', async () => {
        const r = await Promise.all(
          Array.from({ length: 10 }, (_, i) => store.leases.acquire('wa', `node-${i}`, 5_000, 10_000)),
        );
        const winners = r.filter((l) => l !== null);
        expect(winners).toHaveLength(1);
        expect(await store.leases.get('wa')).toEqual(winners[0]);
      });
    });

    describe('locks', () => {
      it('runs callers for one key one after the other, in arrival order; other keys in parallel', async () => {
        const log: string[] = [];
        let inside = 0;
        let maxInside = 0;
        const task = (key: string, i: number) =>
          store.locks.run(key, async () => {
            inside++;
            maxInside = Math.max(maxInside, inside);
            log.push(`${key}${i}+`);
            await new Promise((r) => setTimeout(r, 5));
            log.push(`${key}${i}-`);
            inside--;
            return i;
          });
        const results = await Promise.all([task('a', 1), task('a', 2), task('a', 3)]);
        expect(results).toEqual([1, 2, 3]);
        expect(log).toEqual(['a1+', 'a1-', 'a2+', 'a2-', 'a3+', 'a3-']);
        expect(maxInside).toBe(1);
        // A failure releases the key for the next caller; another key does not wait.
        const failing = store.locks.run('b', async () => {
          throw new Error('boom');
        });
        await expect(failing).rejects.toThrow('boom');
        expect(await store.locks.run('b', async () => 'next')).toBe('next');
        let otherRan = false;
        const slow = store.locks.run('c', () => new Promise((r) => setTimeout(() => r(otherRan), 30)));
        await store.locks.run('d', async () => {
          otherRan = true;
        });
        expect(await slow).toBe(true);
      });
    });

    describe('outbox', () => {
      it('enqueue is idempotent per id, seq increases in enqueue order', async () => {
        await store.outbox.enqueue([text('m1', 'A'), text('m2', 'B'), text('m3', 'A')], 100);
        await store.outbox.enqueue([text('m1', 'A', { payload: { type: 'text', text: 'other' } })], 200);
        const m1 = (await store.outbox.get('m1'))!;
        expect(m1).toMatchObject({
          id: 'm1',
          chat: 'A',
          kind: 'reply',
          payload: { type: 'text', text: 'hello m1' },
          createdAt: 100,
          state: 'pending',
          attempts: 0,
        });
        const seqs = await Promise.all(
          ['m1', 'm2', 'm3'].map(async (id) => (await store.outbox.get(id))!.seq),
        );
        expect(seqs[0]).toBeLessThan(seqs[1]!);
        expect(seqs[1]).toBeLessThan(seqs[2]!);
        expect(await store.outbox.get('none')).toBeUndefined();
        expect(await store.outbox.depth()).toEqual({ pending: 3, sending: 0 });
      });

      it('markSentThenList: marks like markSent, then reads the chat as list() does once the row is sent', async () => {
        const all: OutboxState[] = ['pending', 'sending', 'sent'];
        const ids = (r: { rows: OutboxMessage[] }) => r.rows.map((m) => `${m.id}:${m.state}`);
        await store.outbox.enqueue([text('a1', 'A'), text('a2', 'A'), text('a3', 'A'), text('b1', 'B')], 100);
        expect((await store.outbox.claim('w1', 1_000, 60_000, 10)).map((m) => m.id)).toEqual(['a1', 'b1']);

        const a1 = await store.outbox.markSentThenList(
          'a1',
          'w1',
          { waMessageId: 'WA-a1', at: 1_100 },
          { chat: 'A', states: all, limit: 50 },
        );
        expect(a1.marked).toBe(true);
        expect(ids(a1)).toEqual(['a3:pending', 'a2:pending', 'a1:sent']);
        expect(a1.rows[2]).toMatchObject({ waMessageId: 'WA-a1', sentAt: 1_100, doneAt: 1_100 });
        // Already sent: not marked again, the chat still read.
        const again = await store.outbox.markSentThenList(
          'a1',
          'w1',
          { at: 1_200 },
          { chat: 'A', states: all, limit: 50 },
        );
        expect(again.marked).toBe(false);
        expect(ids(again)).toEqual(ids(a1));
        expect(again.rows[2]).toMatchObject({ sentAt: 1_100 });

        // Only the claimer marks; a view of sent rows holds the row just marked.
        const sentB = { chat: 'B', states: ['sent'] as OutboxState[], limit: 5 };
        expect(await store.outbox.markSentThenList('b1', 'w2', { at: 1_100 }, sentB)).toEqual({
          marked: false,
          rows: [],
        });
        expect(ids(await store.outbox.markSentThenList('b1', 'w1', { at: 1_100 }, sentB))).toEqual([
          'b1:sent',
        ]);

        // The limit counts the rows as they are once marked: a2 joins the view, a1 falls out of it.
        expect((await store.outbox.claim('w1', 1_300, 60_000, 10, 'A')).map((m) => m.id)).toEqual(['a2']);
        const a2 = await store.outbox.markSentThenList(
          'a2',
          'w1',
          { at: 1_400 },
          { chat: 'A', states: ['pending', 'sent'], limit: 2 },
        );
        expect(ids(a2)).toEqual(['a3:pending', 'a2:sent']);
        // Unsent rows only: nothing left once the last is marked.
        await store.outbox.claim('w1', 1_500, 60_000, 10, 'A');
        const a3 = await store.outbox.markSentThenList(
          'a3',
          'w1',
          { at: 1_600 },
          { chat: 'A', states: ['pending', 'sending'], limit: 1 },
        );
        expect(a3).toEqual({ marked: true, rows: [] });
        expect(await store.outbox.depth()).toEqual({ pending: 0, sending: 0 });
      });

      it('claim: per chat, the head only, in order; exclusive; retries and failures', async () => {
        await store.outbox.enqueue(
          [text('a1', 'A'), text('b1', 'B'), text('a2', 'A'), text('c1', 'C', { notBefore: 5_000 })],
          100,
        );
        const first = await store.outbox.claim('w1', 1_000, 60_000, 10);
        expect(first.map((m) => m.id)).toEqual(['a1', 'b1']);
        expect(first[0]).toMatchObject({ state: 'sending', owner: 'w1', leaseUntil: 61_000 });
        // Heads are claimed: nothing for another worker, and a2 waits behind a1.
        expect(await store.outbox.claim('w2', 1_000, 60_000, 10)).toEqual([]);
        expect(await store.outbox.depth()).toEqual({ pending: 2, sending: 2 });
        // Only the claimer may settle.
        expect(await store.outbox.markSent('a1', 'w2', { at: 1_100 })).toBe(false);
        expect(await store.outbox.markSent('a1', 'w1', { waMessageId: 'WA-a1', at: 1_100 })).toBe(true);
        expect(await store.outbox.markSent('a1', 'w1', { at: 1_100 })).toBe(false);
        expect(await store.outbox.get('a1')).toMatchObject({
          state: 'sent',
          waMessageId: 'WA-a1',
          sentAt: 1_100,
        });
        expect(await store.outbox.retry('b1', 'w1', 3_000, 'socket closed')).toBe(true);
        expect(await store.outbox.get('b1')).toMatchObject({
          state: 'pending',
          attempts: 1,
          notBefore: 3_000,
          lastError: 'socket closed',
        });
        // b1 is not due yet, and blocks B; a2 is next for A; c1 is not due.
        expect((await store.outbox.claim('w2', 2_000, 60_000, 10)).map((m) => m.id)).toEqual(['a2']);
        expect((await store.outbox.claim('w2', 6_000, 60_000, 10)).map((m) => m.id)).toEqual(['b1', 'c1']);
        expect(await store.outbox.markFailed('a2', 'w1', 'nope', 6_000)).toBe(false);
        expect(await store.outbox.markFailed('a2', 'w2', 'blocked', 6_000)).toBe(true);
        expect(await store.outbox.get('a2')).toMatchObject({ state: 'failed', lastError: 'blocked' });
        // A failed head no longer blocks its chat.
        await store.outbox.enqueue([text('a3', 'A')], 6_100);
        expect((await store.outbox.claim('w3', 6_200, 60_000, 10)).map((m) => m.id)).toEqual(['a3']);
        // An expired claim may be taken again by someone else; the old owner then loses it.
        expect((await store.outbox.claim('w4', 70_000, 60_000, 1)).map((m) => m.id)).toEqual(['b1']);
        expect(await store.outbox.markSent('b1', 'w2', { at: 70_001 })).toBe(false);
        expect(await store.outbox.markSent('b1', 'w4', { at: 70_001 })).toBe(true);
      });

      it('a sent text keeps its kind, ids and times; its words only in PostgreSQL (embedded rows live in memory)', async () => {
        await store.outbox.enqueue([text('t1', 'A', { orderId: 'O9' }), text('t2', 'A')], 100);
        await store.outbox.claim('w1', 1_000, 60_000, 10);
        expect(await store.outbox.markSent('t1', 'w1', { waMessageId: 'WA-t1', at: 1_100 })).toBe(true);
        const sent = await store.outbox.get('t1');
        expect(sent).toMatchObject({
          id: 't1',
          chat: 'A',
          kind: 'reply',
          orderId: 'O9',
          state: 'sent',
          sentAt: 1_100,
        });
        expect(sent?.payload).toEqual({ type: 'text', text: store.kind === 'postgres' ? 'hello t1' : '' });
        // A message not sent yet keeps every word.
        expect((await store.outbox.get('t2'))?.payload).toEqual({ type: 'text', text: 'hello t2' });
        expect((await store.outbox.list({ orderId: 'O9', limit: 5 })).map((m) => m.id)).toEqual(['t1']);
      });

      it('claim for one chat: its head only, not before it is due, never one another worker holds', async () => {
        await store.outbox.enqueue(
          [text('a1', 'A'), text('b1', 'B'), text('a2', 'A'), text('c1', 'C', { notBefore: 5_000 })],
          100,
        );
        expect(await store.outbox.claim('w1', 1_000, 60_000, 10, 'Z')).toEqual([]);
        const a = await store.outbox.claim('w1', 1_000, 60_000, 10, 'A');
        expect(a.map((m) => m.id)).toEqual(['a1']);
        expect(a[0]).toMatchObject({ state: 'sending', owner: 'w1', leaseUntil: 61_000 });
        // a2 waits behind its claimed head, for this worker and any other.
        expect(await store.outbox.claim('w1', 1_000, 60_000, 10, 'A')).toEqual([]);
        expect(await store.outbox.claim('w2', 1_000, 60_000, 10)).toMatchObject([{ id: 'b1' }]);
        expect(await store.outbox.claim('w3', 1_000, 60_000, 10, 'B')).toEqual([]);
        expect(await store.outbox.claim('w1', 1_000, 60_000, 10, 'C')).toEqual([]);
        expect(await store.outbox.claim('w1', 5_000, 60_000, 0, 'C')).toEqual([]);
        expect((await store.outbox.claim('w1', 5_000, 60_000, 10, 'C')).map((m) => m.id)).toEqual(['c1']);
        expect(await store.outbox.markSent('a1', 'w1', { at: 1_100 })).toBe(true);
        expect((await store.outbox.claim('w1', 1_200, 60_000, 10, 'A')).map((m) => m.id)).toEqual(['a2']);
        // The chat's unfinished messages, newest first, whatever its history.
        expect(
          (await store.outbox.list({ chat: 'A', states: ['pending', 'sending'], limit: 10 })).map(
            (m) => m.id,
          ),
        ).toEqual(['a2']);
        expect(
          (await store.outbox.list({ chat: 'A', states: ['sent'], limit: 10 })).map((m) => m.id),
        ).toEqual(['a1']);
        await store.outbox.enqueue([text('a3', 'A')], 1_300);
        expect(
          (await store.outbox.list({ chat: 'A', states: ['pending', 'sending'], limit: 10 })).map(
            (m) => m.id,
          ),
        ).toEqual(['a3', 'a2']);
        expect(
          (await store.outbox.list({ chat: 'A', states: ['pending'], limit: 10 })).map((m) => m.id),
        ).toEqual(['a3']);
      });

      it('race: concurrent claims never hand one message to two workers, and keep per-chat order', async () => {
        const msgs: OutboxInput[] = [];
        for (let i = 0; i < 30; i++) msgs.push(text(`m${i}`, `chat${i % 5}`));
        await store.outbox.enqueue(msgs, 1);
        const sentOrder = new Map<string, string[]>();
        const claimedBy = new Map<string, string>();
        let t = 10;
        const worker = async (w: string) => {
          for (let round = 0; round < 40; round++) {
            const got = await store.outbox.claim(w, t++, 60_000, 3);
            for (const m of got) {
              expect(claimedBy.has(m.id), m.id).toBe(false);
              claimedBy.set(m.id, w);
              const list = sentOrder.get(m.chat) ?? [];
              list.push(m.id);
              sentOrder.set(m.chat, list);
              expect(await store.outbox.markSent(m.id, w, { at: t })).toBe(true);
            }
            if (!got.length && (await store.outbox.depth()).pending === 0) return;
          }
        };
        await Promise.all([worker('w1'), worker('w2'), worker('w3')]);
        expect(claimedBy.size).toBe(30);
        for (let c = 0; c < 5; c++) {
          const expected = Array.from({ length: 6 }, (_, k) => `m${c + 5 * k}`);
          expect(sentOrder.get(`chat${c}`)).toEqual(expected);
        }
        expect(await store.outbox.depth()).toEqual({ pending: 0, sending: 0 });
      });

      it('delivery statuses never go backwards, error always wins; list is bounded, newest first', async () => {
        await store.outbox.enqueue(
          [text('m1', 'A', { orderId: 'O1' }), text('m2', 'A', { broadcastId: 'B1' }), text('m3', 'B')],
          1,
        );
        const [m1] = await store.outbox.claim('w', 2, 1_000, 1);
        await store.outbox.markSent(m1!.id, 'w', { waMessageId: 'WA1', at: 3 });
        expect(await store.outbox.setDelivery('WA1', 'read', 10)).toMatchObject({
          delivery: 'read',
          deliveryAt: 10,
        });
        expect(await store.outbox.setDelivery('WA1', 'delivered', 11)).toMatchObject({
          delivery: 'read',
          deliveryAt: 10,
        });
        expect(await store.outbox.setDelivery('WA1', 'error', 12, 'gone')).toMatchObject({
          delivery: 'error',
          deliveryError: 'gone',
        });
        expect(await store.outbox.setDelivery('WA-none', 'read', 13)).toBeUndefined();
        expect((await store.outbox.list({ limit: 10 })).map((m) => m.id)).toEqual(['m3', 'm2', 'm1']);
        expect((await store.outbox.list({ limit: 2 })).map((m) => m.id)).toEqual(['m3', 'm2']);
        expect((await store.outbox.list({ chat: 'A', limit: 10 })).map((m) => m.id)).toEqual(['m2', 'm1']);
        expect((await store.outbox.list({ orderId: 'O1', limit: 10 })).map((m) => m.id)).toEqual(['m1']);
        expect((await store.outbox.list({ broadcastId: 'B1', limit: 10 })).map((m) => m.id)).toEqual(['m2']);
        expect((await store.outbox.list({ states: ['sent'], limit: 10 })).map((m) => m.id)).toEqual(['m1']);
        expect(
          (await store.outbox.list({ chat: 'A', states: ['pending'], limit: 10 })).map((m) => m.id),
        ).toEqual(['m2']);
      });
    });

    describe('outbox retention', () => {
      /** Claims and settles `id` (alone in its chat) at `at`. */
      async function settle(id: string, at: number, how: 'sent' | 'failed'): Promise<void> {
        const got = await store.outbox.claim(`w-${id}`, at, 1_000, 100);
        const m = got.find((x) => x.id === id);
        expect(m, id).toBeDefined();
        for (const other of got)
          if (other.id !== id) await store.outbox.retry(other.id, other.owner!, 0, 'x');
        if (how === 'sent') await store.outbox.markSent(id, `w-${id}`, { waMessageId: `WA-${id}`, at });
        else await store.outbox.markFailed(id, `w-${id}`, 'blocked', at);
      }

      it('prune: finished rows before the cutoff go, oldest first and bounded; open and recent rows stay', async () => {
        const png = Buffer.from('a receipt png').toString('base64');
        await store.outbox.enqueue(
          [
            text('old1', 'A', {
              kind: 'receipt',
              orderId: 'O1',
              payload: { type: 'image', imageBase64: png, caption: 'Reçu' },
            }),
            text('old2', 'B', { orderId: 'O1' }),
            text('old3', 'C'),
            text('recent', 'D'),
            text('later', 'E', { notBefore: 1e12 }),
          ],
          100,
        );
        await settle('old1', 1_000, 'sent');
        await settle('old2', 2_000, 'sent');
        await settle('old3', 3_000, 'failed');
        await settle('recent', 50_000, 'sent');
        await store.outbox.enqueue([text('inflight', 'F')], 60_000);
        expect((await store.outbox.claim('w', 60_000, 1e12, 10)).map((m) => m.id)).toEqual(['inflight']);
        // A sent receipt keeps its caption and a marker, not its PNG.
        expect(await store.outbox.get('old1')).toMatchObject({
          state: 'sent',
          doneAt: 1_000,
          payload: { type: 'image', imageBase64: '', caption: 'Reçu' },
        });
        expect(await store.outbox.get('old3')).toMatchObject({ state: 'failed', doneAt: 3_000 });

        expect(await store.outbox.prune(10_000, 2)).toBe(2);
        expect(await store.outbox.get('old1')).toBeUndefined();
        expect(await store.outbox.get('old2')).toBeUndefined();
        expect(await store.outbox.get('old3')).toMatchObject({ state: 'failed' });
        expect(await store.outbox.prune(10_000, 10)).toBe(1);
        expect(await store.outbox.prune(10_000, 10)).toBe(0);
        expect(await store.outbox.prune(10_000, 0)).toBe(0);
        // A late WhatsApp acknowledgement for a pruned message finds nothing, without error.
        expect(await store.outbox.setDelivery('WA-old1', 'read', 70_000)).toBeUndefined();
        expect(await store.outbox.list({ orderId: 'O1', limit: 10 })).toEqual([]);
        expect((await store.outbox.list({ limit: 10 })).map((m) => m.id)).toEqual([
          'inflight',
          'later',
          'recent',
        ]);
        expect(await store.outbox.setDelivery('WA-recent', 'delivered', 70_000)).toMatchObject({
          id: 'recent',
          delivery: 'delivered',
        });
        // However late the cutoff, a pending or sending message is never pruned.
        expect(await store.outbox.prune(1e15, 10)).toBe(1);
        expect((await store.outbox.list({ limit: 10 })).map((m) => m.id)).toEqual(['inflight', 'later']);
        expect(await store.outbox.depth()).toEqual({ pending: 1, sending: 1 });
      });

      it('prune in batches through a long history: listings stay right, an id may be enqueued anew', async () => {
        const n = 240;
        await store.outbox.enqueue(
          Array.from({ length: n }, (_, i) =>
            text(`h${i}`, `chat${i % 3}`, { orderId: `O${i % 4}`, broadcastId: 'B1' }),
          ),
          1,
        );
        for (let t = 10; ; t++) {
          const got = await store.outbox.claim('w', t, 1_000, 10);
          if (!got.length) break;
          for (const m of got) await store.outbox.markSent(m.id, 'w', { at: t });
        }
        const cutoff = 10 + n / 3 / 2; // about half of each chat's messages were sent before it
        let pruned = 0;
        for (;;) {
          const k = await store.outbox.prune(cutoff, 25);
          expect(k).toBeLessThanOrEqual(25);
          if (!k) break;
          pruned += k;
        }
        const left = await store.outbox.list({ limit: 1_000 });
        expect(pruned + left.length).toBe(n);
        expect(left.every((m) => (m.doneAt ?? 0) >= cutoff)).toBe(true);
        expect(left.map((m) => m.seq)).toEqual([...left.map((m) => m.seq)].sort((a, b) => b - a));
        const chat0 = await store.outbox.list({ chat: 'chat0', limit: 1_000 });
        expect(chat0.map((m) => m.id)).toEqual(left.filter((m) => m.chat === 'chat0').map((m) => m.id));
        const b1 = await store.outbox.list({ broadcastId: 'B1', limit: 1_000 });
        expect(b1.map((m) => m.id)).toEqual(left.map((m) => m.id));
        const o2 = await store.outbox.list({ orderId: 'O2', limit: 1_000 });
        expect(o2.map((m) => m.id)).toEqual(left.filter((m) => m.orderId === 'O2').map((m) => m.id));
        // h0 was pruned: the same id enqueued again is a new message, at the end of the queue.
        expect(await store.outbox.get('h0')).toBeUndefined();
        await store.outbox.enqueue([text('h0', 'chat0')], 5_000);
        expect((await store.outbox.list({ chat: 'chat0', limit: 1 })).map((m) => m.id)).toEqual(['h0']);
        expect(await store.outbox.prune(1e15, 1_000)).toBe(left.length);
        expect((await store.outbox.list({ limit: 1_000 })).map((m) => m.id)).toEqual(['h0']);
      });

      durableIt(
        'prune after a reopen (durable stores): pruned rows stay gone, older ones are still found',
        async () => {
          if (!h.reopen) throw new Error('a durable store handle must be able to reopen');
          await store.outbox.enqueue([text('r1', 'A'), text('r2', 'B'), text('r3', 'C')], 1);
          await settle('r1', 100, 'sent');
          await settle('r2', 200, 'failed');
          await settle('r3', 300, 'sent');
          expect(await store.outbox.prune(150, 10)).toBe(1);
          store = await h.reopen();
          expect(await store.outbox.get('r1')).toBeUndefined();
          expect(await store.outbox.prune(1_000, 1)).toBe(1);
          expect(await store.outbox.get('r2')).toBeUndefined();
          expect(await store.outbox.get('r3')).toMatchObject({ state: 'sent', doneAt: 300 });
        },
      );
    });

    describe('openTurn', () => {
      const DAY = 86_400_000;
      const open = (
        id: string,
        key: string,
        at = 10_000,
        over: Partial<Parameters<Store['openTurn']>[0]> = {},
      ) =>
        store.openTurn({
          dedupe: { key, at, ttlMs: DAY },
          customer: makeCustomer(id, { firstSeenAt: at, lastSeenAt: at }),
          recentOrders: 5,
          ...over,
        });

      it('a new customer: created, nothing read; the same message again is not first', async () => {
        const o = await open('+221771111111', 'conv:a:1');
        expect(o).toEqual({
          first: true,
          created: true,
          customer: makeCustomer('+221771111111', { firstSeenAt: 10_000, lastSeenAt: 10_000 }),
          conversation: undefined,
          recentOrders: [],
        });
        expect(await store.customers.get('+221771111111')).toMatchObject({ version: 1, firstSeenAt: 10_000 });
        const again = await open('+221771111111', 'conv:a:1', 20_000);
        expect(again).toMatchObject({ first: false, created: false, customer: { firstSeenAt: 10_000 } });
        // The key is the dedupe repo's own: it is seen, until it expires.
        expect(await store.dedupe.firstSeen('conv:a:1', 30_000, DAY)).toBe(false);
        expect((await open('+221771111111', 'conv:a:1', 10_000 + DAY)).first).toBe(true);
      });

      it('an existing customer: the stored one, its conversation and latest orders, newest first', async () => {
        const id = '+221772222222';
        await store.customers.getOrCreate(makeCustomer(id, { lang: 'wo', firstSeenAt: 1 }));
        await store.conversations.save(id, { step: 'confirm', draft: { amount: 1000 } });
        await store.conversations.save('+221773333333', { step: 'other' });
        for (let i = 0; i < 7; i++)
          await store.orders.create(makeOrder(`o${i}`, { customerId: id, createdAt: 1_000 + i * 10 }));
        await store.orders.create(makeOrder('theirs', { customerId: '+221773333333', createdAt: 5_000 }));
        const o = await open(id, 'conv:b:1');
        expect(o.first).toBe(true);
        expect(o.created).toBe(false);
        expect(o.customer).toMatchObject({ id, lang: 'wo', firstSeenAt: 1, version: 1 });
        expect(o.conversation).toEqual({ step: 'confirm', draft: { amount: 1000 } });
        expect(o.recentOrders.map((x) => x.id)).toEqual(['o6', 'o5', 'o4', 'o3', 'o2']);
        expect(o.recentOrders).toEqual(await store.orders.list({ customerId: id, limit: 5 }));
        expect(
          (await open(id, 'conv:b:2', 10_000, { recentOrders: 2 })).recentOrders.map((x) => x.id),
        ).toEqual(['o6', 'o5']);
        // Copies: changing what came back changes nothing stored.
        (o.conversation as { step: string }).step = 'changed';
        o.customer.lang = 'en';
        expect(await store.conversations.get(id)).toEqual({ step: 'confirm', draft: { amount: 1000 } });
        expect((await store.customers.get(id))?.lang).toBe('wo');
      });

      it('turns opened at once answer as one after the other', async () => {
        await store.customers.getOrCreate(makeCustomer('+221770000001', { lang: 'en' }));
        const got = await Promise.all([
          open('+221770000001', 'k1'),
          open('+221770000002', 'k2'),
          open('+221770000003', 'k3'),
          open('+221770000002', 'k4'),
          open('+221770000003', 'k3'),
        ]);
        expect(got.map((g) => [g.customer.id, g.customer.lang, g.first])).toEqual([
          ['+221770000001', 'en', true],
          ['+221770000002', 'fr', true],
          ['+221770000003', 'fr', true],
          ['+221770000002', 'fr', true],
          ['+221770000003', 'fr', false],
        ]);
        // Each customer created once, whichever call it was.
        expect(
          got
            .filter((g) => g.created)
            .map((g) => g.customer.id)
            .sort(),
        ).toEqual(['+221770000002', '+221770000003']);
        expect(await store.customers.count()).toBe(3);
      });
    });

    describe('commit', () => {
      it('writes a turn: conversation and outbox rows together; null deletes the conversation', async () => {
        await store.commit(
          {
            conversation: { customerId: 'c1', state: { step: 'confirm' } },
            outbox: [text('t1', 'c1'), text('t2', 'c1')],
          },
          500,
        );
        expect(await store.conversations.get('c1')).toEqual({ step: 'confirm' });
        expect(await store.outbox.get('t2')).toMatchObject({ state: 'pending', createdAt: 500 });
        // Replayed (a retried turn): the outbox rows are not duplicated.
        await store.commit({ outbox: [text('t1', 'c1')] }, 600);
        expect(await store.outbox.depth()).toEqual({ pending: 2, sending: 0 });
        await store.commit({ conversation: { customerId: 'c1', state: null } }, 700);
        expect(await store.conversations.get('c1')).toBeUndefined();
        await store.commit({}, 800);
      });

      it('with an expected conversation: written while it is unchanged; a stale unit writes nothing', async () => {
        const stale = (p: Promise<unknown>) => expect(p).rejects.toBeInstanceOf(ConversationChangedError);
        const claim = { chat: 'c1', owner: 'w1', leaseUntil: 60_500 };
        // None expected, none stored: written (claimed as usual).
        const first = await store.commit(
          {
            conversation: { customerId: 'c1', state: { step: 'a', n: 1 }, expected: { state: undefined } },
            outbox: [text('m1', 'c1')],
            claim,
          },
          500,
        );
        expect(first.claimed.map((m) => m.id)).toEqual(['m1']);
        // None expected, but one is stored now: nothing of the unit, not even its replies.
        await stale(
          store.commit(
            {
              conversation: { customerId: 'c1', state: { step: 'x' }, expected: { state: undefined } },
              outbox: [text('m2', 'c1')],
            },
            600,
          ),
        );
        expect(await store.outbox.get('m2')).toBeUndefined();
        // The state read back (as get() answers it) is what is expected next.
        const read = await store.conversations.get('c1');
        await store.commit(
          {
            conversation: { customerId: 'c1', state: { step: 'b' }, expected: { state: read } },
            outbox: [text('m3', 'c1')],
          },
          700,
        );
        await stale(
          store.commit(
            {
              conversation: { customerId: 'c1', state: { step: 'c' }, expected: { state: read } },
              outbox: [text('m4', 'c1')],
              claim,
            },
            800,
          ),
        );
        expect(await store.conversations.get('c1')).toEqual({ step: 'b' });
        expect(await store.outbox.get('m3')).toMatchObject({ state: 'pending' });
        expect(await store.outbox.get('m4')).toBeUndefined();
        // Deleting: only the expected state; an absent one expected absent is a success that deletes nothing.
        await stale(
          store.commit({ conversation: { customerId: 'c1', state: null, expected: { state: read } } }, 900),
        );
        await store.commit(
          { conversation: { customerId: 'c1', state: null, expected: { state: { step: 'b' } } } },
          900,
        );
        expect(await store.conversations.get('c1')).toBeUndefined();
        await stale(
          store.commit(
            { conversation: { customerId: 'c1', state: null, expected: { state: { step: 'b' } } } },
            950,
          ),
        );
        await store.commit(
          {
            conversation: { customerId: 'c1', state: null, expected: { state: undefined } },
            outbox: [text('m5', 'c1')],
          },
          960,
        );
        expect(await store.outbox.get('m5')).toMatchObject({ state: 'pending' });
        // Without `expected`, as before: written whatever is stored.
        await store.commit({ conversation: { customerId: 'c1', state: { step: 'd' } } }, 1_000);
        await store.commit({ conversation: { customerId: 'c1', state: { step: 'e' } } }, 1_000);
        expect(await store.conversations.get('c1')).toEqual({ step: 'e' });
      });

      it("writes a turn's rows claimed for its sender when nothing of the chat is unsent", async () => {
        const claim = { chat: 'c1', owner: 'w1', leaseUntil: 60_500 };
        const first = await store.commit(
          {
            conversation: { customerId: 'c1', state: { step: 'menu' } },
            outbox: [text('t1', 'c1'), text('t2', 'c1'), text('o1', 'other')],
            claim,
          },
          500,
        );
        // Only the claim's chat; both its rows, in send order, as claim() would hand them out.
        expect(first.claimed.map((m) => [m.id, m.state, m.owner, m.leaseUntil])).toEqual([
          ['t1', 'sending', 'w1', 60_500],
          ['t2', 'sending', 'w1', 60_500],
        ]);
        expect(first.claimed[0]).toMatchObject({
          chat: 'c1',
          createdAt: 500,
          attempts: 0,
          payload: { text: 'hello t1' },
        });
        expect(await store.outbox.get('t2')).toMatchObject({
          state: 'sending',
          owner: 'w1',
          leaseUntil: 60_500,
        });
        expect(await store.outbox.get('o1')).toMatchObject({ state: 'pending' });
        expect(await store.outbox.depth()).toEqual({ pending: 1, sending: 2 });
        // Another sender finds nothing of c1 to take while the lease runs, then the head once it ran out.
        expect((await store.outbox.claim('w2', 1_000, 60_000, 10, 'c1')).map((m) => m.id)).toEqual([]);
        expect((await store.outbox.claim('w2', 1_000, 60_000, 10)).map((m) => m.id)).toEqual(['o1']);
        expect((await store.outbox.claim('w2', 60_500, 60_000, 10, 'c1')).map((m) => m.id)).toEqual(['t1']);
        // The claimed row is marked sent by its owner like any claimed one.
        expect(await store.outbox.markSent('t2', 'w1', { at: 1_100 })).toBe(true);

        // The chat has unsent rows (t1, now w2's): the next turn's rows are pending, nothing claimed.
        const second = await store.commit({ outbox: [text('t3', 'c1')], claim }, 1_200);
        expect(second.claimed).toEqual([]);
        expect(await store.outbox.get('t3')).toMatchObject({ state: 'pending' });
        // Without a claim, nothing is claimed; a replayed id is not claimed again.
        expect((await store.commit({ outbox: [text('n1', 'c9')] }, 1_300)).claimed).toEqual([]);
        expect((await store.commit({ outbox: [text('t1', 'c1')], claim }, 1_400)).claimed).toEqual([]);
        expect(await store.commit({}, 1_500)).toEqual({ claimed: [] });
      });

      it('turns at once claim as one after the other: the later finds the earlier unsent', async () => {
        const claim = (chat: string) => ({ chat, owner: 'w1', leaseUntil: 61_000 });
        const results = await Promise.all([
          store.commit(
            {
              conversation: { customerId: 'A', state: { n: 1 } },
              outbox: [text('a1', 'A')],
              claim: claim('A'),
            },
            10,
          ),
          store.commit(
            {
              conversation: { customerId: 'B', state: { n: 1 } },
              outbox: [text('b1', 'B')],
              claim: claim('B'),
            },
            10,
          ),
          // A unit of another customer with a row for A's chat, then one claiming A's chat again.
          store.commit({ conversation: { customerId: 'C', state: { n: 1 } }, outbox: [text('x1', 'A')] }, 10),
          store.commit(
            {
              conversation: { customerId: 'D', state: { n: 1 } },
              outbox: [text('a2', 'A')],
              claim: claim('A'),
            },
            10,
          ),
        ]);
        expect(results.map((r) => r.claimed.map((m) => m.id))).toEqual([['a1'], ['b1'], [], []]);
        expect((await store.outbox.list({ chat: 'A', limit: 5 })).map((m) => `${m.id}:${m.state}`)).toEqual([
          'a2:pending',
          'x1:pending',
          'a1:sending',
        ]);
      });

      it('all or nothing: a turn that cannot be stored leaves nothing behind', async () => {
        await store.conversations.save('c1', { step: 'before' });
        const cyclic: Record<string, unknown> = {};
        cyclic.self = cyclic;
        await expect(
          store.commit(
            {
              conversation: { customerId: 'c1', state: { step: 'after' } },
              outbox: [text('ok', 'c1'), { ...text('bad', 'c1'), payload: cyclic as never }],
            },
            900,
          ),
        ).rejects.toThrow();
        expect(await store.conversations.get('c1')).toEqual({ step: 'before' });
        expect(await store.outbox.get('ok')).toBeUndefined();
        expect(await store.outbox.depth()).toEqual({ pending: 0, sending: 0 });
      });
    });

    // A busy bot makes many customers' calls of one kind at once (PostgreSQL sends them as one statement):
    // each caller must get what it would have got alone, one after the other.
    describe('calls made at once answer as one after the other', () => {
      it('dedupe, customers and conversations', async () => {
        const seen = await Promise.all(
          ['k1', 'k2', 'k1', 'k3', 'k2'].map((k) => store.dedupe.firstSeen(k, 1_000, 60_000)),
        );
        expect(seen.filter(Boolean)).toHaveLength(3);
        expect(seen[0] || seen[2]).toBe(true);
        expect(seen[0] && seen[2]).toBe(false);
        // Expired for a caller whose own now is past it, not for one whose now is before.
        const later = await Promise.all([
          store.dedupe.firstSeen('k1', 30_000, 60_000),
          store.dedupe.firstSeen('k2', 61_000, 60_000),
        ]);
        expect(later).toEqual([false, true]);

        await store.customers.getOrCreate(makeCustomer('+221770000001', { lang: 'en' }));
        const got = await Promise.all(
          ['+221770000001', '+221770000002', '+221770000003', '+221770000002'].map((id) =>
            store.customers.getOrCreate(makeCustomer(id, { lang: 'wo' })),
          ),
        );
        expect(got.map((g) => [g.customer.id, g.customer.lang, g.created])).toEqual([
          ['+221770000001', 'en', false],
          ['+221770000002', 'wo', true],
          ['+221770000003', 'wo', true],
          ['+221770000002', 'wo', false],
        ]);
        expect(got.every((g) => g.customer.version === 1)).toBe(true);
        expect(await store.customers.count()).toBe(3);

        await store.conversations.save('c1', { step: 'one' });
        await store.conversations.save('c2', { step: 'two' });
        expect(await Promise.all(['c2', 'c9', 'c1', 'c2'].map((id) => store.conversations.get(id)))).toEqual([
          { step: 'two' },
          undefined,
          { step: 'one' },
          { step: 'two' },
        ]);
      });

      it("each customer's latest orders, newest first", async () => {
        for (const [id, customerId, createdAt] of [
          ['o1', 'A', 100],
          ['o2', 'B', 200],
          ['o3', 'A', 300],
          ['o4', 'A', 300],
          ['o5', 'B', 50],
        ] as const)
          await store.orders.create(makeOrder(id, { customerId, createdAt }));
        const lists = await Promise.all([
          store.orders.list({ customerId: 'A', limit: 2 }),
          store.orders.list({ customerId: 'B', limit: 5 }),
          store.orders.list({ customerId: 'Z', limit: 5 }),
          store.orders.list({ customerId: 'A', limit: 0 }),
          store.orders.list({ customerId: 'A', limit: 5 }),
        ]);
        expect(lists.map((l) => l.map((o) => o.id))).toEqual([
          ['o4', 'o3'],
          ['o2', 'o5'],
          [],
          [],
          ['o4', 'o3', 'o1'],
        ]);
      });

      it('turns written at once: each unit whole; a conversation twice ends as the later', async () => {
        await store.conversations.save('c3', { step: 'old' });
        await Promise.all([
          store.commit(
            { conversation: { customerId: 'c1', state: { step: 'a' } }, outbox: [text('m1', 'c1')] },
            10,
          ),
          store.commit(
            {
              conversation: { customerId: 'c2', state: { step: 'b' } },
              outbox: [text('m2', 'c2'), text('m3', 'c2')],
            },
            11,
          ),
          store.commit({ conversation: { customerId: 'c3', state: null } }, 12),
          store.commit({ outbox: [text('m4', 'c4'), text('m1', 'c1')] }, 13),
          store.commit({ conversation: { customerId: 'c1', state: { step: 'a2' } } }, 14),
        ]);
        expect(await store.conversations.get('c1')).toEqual({ step: 'a2' });
        expect(await store.conversations.get('c2')).toEqual({ step: 'b' });
        expect(await store.conversations.get('c3')).toBeUndefined();
        expect(await store.outbox.depth()).toEqual({ pending: 4, sending: 0 });
        expect((await store.outbox.list({ chat: 'c2', limit: 5 })).map((m) => m.id)).toEqual(['m3', 'm2']);
        expect(await store.outbox.get('m1')).toMatchObject({ createdAt: 10 });
      });

      it('marks with their chats read back, at once', async () => {
        const all: OutboxState[] = ['pending', 'sending', 'sent'];
        await store.outbox.enqueue([text('a1', 'A'), text('a2', 'A'), text('b1', 'B'), text('c1', 'C')], 100);
        expect(await store.outbox.claim('w1', 1_000, 60_000, 10)).toHaveLength(3);
        const out = await Promise.all([
          store.outbox.markSentThenList('a1', 'w1', { at: 1_100 }, { chat: 'A', states: all, limit: 50 }),
          store.outbox.markSentThenList(
            'b1',
            'w1',
            { at: 1_100 },
            { chat: 'B', states: ['sent'], limit: 50 },
          ),
          store.outbox.markSent('c1', 'w1', { at: 1_100 }),
          store.outbox.markSentThenList('a1', 'w1', { at: 1_200 }, { chat: 'A', states: all, limit: 50 }),
          store.outbox.markSentThenList(
            'none',
            'w1',
            { at: 1_200 },
            { chat: 'A', states: ['sent'], limit: 50 },
          ),
          store.outbox.markSentThenList('c1', 'w2', { at: 1_200 }, { chat: 'C', states: all, limit: 1 }),
        ]);
        const show = (r: unknown) =>
          typeof r === 'boolean'
            ? r
            : {
                marked: (r as { marked: boolean }).marked,
                rows: (r as { rows: OutboxMessage[] }).rows.map((m) => `${m.id}:${m.state}`),
              };
        expect(out.map(show)).toEqual([
          { marked: true, rows: ['a2:pending', 'a1:sent'] },
          { marked: true, rows: ['b1:sent'] },
          true,
          { marked: false, rows: ['a2:pending', 'a1:sent'] },
          { marked: false, rows: ['a1:sent'] },
          { marked: false, rows: ['c1:sent'] },
        ]);
        expect(await store.outbox.get('a1')).toMatchObject({ state: 'sent', sentAt: 1_100 });
      });

      it('write units at once with expected conversations: each stale one alone writes nothing', async () => {
        await store.commit({ conversation: { customerId: 'c1', state: { step: 'a' } } }, 10);
        await store.commit({ conversation: { customerId: 'c4', state: { step: 'a' } } }, 10);
        const units = await Promise.allSettled([
          store.commit(
            {
              conversation: { customerId: 'c1', state: { step: 'x' }, expected: { state: { step: 'old' } } },
              outbox: [text('r1', 'c1')],
            },
            20,
          ),
          store.commit(
            {
              conversation: { customerId: 'c2', state: { step: 'b' }, expected: { state: undefined } },
              outbox: [text('r2', 'c2')],
            },
            20,
          ),
          store.commit(
            { conversation: { customerId: 'c3', state: { step: 'c' } }, outbox: [text('r3', 'c3')] },
            20,
          ),
          store.commit(
            {
              conversation: { customerId: 'c4', state: { step: 'd' }, expected: { state: { step: 'a' } } },
              outbox: [text('r4', 'c4')],
            },
            20,
          ),
          // Two turns of c4 from the same read: the one after the other finds c4 changed.
          store.commit(
            {
              conversation: { customerId: 'c4', state: { step: 'e' }, expected: { state: { step: 'a' } } },
              outbox: [text('r5', 'c4')],
            },
            20,
          ),
        ]);
        expect(units.map((u) => u.status)).toEqual([
          'rejected',
          'fulfilled',
          'fulfilled',
          'fulfilled',
          'rejected',
        ]);
        expect((units[0] as PromiseRejectedResult).reason).toBeInstanceOf(ConversationChangedError);
        expect((units[4] as PromiseRejectedResult).reason).toBeInstanceOf(ConversationChangedError);
        expect(await store.conversations.get('c1')).toEqual({ step: 'a' });
        expect(await store.conversations.get('c2')).toEqual({ step: 'b' });
        expect(await store.conversations.get('c3')).toEqual({ step: 'c' });
        expect(await store.conversations.get('c4')).toEqual({ step: 'd' });
        const rows = await Promise.all(['r1', 'r2', 'r3', 'r4', 'r5'].map((id) => store.outbox.get(id)));
        expect(rows.map((m) => m?.id)).toEqual([undefined, 'r2', 'r3', 'r4', undefined]);
      });

      it("chats' heads claimed, marked sent and listed at once", async () => {
        await store.outbox.enqueue(
          [text('a1', 'A'), text('b1', 'B'), text('a2', 'A'), text('c1', 'C', { notBefore: 5_000 })],
          100,
        );
        const claims = await Promise.all([
          store.outbox.claim('w1', 1_000, 60_000, 10, 'A'),
          store.outbox.claim('w1', 1_000, 60_000, 10, 'B'),
          store.outbox.claim('w1', 1_000, 60_000, 10, 'C'),
          store.outbox.claim('w1', 1_000, 60_000, 10, 'A'),
          store.outbox.claim('w2', 1_000, 30_000, 10, 'Z'),
        ]);
        expect(claims.map((c) => c.map((m) => m.id))).toEqual([['a1'], ['b1'], [], [], []]);
        expect(claims[1]![0]).toMatchObject({ state: 'sending', owner: 'w1', leaseUntil: 61_000 });
        const marks = await Promise.all([
          store.outbox.markSent('a1', 'w1', { at: 1_100, waMessageId: 'wa-a1' }),
          store.outbox.markSent('b1', 'w2', { at: 1_100 }),
          store.outbox.markSent('a1', 'w1', { at: 1_200 }),
        ]);
        expect(marks).toEqual([true, false, false]);
        const lists = await Promise.all([
          store.outbox.list({ chat: 'A', states: ['pending', 'sending', 'sent'], limit: 50 }),
          store.outbox.list({ chat: 'B', states: ['pending', 'sending', 'sent'], limit: 50 }),
          store.outbox.list({ chat: 'A', states: ['sent'], limit: 50 }),
          store.outbox.list({ chat: 'A', states: ['pending', 'sent'], limit: 1 }),
        ]);
        expect(lists.map((l) => l.map((m) => `${m.id}:${m.state}`))).toEqual([
          ['a2:pending', 'a1:sent'],
          ['b1:sending'],
          ['a1:sent'],
          ['a2:pending'],
        ]);
        expect(lists[2]![0]).toMatchObject({ waMessageId: 'wa-a1', sentAt: 1_100 });
      });
    });

    it('kind names the backend', () => {
      expect(['memory', 'lowdb', 'postgres']).toContain(store.kind);
    });

    it('ping answers while open', async () => {
      expect(await store.ping()).toBe(true);
    });

    durableIt('survives a reopen with every kind of data (durable stores)', async () => {
      if (!h.reopen) throw new Error('a durable store handle must be able to reopen');
      const a = await store.orders.create(makeOrder('A1', { createdAt: 1_000 }));
      const b = await store.orders.create(makeOrder('B2', { createdAt: 2_000 }));
      await store.orders.update({ ...a, state: 'collecting' }, 1);
      await store.orders.update(finish(b, 'completed'), 1);
      await store.callbacks.record(cb('A1-C', 'PENDING'));
      await store.callbacks.record(cb('B2-C', 'SUCCESS'));
      await store.statusLookups.tryAcquire('A1-C', 10_000, 2, 60_000);
      await store.statusLookups.tryAcquire('A1-C', 10_001, 2, 60_000);
      await store.customers.getOrCreate(makeCustomer('+221771111111'));
      await updateCustomer(store.customers, '+221771111111', (c) => ({ ...c, paused: true }));
      await store.conversations.save('+221771111111', { step: 'menu' });
      await store.broadcasts.create(makeBroadcast('BC1'));
      await store.broadcasts.addRecipients('BC1', ['+221771111111', '+221772222222'], 5);
      await store.broadcasts.mark('BC1', '+221771111111', 'sent', { at: 6 });
      await store.broadcasts.update('BC1', { state: 'sending', total: 2 });
      await store.outbox.enqueue([text('o1', 'chat-a'), text('o2', 'chat-a')], 7);
      const [claimed] = await store.outbox.claim('w1', 8, 60_000, 10);
      await store.outbox.markSent(claimed!.id, 'w1', { waMessageId: 'WA1', at: 9 });
      const lease = (await store.leases.acquire('wa', 'me', Date.now(), 60_000))!;
      await store.kv.set('auth', 'session-1', { s: 1 }, { lease: 'wa', owner: 'me', epoch: lease.epoch });
      await store.commit({ conversation: { customerId: 'c9', state: { step: 'x' } } }, 10);
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
      expect(await store.customers.get('+221771111111')).toEqual(
        makeCustomer('+221771111111', { version: 2, paused: true }),
      );
      expect(await store.conversations.get('+221771111111')).toEqual({ step: 'menu' });
      expect(await store.broadcasts.get('BC1')).toEqual(makeBroadcast('BC1', { state: 'sending', total: 2 }));
      expect(await store.broadcasts.counts('BC1')).toEqual({ sent: 1, pending: 1 });
      expect(await store.broadcasts.recipient('BC1', '+221771111111')).toEqual({
        customerId: '+221771111111',
        status: 'sent',
        at: 6,
      });
      expect(await store.outbox.get('o1')).toMatchObject({
        state: 'sent',
        waMessageId: 'WA1',
        seq: claimed!.seq,
      });
      expect((await store.outbox.claim('w2', 10, 60_000, 10)).map((m) => m.id)).toEqual(['o2']);
      await store.outbox.enqueue([text('o3', 'chat-a')], 11);
      expect((await store.outbox.get('o3'))!.seq).toBeGreaterThan((await store.outbox.get('o2'))!.seq);
      expect(await store.leases.get('wa')).toEqual(lease);
      expect(await store.kv.get('auth', 'session-1')).toEqual({ s: 1 });
      expect(await store.conversations.get('c9')).toEqual({ step: 'x' });
      expect(await store.alerts.list()).toHaveLength(1);
      expect(await store.kv.list('auth')).toEqual({
        creds: { me: 'x' },
        'pre-key-1': 1,
        'session-1': { s: 1 },
      });
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
