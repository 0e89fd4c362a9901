import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hmacSignature } from '../../../src/intech/signing.js';
import { createSimulator } from '../../../src/sandbox/simulator/index.js';
import {
  API_KEY,
  get,
  op,
  post,
  type RunningSim,
  sleep,
  startReceiver,
  startSim,
  waitFor,
  type Json,
} from './helpers.js';

let rcv: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  rcv = await startReceiver();
});
afterAll(() => rcv.close());
const callbacksOf = (id: string) => rcv.received.filter((c) => c.body.transaction.transactionId === id);
const WAVE = { codeService: 'WAVE_SN_API_CASH_OUT', phone: '772457199', amount: 1000, sender: 'Xaalis Bot' };

describe('Wave payment link', () => {
  let sim: RunningSim;
  beforeAll(async () => {
    sim = await startSim({ autoApprove: false });
  });
  beforeEach(() => sim.control.reset());
  afterAll(() => sim.close());

  it('the response carries deepLinkUrl and notificationMessage; the page shows the amount and approves', async () => {
    const r = (await post(sim.url, '/api-services/operation', op(rcv.url, WAVE))).body;
    expect(r.data.deepLinkUrl).toBe(`${sim.url}/pay/wave/${r.data.transactionId}`);
    expect(r.data.notificationMessage).toContain('1 000 FCFA');
    const page = await fetch(r.data.deepLinkUrl);
    const html = await page.text();
    expect(page.headers.get('content-type')).toMatch(/html/);
    expect(html).toContain('Payer 1 000 FCFA');
    expect(html).toContain('Xaalis Bot');
    await sleep(60);
    expect(callbacksOf(r.data.transactionId)).toHaveLength(0);
    const action = /<form method="post" action="([^"]+\/approve)"/.exec(html)![1]!;
    const res = await fetch(new URL(action, r.data.deepLinkUrl), { method: 'POST' });
    expect(await res.text()).toContain('Paiement validé');
    const [cb] = await waitFor(
      () => callbacksOf(r.data.transactionId).length > 0 && callbacksOf(r.data.transactionId),
    );
    expect(cb!.body.status).toBe('SUCCESS');
    expect(cb!.body.transaction.sousServiceTransactionId).toMatch(/^T_/);
    // A second click changes nothing.
    await fetch(new URL(action, r.data.deepLinkUrl), { method: 'POST' });
    await sleep(60);
    expect(callbacksOf(r.data.transactionId)).toHaveLength(1);
  });

  it('?auto=1 approves directly; successRedirectUrl is followed after approval', async () => {
    const r = (await post(sim.url, '/api-services/operation', op(rcv.url, WAVE))).body;
    await fetch(`${r.data.deepLinkUrl}?auto=1`);
    await waitFor(() => callbacksOf(r.data.transactionId).length === 1);
    const r2 = (
      await post(
        sim.url,
        '/api-services/operation',
        op(rcv.url, { ...WAVE, successRedirectUrl: 'https://example.org/ok' }),
      )
    ).body;
    const res = await fetch(`${r2.data.deepLinkUrl}/approve`, { method: 'POST', redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('https://example.org/ok');
  });

  it('the cancel button fails the payment; unknown links are 404', async () => {
    const r = (await post(sim.url, '/api-services/operation', op(rcv.url, WAVE))).body;
    await fetch(`${r.data.deepLinkUrl}/decline`, { method: 'POST' });
    const [cb] = await waitFor(
      () => callbacksOf(r.data.transactionId).length > 0 && callbacksOf(r.data.transactionId),
    );
    expect(cb!.body.status).toBe('FAILLED');
    expect((await fetch(`${sim.url}/pay/wave/TRnope`)).status).toBe(404);
  });

  it('publicUrl option is used for links', async () => {
    const s = await startSim({ publicUrl: 'https://pay.example.org/sim/' });
    try {
      const r = (await post(s.url, '/api-services/operation', op(rcv.url, WAVE))).body;
      expect(r.data.deepLinkUrl).toBe(`https://pay.example.org/sim/pay/wave/${r.data.transactionId}`);
    } finally {
      await s.close();
    }
  });

  it('card cash-out returns authLinkUrl and orderId; approveByPhone approves the latest pending cash-out', async () => {
    const card = (
      await post(
        sim.url,
        '/api-services/operation',
        op(rcv.url, { codeService: 'BANK_CARD_API_CASH_OUT', phone: '+221772457199', amount: 2000 }),
      )
    ).body;
    expect(card.data.authLinkUrl).toContain(`/pay/card/${card.data.transactionId}`);
    expect(card.data.orderId).toEqual(expect.any(String));
    const om = (
      await post(
        sim.url,
        '/api-services/operation',
        op(rcv.url, { codeService: 'ORANGE_SN_API_CASH_OUT', phone: '772457100', amount: 500 }),
      )
    ).body;
    expect(sim.control.approveByPhone('772457100')).toBe(om.data.transactionId);
    expect(sim.control.approveByPhone('772457100')).toBeNull();
    await waitFor(() => callbacksOf(om.data.transactionId).length === 1);
  });
});

