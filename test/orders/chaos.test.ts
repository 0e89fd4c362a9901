// Callback chaos against the simulator over real HTTP: duplicates, callbacks before the response, lost
// callbacks, forged and stale callbacks, operations whose outcome is unknown. Each order still ends once.
import { afterEach, describe, expect, it } from 'vitest';
import { IntechTransportError, IntechUnknownOutcomeError } from '../../src/intech/errors.js';
import { buildCallbackBody, signCallback } from '../helpers/intech-signer.js';
import { API_KEY, airtime, CUSTOMER, type Harness, type HarnessOptions, startHarness } from './harness.js';

let h: Harness | undefined;
async function harness(opts: HarnessOptions = {}) {
  h = await startHarness(opts);
  return h;
}
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const COLLECT = 'ORANGE_SN_API_CASH_OUT';
const AIRTIME = 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE';

function deliveries(hh: Harness, orderId: string) {
  return hh.simTxs(orderId).filter((t) => t.externalTransactionId.endsWith('-DLV'));
}

async function expectCompletedOnce(hh: Harness, orderId: string) {
  const done = await hh.waitForState(orderId, 'completed');
  expect(deliveries(hh, orderId)).toHaveLength(1);
  expect(hh.sim.control.whatsappMessages().filter((m) => m.message.includes(orderId))).toHaveLength(1);
  expect(hh.sim.control.stats().statusLookupViolations).toBe(0);
  return done;
}

async function post(url: string, raw: string, headers: Record<string, string>) {
  const res = await fetch(url, { method: 'POST', body: raw, headers });
  return res.status;
}

