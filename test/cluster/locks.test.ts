// The per-customer lock on PostgreSQL across two store instances (as two bot processes would open):
// callers run one at a time in arrival order whichever instance they come through, and a holder whose
// connection dies (process killed) frees the key for the next one.
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/types.js';
import { storesOnOneDatabase } from '../store/pg-db.js';

const db = storesOnOneDatabase(2, { poolSize: 4 });
const { stores } = db;

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sessions holding (granted) or waiting for the advisory lock of `key`. */
async function lockers(key: string, granted: boolean): Promise<number[]> {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    const r = await c.query(
      `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted = $2
         AND ((classid::bigint << 32) | objid::bigint) = (hashtextextended($1, 0) & x'ffffffffffffffff'::bigint)`,
      [key, granted],
    );
    return r.rows.map((x) => x.pid as number);
  } finally {
    await c.end();
  }
}

async function until(cond: () => Promise<boolean> | boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out');
    await pause(10);
  }
}

describe('postgres locks across instances', () => {
  it('run in arrival order, alternating instances, one at a time', async () => {
    const [a, b] = stores as [Store, Store];
    const order: string[] = [];
    let inside = 0;
    let max = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const job = (name: string, wait?: Promise<void>) => async () => {
      inside++;
      max = Math.max(max, inside);
      order.push(name);
      if (wait) await wait;
      // A turn takes a few ms at least. The next message queued locally on the other instance reaches
      // PostgreSQL's queue only after its predecessor's unlock plus a try and a wait: under a loaded CI
      // (a full npm test) that took longer than 5 ms once, and a later arrival went first.
      await pause(30);
      inside--;
    };
    const key = 'customer:+221770000001';
    const runs = [a.locks.run(key, job('a0', gate))];
    await until(() => order.length === 1);
    // Consecutive messages of one customer while a0 holds the key, alternating between the instances.
    const arrivals = ['b1', 'a2', 'b3', 'a4'];
    for (const name of arrivals) {
      const st = name.startsWith('a') ? a : b;
      runs.push(st.locks.run(key, job(name)));
      if (name === 'b1') await until(async () => (await lockers(key, false)).length === 1);
      await pause(20);
    }
    // Another customer is not held up by this one.
    let other = false;
    await b.locks.run('customer:+221770000002', async () => {
      other = true;
    });
    expect(other).toBe(true);
    expect(order).toEqual(['a0']);
    release();
    await Promise.all(runs);
    expect(max).toBe(1);
    expect(order).toEqual(['a0', ...arrivals]);
  });

  it('a holder whose connection dies (process killed) frees the key', async () => {
    const [a, b] = stores as [Store, Store];
    let finish!: () => void;
    let stillHeld!: () => boolean;
    const held = a.locks.run('customer:+221770000009', (h) => {
      stillHeld = h;
      return new Promise<void>((r) => (finish = r));
    });
    await pause(50);
    let ran = false;
    const next = b.locks.run('customer:+221770000009', async () => {
      ran = true;
    });
    await pause(100);
    expect(ran).toBe(false);
    expect(stillHeld()).toBe(true);
    // Kill the backend holding the advisory lock, as a dead process's connection would be dropped.
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      const pids = await lockers('customer:+221770000009', true);
      expect(pids).toHaveLength(1);
      await admin.query('SELECT pg_terminate_backend($1)', [pids[0]]);
    } finally {
      await admin.end();
    }
    await next;
    expect(ran).toBe(true);
    // The old holder is told it lost the key (its turn must write nothing more).
    expect(stillHeld()).toBe(false);
    // The old holder's turn ends without crashing its process; its dead connection is discarded.
    finish();
    await held;
    let again = false;
    await a.locks.run('customer:+221770000009', async () => {
      again = true;
    });
    expect(again).toBe(true);
  });
});
