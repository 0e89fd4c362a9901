import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { API_KEY, get, op, post, type RunningSim, startReceiver, startSim, waitFor } from './helpers.js';

let sim: RunningSim;
let rcv: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  sim = await startSim({ merchantBalance: 10_000 });
  rcv = await startReceiver();
});
beforeEach(() => sim.control.reset());
afterAll(async () => {
  await sim.close();
  await rcv.close();
});

const balance = async () => (await get(sim.url, '/api-services/balance')).body.data.balance as number;
const operation = async (fields: Record<string, unknown>) =>
  (await post(sim.url, '/api-services/operation', op(rcv.url, fields))).body;
const callbackFor = (transactionId: string) =>
  waitFor(() => rcv.received.find((c) => c.body.transaction.transactionId === transactionId));

describe('merchant balance', () => {
  it('a DEBIT (airtime) takes the amount; a failed DEBIT gives it back', async () => {
    const ok = await operation({
      codeService: 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE',
      phone: '772457199',
      amount: 2000,
    });
    const cb = await callbackFor(ok.data.transactionId);
    expect(cb.body.status).toBe('SUCCESS');
    expect(cb.body.transaction).toMatchObject({
      balanceBeforeTransactionInit: 10_000,
      balanceAfterTransactionInit: 8_000,
      currentBalance: 8_000,
    });
    expect(await balance()).toBe(8_000);

    sim.control.script({ outcome: 'failure', errorId: 28 });
    const ko = await operation({
      codeService: 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE',
      phone: '772457199',
      amount: 3000,
    });
    const kocb = await callbackFor(ko.data.transactionId);
    expect(kocb.body.status).toBe('FAILLED');
    expect(await balance()).toBe(8_000);
  });

  it('a CREDIT (cash-out) feeds the balance only once the customer approved', async () => {
    const r = await operation({ codeService: 'ORANGE_SN_API_CASH_OUT', phone: '772457199', amount: 5000 });
    expect(r.code).toBe(2000);
    expect(await balance()).toBe(10_000);
    expect(sim.control.approve(r.data.transactionId)).toBe(true);
    await callbackFor(r.data.transactionId);
    expect(await balance()).toBe(15_000);
  });

  it('insufficient merchant balance happens naturally: error id 26, nothing spent, FAILLED callback too', async () => {
    const big = await operation({ codeService: 'WAVE_SN_API_CASH_IN', phone: '772457199', amount: 10_005 });
    expect(big.code).toBe(4000);
    expect(big.error).toBe(true);
    expect(big.data.status).toBe('FAILLED');
    expect(big.data.errorType).toMatchObject({
      id: 26,
      code: 'insufficient_balance',
      codeService: 'WAVE_SN_API_CASH_IN',
    });
    expect(big.data.errorType.message).toContain('10005');
    expect(typeof big.data.transactionId).toBe('string');
    const cb = await callbackFor(big.data.transactionId);
    expect(cb.body.status).toBe('FAILLED');
    expect(cb.body.transaction.errorType.id).toBe(26);
    expect(await balance()).toBe(10_000);
    // Two purchases that fit alone but not together: the second one fails (balance reserved at init).
    const a = await operation({
      codeService: 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE',
      phone: '772457199',
      amount: 6000,
    });
    const b = await operation({
      codeService: 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE',
      phone: '772457198',
      amount: 6000,
    });
    expect(a.code).toBe(2000);
    expect(b.data.errorType.id).toBe(26);
  });

  it('WhatsApp messages cost a small fee', async () => {
    const r = await operation({ codeService: 'WHATSAPP_MESSAGING', phone: '+221772457199', message: 'Reçu' });
    expect(r.data.amount).toBe(10);
    await callbackFor(r.data.transactionId);
    expect(await balance()).toBe(9_990);
  });
});

describe('refund-cancel', () => {
  const refund = async (transactionId: string) =>
    (await post(sim.url, '/api-services/transaction/refund-cancel', { apiKey: API_KEY, transactionId })).body;

  it('refunds a successful cash-out once: amount taken back, REFUNDED', async () => {
    const r = await operation({ codeService: 'WAVE_SN_API_CASH_OUT', phone: '772457199', amount: 4000 });
    sim.control.approve(r.data.transactionId);
    await callbackFor(r.data.transactionId);
    expect(await balance()).toBe(14_000);
    const first = await refund(r.data.transactionId);
    expect(first.statutTreatment).toBe('SUCCESS');
    expect(typeof first.message).toBe('string');
    expect(await balance()).toBe(10_000);
    expect(sim.control.transaction(r.data.transactionId)!.status).toBe('REFUNDED');
    const s = await post(sim.url, '/api-services/get-transaction-status', {
      apiKey: API_KEY,
      externalTransactionId: r.data.externalTransactionId,
    });
    expect(s.body.data.status).toBe('REFUNDED');
    expect((await refund(r.data.transactionId)).statutTreatment).not.toBe('SUCCESS');
    expect(await balance()).toBe(10_000);
  });

  it('refuses pending cash-outs, DEBIT services and unknown ids', async () => {
    const pending = await operation({
      codeService: 'WAVE_SN_API_CASH_OUT',
      phone: '772457199',
      amount: 4000,
    });
    expect((await refund(pending.data.transactionId)).statutTreatment).not.toBe('SUCCESS');
    const air = await operation({
      codeService: 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE',
      phone: '772457199',
      amount: 1000,
    });
    await callbackFor(air.data.transactionId);
    expect((await refund(air.data.transactionId)).statutTreatment).not.toBe('SUCCESS');
    expect((await refund('TR-unknown')).statutTreatment).not.toBe('SUCCESS');
    expect(await balance()).toBe(9_000);
  });
});

describe('bill payment', () => {
  it('a paid bill disappears from list-pending-bills; a failed one stays payable', async () => {
    const list = async () =>
      (
        await post(sim.url, '/api-services/list-pending-bills', {
          apiKey: API_KEY,
          codeService: 'SENELEC_SN_BILL_PAY',
          billAccountNumber: '21050176023',
        })
      ).body.data.pendingBills.pendingBills as { billReference: string; amount: number }[];
    const [first, second] = await list();
    sim.control.setBalance(100_000);
    sim.control.script({ outcome: 'failure', match: { codeService: 'SENELEC_SN_BILL_PAY' } });
    const failed = await operation({
      codeService: 'SENELEC_SN_BILL_PAY',
      phone: '772457199',
      amount: second!.amount,
      accountNumber: '21050176023',
      billReference: second!.billReference,
    });
    await callbackFor(failed.data.transactionId);
    const r = await operation({
      codeService: 'SENELEC_SN_BILL_PAY',
      phone: '772457199',
      amount: first!.amount,
      accountNumber: '21050176023',
      billReference: first!.billReference,
    });
    const cb = await callbackFor(r.data.transactionId);
    expect(cb.body.status).toBe('SUCCESS');
    expect((await list()).map((b) => b.billReference)).toEqual([second!.billReference]);
    expect(await balance()).toBe(100_000 - first!.amount);
  });
});
