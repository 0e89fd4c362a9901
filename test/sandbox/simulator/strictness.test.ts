import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hmacSignature } from '../../../src/intech/signing.js';
import { API_KEY, get, op, post, type RunningSim, startReceiver, startSim, type Json } from './helpers.js';

let sim: RunningSim;
let rcv: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  sim = await startSim();
  rcv = await startReceiver();
});
beforeEach(() => sim.control.reset());
afterAll(async () => {
  await sim.close();
  await rcv.close();
});

const operation = (fields: Record<string, unknown>) =>
  post(sim.url, '/api-services/operation', op(rcv.url, fields));
const airtime = { codeService: 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE', phone: '772457199', amount: 1000 };

describe('authentication', () => {
  it('GET without or with a wrong Secretkey fails (HTTP 200, failure body)', async () => {
    for (const key of [null, 'wrong']) {
      for (const path of ['/api-services/balance', '/api-services/services', '/api-services/errors']) {
        const r = await get(sim.url, path, key);
        expect(r.status).toBe(200);
        expect(r.body.error).toBe(true);
        expect(r.body.code).not.toBe(2000);
        expect(r.body.services).toBeUndefined();
      }
    }
  });

  it('POST without or with a wrong body apiKey fails, and nothing is created', async () => {
    const { apiKey: _k, ...noKey } = op(rcv.url, airtime);
    expect((await post(sim.url, '/api-services/operation', noKey)).body).toMatchObject({ error: true });
    const wrong = await post(sim.url, '/api-services/operation', { ...op(rcv.url, airtime), apiKey: 'nope' });
    expect(wrong.body.code).not.toBe(2000);
    // The key in a header is not how POST authenticates.
    const inHeader = await post(sim.url, '/api-services/operation', noKey, { Secretkey: API_KEY });
    expect(inHeader.body.code).not.toBe(2000);
    expect(sim.control.transactions()).toHaveLength(0);
    const refund = await post(sim.url, '/api-services/transaction/refund-cancel', { transactionId: 'x' });
    expect(refund.body.statutTreatment).not.toBe('SUCCESS');
  });

  it('the request log redacts the apiKey', async () => {
    await operation(airtime);
    const entry = sim.control.log().find((e) => e.kind === 'request' && e.path === '/api-services/operation');
    expect(JSON.stringify(entry)).not.toContain(API_KEY);
    expect(entry).toMatchObject({ body: { apiKey: '[redacted]' }, response: 2000 });
  });
});

describe('operation validation', () => {
  it('missing required fields → 4000 with a msg naming them', async () => {
    const r = await post(sim.url, '/api-services/operation', {
      apiKey: API_KEY,
      codeService: airtime.codeService,
    });
    expect(r.body).toMatchObject({
      code: 4000,
      error: true,
      data: { status: 'FAILLED', transactionId: null },
    });
    expect(r.body.msg).toContain('phone');
    expect(r.body.msg).toContain('externalTransactionId');
    const noAmount = await operation({ ...airtime, amount: undefined });
    expect(noAmount.body.code).toBe(4000);
    expect(noAmount.body.msg).toContain('amount');
    expect((await operation({ ...airtime, amount: '1000' })).body.code).toBe(4000);
    expect((await operation({ ...airtime, amount: 1000.5 })).body.code).toBe(4000);
  });

  it('a duplicate externalTransactionId is rejected and leaves the first transaction alone', async () => {
    const body = op(rcv.url, airtime);
    const first = await post(sim.url, '/api-services/operation', body);
    expect(first.body.code).toBe(2000);
    const again = await post(sim.url, '/api-services/operation', { ...body, amount: 2000 });
    expect(again.body.code).toBe(4000);
    expect(again.body.msg).toContain(body.externalTransactionId);
    expect(sim.control.transactions()).toHaveLength(1);
    expect(sim.control.transactions()[0]!.amount).toBe(1000);
  });

  it('unknown or disabled codeService is rejected', async () => {
    expect((await operation({ ...airtime, codeService: 'NOPE_SN' })).body.code).toBe(4000);
    sim.control.setServiceEnabled('ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE', false);
    const r = await operation(airtime);
    expect(r.body.code).toBe(4000);
    expect(r.body.msg).toMatch(/activé/);
    const services = (await get(sim.url, '/api-services/services')).body.services;
    expect(services.map((s: Json) => s.codeService)).not.toContain('ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE');
  });

  it('bad amounts map to the documented errors', async () => {
    const a = await operation({ ...airtime, amount: 1003 });
    expect(a.body.code).toBe(4000);
    expect(a.body.data.errorType).toMatchObject({ id: 38, code: 'bad_amount_5' });
    sim.control.setAmountRules('ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE', { multiple: 50 });
    expect((await operation({ ...airtime, amount: 1020 })).body.data.errorType.code).toBe('bad_amount_50');
    sim.control.setAmountRules('ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE', { multiple: 100 });
    expect((await operation({ ...airtime, amount: 1050 })).body.data.errorType.code).toBe('bad_amount_100');
    expect((await operation({ ...airtime, amount: 1100 })).body.code).toBe(2000);
    const low = await operation({ ...airtime, amount: 50 });
    expect(low.body.code).toBe(4000);
    expect(low.body.data.errorType.id).toBe(29);
    expect(low.body.msg).toMatch(/100/);
    const woyofal = await operation({
      codeService: 'WOYOFAL_SN_BILL_RELOAD',
      phone: '772457199',
      amount: 500,
      accountNumber: '14212345678',
    });
    expect(woyofal.body.code).toBe(4000);
  });

  it('amount rules can be overridden by option', async () => {
    const s = await startSim({ amountRules: { FREE_SN_AIRTIME_CREDIT_TELEPHONIQUE: { multiple: 100 } } });
    try {
      const r = await post(
        s.url,
        '/api-services/operation',
        op(rcv.url, { codeService: 'FREE_SN_AIRTIME_CREDIT_TELEPHONIQUE', phone: '762457199', amount: 150 }),
      );
      expect(r.body.data.errorType.code).toBe('bad_amount_100');
    } finally {
      await s.close();
    }
  });

  it('phone forms: national for airtime and wallets, international for WhatsApp', async () => {
    for (const phone of ['+221772457199', '221772457199', '77 245 71 99', '33123']) {
      const r = await operation({ ...airtime, phone });
      expect(r.body.code).toBe(4000);
      expect(r.body.data.errorType).toMatchObject({ id: 1, code: 'invalid_phone_number' });
    }
    const wa = (phone: string) => operation({ codeService: 'WHATSAPP_MESSAGING', phone, message: 'Bonjour' });
    expect((await wa('772457199')).body.data.errorType.code).toBe('invalid_phone_number');
    expect((await wa('+221772457199')).body.code).toBe(2000);
    const ci = await operation({
      codeService: 'MTN_CI_AIRTIME_CREDIT_TELEPHONIQUE',
      phone: '0505050505',
      amount: 500,
    });
    expect(ci.body.code).toBe(2000);
    const ci8 = await operation({
      codeService: 'MTN_CI_AIRTIME_CREDIT_TELEPHONIQUE',
      phone: '05050505',
      amount: 500,
    });
    expect(ci8.body.code).toBe(4000);
  });

  it('WhatsApp needs a message (or media with its extension)', async () => {
    expect((await operation({ codeService: 'WHATSAPP_MESSAGING', phone: '+221772457199' })).body.code).toBe(
      4000,
    );
    const media = await operation({
      codeService: 'WHATSAPP_MESSAGING',
      phone: '+221772457199',
      attachedMedia: 'aGVsbG8=',
    });
    expect(media.body.code).toBe(4000);
  });

  it('bill pay needs accountNumber, an existing unpaid billReference and the bill amount', async () => {
    const senelec = { codeService: 'SENELEC_SN_BILL_PAY', phone: '772457199' };
    expect(
      (await operation({ ...senelec, amount: 18_450, billReference: '202609-21050176023' })).body.msg,
    ).toContain('accountNumber');
    expect(
      (await operation({ ...senelec, amount: 18_450, accountNumber: '21050176023' })).body.msg,
    ).toContain('billReference');
    const wrongRef = await operation({
      ...senelec,
      amount: 18_450,
      accountNumber: '21050176023',
      billReference: 'nope',
    });
    expect(wrongRef.body.code).toBe(4000);
    const otherAccount = await operation({
      ...senelec,
      amount: 9_875,
      accountNumber: '21050176023',
      billReference: 'SDE-2026-10-106032682913',
    });
    expect(otherAccount.body.code).toBe(4000);
    const wrongAmount = await operation({
      ...senelec,
      amount: 18_000,
      accountNumber: '21050176023',
      billReference: '202609-21050176023',
    });
    expect(wrongAmount.body.code).toBe(4000);
    const good = await operation({
      ...senelec,
      amount: 18_450,
      accountNumber: '21050176023',
      billReference: '202609-21050176023',
    });
    expect(good.body.code).toBe(2000);
    // The same bill cannot be paid twice, even while the first payment is processing.
    const twice = await operation({
      ...senelec,
      amount: 18_450,
      accountNumber: '21050176023',
      billReference: '202609-21050176023',
    });
    expect(twice.body.code).toBe(4000);
  });

  it('reloads need an accountNumber', async () => {
    const r = await operation({ codeService: 'WOYOFAL_SN_BILL_RELOAD', phone: '772457199', amount: 5000 });
    expect(r.body.code).toBe(4000);
    expect(r.body.msg).toContain('accountNumber');
  });

  it('data must be a JSON-serialised string', async () => {
    expect((await operation({ ...airtime, data: { orderId: 'o1' } })).body.code).toBe(4000);
    expect((await operation({ ...airtime, data: '{oops' })).body.code).toBe(4000);
    expect((await operation({ ...airtime, data: JSON.stringify({ orderId: 'o1' }) })).body.code).toBe(2000);
  });

  it('a non-JSON body is refused without creating anything', async () => {
    const res = await fetch(`${sim.url}/api-services/operation`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"apiKey":',
    });
    expect([200, 201]).toContain(res.status);
    expect(((await res.json()) as Json).code).not.toBe(2000);
  });
});

