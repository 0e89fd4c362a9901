// npm run bench:store — write cost of the lowdb store with 1 000 vs 100 000 finished orders in history.
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
    ['store: open (index rebuild)', fmt(a.openMs), fmt(b.openMs), (b.openMs / a.openMs).toFixed(1)],
    ['naive single-file lowdb write (no fsync)', fmt(na), fmt(nb), (nb / na).toFixed(1)],
  ];
  const w = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows)
    console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(w[c]!) : cell.padStart(w[c]!))).join('  '));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
