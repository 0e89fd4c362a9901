// npm run bench:pg — the bot with STORE=postgres beside a bare express 5 server, in one run, 32 keep-alive
// connections on loopback: (1) sandbox chat turns, a new customer per request; (2) Intech callbacks, every
// copy a correctly signed (sha256Hash + HMAC) duplicate of one the bot already processed. The bot runs as
// `npm run start:postgres` runs it (the compiled build, with that script's node flags). PostgreSQL is
// DATABASE_URL (a throwaway database is created on it) or, when unset, an embedded server. The database
// starts with a past (BENCH_HISTORY earlier customers, analyzed), as a running install's does.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openPostgresStore } from '../src/store/postgres/index.js';
import { type buildCallbackBody, type SignedCallback, signCallback } from '../test/helpers/intech-signer.js';
import { startEmbeddedPostgres } from '../test/setup/postgres.js';
import { cpuMs, postmasterPid, treeCpuMs } from './cpu.js';
import { drive, type Load, type Request } from './load.js';
import { seedHistory, seedSettledOrders } from './pg-seed.js';
import { buildNpmStartArgs, startProcess, stopProcess } from './processes.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const WARMUP_SECONDS = 2;
const ROUNDS = 3;
const ORDERS = Number(process.env.BENCH_ORDERS ?? 500);
/** Earlier customers in the database before the run (BENCH_HISTORY=0: an empty database). */
const HISTORY = Number(process.env.BENCH_HISTORY ?? 20_000);
const API_KEY = 'bench-api-key';
const HMAC_SECRET = 'bench-hmac-secret-0123456789';
const root = join(import.meta.dirname, '..');

let phoneNo = 0;
/** A Senegalese mobile number never used before in this run (77 + 7 digits). */
const nextPhone = () => `+22177${String(6_000_000 + phoneNo++).padStart(7, '0')}`;

const chatRequest = (): Request => ({
  path: '/sandbox/messages',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ from: nextPhone(), text: 'bonjour' }),
  ok: (status, body) => status === 200 && body.includes('replies'),
});

/** Every copy signed again per load run: the HMAC timestamp must stay within Intech's 5-minute window. */
function callbackRequests(bodies: ReturnType<typeof buildCallbackBody>[]): () => Request {
  let signed: SignedCallback[] = [];
  let signedAt = 0;
  let i = 0;
  return () => {
    if (Date.now() - signedAt > 60_000) {
      signedAt = Date.now();
      signed = bodies.map((b) =>
        signCallback(b, { apiKey: API_KEY, hmacSecret: HMAC_SECRET, timestamp: signedAt }),
      );
    }
    const s = signed[i++ % signed.length]!;
    return {
      path: '/intech/callback',
      headers: s.headers,
      body: s.rawBody,
      ok: (status, body) => status === 200 && body.includes('"ok":true'),
    };
  };
}

interface Measured extends Load {
  /** CPU ms per answered request: the server's own, and PostgreSQL's (embedded server only). */
  cpuMs: number;
  pgCpuMs?: number;
}

interface Target {
  url: string;
  pid: number;
  postmaster?: number;
}

/** One load run, with the CPU the server (and PostgreSQL) spent on it. */
async function measured(t: Target, seconds: number, next: () => Request): Promise<Measured & { n: number }> {
  const [cpu0, pg0] = [await cpuMs(t.pid), t.postmaster ? await treeCpuMs(t.postmaster) : 0];
  const load = await drive(t.url, seconds, next);
  const [cpu1, pg1] = [await cpuMs(t.pid), t.postmaster ? await treeCpuMs(t.postmaster) : 0];
  const n = Math.max(1, load.perSecond * seconds);
  return { ...load, n, cpuMs: (cpu1 - cpu0) / n, ...(t.postmaster ? { pgCpuMs: (pg1 - pg0) / n } : {}) };
}

/** Bare and bot measured in alternating rounds, so the machine's other load hits both alike. */
async function measurePair(bare: Target, bot: Target, next: () => Request): Promise<[Measured, Measured]> {
  await drive(bare.url, WARMUP_SECONDS, next);
  await drive(bot.url, WARMUP_SECONDS, next);
  const bares: (Measured & { n: number })[] = [];
  const bots: (Measured & { n: number })[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    bares.push(await measured(bare, SECONDS / ROUNDS, next));
    bots.push(await measured(bot, SECONDS / ROUNDS, next));
  }
  const sum = (xs: (Measured & { n: number })[]): Measured => {
    const n = xs.reduce((a, x) => a + x.n, 0);
    const weighted = (f: (x: Measured) => number) => xs.reduce((a, x) => a + f(x) * x.n, 0) / n;
    return {
      perSecond: xs.reduce((a, x) => a + x.perSecond, 0) / xs.length,
      p50: [...xs.map((x) => x.p50)].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!,
      errors: xs.reduce((a, x) => a + x.errors, 0),
      cpuMs: weighted((x) => x.cpuMs),
      ...(xs[0]!.pgCpuMs !== undefined ? { pgCpuMs: weighted((x) => x.pgCpuMs ?? 0) } : {}),
    };
  };
  return [sum(bares), sum(bots)];
}

