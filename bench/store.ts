// npm run bench:store — write cost of the lowdb store against how much it holds: order lifecycles with
// 1 000 vs 100 000 finished orders in history, then (bench/store-tables.ts) a chat turn's writes at
// 1 000 / 10 000 / 100 000 customers with 100 000 dedupe keys, one Signal session update with 100 vs
// 5 000 sessions, a broadcast's store time at 1 000 vs 10 000 recipients, and open time.
// The archive is generated directly in the store's own line format (fast), then the store is opened and a
// typical order lifecycle is timed: create + 2 CAS updates + the final update that archives it.
// For comparison, the naive layout (every order in one lowdb JSONFile) is timed at the same sizes.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import type { Order } from '../src/orders/types.js';
import { archiveLine, FILES } from '../src/store/lowdb/format.js';
import { openLowdbStore } from '../src/store/lowdb/index.js';
import type { Store } from '../src/store/types.js';
import {
  broadcastStoreTime,
  chatTurn,
  median as med,
  seedTables,
  sessionUpdate,
  timedOpen,
} from './store-tables.js';

const SIZES = [1_000, 100_000];
const LIFECYCLES = Number(process.env.BENCH_LIFECYCLES ?? 200);
const OPEN_ORDERS = 30;
const base = process.env.BENCH_DIR ?? tmpdir();

function order(i: number, state: Order['state']): Order {
  const id = `B${i.toString(36).toUpperCase().padStart(7, '0')}`;
  const at = 1_700_000_000_000 + i * 1_000;
  return {
    id,
    version: state === 'created' ? 1 : 4,
    customerId: `+22177${String(1_000_000 + (i % 5_000)).slice(-7)}`,
    lang: 'fr',
    kind: 'airtime',
    codeService: 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE',
    amount: 1_000,
    recipient: `+22178${String(1_000_000 + i).slice(-7)}`,
    payment: { codeService: 'WAVE_SN_API_CASH_OUT', payer: '+221771234567' },
    state,
    operations: {
      collect: {
        step: 'collect',
        externalTransactionId: `${id}-C`,
        codeService: 'WAVE_SN_API_CASH_OUT',
        amount: 1_000,
        status: 'success',
        transactionId: `T${i}C`,
        recordedAt: at,
        settledAt: at + 30_000,
      },
      deliver: {
        step: 'deliver',
        externalTransactionId: `${id}-D`,
        codeService: 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE',
        amount: 1_000,
        status: 'success',
        transactionId: `T${i}D`,
        recordedAt: at + 31_000,
        settledAt: at + 40_000,
      },
    },
    events: [
      { at, type: 'created' },
      { at: at + 30_000, type: 'collected' },
      { at: at + 40_000, type: 'delivered' },
      { at: at + 41_000, type: 'completed' },
    ],
    createdAt: at,
    updatedAt: at + 41_000,
    receiptVia: 'chat',
  };
}

