import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { callbackSha256 } from '../../../src/intech/signing.js';
import type { WhatsappMessage } from '../../../src/sandbox/simulator/index.js';
import { API_KEY, op, post, type RunningSim, sleep, startReceiver, startSim, waitFor } from './helpers.js';

let sim: RunningSim;
let rcv: Awaited<ReturnType<typeof startReceiver>>;
const whatsapp: WhatsappMessage[] = [];
beforeAll(async () => {
  sim = await startSim({ callbackMaxAttempts: 4, onWhatsappMessage: (m) => whatsapp.push(m) });
  rcv = await startReceiver();
});
beforeEach(() => sim.control.reset());
afterAll(async () => {
  await sim.close();
  await rcv.close();
});

const operation = async (url: string, fields: Record<string, unknown>) =>
  (await post(sim.url, '/api-services/operation', op(url, fields))).body;

describe('callback body', () => {
  it('has the documented shape, a correct sha256Hash and our data back, parsed', async () => {
    const body = op(rcv.url, {
      codeService: 'EXPRESSO_SN_AIRTIME_CREDIT_TELEPHONIQUE',
      phone: '702457199',
      amount: 500,
      data: JSON.stringify({ orderId: 'ord-1' }),
    });
    const r = (await post(sim.url, '/api-services/operation', body)).body;
    const cb = await waitFor(() =>
      rcv.received.find((c) => c.body.transaction.transactionId === r.data.transactionId),
    );
    expect(cb.body.status).toBe('SUCCESS');
    expect(typeof cb.body.msg).toBe('string');
    expect(cb.body.sha256Hash).toBe(
      callbackSha256(r.data.transactionId, body.externalTransactionId, API_KEY),
    );
    const t = cb.body.transaction;
    expect(t).toMatchObject({
      phone: '702457199',
      amount: 500,
      codeService: 'EXPRESSO_SN_AIRTIME_CREDIT_TELEPHONIQUE',
      nameService: 'Achat credit Expresso',
      externalTransactionId: body.externalTransactionId,
      callbackUrl: rcv.url,
      errorType: null,
      data: { orderId: 'ord-1' },
    });
    for (const k of [
      'commission',
      'currentBalance',
      'balanceBeforeTransactionInit',
      'balanceAfterTransactionInit',
    ]) {
      expect(typeof t[k]).toBe('number');
    }
    expect(t.sousServiceTransactionId).toEqual(expect.any(String));
    expect(cb.headers['hmac-signature']).toBeUndefined();
  });

  it('a FAILLED callback carries errorType {id, code, message, codeService}', async () => {
    sim.control.script({ outcome: 'failure', errorId: 5 });
    const r = await operation(rcv.url, {
      codeService: 'ORANGE_SN_API_CASH_IN',
      phone: '772457199',
      amount: 1000,
    });
    const cb = await waitFor(() =>
      rcv.received.find((c) => c.body.transaction.transactionId === r.data.transactionId),
    );
    expect(cb.body.status).toBe('FAILLED');
    expect(cb.body.transaction.errorType).toEqual({
      id: 5,
      code: 'no_om_account',
      message: expect.any(String),
      codeService: 'ORANGE_SN_API_CASH_IN',
    });
    expect(cb.body.transaction.sousServiceTransactionId).toBeNull();
  });
});

describe('callback retries', () => {
  it('retries while the receiver does not answer 200 (500, 201, then 200), then stops', async () => {
    const flaky = await startReceiver([500, 201]);
    try {
      const r = await operation(flaky.url, {
        codeService: 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE',
        phone: '772457199',
        amount: 100,
      });
      await waitFor(() => flaky.received.length >= 3);
      await sleep(200);
      expect(flaky.received).toHaveLength(3);
      const gaps = flaky.received.slice(1).map((c, i) => c.at - flaky.received[i]!.at);
      for (const g of gaps) expect(g).toBeGreaterThanOrEqual(40);
      const attempts = sim.control
        .log()
        .filter((e) => e.kind === 'callback' && e.transactionId === r.data.transactionId);
      expect(attempts.map((a) => (a.kind === 'callback' ? a.receiverStatus : 0))).toEqual([500, 201, 200]);
      expect(sim.control.stats()).toMatchObject({
        callbackAttempts: 3,
        callbacksDelivered: 1,
        callbackFailures: 2,
      });
    } finally {
      await flaky.close();
    }
  });

  it('gives up after callbackMaxAttempts; an unreachable receiver is logged with status null', async () => {
    const down = await startReceiver([500, 500, 500, 500, 500, 500]);
    try {
      await operation(down.url, {
        codeService: 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE',
        phone: '772457199',
        amount: 100,
      });
      await waitFor(() => down.received.length >= 4);
      await sleep(200);
      expect(down.received).toHaveLength(4);
    } finally {
      await down.close();
    }
    await operation('http://127.0.0.1:1/ipn', {
      codeService: 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE',
      phone: '772457199',
      amount: 100,
    });
    const entry = await waitFor(() =>
      sim.control.log().find((e) => e.kind === 'callback' && e.url === 'http://127.0.0.1:1/ipn'),
    );
    expect(entry).toMatchObject({ receiverStatus: null, attempt: 1 });
  });
});