/** A database of its own on the given server, dropped at the end. */
async function throwawayDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `xb_bench_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return { url: u.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function main(): Promise<void> {
  const script = process.env.BENCH_START === 'start' ? 'start' : 'start:postgres';
  const embedded = process.env.DATABASE_URL ? undefined : await startEmbeddedPostgres();
  const db = await throwawayDatabase(process.env.DATABASE_URL ?? embedded!.url);
  const dir = await mkdtemp(join(tmpdir(), 'xb-bench-pg-'));
  const node = process.execPath;
  const tsx = ['--import', 'tsx'];
  const rows: string[][] = [
    ['workload', 'server', 'per second', 'share of bare express', 'p50', 'errors', 'CPU ms/request'],
  ];
  const cpuCell = (m: Measured) =>
    m.pgCpuMs === undefined
      ? m.cpuMs.toFixed(2)
      : `${m.cpuMs.toFixed(2)} + ${m.pgCpuMs.toFixed(2)} PostgreSQL`;
  try {
    // Orders whose callbacks will come back as duplicates: seeded settled, like after a finished saga.
    const store = await openPostgresStore({ url: db.url });
    const bodies = await seedSettledOrders(store, ORDERS);
    await store.close();
    if (HISTORY > 0) await seedHistory(db.url, HISTORY);

    const postmaster = embedded ? await postmasterPid(embedded.dataDir) : undefined;
    const bare = await startProcess(node, [...tsx, join(root, 'bench/bare-server.ts')], {});
    // Profiling or tuning: e.g. BENCH_BOT_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof".
    const botArgs = process.env.BENCH_BOT_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
    // As `npm run start:postgres` (the README's start for an instance on PostgreSQL) runs it: the compiled
    // build with its node flags. BENCH_START=start: as plain `npm start` runs it instead.
    // The extra arguments go after the script's flags (so that one of them can be overridden).
    const startArgs = buildNpmStartArgs(script);
    const bot = await startProcess(node, [...startArgs.slice(0, -1), ...botArgs, ...startArgs.slice(-1)], {
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      CHANNEL: 'sandbox',
      DATA_DIR: dir,
      NODE_ENV: 'production',
      STORE: 'postgres',
      DATABASE_URL: db.url,
      SIM_API_KEY: API_KEY,
      INTECH_HMAC_SECRET: HMAC_SECRET,
      ...(process.env.DATABASE_POOL_SIZE ? { DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE } : {}),
    });
    try {
      // Each callback processed once first: everything measured below is a duplicate.
      const first = callbackRequests(bodies);
      const once = await drive(bot.url, 0, first, bodies.length);
      if (once.errors) throw new Error(`${once.errors} first callback copies were refused`);

      const workloads: [string, () => Request][] = [
        ['sandbox chat turn', chatRequest],
        ['duplicate callback', callbackRequests(bodies)],
      ];
      // BENCH_ONLY=chat or =callback measures one workload (profiling).
      const only = process.env.BENCH_ONLY;
      for (const [name, next] of workloads.filter(([n]) => !only || n.includes(only))) {
        const [b, l] = await measurePair(
          { url: bare.url, pid: bare.child.pid! },
          { url: bot.url, pid: bot.child.pid!, ...(postmaster ? { postmaster } : {}) },
          next,
        );
        rows.push([
          name,
          'bare express 5',
          b.perSecond.toFixed(0),
          '100%',
          `${b.p50.toFixed(1)} ms`,
          String(b.errors),
          cpuCell(b),
        ]);
        rows.push([
          '',
          'bot, STORE=postgres',
          l.perSecond.toFixed(0),
          `${((100 * l.perSecond) / b.perSecond).toFixed(1)}%`,
          `${l.p50.toFixed(1)} ms`,
          String(l.errors),
          cpuCell(l),
        ]);
      }
    } finally {
      await stopProcess(bot.child);
      await stopProcess(bare.child);
    }
  } finally {
    await db.drop().catch(() => {});
    await embedded?.stop();
    await rm(dir, { recursive: true, force: true });
  }
  console.log(
    `STORE=postgres (bot as \`npm run ${script}\` runs it) vs bare express: 32 connections, ${ROUNDS} alternating rounds of ${(SECONDS / ROUNDS).toFixed(1)} s each after ${WARMUP_SECONDS} s warm-up; chat = new customer per request, callbacks = signed duplicates of ${ORDERS} processed ones; ${HISTORY ? `database with ${HISTORY} earlier customers (conversation, sent reply), analyzed` : 'empty database'}`,
  );
  const w = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows)
    console.log(r.map((cell, c) => (c < 2 ? cell.padEnd(w[c]!) : cell.padStart(w[c]!))).join('  '));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
