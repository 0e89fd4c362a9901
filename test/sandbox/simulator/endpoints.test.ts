import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  API_KEY,
  extId,
  get,
  op,
  post,
  type RunningSim,
  startReceiver,
  startSim,
  waitFor,
  type Json,
} from './helpers.js';

let sim: RunningSim;
let rcv: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  sim = await startSim();
  rcv = await startReceiver();
});
afterAll(async () => {
  await sim.close();
  await rcv.close();
});

describe('GET endpoints', () => {
  it('services: the documented catalog under `services`, HTTP 200', async () => {
    const r = await get(sim.url, '/api-services/services');
    expect(r.status).toBe(200);
    expect(r.body.success).toBe(true);
    expect(r.body.services).toHaveLength(38);
    const wave = r.body.services.find((s: Json) => s.codeService === 'WAVE_SN_API_CASH_OUT');
    expect(wave).toMatchObject({
      typeOperation: 'CREDIT',
      typeService: 'CASHOUT',
      name: 'CashOut Wave Money',
    });
    expect(wave.icon).toMatch(/^https:/);
    const wa = r.body.services.find((s: Json) => s.codeService === 'WHATSAPP_MESSAGING');
    expect(wa).toMatchObject({ typeOperation: 'DEBIT', typeService: 'MESSENGING_SMS' });
  });

  it('errors: the documented table, also under `services`', async () => {
    const r = await get(sim.url, '/api-services/errors');
    expect(r.body.success).toBe(true);
    const byId = (id: number | null) => r.body.services.find((e: Json) => e.id === id);
    expect(byId(null).code).toBe('unknown_error');
    expect(byId(4).code).toBe('payment-timeout');
    expect(byId(26).code).toBe('insufficient_balance');
    expect(byId(26).message).toContain('__amount__');
    expect(byId(38).code).toBe('bad_amount_5');
    expect(byId(15).code).toBe('bad_amount_50');
    expect(byId(16).code).toBe('bad_amount_100');
    expect(byId(33).code).toBe('execution_error');
    expect(byId(43).code).toBe('pos_already_connected');
    for (const e of r.body.services) expect(Object.keys(e).sort()).toEqual(['code', 'id', 'message']);
  });

  it('balance: {code:2000, data:{currency:"XOF", balance}}', async () => {
    const r = await get(sim.url, '/api-services/balance');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ code: 2000, error: false, data: { currency: 'XOF', balance: 1_000_000 } });
  });
});

describe('list-pending-bills', () => {
  const bills = (codeService: string, billAccountNumber: string) =>
    post(sim.url, '/api-services/list-pending-bills', { apiKey: API_KEY, codeService, billAccountNumber });

  it('Senelec 21050176023 has two bills, nested pendingBills.pendingBills, infos with name and due date', async () => {
    const r = await bills('SENELEC_SN_BILL_PAY', '21050176023');
    expect(r.status).toBe(201);
    expect(r.body.code).toBe(2000);
    expect(r.body.error).toBe(false);
    expect(r.body.data.status).toBe('SUCCESS');
    expect(r.body.data.pendingBills.success).toBe(true);
    const list = r.body.data.pendingBills.pendingBills;
    expect(list).toHaveLength(2);
    for (const b of list) {
      expect(typeof b.amount).toBe('number');
      expect(typeof b.billReference).toBe('string');
      expect(b.infos.map((i: Json) => i.label)).toEqual(
        expect.arrayContaining(['Nom client', "Date d'échéance"]),
      );
    }
  });

  it('an account with nothing to pay: success with an empty list', async () => {
    const r = await bills('SENELEC_SN_BILL_PAY', '21050176000');
    expect(r.body.code).toBe(2000);
    expect(r.body.data.pendingBills.pendingBills).toEqual([]);
  });

  it('an account blocked by an older unpaid bill: 4000 FAILLED with an explaining msg', async () => {
    const r = await bills('SENELEC_SN_BILL_PAY', '21050176099');
    expect(r.body.code).toBe(4000);
    expect(r.body.error).toBe(true);
    expect(r.body.data.status).toBe('FAILLED');
    expect(r.body.data.pendingBills.pendingBills).toEqual([]);
    expect(r.body.msg).toMatch(/ancienne/);
  });

  it('unknown account and non bill service fail', async () => {
    expect((await bills('SENELEC_SN_BILL_PAY', '999')).body).toMatchObject({ code: 4000, error: true });
    expect((await bills('WOYOFAL_SN_BILL_RELOAD', '21050176023')).body.code).toBe(4000);
    expect(
      (await bills('SENEAU_SN_BILL_PAY', '106032682913')).body.data.pendingBills.pendingBills,
    ).toHaveLength(1);
  });
});