describe('service specifics', () => {
  it('Woyofal: one 20-digit token in data.tokens and in msg', async () => {
    const r = await operation(rcv.url, {
      codeService: 'WOYOFAL_SN_BILL_RELOAD',
      phone: '772457199',
      amount: 5000,
      accountNumber: '14212345678',
      data: JSON.stringify({ orderId: 'w1' }),
    });
    const cb = await waitFor(() =>
      rcv.received.find((c) => c.body.transaction.transactionId === r.data.transactionId),
    );
    const tokens = cb.body.transaction.data.tokens as string[];
    expect(tokens).toHaveLength(1);
    expect(tokens[0]).toMatch(/^\d{20}$/);
    expect(cb.body.transaction.data.orderId).toBe('w1');
    expect(cb.body.msg).toContain(`Token: ${tokens[0]!.replace(/(\d{4})(?=\d)/g, '$1 ')}`);
  });

  it('Woyofal: three tokens for a meter ending in 3, or when scripted', async () => {
    const r = await operation(rcv.url, {
      codeService: 'WOYOFAL_SN_BILL_RELOAD',
      phone: '772457199',
      amount: 5000,
      accountNumber: '14212345673',
    });
    const cb = await waitFor(() =>
      rcv.received.find((c) => c.body.transaction.transactionId === r.data.transactionId),
    );
    expect(cb.body.transaction.data.tokens).toHaveLength(3);
    expect(new Set(cb.body.transaction.data.tokens).size).toBe(3);
    expect(cb.body.msg).toMatch(/Token 1: .*Token 2: .*Token 3: /);
    sim.control.script({
      outcome: 'success',
      tokens: ['11112222333344445555', '66667777888899990000', '12341234123412341234'],
    });
    const s = await operation(rcv.url, {
      codeService: 'WOYOFAL_SN_BILL_RELOAD',
      phone: '772457199',
      amount: 5000,
      accountNumber: '14212345678',
    });
    const scb = await waitFor(() =>
      rcv.received.find((c) => c.body.transaction.transactionId === s.data.transactionId),
    );
    expect(scb.body.transaction.data.tokens).toEqual([
      '11112222333344445555',
      '66667777888899990000',
      '12341234123412341234',
    ]);
    expect(scb.body.msg).toContain('1111 2222 3333 4444 5555');
  });

  it('WhatsApp success reaches onWhatsappMessage and whatsappMessages(); a number without WhatsApp fails id 12', async () => {
    whatsapp.length = 0;
    const r = await operation(rcv.url, {
      codeService: 'WHATSAPP_MESSAGING',
      phone: '+221772457199',
      message: 'Votre reçu',
      attachedMedia: 'aGVsbG8=',
      attachedMediaExtension: '.pdf',
      attachedMediaName: 'recu.pdf',
    });
    await waitFor(() => rcv.received.find((c) => c.body.transaction.transactionId === r.data.transactionId));
    expect(whatsapp).toEqual([
      {
        phone: '+221772457199',
        message: 'Votre reçu',
        media: { base64: 'aGVsbG8=', extension: '.pdf', name: 'recu.pdf' },
      },
    ]);
    expect(sim.control.whatsappMessages('+221772457199')).toHaveLength(1);
    expect(sim.control.whatsappMessages('+221770000001')).toHaveLength(0);
    const nf = await operation(rcv.url, {
      codeService: 'WHATSAPP_MESSAGING',
      phone: '+221770000000',
      message: 'x',
    });
    const cb = await waitFor(() =>
      rcv.received.find((c) => c.body.transaction.transactionId === nf.data.transactionId),
    );
    expect(cb.body.transaction.errorType).toMatchObject({ id: 12, code: 'whatsapp_user_not_found' });
    expect(whatsapp).toHaveLength(1);
  });
});
