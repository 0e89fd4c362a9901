// The real client against the sandbox simulator, over HTTP: every endpoint, with and without HMAC, and the
// simulator's callbacks checked by our own verifier.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IntechApi } from '../../src/intech/api.js';
import { createIntechClient } from '../../src/intech/client.js';
import { IntechRejectedError, IntechUnknownOutcomeError } from '../../src/intech/errors.js';
import type { CallbackBody } from '../../src/intech/types.js';
import { verifyCallback } from '../../src/intech/verify-callback.js';
import { startSimulator } from '../../src/sandbox/simulator/index.js';

const API_KEY = 'sim-key-0123456789';
const HMAC_SECRET = 'sim-hmac-secret-abcdef';

type Sim = Awaited<ReturnType<typeof startSimulator>>;

/** Receives callbacks and keeps only those our verifier accepts. */
async function startReceiver(hmacSecret?: string) {
  const verified: CallbackBody[] = [];
  const rejected: string[] = [];
  const waiters: (() => void)[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const v = verifyCallback({
        rawBody: Buffer.concat(chunks),
        headers: req.headers,
        apiKey: API_KEY,
        ...(hmacSecret ? { hmacSecret } : {}),
        now: Date.now(),
      });
      if (v.ok) verified.push(v.body);
      else rejected.push(v.reason);
      res.writeHead(v.ok ? 200 : 401).end();
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/intech/callback`;
  return {
    url,
    verified,
    rejected,
    async waitFor(ext: string, timeoutMs = 3_000): Promise<CallbackBody> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = verified.find((b) => b.transaction.externalTransactionId === ext);
        if (found) return found;
        if (Date.now() > deadline)
          throw new Error(`no verified callback for ${ext} (rejected: ${rejected.join(',')})`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 50);
        });
      }
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

for (const hmacSecret of [undefined, HMAC_SECRET]) {
  describe(`client vs simulator (${hmacSecret ? 'HMAC' : 'sha256 only'})`, () => {
    let sim: Sim;
    let receiver: Awaited<ReturnType<typeof startReceiver>>;
    let intech: IntechApi;

    beforeAll(async () => {
      sim = await startSimulator({ apiKey: API_KEY, hmacSecret, callbackDelayMs: 20, approvalDelayMs: 30 });
      receiver = await startReceiver(hmacSecret);
      intech = createIntechClient({
        baseUrl: sim.url,
        apiKey: API_KEY,
        ...(hmacSecret ? { hmacSecret } : {}),
        timeoutMs: 3_000,
        retry: { attempts: 2, baseMs: 10, maxMs: 20 },
      });
    });
    afterAll(async () => {
      await sim.close();
      await receiver.close();
    });

    it('lists services, errors and the balance', async () => {
      const services = await intech.listServices();
      expect(services.map((s) => s.codeService)).toContain('ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE');
      expect(services.find((s) => s.codeService === 'WAVE_SN_API_CASH_OUT')).toMatchObject({
        typeOperation: 'CREDIT',
        typeService: 'CASHOUT',
      });
      const errors = await intech.listErrors();
      expect(errors.find((e) => e.code === 'payment-timeout')?.id).toBe(4);
      expect(errors.some((e) => e.id === null && e.code === 'unknown_error')).toBe(true);
      const balance = await intech.getBalance();
      expect(balance.currency).toBe('XOF');
      expect(balance.balance).toBe(sim.control.balance());
    });

    it('lists pending bills (nested list) and surfaces a blocked account as a rejection', async () => {
      const bills = await intech.listPendingBills('SENELEC_SN_BILL_PAY', '21050176023');
      expect(bills.length).toBeGreaterThan(0);
      expect(bills[0]).toMatchObject({ amount: expect.any(Number), billReference: expect.any(String) });
      expect(bills[0]?.infos.find((i) => i.label === 'Nom client')?.value).toBeTruthy();
      await expect(intech.listPendingBills('SENELEC_SN_BILL_PAY', '21050176000')).resolves.toEqual([]);
      const err = await intech
        .listPendingBills('SENELEC_SN_BILL_PAY', '21050176099')
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(IntechRejectedError);
      expect((err as IntechRejectedError).msg).toMatch(/ancienne/);
    });

    it('buys airtime: accepted PENDING, a verified SUCCESS callback, then status SUCCESS', async () => {
      const ext = `AIR${hmacSecret ? 'H' : 'S'}-deliver`;
      const before = sim.control.balance();
      const acc = await intech.operation({
        codeService: 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE',
        phone: '771234567',
        amount: 1000,
        externalTransactionId: ext,
        callbackUrl: receiver.url,
        data: JSON.stringify({ orderId: 'AIR' }),
      });
      expect(acc).toMatchObject({ externalTransactionId: ext, status: 'PENDING', amount: 1000 });
      expect(acc.transactionId).toBeTruthy();
      const cb = await receiver.waitFor(ext);
      expect(cb.status).toBe('SUCCESS');
      expect(cb.transaction.transactionId).toBe(acc.transactionId);
      expect(cb.transaction.data).toEqual({ orderId: 'AIR' });
      expect(sim.control.balance()).toBe(before - 1000);
      const st = await intech.getTransactionStatus(ext);
      expect(st).toMatchObject({
        transactionId: acc.transactionId,
        externalTransactionId: ext,
        status: 'SUCCESS',
      });
      expect(receiver.rejected).toEqual([]);
    });

    it('collects by Wave (payment link), refunds it, and opens a claim', async () => {
      const ext = `WAV${hmacSecret ? 'H' : 'S'}-collect`;
      const acc = await intech.operation({
        codeService: 'WAVE_SN_API_CASH_OUT',
        phone: '771234568',
        amount: 2000,
        externalTransactionId: ext,
        callbackUrl: receiver.url,
        sender: 'Xaalis Bot',
        successRedirectUrl: 'https://bot.example.sn/ok',
        errorRedirectUrl: 'https://bot.example.sn/ko',
      });
      expect(acc.deepLinkUrl).toMatch(/^http/);
      expect(sim.control.approve(acc.transactionId)).toBe(true);
      expect((await receiver.waitFor(ext)).status).toBe('SUCCESS');
      const refund = await intech.refundCancel(acc.transactionId);
      expect(refund).toMatchObject({ ok: true, statutTreatment: 'SUCCESS' });
      const again = await intech.refundCancel(acc.transactionId);
      expect(again.ok).toBe(false);
      expect((await intech.getTransactionStatus(ext)).status).toBe('REFUNDED');
      const claim = await intech.newClaim(acc.transactionId, 'Remboursement', 'Vérifier le remboursement');
      expect(claim.statut).toBe('OPENED');
      expect(claim.claimRef).toBeTruthy();
      expect(sim.control.claims().map((c) => c.claimRef)).toContain(claim.claimRef);
    });

    it('a scripted rejection comes back as IntechRejectedError with its errorType, plus a FAILLED callback', async () => {
      const ext = `REJ${hmacSecret ? 'H' : 'S'}-deliver`;
      sim.control.script({ match: { phone: '771234569' }, outcome: 'reject', errorId: 28 });
      const err = await intech
        .operation({
          codeService: 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE',
          phone: '771234569',
          amount: 500,
          externalTransactionId: ext,
          callbackUrl: receiver.url,
        })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(IntechRejectedError);
      expect((err as IntechRejectedError).errorType).toMatchObject({ id: 28, code: 'operator_down_time' });
      const cb = await receiver.waitFor(ext);
      expect(cb.status).toBe('FAILLED');
      expect(cb.transaction.errorType?.code).toBe('operator_down_time');
    });

    it('a held response is an unknown outcome; the operation was sent once and the callback still arrives', async () => {
      const ext = `HLD${hmacSecret ? 'H' : 'S'}-deliver`;
      sim.control.script({ match: { phone: '771234570' }, outcome: 'timeout' });
      const slow = createIntechClient({
        baseUrl: sim.url,
        apiKey: API_KEY,
        ...(hmacSecret ? { hmacSecret } : {}),
        timeoutMs: 300,
      });
      const err = await slow
        .operation({
          codeService: 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE',
          phone: '771234570',
          amount: 500,
          externalTransactionId: ext,
          callbackUrl: receiver.url,
        })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(IntechUnknownOutcomeError);
      expect(sim.control.transactions().filter((t) => t.externalTransactionId === ext)).toHaveLength(1);
      expect((await receiver.waitFor(ext)).status).toBe('SUCCESS');
    });

    it('a wrong api key is refused as a rejection (GET and POST)', async () => {
      const bad = createIntechClient({
        baseUrl: sim.url,
        apiKey: 'wrong-key',
        ...(hmacSecret ? { hmacSecret } : {}),
        timeoutMs: 2_000,
      });
      await expect(bad.getBalance()).rejects.toBeInstanceOf(IntechRejectedError);
      await expect(bad.getTransactionStatus('X')).rejects.toBeInstanceOf(IntechRejectedError);
    });

    if (hmacSecret) {
      it('a wrong or missing HMAC secret is refused by the simulator', async () => {
        for (const secret of ['not-the-secret', undefined]) {
          const c = createIntechClient({
            baseUrl: sim.url,
            apiKey: API_KEY,
            ...(secret ? { hmacSecret: secret } : {}),
            timeoutMs: 2_000,
          });
          const err = await c.listPendingBills('SENELEC_SN_BILL_PAY', '21050176023').catch((e: unknown) => e);
          expect(err).toBeInstanceOf(IntechRejectedError);
          expect((err as IntechRejectedError).msg).toMatch(/HMAC|Hmac/);
        }
      });
    }
  });
}
