import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { API_KEY, op, post, type RunningSim, sleep, startReceiver, startSim, waitFor } from './helpers.js';

let clock = Date.parse('2026-11-29T10:00:00Z');
let sim: RunningSim;
let rcv: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  sim = await startSim({ approvalDelayMs: 30, now: () => clock });
  rcv = await startReceiver();
});
beforeEach(() => {
  sim.control.reset();
  rcv.received.length = 0;
});
afterAll(async () => {
  await sim.close();
  await rcv.close();
});

const AIRTIME = { codeService: 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE', phone: '772457199', amount: 1000 };
const OM = { codeService: 'ORANGE_SN_API_CASH_OUT', phone: '772457199', amount: 1000 };
const operation = async (fields: Record<string, unknown>) => {
  const body = op(rcv.url, fields);
  return {
    ext: body.externalTransactionId,
    res: (await post(sim.url, '/api-services/operation', body)).body,
  };
};
const status = async (externalTransactionId: string) =>
  (await post(sim.url, '/api-services/get-transaction-status', { apiKey: API_KEY, externalTransactionId }))
    .body;
const callbacksOf = (transactionId: string) =>
  rcv.received.filter((c) => c.body.transaction.transactionId === transactionId);
/** Sends the operation but gives up after `ms`, like a client timeout. */
const operationTimingOut = async (fields: Record<string, unknown>, ms = 300) => {
  const body = op(rcv.url, fields);
  const err = await fetch(`${sim.url}/api-services/operation`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(ms),
  }).then(
    () => null,
    (e: Error) => e,
  );
  return { ext: body.externalTransactionId as string, err };
};