describe('callback chaos', () => {
  it('duplicate callbacks for the collect and the delivery act once', async () => {
    const hh = await harness();
    hh.sim.control.script({ match: { codeService: COLLECT }, outcome: 'duplicate_callbacks' });
    hh.sim.control.script({ match: { codeService: AIRTIME }, outcome: 'duplicate_callbacks' });
    const o = await hh.placeOk(airtime());
    await expectCompletedOnce(hh, o.id);
    await hh.waitFor(
      () => hh.callbacks.filter((c) => c.result === 'duplicate').length >= 4,
      'duplicates seen',
    );
    expect(hh.notifier.texts(CUSTOMER).filter((t) => /Paiement de 1 000 FCFA reçu/.test(t))).toHaveLength(1);
  });

  it('duplicate FAILLED callbacks for a delivery: one refund', async () => {
    const hh = await harness();
    hh.sim.control.script({ match: { codeService: AIRTIME }, outcome: 'duplicate_callbacks', errorId: 29 });
    const o = await hh.placeOk(airtime());
    await hh.waitForState(o.id, 'refunded');
    await new Promise((r) => setTimeout(r, 300));
    const refunds = hh.sim.control
      .log()
      .filter((e) => e.kind === 'request' && e.path.includes('refund-cancel'));
    expect(refunds).toHaveLength(1);
    expect(hh.notifier.texts(CUSTOMER).filter((t) => /remboursés/.test(t))).toHaveLength(1);
  });

  it('callbacks that arrive before the HTTP response', async () => {
    const hh = await harness();
    hh.sim.control.script({ match: { codeService: COLLECT }, outcome: 'callback_before_response' });
    hh.sim.control.script({ match: { codeService: AIRTIME }, outcome: 'callback_before_response' });
    hh.sim.control.script({
      match: { codeService: 'WHATSAPP_MESSAGING' },
      outcome: 'callback_before_response',
    });
    const o = await hh.placeOk(airtime());
    const done = await expectCompletedOnce(hh, o.id);
    // The response came after the outcome: it filled in ids but did not undo anything.
    expect(done.operations.collect?.status).toBe('success');
    expect(done.operations.deliver?.status).toBe('success');
    expect(done.operations.deliver?.transactionId).toBe(deliveries(hh, o.id)[0]!.transactionId);
  });

  it.each([
    ['collect', COLLECT],
    ['delivery', AIRTIME],
    ['receipt', 'WHATSAPP_MESSAGING'],
  ])('lost %s callback: the reconciler looks it up and finishes the order', async (_what, codeService) => {
    const hh = await harness();
    hh.sim.control.script({ match: { codeService }, outcome: 'lost_callback' });
    const o = await hh.placeOk(airtime());
    const done = await expectCompletedOnce(hh, o.id);
    expect(hh.sim.control.stats().statusLookups, JSON.stringify(done.events)).toBeGreaterThanOrEqual(1);
  });

  it('Woyofal delivery known only from a status lookup: the customer is told the code follows, admins are alerted', async () => {
    const hh = await harness();
    hh.sim.control.script({ match: { codeService: 'WOYOFAL_SN_BILL_RELOAD' }, outcome: 'lost_callback' });
    const o = await hh.placeOk(
      airtime({
        lang: 'en',
        kind: 'bill_reload',
        codeService: 'WOYOFAL_SN_BILL_RELOAD',
        amount: 5000,
        recipient: undefined,
        account: '14123456789',
      }),
    );
    await expectCompletedOnce(hh, o.id);
    expect(
      hh.notifier.texts(CUSTOMER).some((t) => t.includes(o.id) && /code to enter on the meter/.test(t)),
    ).toBe(true);
    expect(hh.alerter.alerts.filter((a) => a.kind === 'missing_tokens' && a.orderId === o.id)).toHaveLength(
      1,
    );
  });

  it('late callback after the reconciler already settled: acknowledged, nothing changes', async () => {
    const hh = await harness();
    hh.sim.control.script({ match: { codeService: AIRTIME }, outcome: 'late_callback', delayMs: 1_200 });
    const o = await hh.placeOk(airtime());
    const done = await expectCompletedOnce(hh, o.id);
    await hh.waitFor(
      () => hh.callbacks.find((c) => c.body.transaction.externalTransactionId === `${o.id}-DLV`),
      'late callback',
    );
    const dl = hh.callbacks.find((c) => c.body.transaction.externalTransactionId === `${o.id}-DLV`)!;
    expect(dl.result).toBe('duplicate');
    expect((await hh.store.orders.get(o.id))!.version).toBe(done.version);
  });

  it('a copy of an outcome already settled is answered without reading the order again; a new detail is still read', async () => {
    const hh = await harness();
    const o = await hh.placeOk(airtime());
    const done = await expectCompletedOnce(hh, o.id);
    const dlv = done.operations.deliver!;
    let reads = 0;
    for (const m of ['get', 'findByExternalId'] as const) {
      const f = hh.store.orders[m].bind(hh.store.orders);
      hh.store.orders[m] = (async (x: string) => {
        reads++;
        return f(x);
      }) as never;
    }
    const copy = (msg?: string) => ({
      ...buildCallbackBody(dlv.externalTransactionId, {
        transactionId: dlv.transactionId!,
        status: 'SUCCESS',
        codeService: AIRTIME,
      }),
      ...(msg ? { msg } : {}),
      sha256Hash: '',
    });
    expect(await hh.service.handleCallback(copy())).toBe('duplicate');
    const first = reads;
    expect(first).toBeGreaterThan(0);
    expect(await hh.service.handleCallback(copy())).toBe('duplicate');
    expect(reads).toBe(first);
    // Something the first copy did not carry: decided again on the order.
    expect(await hh.service.handleCallback(copy('Recharge effectuée'))).toBe('duplicate');
    expect(reads).toBeGreaterThan(first);
    expect((await hh.store.orders.get(o.id))!.version).toBe(done.version);
  });

  it('forged callbacks get a 4xx and change nothing; unknown ids get a 200 and change nothing', async () => {
    const hh = await harness({ sim: { autoApprove: false } });
    const o = await hh.placeOk(airtime());
    await hh.waitFor(
      async () => (await hh.store.orders.get(o.id))?.operations.collect?.status === 'sent',
      'collect sent',
    );
    const before = (await hh.store.orders.get(o.id))!;
    const txId = hh.sim.control.transaction(`${o.id}-COL`)!.transactionId;
    const url = hh.config.callbackUrl;

    const forged = signCallback(
      buildCallbackBody(`${o.id}-COL`, { transactionId: txId, codeService: COLLECT }),
      {
        apiKey: 'not-our-key',
      },
    );
    expect(await post(url, forged.rawBody, forged.headers)).toBe(401);
    // A genuine body whose status was changed in transit.
    const genuine = signCallback(
      buildCallbackBody(`${o.id}-COL`, { transactionId: txId, codeService: COLLECT, status: 'FAILLED' }),
      { apiKey: API_KEY },
    );
    const tampered = genuine.rawBody.replace(txId, `${txId}9`);
    expect(await post(url, tampered, genuine.headers)).toBe(401);
    expect(await post(url, '{not json', { 'content-type': 'application/json' })).toBe(400);

    const unknown = signCallback(buildCallbackBody('NOPE1234-COL', { transactionId: 'TR999' }), {
      apiKey: API_KEY,
    });
    expect(await post(url, unknown.rawBody, unknown.headers)).toBe(200);
    await hh.waitFor(() => hh.callbacks.find((c) => c.result === 'unknown'), 'unknown callback handled');

    const after = (await hh.store.orders.get(o.id))!;
    expect(after.version).toBe(before.version);
    expect(after.state).toBe('collecting');
    hh.sim.control.approve(txId);
    await expectCompletedOnce(hh, o.id);
  });

  it('a genuine but contradicting callback after completion changes nothing and alerts admins', async () => {
    const hh = await harness();
    const o = await hh.placeOk(airtime());
    const done = await expectCompletedOnce(hh, o.id);
    const dlv = deliveries(hh, o.id)[0]!;
    const cb = signCallback(
      buildCallbackBody(`${o.id}-DLV`, {
        transactionId: dlv.transactionId,
        codeService: AIRTIME,
        status: 'FAILLED',
        errorType: { id: 29, code: 'execution_error', message: 'x' },
      }),
      { apiKey: API_KEY },
    );
    expect(await post(hh.config.callbackUrl, cb.rawBody, cb.headers)).toBe(200);
    const alert = await hh.waitFor(
      () => hh.alerter.alerts.find((a) => a.kind === 'conflicting_callback'),
      'conflict alert',
    );
    // Both bodies: what we recorded and what the callback says.
    expect(alert.message).toContain('Recorded: {"status":"SUCCESS"');
    expect(alert.message).toContain('Received: {"status":"FAILLED"');
    await new Promise((r) => setTimeout(r, 150)); // the confirmation lookup answers SUCCESS: nothing more
    const after = (await hh.store.orders.get(o.id))!;
    expect(after.state).toBe('completed');
    expect(after.operations.refund).toBeUndefined();
    expect(after.version).toBe(done.version + 1); // only the audit event
  });

  it('operation timeouts: unknown outcome, resolved by the callback or a status lookup, never resent', async () => {
    const hh = await harness({ clientTimeoutMs: 300 });
    hh.sim.control.script({ match: { codeService: COLLECT }, outcome: 'timeout_lost' });
    // The delivery's callback comes after our client gave up waiting for the response.
    hh.sim.control.script({ match: { codeService: AIRTIME }, outcome: 'timeout', delayMs: 700 });
    const o = await hh.placeOk(airtime());
    const done = await expectCompletedOnce(hh, o.id);
    const types = done.events.map((e) => e.type);
    expect(types).toContain('collect:unknown');
    expect(types).toContain('deliver:unknown');
    // The collect's answer never came, but the Orange Money customer is still told how to validate.
    expect(hh.notifier.texts(CUSTOMER).some((t) => t.includes('#144#'))).toBe(true);
    const ops = hh.sim.control.log().filter((e) => e.kind === 'request' && e.path.endsWith('/operation'));
    expect(ops).toHaveLength(3); // collect, delivery, receipt: nothing sent twice
  });

  it('delivery timeout with the callback lost: looked up, then refunded when it failed', async () => {
    const hh = await harness({ clientTimeoutMs: 300 });
    hh.sim.control.script({ match: { codeService: AIRTIME }, outcome: 'timeout_lost', errorId: 29 });
    const o = await hh.placeOk(airtime());
    await hh.waitForState(o.id, 'refunded');
    expect(deliveries(hh, o.id)).toHaveLength(1);
    expect(hh.sim.control.transaction(`${o.id}-COL`)!.status).toBe('REFUNDED');
    expect(hh.sim.control.stats().statusLookupViolations).toBe(0);
  });
});

