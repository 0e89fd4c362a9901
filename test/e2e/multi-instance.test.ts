// Three bot processes on one PostgreSQL behind a round-robin proxy, one Intech simulator process shared
// by all, as a scaled-out deployment runs: each customer's consecutive messages land on different
// instances, every callback reaches all three instances at once, some delivery callbacks are lost (the
// reconciler must find the outcome by status lookups), and one instance is SIGKILLed mid-saga and
// restarted. Everything is judged from the simulator's own records, as Intech would see it.
import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import type { LogEntry, SimTransaction, WhatsappMessage } from '../../src/sandbox/simulator/types.js';
import {
  type Child,
  freePort,
  spawnChild,
  stopChild,
  waitForHttp,
  waitForOutput,
} from '../helpers/child-processes.js';
import { type RoundRobinProxy, startRoundRobinProxy } from '../helpers/round-robin-proxy.js';
import { dropDatabase, freshDatabase } from '../store/pg-db.js';

const API_KEY = 'multi-instance-api-key';
const HMAC_SECRET = 'multi-instance-hmac-secret';
const SANDBOX_TOKEN = 'multi-instance-sandbox-token';
const INSTANCES = 3;
const CUSTOMERS = Array.from({ length: 6 }, (_, i) => `+2217710000${i + 1}1`);
const AIRTIME = 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE';
const LOST_DELIVERY_CALLBACKS = 2;

let sim: Child | undefined;
let bots: (Child | undefined)[] = [];
let proxy: RoundRobinProxy | undefined;
let dbUrl: string | undefined;

afterEach(async () => {
  await Promise.all(bots.map((b) => (b ? stopChild(b) : undefined)));
  bots = [];
  if (sim) await stopChild(sim);
  sim = undefined;
  await proxy?.close();
  proxy = undefined;
  if (dbUrl) await dropDatabase(dbUrl);
  dbUrl = undefined;
});

async function startSimulator(): Promise<{ url: string }> {
  sim = spawnChild(
    'src/sandbox/intech-sim-cli.ts',
    [
      '--port',
      '0',
      '--api-key',
      API_KEY,
      '--hmac-secret',
      HMAC_SECRET,
      '--callback-delay-ms',
      '50',
      // Every customer approves on their phone a little after being asked.
      '--approval-delay-ms',
      '1500',
      '--callback-retry-ms',
      '1000',
    ],
    { LOG_LEVEL: 'warn' },
  );
  const m = await waitForOutput(sim, /listening on (http:\/\/\S+)/);
  return { url: m[1]! };
}

function startInstance(i: number, port: number, simUrl: string, proxyUrl: string): Promise<Child> {
  const bot = spawnChild('src/main.ts', [], {
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    STORE: 'postgres',
    DATABASE_URL: dbUrl!,
    DATABASE_POOL_SIZE: '5',
    CHANNEL: 'sandbox',
    // A "live" Intech (the shared simulator) whose callbacks come back through the proxy.
    INTECH_API_KEY: API_KEY,
    INTECH_HMAC_SECRET: HMAC_SECRET,
    INTECH_BASE_URL: simUrl,
    PUBLIC_URL: proxyUrl,
    SANDBOX_WITH_LIVE_INTECH: 'true',
    SANDBOX_TOKEN,
    RECEIPT_VIA: 'intech',
    RECONCILE_AFTER_MS: '2000',
    RECONCILE_INTERVAL_MS: '500',
    SLOW_NOTICE_AFTER_MS: '600000',
    CATALOG_SYNC_MINUTES: '0',
  });
  bots[i] = bot;
  return waitForHttp(`http://127.0.0.1:${port}/readyz`, bot, 45_000).then(() => bot);
}

async function say(from: string, text: string): Promise<{ status: number; replies: string[] }> {
  const res = await fetch(`${proxy!.url}/sandbox/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${SANDBOX_TOKEN}` },
    body: JSON.stringify({ from, text }),
  });
  const body = (await res.json()) as { replies?: { text: string }[] };
  return { status: res.status, replies: (body.replies ?? []).map((r) => r.text) };
}

async function simGet<T>(simUrl: string, path: string): Promise<T> {
  return (await (await fetch(`${simUrl}/_sim/${path}`)).json()) as T;
}