describe('Orange Money: validated on the phone', () => {
  it('is approved automatically after approvalDelayMs', async () => {
    const sim = await startSim({ approvalDelayMs: 400 });
    try {
      const r = (
        await post(
          sim.url,
          '/api-services/operation',
          op(rcv.url, { codeService: 'ORANGE_SN_API_CASH_OUT', phone: '772457199', amount: 500 }),
        )
      ).body;
      expect(r.data.deepLinkUrl).toBeUndefined();
      await sleep(50);
      expect(sim.control.transaction(r.data.transactionId)!.status).toBe('PENDING');
      await waitFor(() => callbacksOf(r.data.transactionId).length === 1);
      expect(callbacksOf(r.data.transactionId)[0]!.body.status).toBe('SUCCESS');
    } finally {
      await sim.close();
    }
  });
});

describe('mounted under a prefix in another app', () => {
  it('serves the API, builds links with the prefix and its pages work; HMAC works behind express.json()', async () => {
    const SECRET = 's3cret';
    const sim = createSimulator({
      apiKey: API_KEY,
      hmacSecret: SECRET,
      callbackDelayMs: 10,
      approvalDelayMs: 0,
    });
    const host = express();
    host.use(express.json()); // the bot parses JSON globally
    host.use('/intech-sim', sim.app);
    host.get('/other', (_req, res) => {
      res.json({ host: true });
    });
    const server = host.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/intech-sim`;
    try {
      expect((await get(base, '/api-services/balance')).body.data.balance).toBe(1_000_000);
      const body = op(rcv.url, WAVE);
      const raw = JSON.stringify(body);
      const ts = String(Date.now());
      const r = await post(base, '/api-services/operation', body, {
        'Hmac-Signature': hmacSignature(SECRET, 'POST', ts, raw),
        Timestamp: ts,
      });
      expect(r.body.code).toBe(2000);
      expect(r.body.data.deepLinkUrl).toBe(`${base}/pay/wave/${r.body.data.transactionId}`);
      const html = await (await fetch(r.body.data.deepLinkUrl)).text();
      const action = /action="([^"]+\/approve)"/.exec(html)![1]!;
      await fetch(new URL(action, r.body.data.deepLinkUrl), { method: 'POST' });
      await waitFor(() => callbacksOf(r.body.data.transactionId).length === 1);
      expect((await fetch(`${base}/_sim/stats`).then((x) => x.json())) as Json).toMatchObject({
        operations: 1,
      });
      expect(await fetch(`${base.replace('/intech-sim', '')}/other`).then((x) => x.json())).toEqual({
        host: true,
      });
      const unsigned = await post(base, '/api-services/operation', op(rcv.url, WAVE));
      expect(unsigned.body.code).not.toBe(2000);
    } finally {
      await sim.stop();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