async function writeArchive(dir: string, n: number): Promise<void> {
  const out = createWriteStream(join(dir, FILES.archive));
  let buf = '';
  for (let i = 0; i < n; i++) {
    buf += archiveLine(order(i, 'completed'));
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
  // Flush the generated history now, so its writeback is not billed to the timed writes.
  const fh = await open(join(dir, FILES.archive), 'r');
  await fh.sync();
  await fh.close();
}

interface Result {
  openMs: number;
  /** Median of the per-lifecycle times. */
  lifecycleMs: number;
  writeMs: number;
}

interface Subject {
  n: number;
  dir: string;
  store: Store;
  openMs: number;
  next: number;
  times: number[];
}

async function setUp(n: number): Promise<Subject> {
  const dir = await mkdtemp(join(base, 'xb-bench-store-'));
  await writeArchive(dir, n);
  const t = performance.now();
  const store = await openLowdbStore({ dir });
  const openMs = performance.now() - t;
  for (let i = 0; i < OPEN_ORDERS; i++) await store.orders.create(order(n + i, 'created'));
  return { n, dir, store, openMs, next: n + OPEN_ORDERS, times: [] };
}

/** One typical order lifecycle: create, two CAS updates, the final update that archives it. */
async function lifecycle(s: Subject): Promise<number> {
  const t = performance.now();
  const o = await s.store.orders.create(order(s.next++, 'created'));
  const o2 = (await s.store.orders.update({ ...o, state: 'collecting' }, o.version))!;
  const o3 = (await s.store.orders.update({ ...o2, state: 'delivering' }, o2.version))!;
  const done = await s.store.orders.update({ ...o3, state: 'completed' }, o3.version);
  if (!done) throw new Error('bench: CAS lost without contention');
  return performance.now() - t;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Both sizes are open at once and measured in alternating rounds, so disk noise hits both alike. */
async function benchStores(): Promise<Result[]> {
  const subjects: Subject[] = [];
  try {
    for (const n of SIZES) subjects.push(await setUp(n));
    for (const s of subjects) for (let k = 0; k < 10; k++) await lifecycle(s); // warm-up
    for (let round = 0; round < LIFECYCLES / 10; round++) {
      for (const s of subjects) for (let k = 0; k < 10; k++) s.times.push(await lifecycle(s));
    }
    for (const s of subjects) {
      if (!(await s.store.orders.get(order(s.n, 'created').id)))
        throw new Error('bench: store lost an order');
    }
    return subjects.map((s) => ({
      openMs: s.openMs,
      lifecycleMs: median(s.times),
      writeMs: median(s.times) / 4,
    }));
  } finally {
    for (const s of subjects) {
      await s.store.close();
      await rm(s.dir, { recursive: true, force: true });
    }
  }
}

/** The layout the issue warns about: every order in one lowdb JSONFile, rewritten on each write. */
async function benchNaive(n: number): Promise<number> {
  const dir = await mkdtemp(join(base, 'xb-bench-naive-'));
  try {
    const db = new Low<{ orders: Order[] }>(new JSONFile(join(dir, 'db.json')), { orders: [] });
    for (let i = 0; i < n; i++) db.data.orders.push(order(i, 'completed'));
    await db.write();
    const writes = n >= 50_000 ? 5 : 50;
    const t = performance.now();
    for (let k = 0; k < writes; k++) {
      db.data.orders.push(order(n + k, 'created'));
      await db.write();
    }
    return (performance.now() - t) / writes;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const fmt = (ms: number) => `${ms.toFixed(2)} ms`;

type Row = [string, ...string[]];
function table(rows: Row[]): void {
  const cols = Math.max(...rows.map((r) => r.length));
  const w = Array.from({ length: cols }, (_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  for (const r of rows)
    console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(w[c]!) : cell.padStart(w[c]!))).join('  '));
}

async function withDirs<T>(n: number, fn: (dirs: string[]) => Promise<T>): Promise<T> {
  const dirs: string[] = [];
  try {
    for (let i = 0; i < n; i++) dirs.push(await mkdtemp(join(base, 'xb-bench-tables-')));
    return await fn(dirs);
  } finally {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  }
}

/** Runs `op` on every store alternately (rounds of 10) and returns each one's median. */
async function alternate(stores: Store[], rounds: number, op: (s: Store, i: number) => Promise<number>) {
  const times = stores.map(() => [] as number[]);
  for (const [i, s] of stores.entries()) for (let k = 0; k < 10; k++) await op(s, i);
  for (let r = 0; r < rounds; r++) {
    for (const [i, s] of stores.entries()) for (let k = 0; k < 10; k++) times[i]!.push(await op(s, i));
  }
  return times.map(med);
}

const TURN_SIZES = [1_000, 10_000, 100_000];
const DEDUPE = 100_000;
const SESSIONS = [100, 5_000];
const BROADCAST_ROUNDS = 3;

async function benchTables(): Promise<void> {
  const rounds = Math.max(2, Math.round(LIFECYCLES / 10));
  console.log(
    `\nchat turn (dedupe + new customer + conversation/outbox commit + outbox claim/mark sent), ${DEDUPE.toLocaleString('en')} dedupe keys, one sent message per customer`,
  );
  await withDirs(TURN_SIZES.length, async (dirs) => {
    const stores: Store[] = [];
    try {
      for (const [i, n] of TURN_SIZES.entries()) {
        await seedTables(dirs[i]!, { customers: n, dedupe: DEDUPE, sentMessages: n });
        stores.push((await timedOpen(dirs[i]!)).store);
      }
      const turn = await alternate(stores, rounds, (s) => chatTurn(s));
      table([
        ['customers stored', ...TURN_SIZES.map((n) => n.toLocaleString('en')), 'ratio 100k/1k'],
        ['store: chat turn writes, median', ...turn.map(fmt), (turn[2]! / turn[0]!).toFixed(2)],
      ]);
      // Broadcast store time at 1 000 vs 10 000 recipients (every stored customer is subscribed): a warm-up
      // broadcast each, then alternating rounds, the median per size. In a round the small store sends as
      // many broadcasts as it takes to reach the big one's recipients, so both are timed over about the
      // same stretch of the disk's outside load (one short run against one long run was not comparable).
      const pair = stores.slice(0, 2);
      const sizes: number[] = [];
      for (const s of pair) sizes.push(await s.customers.count({ subscribed: true }));
      const repeats = [Math.max(1, Math.round(sizes[1]! / sizes[0]!)), 1];
      for (const [i, s] of pair.entries()) await broadcastStoreTime(s, `bench-warm-${i}`);
      const runs = pair.map(() => [] as number[]);
      for (let r = 0; r < BROADCAST_ROUNDS; r++) {
        for (const [i, s] of pair.entries()) {
          let ms = 0;
          for (let k = 0; k < repeats[i]!; k++) ms += await broadcastStoreTime(s, `bench-${r}-${i}-${k}`);
          runs[i]!.push(ms / (sizes[i]! * repeats[i]!));
        }
      }
      const bc = runs.map(med);
      table([
        ['broadcast recipients', ...sizes.map((n) => n.toLocaleString('en')), 'ratio'],
        [
          `store: per recipient (snapshot, claim, settle), median of ${BROADCAST_ROUNDS}`,
          ...bc.map((x) => fmt(x)),
          (bc[1]! / bc[0]!).toFixed(2),
        ],
        ['store: whole broadcast', ...bc.map((x, i) => fmt(x * sizes[i]!)), ''],
      ]);
    } finally {
      for (const s of stores) await s.close();
    }
  });

  await withDirs(SESSIONS.length, async (dirs) => {
    const stores: Store[] = [];
    try {
      for (const [i, n] of SESSIONS.entries()) {
        await seedTables(dirs[i]!, { customers: 0, dedupe: 0, sessions: n });
        stores.push((await timedOpen(dirs[i]!)).store);
      }
      const upd = await alternate(stores, rounds, (s, i) => sessionUpdate(s, SESSIONS[i]!));
      table([
        ['\nSignal sessions stored', ...SESSIONS.map((n) => n.toLocaleString('en')), 'ratio'],
        ['store: one session update, median', ...upd.map(fmt), (upd[1]! / upd[0]!).toFixed(2)],
      ]);
    } finally {
      for (const s of stores) await s.close();
    }
  });

  // Open time: the first open of seeded files validates every row (as after an upgrade) and leaves the
  // store's own files on close (snapshots with their sums, the archive index checkpoint); the second open
  // is what every later start costs.
  const OPEN = [1_000, 100_000];
  await withDirs(OPEN.length, async (dirs) => {
    const first: number[] = [];
    const again: number[] = [];
    for (const [i, n] of OPEN.entries()) {
      await seedTables(dirs[i]!, { customers: n, dedupe: DEDUPE });
      await writeArchive(dirs[i]!, n);
      const a = await timedOpen(dirs[i]!);
      first.push(a.ms);
      await a.store.close();
      const b = await timedOpen(dirs[i]!);
      again.push(b.ms);
      if ((await b.store.customers.count()) !== n) throw new Error('bench: customers lost on reopen');
      await b.store.close();
    }
    table([
      ['\ncustomers + finished orders', ...OPEN.map((n) => n.toLocaleString('en')), 'ratio'],
      ['store: open, target < 3 s', ...again.map(fmt), (again[1]! / again[0]!).toFixed(1)],
      ['store: first open of seeded files (every row validated)', ...first.map(fmt), ''],
    ]);
  });
}

async function main(): Promise<void> {
  console.log(
    `store write benchmark (${LIFECYCLES} order lifecycles per size, ${OPEN_ORDERS} open orders, dir ${base})`,
  );
  const results = await benchStores();
  const naive: number[] = [];
  for (const n of SIZES) naive.push(await benchNaive(n));
  const [a, b] = results as [Result, Result];
  const [na, nb] = naive as [number, number];
  const rows: [string, string, string, string][] = [
    ['finished orders in history', SIZES[0]!.toLocaleString('en'), SIZES[1]!.toLocaleString('en'), 'ratio'],
    ["store: write, median (fsync'd)", fmt(a.writeMs), fmt(b.writeMs), (b.writeMs / a.writeMs).toFixed(2)],
    [
      'store: order lifecycle (4 writes), median',
      fmt(a.lifecycleMs),
      fmt(b.lifecycleMs),
      (b.lifecycleMs / a.lifecycleMs).toFixed(2),
    ],
    [
      'store: first open (archive read in full)',
      fmt(a.openMs),
      fmt(b.openMs),
      (b.openMs / a.openMs).toFixed(1),
    ],
    ['naive single-file lowdb write (no fsync)', fmt(na), fmt(nb), (nb / na).toFixed(1)],
  ];
  const w = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows)
    console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(w[c]!) : cell.padStart(w[c]!))).join('  '));
  await benchTables();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