describe('scripted outcomes', () => {
  it('success on a cash-out: the customer approves even without auto approval', async () => {
    const manual = await startSim({ autoApprove: false, approvalDelayMs: 10 });
    try {
      manual.control.script({ outcome: 'success', match: { codeService: 'ORANGE_SN_API_CASH_OUT' } });
      const scripted = (await post(manual.url, '/api-services/operation', op(rcv.url, OM))).body;
      const plain = (await post(manual.url, '/api-services/operation', op(rcv.url, OM))).body;
      await waitFor(() => callbacksOf(scripted.data.transactionId).length === 1);
      await sleep(100);
      expect(callbacksOf(plain.data.transactionId)).toHaveLength(0);
      expect(manual.control.transaction(plain.data.transactionId)!.status).toBe('PENDING');
    } finally {
      await manual.close();
    }
  });

  it('failure: accepted, then a FAILLED callback with the scripted error', async () => {
    sim.control.script({ outcome: 'failure', errorId: 11, match: { phone: '772457199' } });
    const { res } = await operation(OM);
    expect(res.code).toBe(2000);
    const [cb] = await waitFor(
      () => callbacksOf(res.data.transactionId).length > 0 && callbacksOf(res.data.transactionId),
    );
    expect(cb!.body.status).toBe('FAILLED');
    expect(cb!.body.transaction.errorType).toMatchObject({ id: 11, code: 'user_account_suspended' });
  });

  it('reject: synchronous failure with the error id, and a FAILLED callback as well', async () => {
    sim.control.script({ outcome: 'reject', errorId: 17 });
    const { ext, res } = await operation(AIRTIME);
    expect(res).toMatchObject({
      code: 4000,
      error: true,
      data: { status: 'FAILLED', errorType: { id: 17 } },
    });
    await waitFor(() => callbacksOf(res.data.transactionId).length === 1);
    expect((await status(ext)).data.status).toBe('FAILLED');
    expect(sim.control.balance()).toBe(1_000_000);
  });

  it('timeout: no HTTP response, but the transaction goes through and its callback arrives', async () => {
    sim.control.script({ outcome: 'timeout' });
    const { ext, err } = await operationTimingOut(AIRTIME);
    expect(err).not.toBeNull();
    const tx = sim.control.transaction(ext)!;
    await waitFor(() => callbacksOf(tx.transactionId).length === 1);
    expect(callbacksOf(tx.transactionId)[0]!.body.status).toBe('SUCCESS');
    expect(sim.control.log().find((e) => e.kind === 'request' && e.response === 'held')).toBeDefined();
  });

  it('timeout_lost: no response, no callback; only the status lookup tells', async () => {
    sim.control.script({ outcome: 'timeout_lost' });
    const { ext, err } = await operationTimingOut(AIRTIME, 200);
    expect(err).not.toBeNull();
    await sleep(100);
    expect(rcv.received).toHaveLength(0);
    expect((await status(ext)).data.status).toBe('SUCCESS');
  });

  it('callback_before_response: the callback has been received when the response arrives (still PENDING)', async () => {
    sim.control.script({ outcome: 'callback_before_response' });
    const { res } = await operation(AIRTIME);
    expect(res.code).toBe(2000);
    expect(res.data.status).toBe('PENDING');
    expect(callbacksOf(res.data.transactionId)).toHaveLength(1);
    expect(callbacksOf(res.data.transactionId)[0]!.body.status).toBe('SUCCESS');
  });

  it('duplicate_callbacks: the same callback three times', async () => {
    sim.control.script({ outcome: 'duplicate_callbacks' });
    const { res } = await operation(AIRTIME);
    await waitFor(() => callbacksOf(res.data.transactionId).length === 3);
    const bodies = callbacksOf(res.data.transactionId).map((c) => c.raw);
    expect(new Set(bodies.map((b) => JSON.parse(b).sha256Hash)).size).toBe(1);
    await sleep(100);
    expect(callbacksOf(res.data.transactionId)).toHaveLength(3);
    expect(sim.control.balance()).toBe(999_000);
  });

  it('lost_callback: no callback, the status lookup says SUCCESS', async () => {
    sim.control.script({ outcome: 'lost_callback' });
    const { ext, res } = await operation(AIRTIME);
    await sleep(150);
    expect(callbacksOf(res.data.transactionId)).toHaveLength(0);
    expect((await status(ext)).data.status).toBe('SUCCESS');
  });

  it('late_callback: status already final, callback only after delayMs', async () => {
    sim.control.script({ outcome: 'late_callback', delayMs: 800 });
    const { ext, res } = await operation(AIRTIME);
    await sleep(150);
    expect((await status(ext)).data.status).toBe('SUCCESS');
    expect(callbacksOf(res.data.transactionId)).toHaveLength(0);
    await waitFor(() => callbacksOf(res.data.transactionId).length === 1);
  });

  it('a timing outcome with an errorId ends FAILLED', async () => {
    sim.control.script({ outcome: 'lost_callback', errorId: 28 });
    const { ext } = await operation(AIRTIME);
    await sleep(100);
    const s = await status(ext);
    expect(s.data).toMatchObject({ status: 'FAILLED', errorType: { id: 28, code: 'operator_down_time' } });
    expect(sim.control.balance()).toBe(1_000_000);
  });

  it('errorId null means unknown_error, never success', async () => {
    sim.control.script({ outcome: 'failure', errorId: null });
    const { res } = await operation(AIRTIME);
    const [cb] = await waitFor(
      () => callbacksOf(res.data.transactionId).length > 0 && callbacksOf(res.data.transactionId),
    );
    expect(cb!.body.status).toBe('FAILLED');
    expect(cb!.body.transaction.errorType).toMatchObject({ id: null, code: 'unknown_error' });
    sim.control.script({ outcome: 'callback_before_response', errorId: null });
    const second = await operation(AIRTIME);
    expect(callbacksOf(second.res.data.transactionId)[0]!.body.status).toBe('FAILLED');
    sim.control.script({ outcome: 'reject', errorId: null });
    expect((await operation(AIRTIME)).res.data.errorType).toMatchObject({ id: null, code: 'unknown_error' });
    sim.control.script({ outcome: 'success', errorId: 28 });
    const third = await operation(AIRTIME);
    await waitFor(() => callbacksOf(third.res.data.transactionId).length === 1);
    expect(callbacksOf(third.res.data.transactionId)[0]!.body.status).toBe('SUCCESS');
  });

  it('never_validated: the cash-out stays PENDING, then fails with payment-timeout (id 4) after 15 minutes', async () => {
    sim.control.script({ outcome: 'never_validated' });
    const { ext, res } = await operation(OM);
    const normal = await operation({ ...OM, phone: '772457198' });
    await waitFor(() => callbacksOf(normal.res.data.transactionId).length === 1);
    expect((await status(ext)).data.status).toBe('PENDING');
    clock += 14 * 60_000;
    sim.control.sweep();
    expect(sim.control.transaction(ext)!.status).toBe('PENDING');
    clock += 60_000;
    // Any request settles expired cash-outs.
    const s = await status(ext);
    expect(s.data).toMatchObject({ status: 'FAILLED', errorType: { id: 4, code: 'payment-timeout' } });
    await waitFor(() => callbacksOf(res.data.transactionId).length === 1);
    expect(callbacksOf(res.data.transactionId)[0]!.body.transaction.errorType.id).toBe(4);
    expect(sim.control.balance()).toBe(1_001_000);
  });

  it('scripts match on codeService/phone/accountNumber, apply `times` times, FIFO', async () => {
    sim.control.script({ outcome: 'reject', errorId: 1, match: { accountNumber: '14212345678' }, times: 2 });
    sim.control.script({
      outcome: 'reject',
      errorId: 28,
      match: { codeService: 'FREE_SN_AIRTIME_CREDIT_TELEPHONIQUE' },
    });
    const woy = { codeService: 'WOYOFAL_SN_BILL_RELOAD', phone: '772457199', amount: 5000 };
    expect((await operation({ ...woy, accountNumber: '14200000000' })).res.code).toBe(2000);
    expect((await operation({ ...woy, accountNumber: '14212345678' })).res.data.errorType.id).toBe(1);
    expect((await operation({ ...woy, accountNumber: '14212345678' })).res.data.errorType.id).toBe(1);
    expect((await operation({ ...woy, accountNumber: '14212345678' })).res.code).toBe(2000);
    expect((await operation(AIRTIME)).res.code).toBe(2000);
    const free = { codeService: 'FREE_SN_AIRTIME_CREDIT_TELEPHONIQUE', phone: '762457199', amount: 500 };
    expect((await operation(free)).res.data.errorType.id).toBe(28);
    expect((await operation(free)).res.code).toBe(2000);
    expect(() => sim.control.script({ outcome: 'nope' as never })).toThrow();
  });

  it('decline(): a pending cash-out fails with the given error', async () => {
    const manual = await startSim({ autoApprove: false });
    try {
      const r = (await post(manual.url, '/api-services/operation', op(rcv.url, OM))).body;
      expect(manual.control.decline(r.data.transactionId, 2)).toBe(true);
      const [cb] = await waitFor(
        () => callbacksOf(r.data.transactionId).length > 0 && callbacksOf(r.data.transactionId),
      );
      expect(cb!.body.transaction.errorType).toMatchObject({ id: 2, code: 'insufficient_balance' });
      expect(cb!.body.transaction.errorType.message).toContain('1000');
      expect(manual.control.approve(r.data.transactionId)).toBe(false);
      expect(manual.control.balance()).toBe(1_000_000);
    } finally {
      await manual.close();
    }
  });
});