describe('HMAC (advanced security)', () => {
  it('whole saga with signed requests and callbacks; stale and unsigned callbacks rejected', async () => {
    const secret = 'hmac-secret-for-tests';
    const hh = await harness({ hmacSecret: secret });
    const o = await hh.placeOk(airtime());
    await expectCompletedOnce(hh, o.id);
    const dlv = deliveries(hh, o.id)[0]!;
    const body = buildCallbackBody(`${o.id}-DLV`, { transactionId: dlv.transactionId, codeService: AIRTIME });
    const stale = signCallback(body, {
      apiKey: API_KEY,
      hmacSecret: secret,
      timestamp: Date.now() - 10 * 60_000,
    });
    expect(await post(hh.config.callbackUrl, stale.rawBody, stale.headers)).toBe(401);
    const unsigned = signCallback(body, { apiKey: API_KEY });
    expect(await post(hh.config.callbackUrl, unsigned.rawBody, unsigned.headers)).toBe(401);
    const wrongKey = signCallback(body, { apiKey: API_KEY, hmacSecret: 'other' });
    expect(await post(hh.config.callbackUrl, wrongKey.rawBody, wrongKey.headers)).toBe(401);
    const fresh = signCallback(body, { apiKey: API_KEY, hmacSecret: secret });
    expect(await post(hh.config.callbackUrl, fresh.rawBody, fresh.headers)).toBe(200);
  });
});

