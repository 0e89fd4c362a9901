// Crash test: the order side runs as a real child process (lowdb on disk) and is SIGKILLed at several points
// of the saga, then restarted. The simulator lives in this process, so Intech's memory survives and its
// callbacks keep retrying while the child is down. Every order must end exactly once: one delivery at most,
// one refund at most, never a delivery without a collected payment, and the status-lookup limit respected.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order, PlaceOrderInput } from '../../src/orders/types.js';
import { TERMINAL_STATES } from '../../src/orders/types.js';
import { startSimulator } from '../../src/sandbox/simulator/index.js';

const API_KEY = 'crash-api-key';
type Sim = Awaited<ReturnType<typeof startSimulator>>;

let sim: Sim;
let dir: string;
let port: number;
let child: ChildProcess | null = null;
let childLog = '';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

async function startChild(): Promise<void> {
  const c = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'crash-child.ts')], {
    env: { ...process.env, DATA_DIR: dir, PORT: String(port), SIM_URL: sim.url, API_KEY },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = c;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child did not start: ${childLog}`)), 15_000);
    c.stdout!.on('data', (d: Buffer) => {
      childLog += d.toString();
      if (d.toString().includes('READY')) {
        clearTimeout(timer);
        resolve();
      }
    });
    c.stderr!.on('data', (d: Buffer) => {
      childLog += d.toString();
    });
    c.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`child exited early (${code ?? signal}): ${childLog}`));
    });
  });
}

function exited(c: ChildProcess): Promise<NodeJS.Signals | number | null> {
  if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve(c.signalCode ?? c.exitCode);
  return new Promise((resolve) => c.once('exit', (code, signal) => resolve(signal ?? code)));
}

async function kill(): Promise<void> {
  if (!child) return;
  const c = child;
  child = null;
  if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await exited(c);
}

async function control<T>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method: body ? 'POST' : 'GET',
    ...(body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
  });
  return (await res.json()) as T;
}

async function waitTerminal(id: string, timeoutMs = 15_000): Promise<Order> {
  const until = Date.now() + timeoutMs;
  let last: Order | null = null;
  while (Date.now() < until) {
    last = await control<Order | null>(`/control/order/${id}`);
    if (last && TERMINAL_STATES.includes(last.state)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(
    `order ${id} not terminal: ${last?.state} ${JSON.stringify(last?.events.map((e) => e.type))}`,
  );
}

function order(id: string): PlaceOrderInput {
  return {
    customerId: '+221771234567',
    lang: 'fr',
    kind: 'airtime',
    codeService: 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE',
    amount: 1000,
    recipient: `+2217711${id.slice(-5).replace(/\D/g, '0').padStart(5, '0')}`,
    payment: { codeService: 'ORANGE_SN_API_CASH_OUT', payer: '+221771234567' },
  };
}

/** Places an order with a crash point armed; resolves once the child died there. */
async function placeAndCrash(id: string, crashAt: string): Promise<void> {
  const c = child!;
  const died = exited(c);
  await control('/control/place', { id, crashAt, order: order(id) }).catch(() => undefined);
  const how = await Promise.race([died, new Promise((r) => setTimeout(() => r('alive'), 8_000))]);
  if (how !== 'SIGKILL')
    throw new Error(`child did not crash at ${crashAt} (${String(how)}): ${childLog.slice(-2000)}`);
  child = null;
}

/** What Intech saw for one order: the invariants that matter for money. */
function checkInvariants(id: string, final: Order) {
  const txs = sim.control.transactions().filter((t) => t.externalTransactionId.startsWith(`${id}-`));
  const ids = txs.map((t) => t.externalTransactionId);
  // One Intech transaction per step at most, and only our deterministic ids.
  expect(new Set(ids).size).toBe(ids.length);
  for (const ext of ids) expect(ext).toMatch(new RegExp(`^${id}-(COL|DLV|RCT)$`));
  const col = txs.find((t) => t.externalTransactionId.endsWith('-COL'));
  const dlv = txs.find((t) => t.externalTransactionId.endsWith('-DLV'));
  // Never a delivery without a collected payment, and never before it.
  if (dlv) {
    expect(col && ['SUCCESS', 'REFUNDED'].includes(col.status)).toBe(true);
    expect(dlv.createdAt).toBeGreaterThanOrEqual(
      col!.updatedAt - (col!.status === 'REFUNDED' ? Infinity : 0),
    );
  }
  // At most one successful refund, and only of a payment whose delivery did not succeed.
  const refunds = sim.control
    .log()
    .filter(
      (e) =>
        e.kind === 'request' &&
        e.path.includes('refund-cancel') &&
        (e.body as { transactionId?: string } | undefined)?.transactionId === col?.transactionId &&
        e.response === 'SUCCESS',
    );
  expect(refunds.length).toBeLessThanOrEqual(1);
  if (dlv?.status === 'SUCCESS') {
    expect(col!.status).toBe('SUCCESS');
    expect(final.state).toBe('completed');
  }
  if (col?.status === 'REFUNDED') expect(final.state).toBe('refunded');
  if (final.state === 'completed') expect(dlv?.status).toBe('SUCCESS');
  expect(TERMINAL_STATES).toContain(final.state);
  return { col, dlv };
}

beforeAll(async () => {
  sim = await startSimulator({
    apiKey: API_KEY,
    callbackDelayMs: 30,
    callbackRetryMs: 200,
    callbackMaxAttempts: 200,
    approvalDelayMs: 50,
    autoApprove: true,
  });
  dir = await mkdtemp(join(tmpdir(), 'xaalis-crash-'));
  port = await freePort();
  await startChild();
}, 30_000);

afterAll(async () => {
  await kill();
  await sim?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const POINTS: { id: string; crashAt: string; deliveryFails?: boolean; expect: Order['state'] }[] = [
  { id: 'CRASHA01', crashAt: 'after_create', expect: 'completed' },
  { id: 'CRASHA02', crashAt: 'state:collecting', expect: 'completed' }, // collect recorded, not sent
  { id: 'CRASHA03', crashAt: 'COL:after_send', expect: 'completed' }, // collect sent, answer lost
  { id: 'CRASHA04', crashAt: 'state:collected', expect: 'completed' }, // paid, delivery not recorded
  { id: 'CRASHA05', crashAt: 'DLV:before_send', expect: 'completed' }, // delivery recorded, not sent
  { id: 'CRASHA06', crashAt: 'DLV:after_send', expect: 'completed' }, // during delivery
  { id: 'CRASHA07', crashAt: 'state:delivered', expect: 'completed' }, // delivered, no receipt yet
  { id: 'CRASHA08', crashAt: 'RCT:after_send', expect: 'completed' },
  { id: 'CRASHA09', crashAt: 'refund:before_send', deliveryFails: true, expect: 'refunded' },
  { id: 'CRASHA10', crashAt: 'refund:after_send', deliveryFails: true, expect: 'refunded' },
];

describe('crash and restart', () => {
  it('each order ends exactly once whatever point the process was killed at', async () => {
    for (const p of POINTS) {
      const recipient = order(p.id).recipient!.replace('+221', '');
      if (p.deliveryFails) {
        sim.control.script({ match: { phone: recipient }, outcome: 'failure', errorId: 29 });
      }
      await placeAndCrash(p.id, p.crashAt);
      await startChild();
      const final = await waitTerminal(p.id);
      expect(final.state, `${p.crashAt}: ${JSON.stringify(final.events.map((e) => e.type))}`).toBe(p.expect);
      checkInvariants(p.id, final);
      if (process.env.CRASH_DEBUG) console.log(p.crashAt, final.events.map((e) => e.type).join(' '));
    }
    const crashes = (await readFile(join(dir, 'crashes.log'), 'utf8')).trim().split('\n');
    expect(crashes).toEqual(POINTS.map((p) => p.crashAt));
  }, 90_000);

  it('killed from outside while a delivery is in flight', async () => {
    const id = 'CRASHB01';
    const recipient = order(id).recipient!.replace('+221', '');
    // A slow delivery: the kill lands while Intech is processing it.
    sim.control.script({ match: { phone: recipient }, outcome: 'success', delayMs: 600 });
    await control('/control/place', { id, order: order(id) });
    const until = Date.now() + 8_000;
    while (!sim.control.transaction(`${id}-DLV`) && Date.now() < until)
      await new Promise((r) => setTimeout(r, 10));
    expect(sim.control.transaction(`${id}-DLV`)).toBeDefined();
    await kill();
    await startChild();
    const final = await waitTerminal(id);
    expect(final.state).toBe('completed');
    checkInvariants(id, final);
  }, 30_000);

  it('every receipt went out, and the status-lookup limit was never exceeded', async () => {
    const ids = [...POINTS.filter((p) => !p.deliveryFails).map((p) => p.id), 'CRASHB01'];
    const messages = (await readFile(join(dir, 'messages.jsonl'), 'utf8').catch(() => ''))
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { kind: string; text?: string; caption?: string });
    for (const id of ids) {
      const viaIntech = sim.control.whatsappMessages().filter((m) => m.message.includes(id)).length;
      const viaChat = messages.filter((m) => m.kind === 'image' && m.caption?.includes(id)).length;
      expect(viaIntech + viaChat, id).toBeGreaterThanOrEqual(1);
    }
    for (const p of POINTS.filter((x) => x.deliveryFails)) {
      expect(messages.some((m) => m.text?.includes(p.id) && /rembours/.test(m.text))).toBe(true);
    }
    expect(sim.control.stats().statusLookupViolations).toBe(0);
  });
});