async function until<T>(fn: () => Promise<T | undefined | false>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) {
      const logs = bots.map((b, i) => `--- instance ${i}\n${b?.output().slice(-3_000)}`).join('\n');
      throw new Error(`timed out waiting for ${what}\n${logs}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

const t0 = Date.now();
const step = (what: string) => process.env.MI_DEBUG && console.error(`[${Date.now() - t0} ms] ${what}`);

const extOf = (e: LogEntry) =>
  String((e as { body?: { externalTransactionId?: string } }).body?.externalTransactionId);

/** Local number as Intech records it (+221771000011 -> 771000011). */
const local = (e164: string) => e164.slice(4);

it('three instances, callbacks to all, lost callbacks and a SIGKILL: every order paid, delivered and receipted once', async () => {
  dbUrl = await freshDatabase();
  const { url: simUrl } = await startSimulator();
  const ports = await Promise.all(Array.from({ length: INSTANCES }, () => freePort()));
  const targets = ports.map((p) => `http://127.0.0.1:${p}`);
  proxy = await startRoundRobinProxy(() => targets);
  // Two deliveries whose callback Intech never sends: only a status lookup can tell they succeeded.
  await fetch(`${simUrl}/_sim/script`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      match: { codeService: AIRTIME },
      outcome: 'lost_callback',
      times: LOST_DELIVERY_CALLBACKS,
    }),
  });
  step('simulator up');
  await Promise.all(ports.map((p, i) => startInstance(i, p, simUrl, proxy!.url)));
  step('instances up');

  // Customers order a few hundred ms apart (so the kill below finds orders at every stage); each
  // one's two messages go to two different instances.
  const conversations = await Promise.all(
    CUSTOMERS.map(async (c, i) => {
      await new Promise((r) => setTimeout(r, i * 400));
      const summary = await say(c, `crédit 1000 pour 78 000 11 ${20 + i}`);
      // Every other customer taps their choice twice: both copies arrive at once, on two instances.
      if (i % 2 === 1) {
        const [chosen, again] = await Promise.all([say(c, '1'), say(c, '1')]);
        return { customer: c, summary, chosen, again };
      }
      const chosen = await say(c, '1');
      return { customer: c, summary, chosen };
    }),
  );

  step(`conversations done ${JSON.stringify(conversations)}`);
  // Mid-saga: cash-outs are being approved, their callbacks reach every instance and the first
  // deliveries are on their way to Intech.
  const deliveriesSent = async () =>
    (await simGet<LogEntry[]>(simUrl, 'log')).filter(
      (e) => e.kind === 'request' && e.path === '/api-services/operation' && extOf(e).endsWith('-DLV'),
    ).length;
  await until(async () => (await deliveriesSent()) >= 1, 20_000, 'the first delivery');
  const victim = 1;
  bots[victim]!.child.kill('SIGKILL');
  await bots[victim]!.exited;
  step(`killed with ${await deliveriesSent()} of ${CUSTOMERS.length} deliveries sent`);
  await new Promise((r) => setTimeout(r, 1_000));
  await startInstance(victim, ports[victim]!, simUrl, proxy.url);
  step('restarted');

  // Done when every customer has a receipt (WHATSAPP_MESSAGING) at Intech.
  const receiptsOf = async () => simGet<WhatsappMessage[]>(simUrl, 'whatsapp');
  await until(
    async () => {
      const msgs = await receiptsOf();
      return CUSTOMERS.every((c) => msgs.some((m) => m.phone.endsWith(local(c))));
    },
    45_000,
    'a receipt for every customer',
  );
  // Anything sent twice would show up by now (callbacks and reconciler passes are sub-second here).
  await new Promise((r) => setTimeout(r, 2_500));

  // The customers: each message answered, in order, by whichever instance took it.
  for (const { customer, summary, chosen, again } of conversations) {
    expect(summary.status, customer).toBe(200);
    expect(summary.replies.join('\n'), customer).toContain('1 000 FCFA');
    const went = proxy.routed.filter((r) => r.customer === customer).map((r) => r.instance);
    if (!again) {
      expect(chosen.status, customer).toBe(200);
      expect(chosen.replies.join('\n'), customer).toMatch(/Wave/);
      expect(went, customer).toHaveLength(2);
      expect(went[0], `${customer}: both messages on one instance`).not.toBe(went[1]);
      continue;
    }
    // The double tap: both copies answered, one (whichever came first) with the payment link; the
    // other must not have started a second payment (checked at Intech below).
    expect(went, customer).toHaveLength(3);
    expect(new Set(went).size, `${customer}: messages spread over the instances`).toBe(3);
    expect([chosen.status, again.status], customer).toEqual([200, 200]);
    expect(chosen.replies.length, `${customer}: first copy answered`).toBeGreaterThan(0);
    expect(again.replies.length, `${customer}: second copy answered`).toBeGreaterThan(0);
    const links = [chosen, again].filter((r) => /\/pay\/wave\//.test(r.replies.join('\n')));
    expect(links, `${customer}: payment links for one tap`).toHaveLength(1);
  }
  // Every callback was delivered to all three instances at once (two while one was down).
  expect(proxy.callbacks.length).toBeGreaterThan(0);
  for (const cb of proxy.callbacks)
    expect(cb.answers.filter((a) => a === 200).length).toBeGreaterThanOrEqual(2);

  // Intech's view.
  const txs = await simGet<SimTransaction[]>(simUrl, 'transactions');
  const log = await simGet<LogEntry[]>(simUrl, 'log');
  const orderOf = (t: SimTransaction) => t.externalTransactionId.replace(/-(COL|DLV|RCT)$/, '');
  const orderIds = [...new Set(txs.map(orderOf))];
  expect(orderIds).toHaveLength(CUSTOMERS.length);
  for (const c of CUSTOMERS) {
    const cashOuts = txs.filter((t) => t.typeService === 'CASHOUT' && t.phone.endsWith(local(c)));
    expect(cashOuts, `${c}: cash-outs`).toHaveLength(1);
    expect(cashOuts[0]!.status).toBe('SUCCESS');
    const order = orderOf(cashOuts[0]!);
    const mine = txs.filter((t) => orderOf(t) === order);
    const deliveries = mine.filter((t) => t.codeService === AIRTIME);
    expect(deliveries, `${c}: deliveries`).toHaveLength(1);
    expect(deliveries[0]!.status).toBe('SUCCESS');
    expect(
      mine.filter((t) => t.externalTransactionId.endsWith('-RCT')),
      `${c}: receipts`,
    ).toHaveLength(1);
    expect(
      (await receiptsOf()).filter((m) => m.phone.endsWith(local(c))),
      `${c}: receipt messages`,
    ).toHaveLength(1);
  }
  // No externalTransactionId ever sent twice (Intech would refuse the second, but it must never come).
  const sent = log.filter((e) => e.kind === 'request' && e.path === '/api-services/operation').map(extOf);
  expect(sent.length).toBe(txs.length);
  expect(new Set(sent).size).toBe(sent.length);
  // The lost callbacks were never sent, yet their orders completed: found by status lookups, at most 3
  // a minute per transaction across all instances and the restart.
  const lost = txs.filter((t) => t.codeService === AIRTIME && t.callbackAttempts === 0);
  expect(lost).toHaveLength(LOST_DELIVERY_CALLBACKS);
  const lookups = log.filter(
    (e) => e.kind === 'request' && e.path === '/api-services/get-transaction-status',
  );
  const byExt = new Map<string, number[]>();
  for (const e of lookups) {
    const ext = extOf(e);
    byExt.set(ext, [...(byExt.get(ext) ?? []), e.at]);
  }
  for (const t of lost)
    expect(byExt.get(t.externalTransactionId)?.length, t.externalTransactionId).toBeGreaterThan(0);
  for (const [ext, times] of byExt) {
    for (const t of times) {
      expect(
        times.filter((u) => u >= t && u < t + 60_000).length,
        `${ext}: lookups in a minute`,
      ).toBeLessThanOrEqual(3);
    }
  }
  expect((await simGet<{ statusLookupViolations: number }>(simUrl, 'stats')).statusLookupViolations).toBe(0);

  // And the bot's own books agree: every order finished.
  const db = new pg.Client({ connectionString: dbUrl });
  await db.connect();
  try {
    const rows = (await db.query<{ id: string; state: string }>('SELECT id, state FROM orders ORDER BY id'))
      .rows;
    expect(rows.map((r) => r.id).sort()).toEqual([...orderIds].sort());
    expect(
      rows.every((r) => r.state === 'completed'),
      JSON.stringify(rows),
    ).toBe(true);
  } finally {
    await db.end();
  }
}, 120_000);