describe('unknown and unsent requests', () => {
  it('delivery not sent (connection refused): looked up, then resent with the same id, delivered once', async () => {
    let refused = 0;
    const hh = await harness({
      wrapIntech: (api) => ({
        ...api,
        async operation(req) {
          if (req.externalTransactionId.endsWith('-DLV') && refused === 0) {
            refused += 1;
            throw new IntechTransportError({ endpoint: '/api-services/operation', kind: 'network' });
          }
          return api.operation(req);
        },
      }),
    });
    const o = await hh.placeOk(airtime());
    const done = await expectCompletedOnce(hh, o.id);
    expect(refused).toBe(1);
    expect(done.events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['deliver:not_sent', 'deliver:resend']),
    );
    const sent = hh.sim.control
      .log()
      .filter(
        (e) =>
          e.kind === 'request' &&
          e.path.endsWith('/operation') &&
          (e.body as { externalTransactionId?: string })?.externalTransactionId === `${o.id}-DLV`,
      );
    expect(sent).toHaveLength(1);
  });

  it('refund answer lost after Intech refunded: the lookup shows REFUNDED, customer told once', async () => {
    const hh = await harness({
      wrapIntech: (api) => ({
        ...api,
        async refundCancel(tx) {
          await api.refundCancel(tx);
          throw new IntechUnknownOutcomeError({
            endpoint: '/api-services/transaction/refund-cancel',
            transactionId: tx,
          });
        },
      }),
    });
    hh.sim.control.script({ match: { codeService: AIRTIME }, outcome: 'failure', errorId: 29 });
    const o = await hh.placeOk(airtime());
    const done = await hh.waitForState(o.id, 'refunded');
    expect(done.events.map((e) => e.type)).toContain('refund:unknown');
    expect(hh.notifier.texts(CUSTOMER).filter((t) => /remboursés/.test(t))).toHaveLength(1);
  });

  it('refund outcome unknown and the payment still not refunded: a person takes over, never a blind second refund', async () => {
    const hh = await harness({
      wrapIntech: (api) => ({
        ...api,
        async refundCancel(tx) {
          throw new IntechUnknownOutcomeError({
            endpoint: '/api-services/transaction/refund-cancel',
            transactionId: tx,
          });
        },
      }),
    });
    hh.sim.control.script({ match: { codeService: AIRTIME }, outcome: 'failure', errorId: 29 });
    const o = await hh.placeOk(airtime());
    const done = await hh.waitForState(o.id, 'needs_human');
    expect(hh.sim.control.transaction(`${o.id}-COL`)!.status).toBe('SUCCESS');
    expect(hh.sim.control.claims()).toHaveLength(1);
    expect(done.claimRef).toBeDefined();
    expect(hh.alerter.alerts.filter((a) => a.kind === 'refund_failed')).toHaveLength(1);
  });
});
