import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  API_KEY,
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
  sim = await startSim({ autoApprove: false });
  rcv = await startReceiver();
});
afterAll(async () => {
  await sim.close();
  await rcv.close();
});

const ctl = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
  const res = await fetch(`${sim.url}/_sim${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Json };
};
const callbacksOf = (id: string) => rcv.received.filter((c) => c.body.transaction.transactionId === id);

it('drives the simulator over HTTP: script, approve, decline, balance, log, transactions, stats, whatsapp, reset', async () => {
  const s = await ctl('POST', '/script', { outcome: 'reject', errorId: 28, match: { phone: '762457199' } });
  expect(s.body).toMatchObject({ outcome: 'reject', remaining: 1 });
  expect((await ctl('POST', '/script', { outcome: 'bogus' })).status).toBe(400);
  const rejected = await post(
    sim.url,
    '/api-services/operation',
    op(rcv.url, { codeService: 'FREE_SN_AIRTIME_CREDIT_TELEPHONIQUE', phone: '762457199', amount: 500 }),
  );
  expect(rejected.body.data.errorType.id).toBe(28);

  const om = (
    await post(
      sim.url,
      '/api-services/operation',
      op(rcv.url, { codeService: 'ORANGE_SN_API_CASH_OUT', phone: '772457199', amount: 500 }),
    )
  ).body;
  expect((await ctl('POST', `/approve/${om.data.transactionId}`)).body).toEqual({ ok: true });
  await waitFor(() => callbacksOf(om.data.transactionId).length === 1);
  const om2 = (
    await post(
      sim.url,
      '/api-services/operation',
      op(rcv.url, { codeService: 'ORANGE_SN_API_CASH_OUT', phone: '772457199', amount: 500 }),
    )
  ).body;
  expect((await ctl('POST', `/decline/${om2.data.transactionId}`, { errorId: 14 })).body).toEqual({
    ok: true,
  });
  const [cb] = await waitFor(
    () => callbacksOf(om2.data.transactionId).length > 0 && callbacksOf(om2.data.transactionId),
  );
  expect(cb!.body.transaction.errorType.code).toBe('om_number_not_allowed');
  const om3 = (
    await post(
      sim.url,
      '/api-services/operation',
      op(rcv.url, { codeService: 'ORANGE_SN_API_CASH_OUT', phone: '772457111', amount: 500 }),
    )
  ).body;
  expect((await ctl('POST', '/approve-phone', { phone: '772457111' })).body).toEqual({
    ok: true,
    transactionId: om3.data.transactionId,
  });
  await waitFor(() => callbacksOf(om3.data.transactionId).length === 1);

  expect((await ctl('POST', '/balance', { balance: 42 })).body).toEqual({ balance: 42 });
  expect((await get(sim.url, '/api-services/balance')).body.data.balance).toBe(42);
  const big = await post(
    sim.url,
    '/api-services/operation',
    op(rcv.url, { codeService: 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE', phone: '772457199', amount: 100 }),
  );
  expect(big.body.data.errorType.id).toBe(26);

  const rules = await ctl('POST', '/amount-rules', {
    codeService: 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE',
    rules: { multiple: 100 },
  });
  expect(rules.body.rules).toMatchObject({ multiple: 100, min: 100 });
  await ctl('POST', '/services/EXPRESSO_SN_AIRTIME_CREDIT_TELEPHONIQUE', { enabled: false });
  const list = (await get(sim.url, '/api-services/services')).body.services.map((x: Json) => x.codeService);
  expect(list).not.toContain('EXPRESSO_SN_AIRTIME_CREDIT_TELEPHONIQUE');

  const log = (await ctl('GET', '/log')).body as Json[];
  expect(log.some((e) => e.kind === 'callback' && e.receiverStatus === 200)).toBe(true);
  expect(JSON.stringify(log)).not.toContain(API_KEY);
  const txs = (await ctl('GET', '/transactions')).body as Json[];
  expect(txs.map((t) => t.transactionId)).toContain(om.data.transactionId);
  expect((await ctl('GET', `/transactions/${om.data.externalTransactionId}`)).body.status).toBe('SUCCESS');
  expect((await ctl('GET', '/stats')).body).toMatchObject({ operations: 5, balance: 42 });

  await ctl('POST', '/balance', { balance: 1000 });
  await post(
    sim.url,
    '/api-services/operation',
    op(rcv.url, { codeService: 'WHATSAPP_MESSAGING', phone: '+221772457199', message: 'Salut' }),
  );
  await waitFor(() => sim.control.whatsappMessages().length > 0);
  const msgs = (await ctl('GET', `/whatsapp?phone=${encodeURIComponent('+221772457199')}`)).body;
  expect(msgs).toEqual([{ phone: '+221772457199', message: 'Salut' }]);
  expect((await ctl('GET', '/whatsapp?phone=+221772457199')).body).toHaveLength(1);

  expect((await ctl('POST', '/reset')).body).toEqual({ ok: true });
  expect((await ctl('GET', '/stats')).body).toMatchObject({
    operations: 0,
    balance: 1_000_000,
    statusLookupViolations: 0,
  });
  expect((await ctl('GET', '/transactions')).body).toEqual([]);
  expect((await get(sim.url, '/api-services/services')).body.services).toHaveLength(38);
});