describe('HMAC (advanced security)', () => {
  const SECRET = 'hmac-secret-for-tests';
  let hsim: RunningSim;
  const clock = Date.now();
  beforeAll(async () => {
    hsim = await startSim({ hmacSecret: SECRET, now: () => clock });
  });
  afterAll(() => hsim.close());

  const signedPost = async (
    body: Record<string, unknown>,
    opts: { ts?: number; tamper?: boolean; skip?: boolean } = {},
  ) => {
    const raw = JSON.stringify(body);
    const ts = String(opts.ts ?? clock);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (!opts.skip) {
      headers['Hmac-Signature'] = hmacSignature(SECRET, 'POST', ts, opts.tamper ? `${raw} ` : raw);
      headers.Timestamp = ts;
    }
    const res = await fetch(`${hsim.url}/api-services/operation`, { method: 'POST', headers, body: raw });
    return (await res.json()) as Json;
  };

  it('accepts a correctly signed POST', async () => {
    expect((await signedPost(op(rcv.url, airtime))).code).toBe(2000);
  });

  it('rejects unsigned, badly signed and stale POSTs', async () => {
    expect((await signedPost(op(rcv.url, airtime), { skip: true })).code).not.toBe(2000);
    expect((await signedPost(op(rcv.url, airtime), { tamper: true })).code).not.toBe(2000);
    expect((await signedPost(op(rcv.url, airtime), { ts: clock - 5 * 60_000 - 1 })).code).not.toBe(2000);
    expect((await signedPost(op(rcv.url, airtime), { ts: clock - 4 * 60_000 })).code).toBe(2000);
    // A signature over a re-serialised body with different spacing does not match the raw bytes.
    const body = op(rcv.url, airtime);
    const ts = String(clock);
    const res = await fetch(`${hsim.url}/api-services/operation`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'Hmac-Signature': hmacSignature(SECRET, 'POST', ts, JSON.stringify(body)),
        Timestamp: ts,
      },
      body: JSON.stringify(body, null, 2),
    });
    expect(((await res.json()) as Json).code).not.toBe(2000);
    expect(hsim.control.transactions()).toHaveLength(2);
  });

  it('GET requests need only the Secretkey header', async () => {
    expect((await get(hsim.url, '/api-services/balance')).body.code).toBe(2000);
  });

  it('signs callbacks with Hmac-Signature and Timestamp over the raw body', async () => {
    const r = await signedPost(op(rcv.url, { ...airtime, amount: 1500 }));
    const id = r.data.transactionId;
    const start = Date.now();
    while (!rcv.received.some((c) => c.body.transaction.transactionId === id) && Date.now() - start < 3000) {
      await new Promise((res) => setTimeout(res, 10));
    }
    const cb = rcv.received.find((c) => c.body.transaction.transactionId === id)!;
    expect(cb.headers.timestamp).toBe(String(clock));
    expect(cb.headers['hmac-signature']).toBe(hmacSignature(SECRET, 'POST', String(clock), cb.raw));
  });
});