describe('operation, status, refund, claim', () => {
  it('accepts an airtime purchase: PENDING with the documented fields, then a SUCCESS status', async () => {
    const body = op(rcv.url, {
      codeService: 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE',
      phone: '772457199',
      amount: 1000,
    });
    const r = await post(sim.url, '/api-services/operation', body);
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      code: 2000,
      error: false,
      data: {
        phone: '772457199',
        amount: 1000,
        codeService: 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE',
        status: 'PENDING',
        externalTransactionId: body.externalTransactionId,
        callbackUrl: rcv.url,
      },
    });
    expect(typeof r.body.msg).toBe('string');
    const transactionId = r.body.data.transactionId;
    expect(transactionId).toMatch(/^TR/);
    await waitFor(() => rcv.received.find((c) => c.body.transaction.transactionId === transactionId));
    const s = await post(sim.url, '/api-services/get-transaction-status', {
      apiKey: API_KEY,
      externalTransactionId: body.externalTransactionId,
    });
    expect(s.body.code).toBe(2000);
    expect(Object.keys(s.body.data).sort()).toEqual(
      ['createdAt', 'errorType', 'externalTransactionId', 'status', 'transactionId', 'updatedAt'].sort(),
    );
    expect(s.body.data).toMatchObject({ transactionId, status: 'SUCCESS', errorType: null });
    expect(Date.parse(s.body.data.createdAt)).not.toBeNaN();
  });

  it('status of an unknown externalTransactionId is a failure', async () => {
    const s = await post(sim.url, '/api-services/get-transaction-status', {
      apiKey: API_KEY,
      externalTransactionId: extId(),
    });
    expect(s.body).toMatchObject({ code: 4000, error: true });
  });

  it('refund-cancel answers {message, statutTreatment} without code', async () => {
    const r = await post(sim.url, '/api-services/transaction/refund-cancel', {
      apiKey: API_KEY,
      transactionId: 'TRnope',
    });
    expect(Object.keys(r.body).sort()).toEqual(['message', 'statutTreatment']);
    expect(r.body.statutTreatment).not.toBe('SUCCESS');
  });

  it('new-claim opens a claim on a known transaction', async () => {
    const body = op(rcv.url, {
      codeService: 'FREE_SN_AIRTIME_CREDIT_TELEPHONIQUE',
      phone: '762457199',
      amount: 500,
    });
    const { transactionId } = (await post(sim.url, '/api-services/operation', body)).body.data;
    const c = await post(sim.url, '/api-services/new-claim', {
      apiKey: API_KEY,
      transactionId,
      subject: 'Crédit non reçu',
      message: "Le client n'a pas reçu son crédit",
    });
    expect(c.body).toMatchObject({ code: 2000, error: false, data: { claim: { statut: 'OPENED' } } });
    expect(c.body.data.claim.claimRef).toMatch(/^CLM/);
    expect(sim.control.claims()).toHaveLength(1);
    const missing = await post(sim.url, '/api-services/new-claim', { apiKey: API_KEY, transactionId });
    expect(missing.body.code).toBe(4000);
    const unknown = await post(sim.url, '/api-services/new-claim', {
      apiKey: API_KEY,
      transactionId: 'TRnope',
      subject: 's',
      message: 'm',
    });
    expect(unknown.body.code).toBe(4000);
  });

  it('unknown routes answer 404 like the provider framework', async () => {
    const r = await post(sim.url, '/api-services/nope', { apiKey: API_KEY });
    expect(r.status).toBe(404);
  });
});
