// statePath: the simulator keeps its memory across a restart, and what was in flight resumes.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import { runCli } from '../../../src/sandbox/intech-sim-cli.js';
import type { SimulatorOptions } from '../../../src/sandbox/simulator/index.js';
import {
  API_KEY,
  get,
  type Json,
  op,
  post,
  type RunningSim,
  sleep,
  startReceiver,
  startSim,
  waitFor,
} from './helpers.js';

let dir: string;
let path: string;
const open: { close(): Promise<void> }[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'intech-sim-state-'));
  path = join(dir, 'intech-sim.json');
});
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
  rmSync(dir, { recursive: true, force: true });
});

async function sim(opts: Partial<SimulatorOptions> = {}): Promise<RunningSim> {
  const s = await startSim({ statePath: path, ...opts });
  open.push(s);
  return s;
}
async function receiver(statuses: number[] = []) {
  const r = await startReceiver(statuses);
  open.push(r);
  return r;
}
/** Stops a simulator the way `npm start` stopping does (final flush), so a new one can load the file. */
async function restart(s: RunningSim, opts: Partial<SimulatorOptions> = {}): Promise<RunningSim> {
  await s.close();
  open.splice(open.indexOf(s), 1);
  return sim(opts);
}

const AIRTIME = { codeService: 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE', phone: '772457199', amount: 2000 };
const status = async (s: RunningSim, externalTransactionId: string) =>
  (await post(s.url, '/api-services/get-transaction-status', { apiKey: API_KEY, externalTransactionId }))
    .body;
const pendingBills = async (s: RunningSim) =>
  (
    await post(s.url, '/api-services/list-pending-bills', {
      apiKey: API_KEY,
      codeService: 'SENELEC_SN_BILL_PAY',
      billAccountNumber: '21050176023',
    })
  ).body.data.pendingBills.pendingBills as { billReference: string; amount: number }[];

describe('intech simulator state file', () => {
  it('keeps balance, transactions, paid bills and status-lookup windows across a restart', async () => {
    let clock = Date.parse('2026-11-29T10:00:00Z');
    const now = () => clock;
    const rcv = await receiver();
    let s = await sim({ now, merchantBalance: 50_000 });
    const airtime = op(rcv.url, AIRTIME);
    const a = (await post(s.url, '/api-services/operation', airtime)).body;
    const [bill, other] = await pendingBills(s);
    const b = (
      await post(
        s.url,
        '/api-services/operation',
        op(rcv.url, {
          codeService: 'SENELEC_SN_BILL_PAY',
          phone: '772457199',
          amount: bill!.amount,
          accountNumber: '21050176023',
          billReference: bill!.billReference,
        }),
      )
    ).body;
    // Acknowledged (not just received): a callback in flight at stop would rightly be sent again.
    const delivered = (id: string) => s.control.transaction(id)?.callbackDelivered;
    await waitFor(() => delivered(a.data.transactionId) && delivered(b.data.transactionId));
    for (let i = 0; i < 3; i++) expect((await status(s, airtime.externalTransactionId)).code).toBe(2000);
    const balance = 50_000 - 2000 - bill!.amount;
    expect((await get(s.url, '/api-services/balance')).body.data.balance).toBe(balance);
    // Saved soon after the change, without waiting for stop(), and atomically (no temp file left).
    await waitFor(() => existsSync(path) && readFileSync(path, 'utf8').includes(b.data.transactionId), 2000);
    expect(readdirSync(dir)).toEqual(['intech-sim.json']);

    clock += 10_000;
    s = await restart(s, { now, merchantBalance: 50_000 });
    expect((await get(s.url, '/api-services/balance')).body.data.balance).toBe(balance);
    expect(s.control.transaction(a.data.transactionId)).toMatchObject({
      status: 'SUCCESS',
      externalTransactionId: airtime.externalTransactionId,
    });
    expect(s.control.transaction(b.data.transactionId)?.status).toBe('SUCCESS');
    expect((await pendingBills(s)).map((x) => x.billReference)).toEqual([other!.billReference]);
    // Three lookups 10 s ago: the fourth is still refused after the restart.
    const refused = await status(s, airtime.externalTransactionId);
    expect(refused.code).not.toBe(2000);
    expect(refused.msg).toMatch(/blacklist/i);
    clock += 60_000;
    expect((await status(s, airtime.externalTransactionId)).data.status).toBe('SUCCESS');
    // New ids never collide with the restored ones.
    const c = (await post(s.url, '/api-services/operation', op(rcv.url, AIRTIME))).body;
    expect(c.code).toBe(2000);
    expect(s.control.transactions().map((t) => t.transactionId)).toHaveLength(3);
    await waitFor(() => rcv.received.length === 3);
    // No callback was sent twice by the restart.
    expect(rcv.received.map((r) => r.body.transaction.transactionId).sort()).toEqual(
      [a.data.transactionId, b.data.transactionId, c.data.transactionId].sort(),
    );
  });

  it('a cash-out pending at stop is auto-approved after the restart and its callback arrives', async () => {
    const rcv = await receiver();
    let s = await sim({ approvalDelayMs: 800 });
    const r = (
      await post(
        s.url,
        '/api-services/operation',
        op(rcv.url, { codeService: 'ORANGE_SN_API_CASH_OUT', phone: '772457199', amount: 5000 }),
      )
    ).body;
    expect(r.code).toBe(2000);
    s = await restart(s, { approvalDelayMs: 800 });
    expect(s.control.transaction(r.data.transactionId)).toMatchObject({ status: 'PENDING' });
    expect(s.control.transaction(r.data.transactionId)?.approved).toBeFalsy();
    expect(rcv.received).toHaveLength(0);
    await waitFor(() => s.control.transaction(r.data.transactionId)?.callbackDelivered, 3000);
    const cb = rcv.received.find((c) => c.body.transaction.transactionId === r.data.transactionId);
    expect(cb?.body.status).toBe('SUCCESS');
    expect(s.control.transaction(r.data.transactionId)).toMatchObject({
      status: 'SUCCESS',
      approved: true,
      callbackDelivered: true,
    });
    expect(s.control.balance()).toBe(1_000_000 + 5000);
    await sleep(300);
    expect(rcv.received).toHaveLength(1);
  });

  it('a cash-out whose payment window ran out while stopped fails with payment timeout (id 4)', async () => {
    let clock = Date.parse('2026-11-29T10:00:00Z');
    const now = () => clock;
    const rcv = await receiver();
    let s = await sim({ now, approvalDelayMs: 0, paymentTimeoutMs: 60_000 });
    const r = (
      await post(
        s.url,
        '/api-services/operation',
        op(rcv.url, { codeService: 'ORANGE_SN_API_CASH_OUT', phone: '772457199', amount: 5000 }),
      )
    ).body;
    clock += 61_000;
    s = await restart(s, { now, approvalDelayMs: 0, paymentTimeoutMs: 60_000 });
    const cb = await waitFor(() => rcv.received[0]);
    expect(cb.body).toMatchObject({
      status: 'FAILLED',
      transaction: { transactionId: r.data.transactionId },
    });
    expect(cb.body.transaction.errorType.id).toBe(4);
    expect(s.control.balance()).toBe(1_000_000);
  });

  it('a callback the receiver refused (500) before the stop is delivered after the restart', async () => {
    let clock = Date.parse('2026-11-29T10:00:00Z');
    const now = () => clock;
    const rcv = await receiver([500]);
    let s = await sim({ now, callbackRetryMs: 60_000 });
    const r = (await post(s.url, '/api-services/operation', op(rcv.url, AIRTIME))).body;
    await waitFor(() => s.control.transaction(r.data.transactionId)?.callbackAttempts === 1);
    expect(rcv.received).toHaveLength(1);
    expect(s.control.transaction(r.data.transactionId)?.callbackDelivered).toBe(false);

    // Restarted a minute later: the retry that was due is sent, as attempt 2.
    clock += 60_000;
    s = await restart(s, { now, callbackRetryMs: 60_000 });
    await waitFor(() => s.control.transaction(r.data.transactionId)?.callbackDelivered);
    expect(rcv.received).toHaveLength(2);
    expect(rcv.received[1]!.body.status).toBe('SUCCESS');
    expect(rcv.received[1]!.body.transaction.transactionId).toBe(r.data.transactionId);
    const attempts = s.control.log().filter((e) => e.kind === 'callback');
    expect(attempts.map((e) => (e.kind === 'callback' ? [e.attempt, e.receiverStatus] : null))).toEqual([
      [1, 500],
      [2, 200],
    ]);
    await sleep(200);
    expect(rcv.received).toHaveLength(2);
  });

  it('a late callback still waiting at stop is sent after the restart, its delay counted from then', async () => {
    const rcv = await receiver();
    let s = await sim();
    s.control.script({ outcome: 'late_callback', delayMs: 500 });
    const r = (await post(s.url, '/api-services/operation', op(rcv.url, AIRTIME))).body;
    await waitFor(() => s.control.transaction(r.data.transactionId)?.status === 'SUCCESS');
    s = await restart(s);
    const restartedAt = Date.now();
    const cb = await waitFor(() => rcv.received[0]);
    expect(cb.at - restartedAt).toBeGreaterThanOrEqual(450);
    expect(cb.body.status).toBe('SUCCESS');
    await sleep(100);
    expect(rcv.received).toHaveLength(1);
  });

  it('refuses a duplicate externalTransactionId sent after the restart', async () => {
    const rcv = await receiver();
    let s = await sim();
    const body = op(rcv.url, AIRTIME);
    const first = (await post(s.url, '/api-services/operation', body)).body;
    expect(first.code).toBe(2000);
    await waitFor(() => s.control.transaction(first.data.transactionId)?.callbackDelivered);
    s = await restart(s);
    const dup = (await post(s.url, '/api-services/operation', body)).body as Json;
    expect(dup.code).not.toBe(2000);
    expect(dup.msg).toMatch(/existe déjà/);
    expect(s.control.transactions()).toHaveLength(1);
    expect(s.control.balance()).toBe(1_000_000 - 2000);
  });

  it('sets a corrupt file aside, warns, and starts fresh', async () => {
    for (const bad of ['{"balance": 12, "transa', JSON.stringify({ balance: 'lots', transactions: [] })]) {
      writeFileSync(path, bad);
      const lines: string[] = [];
      const logger = createLogger({
        level: 'warn',
        destination: new Writable({
          write(chunk, _enc, cb) {
            lines.push(String(chunk));
            cb();
          },
        }),
      });
      const clock = Date.now();
      const s = await sim({ now: () => clock, logger, merchantBalance: 7_000 });
      expect(s.control.balance()).toBe(7_000);
      expect(s.control.transactions()).toHaveLength(0);
      const aside = `${path}.corrupt-${clock}`;
      expect(readFileSync(aside, 'utf8')).toBe(bad);
      expect(existsSync(path)).toBe(false);
      expect(lines.join('')).toMatch(/set aside/);
      // It works and saves a good file again.
      s.control.setBalance(8_000);
      await s.close();
      open.splice(open.indexOf(s), 1);
      expect(JSON.parse(readFileSync(path, 'utf8')).balance).toBe(8_000);
      rmSync(aside);
    }
  });

  it('saves a bounded file: old rate-limit windows, sent media and old messages are left out', async () => {
    let clock = Date.parse('2026-11-29T10:00:00Z');
    const rcv = await receiver();
    const s = await sim({ now: () => clock });
    const media = { attachedMedia: 'aGVsbG8=', attachedMediaExtension: '.png', attachedMediaName: 'r.png' };
    const send = (message: string) =>
      post(
        s.url,
        '/api-services/operation',
        op(rcv.url, { codeService: 'WHATSAPP_MESSAGING', phone: '+221772457199', message, ...media }),
      );
    const first = (await send('reçu 0')).body;
    await status(s, first.data.externalTransactionId);
    for (let i = 1; i < 12; i++) await send(`reçu ${i}`);
    await waitFor(() => s.control.whatsappMessages().length === 12);
    clock += 61_000;
    await s.close();
    open.splice(open.indexOf(s), 1);
    const saved = JSON.parse(readFileSync(path, 'utf8')) as Json;
    expect(saved.statusCalls).toEqual({});
    expect(saved.transactions[first.data.transactionId].whatsapp.media).toEqual({
      base64: '',
      extension: '.png',
      name: 'r.png',
    });
    const withMedia = (saved.whatsapp as Json[]).filter((m) => m.media.base64 !== '');
    expect(saved.whatsapp).toHaveLength(12);
    expect(withMedia.map((m) => m.message)).toEqual(Array.from({ length: 10 }, (_, i) => `reçu ${i + 2}`));
  });

  it('without statePath nothing is written', async () => {
    const s = await startSim();
    open.push(s);
    s.control.setBalance(5);
    await sleep(300);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('npm run intech-sim -- --state-file PATH', () => {
  it('keeps the memory between two runs', async () => {
    const args = ['--port', '0', '--api-key', API_KEY, '--state-file', path, '--approval-delay-ms', '0'];
    const lines: string[] = [];
    const first = (await runCli(args, (l) => lines.push(l)))!;
    open.push(first);
    expect(lines).toContain(`  State:   ${path}`);
    const rcv = await receiver();
    const body = op(rcv.url, AIRTIME);
    expect((await post(first.url, '/api-services/operation', body)).body.code).toBe(2000);
    await first.close();
    open.splice(open.indexOf(first), 1);
    const second = (await runCli(args, () => {}))!;
    open.push(second);
    expect((await get(second.url, '/api-services/balance')).body.data.balance).toBe(1_000_000 - 2000);
    const dup = (await post(second.url, '/api-services/operation', body)).body;
    expect(dup.msg).toMatch(/existe déjà/);
  });
});
