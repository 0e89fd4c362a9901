import { afterAll, beforeAll, expect, it } from 'vitest';
import { API_KEY, op, post, type RunningSim, startReceiver, startSim } from './helpers.js';

let clock = Date.parse('2026-11-29T10:00:00Z');
let sim: RunningSim;
let rcv: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  sim = await startSim({ now: () => clock });
  rcv = await startReceiver();
});
afterAll(async () => {
  await sim.close();
  await rcv.close();
});

const status = async (externalTransactionId: string) =>
  (await post(sim.url, '/api-services/get-transaction-status', { apiKey: API_KEY, externalTransactionId }))
    .body;

it('refuses a 4th lookup within 60 s for the same transaction and counts the violation', async () => {
  const a = op(rcv.url, {
    codeService: 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE',
    phone: '772457199',
    amount: 1000,
  });
  const b = op(rcv.url, {
    codeService: 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE',
    phone: '772457198',
    amount: 1000,
  });
  await post(sim.url, '/api-services/operation', a);
  await post(sim.url, '/api-services/operation', b);
  for (let i = 0; i < 3; i++) {
    expect((await status(a.externalTransactionId)).code).toBe(2000);
    clock += 10_000;
  }
  const refused = await status(a.externalTransactionId);
  expect(refused.code).not.toBe(2000);
  expect(refused.error).toBe(true);
  expect(refused.msg).toMatch(/blacklist/i);
  expect(sim.control.stats().statusLookupViolations).toBe(1);
  // Other transactions are counted separately.
  expect((await status(b.externalTransactionId)).code).toBe(2000);
  // 60 s after the first lookup one slot frees up again, and only one.
  clock += 30_000;
  expect((await status(a.externalTransactionId)).code).toBe(2000);
  expect((await status(a.externalTransactionId)).code).not.toBe(2000);
  expect(sim.control.stats()).toMatchObject({ statusLookupViolations: 2, statusLookups: 5 });
});

it('unknown ids are rate limited too', async () => {
  for (let i = 0; i < 3; i++) expect((await status('ghost')).code).toBe(4000);
  expect((await status('ghost')).msg).toMatch(/blacklist/i);
});
