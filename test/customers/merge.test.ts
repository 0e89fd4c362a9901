import { describe, expect, it } from 'vitest';
import { mergeLidCustomer, planMerge } from '../../src/customers/merge.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { makeCustomer, makeOrder, putCustomer } from '../store/fixtures.js';

const LID = '123456789012345@lid';
const PHONE = '+221771234567';

describe('planMerge (pure)', () => {
  it('a LID-only customer becomes the phone customer, the LID kept as an alias', () => {
    const lid = makeCustomer(LID, {
      lang: 'wo',
      wallet: { codeService: 'WAVE_SN_API_CASH_OUT', payer: PHONE },
      beneficiaries: [{ nickname: 'maman', kind: 'phone', value: '+221781112233' }],
      firstSeenAt: 100,
      lastSeenAt: 500,
    });
    const plan = planMerge({ lid, phone: PHONE, lidConversation: { v: 2, updatedAt: 500 } });
    expect(plan.conversation).toBe('lid');
    expect(plan.customer).toEqual({
      id: PHONE,
      version: 1,
      phone: PHONE,
      lang: 'wo',
      subscribed: true,
      paused: false,
      wallet: { codeService: 'WAVE_SN_API_CASH_OUT', payer: PHONE },
      beneficiaries: [{ nickname: 'maman', kind: 'phone', value: '+221781112233' }],
      firstSeenAt: 100,
      lastSeenAt: 500,
      aliases: [LID],
    });
  });

  it('into an existing phone customer: its nicknames and wallet win, STOP and pause hold, newest conversation continues', () => {
    const target = makeCustomer(PHONE, {
      version: 7,
      lang: 'fr',
      subscribed: false,
      wallet: { codeService: 'ORANGE_SN_API_CASH_OUT', payer: PHONE },
      beneficiaries: [{ nickname: 'Maman', kind: 'phone', value: '+221780000001' }],
      firstSeenAt: 50,
      lastSeenAt: 200,
      aliases: ['999@lid'],
    });
    const lid = makeCustomer(LID, {
      lang: 'en',
      paused: true,
      wallet: { codeService: 'WAVE_SN_API_CASH_OUT', payer: PHONE },
      beneficiaries: [
        { nickname: 'maman', kind: 'phone', value: '+221781112233' },
        {
          nickname: 'compteur',
          kind: 'account',
          value: '14212345678',
          codeService: 'WOYOFAL_SN_BILL_RELOAD',
        },
      ],
      firstSeenAt: 100,
      lastSeenAt: 900,
    });
    const plan = planMerge({
      lid,
      target,
      phone: PHONE,
      lidConversation: { updatedAt: 300 },
      targetConversation: { updatedAt: 800 },
    });
    expect(plan.conversation).toBe('phone');
    expect(plan.customer).toMatchObject({
      version: 7,
      lang: 'en', // the LID side wrote last
      subscribed: false,
      paused: true,
      wallet: { codeService: 'ORANGE_SN_API_CASH_OUT', payer: PHONE },
      firstSeenAt: 50,
      lastSeenAt: 900,
      aliases: ['999@lid', LID],
    });
    expect(plan.customer.beneficiaries.map((b) => b.nickname)).toEqual(['Maman', 'compteur']);
    expect(planMerge({ lid, target, phone: PHONE }).conversation).toBe('none');
    expect(planMerge({ lid, target, phone: PHONE, lidConversation: { updatedAt: 1 } }).conversation).toBe(
      'lid',
    );
  });
});

describe('mergeLidCustomer (store)', () => {
  it('moves conversation and orders, deletes the LID customer; a second run changes nothing', async () => {
    const store = createMemoryStore();
    await putCustomer(store, makeCustomer(LID, { lastSeenAt: 2_000 }));
    await store.conversations.save(LID, {
      v: 2,
      pending: { q: 'amount' },
      draft: { kind: 'airtime' },
      updatedAt: 2_000,
    });
    await store.orders.create(makeOrder('XBLID001', { customerId: LID, amount: 4_000 }));
    await store.orders.create(makeOrder('XBPHN001', { customerId: PHONE, amount: 1_000 }));
    expect(await mergeLidCustomer(store, LID, PHONE)).toBe('merged');
    expect(await store.customers.get(LID)).toBeUndefined();
    expect(await store.conversations.get(LID)).toBeUndefined();
    expect(await store.conversations.get(PHONE)).toMatchObject({ pending: { q: 'amount' } });
    const c = await store.customers.get(PHONE);
    expect(c).toMatchObject({ id: PHONE, phone: PHONE, aliases: [LID] });
    const orders = await store.orders.list({ customerId: PHONE });
    expect(orders.map((o) => o.id).sort()).toEqual(['XBLID001', 'XBPHN001']);
    expect(await store.orders.list({ customerId: LID })).toEqual([]);
    expect(await mergeLidCustomer(store, LID, PHONE)).toBe('none');
    expect((await store.customers.get(PHONE))!.version).toBe(c!.version);
  });

  it('an order updated by the saga meanwhile is reloaded, not overwritten', async () => {
    const store = createMemoryStore();
    await putCustomer(store, makeCustomer(LID));
    const o = await store.orders.create(makeOrder('XBLID002', { customerId: LID }));
    const realList = store.orders.list.bind(store.orders);
    // the saga writes right after the merge read the order
    store.orders.list = async (q) => {
      const got = await realList(q);
      await store.orders.update({ ...o, state: 'collecting' }, o.version);
      return got;
    };
    await mergeLidCustomer(store, LID, PHONE);
    expect(await store.orders.get('XBLID002')).toMatchObject({ customerId: PHONE, state: 'collecting' });
  });
});
