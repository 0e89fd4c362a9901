import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.js';
import { FILES } from '../../src/store/lowdb/format.js';
import { openLowdbStore, StoreLockedError } from '../../src/store/lowdb/index.js';
import type { Store } from '../../src/store/types.js';
import { runStoreContract } from './contract.js';
import { finish, makeOrder } from './fixtures.js';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'xb-store-'));
}

runStoreContract('lowdb', async () => {
  const dir = await tempDir();
  let store = await openLowdbStore({ dir });
  return {
    get store() {
      return store;
    },
    async reopen() {
      await store.close();
      store = await openLowdbStore({ dir });
      return store;
    },
    async cleanup() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe('lowdb store on disk', () => {
  const dirs: string[] = [];
  const open: Store[] = [];
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });
  async function fresh(): Promise<string> {
    const d = await tempDir();
    dirs.push(d);
    return d;
  }
  async function openAt(dir: string): Promise<Store> {
    const s = await openLowdbStore({ dir, logger: silentLogger });
    open.push(s);
    return s;
  }
  async function closeAll(): Promise<void> {
    for (const s of open.splice(0)) await s.close();
  }

  it('moves finished orders out of the open file into the archive', async () => {
    const dir = await fresh();
    const s = await openAt(dir);
    const a = await s.orders.create(makeOrder('A1'));
    await s.orders.create(makeOrder('B2'));
    let hot = JSON.parse(await readFile(join(dir, FILES.openOrders), 'utf8'));
    expect(Object.keys(hot).sort()).toEqual(['A1', 'B2']);
    await s.orders.update(finish(a), 1);
    hot = JSON.parse(await readFile(join(dir, FILES.openOrders), 'utf8'));
    expect(Object.keys(hot)).toEqual(['B2']);
    const lines = (await readFile(join(dir, FILES.archive), 'utf8')).trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).order.id)).toEqual(['A1']);
    expect(JSON.parse(lines[0]!).order.version).toBe(2);
  });

  it('an order left in both places by a crash is settled by version on open', async () => {
    const dir = await fresh();
    const s = await openAt(dir);
    const a = await s.orders.create(makeOrder('A1'));
    const b = await s.orders.create(makeOrder('B2'));
    await closeAll();
    // Simulate a crash after the archive append and before the open file was rewritten (A1), and a stale
    // archive line older than the open copy (B2, reopened by an admin).
    const doneA = { ...finish(a), version: 2 };
    const oldB = { ...finish(b), version: 0 };
    await appendFile(
      join(dir, FILES.archive),
      `${JSON.stringify({ order: doneA })}\n${JSON.stringify({ order: oldB })}\n`,
    );
    const s2 = await openAt(dir);
    expect(await s2.orders.get('A1')).toEqual(doneA);
    expect((await s2.orders.get('B2'))?.version).toBe(1);
    expect((await s2.orders.listOpen()).map((o) => o.id)).toEqual(['B2']);
    expect((await s2.orders.list({})).map((o) => o.id).sort()).toEqual(['A1', 'B2']);
    const hot = JSON.parse(await readFile(join(dir, FILES.openOrders), 'utf8'));
    expect(Object.keys(hot)).toEqual(['B2']);
  });

  it('ignores a torn last archive line, and later appends stay readable', async () => {
    const dir = await fresh();
    const s = await openAt(dir);
    const a = await s.orders.create(makeOrder('A1'));
    await s.orders.update(finish(a), 1);
    await closeAll();
    const before = (await stat(join(dir, FILES.archive))).size;
    await appendFile(join(dir, FILES.archive), '{"order":{"id":"B2","vers');
    const s2 = await openAt(dir);
    expect((await s2.orders.get('A1'))?.state).toBe('completed');
    expect(await s2.orders.get('B2')).toBeUndefined();
    expect((await stat(join(dir, FILES.archive))).size).toBe(before);
    const c = await s2.orders.create(makeOrder('C3'));
    await s2.orders.update(finish(c, 'cancelled'), 1);
    await closeAll();
    const s3 = await openAt(dir);
    expect((await s3.orders.get('C3'))?.state).toBe('cancelled');
    expect((await s3.orders.get('A1'))?.state).toBe('completed');
  });

  it('ignores a torn callback line too', async () => {
    const dir = await fresh();
    const s = await openAt(dir);
    await s.callbacks.record({
      externalTransactionId: 'X',
      transactionId: 'T',
      status: 'SUCCESS',
      receivedAt: 1,
      body: {},
    });
    await closeAll();
    await appendFile(join(dir, FILES.callbacks), '\u0000\u0000\u0000');
    const s2 = await openAt(dir);
    expect(await s2.callbacks.list('X')).toHaveLength(1);
    expect(
      await s2.callbacks.record({
        externalTransactionId: 'X',
        transactionId: 'T',
        status: 'FAILLED',
        receivedAt: 2,
        body: {},
      }),
    ).toBe('new');
    await closeAll();
    const s3 = await openAt(dir);
    expect((await s3.callbacks.list('X')).map((r) => r.status)).toEqual(['SUCCESS', 'FAILLED']);
  });

  it('ignores and removes a leftover temp file from an interrupted write', async () => {
    const dir = await fresh();
    const s = await openAt(dir);
    await s.orders.create(makeOrder('A1'));
    await closeAll();
    const tmp = join(dir, `.${FILES.openOrders}.tmp`);
    await writeFile(tmp, '{"A1":{"id":"A1","ver');
    const s2 = await openAt(dir);
    expect((await s2.orders.get('A1'))?.version).toBe(1);
    await expect(stat(tmp)).rejects.toThrow();
  });

  it('refuses to start on a damaged hot file instead of starting empty', async () => {
    const dir = await fresh();
    await writeFile(join(dir, FILES.openOrders), '{"A1": {');
    await expect(openLowdbStore({ dir })).rejects.toThrow(/not valid JSON/);
    // The lock is released after a failed open.
    await writeFile(join(dir, FILES.openOrders), '{}');
    const s = await openAt(dir);
    expect(await s.orders.listOpen()).toEqual([]);
  });

  it('lets only one store open a directory; a stale lock from a dead pid is taken over', async () => {
    const dir = await fresh();
    await openAt(dir);
    await expect(openLowdbStore({ dir })).rejects.toBeInstanceOf(StoreLockedError);
    await closeAll();
    await expect(stat(join(dir, FILES.lock))).rejects.toThrow();
    // A lock left by a crashed process (a pid that no longer exists) on this host.
    const { hostname } = await import('node:os');
    await writeFile(join(dir, FILES.lock), JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), at: 0 }));
    const s = await openAt(dir);
    expect(await s.ping()).toBe(true);
    const lock = JSON.parse(await readFile(join(dir, FILES.lock), 'utf8'));
    expect(lock.pid).toBe(process.pid);
  });

  it('a lock with our own pid left by a previous incarnation (pid 1 in a container) is stale', async () => {
    const dir = await fresh();
    const { hostname } = await import('node:os');
    await writeFile(join(dir, FILES.lock), JSON.stringify({ pid: process.pid, host: hostname(), at: 0 }));
    const s = await openAt(dir);
    expect(await s.ping()).toBe(true);
  });

  it('kv namespaces live in their own files and are written atomically', async () => {
    const dir = await fresh();
    const s = await openAt(dir);
    await s.kv.setMany('wa/auth', { creds: { a: 1 }, 'pre-key-1': 'x' });
    await s.kv.set('settings', 'margin', 2);
    await closeAll();
    const auth = JSON.parse(await readFile(join(dir, 'kv-wa~2fauth.json'), 'utf8'));
    expect(auth).toEqual({ creds: { a: 1 }, 'pre-key-1': 'x' });
    expect(JSON.parse(await readFile(join(dir, 'kv-settings.json'), 'utf8'))).toEqual({ margin: 2 });
  });

  it('keeps the status-lookup and dedupe files bounded', async () => {
    const dir = await fresh();
    let t = 1_000_000;
    const s = await openLowdbStore({ dir, now: () => t, lookupRetentionMs: 60_000 });
    open.push(s);
    await s.statusLookups.tryAcquire('OLD', t, 3, 10_000);
    t += 120_000;
    await s.statusLookups.tryAcquire('NEW', t, 3, 10_000);
    await s.dedupe.firstSeen('m1', 1_000, 100);
    await s.dedupe.firstSeen('m2', 2_000, 100);
    // A clean close folds the log into the snapshots: they hold the live rows only.
    await closeAll();
    expect(Object.keys(JSON.parse(await readFile(join(dir, 'status-lookups.json'), 'utf8')))).toEqual([
      'NEW',
    ]);
    expect(Object.keys(JSON.parse(await readFile(join(dir, FILES.dedupe), 'utf8')))).toEqual(['m2']);
  });

  it('refuses calls after close', async () => {
    const dir = await fresh();
    const s = await openLowdbStore({ dir });
    await s.close();
    expect(await s.ping()).toBe(false);
    await expect(s.orders.get('A1')).rejects.toThrow(/closed/);
  });
});

describe('lowdb store after a hard kill', () => {
  /** Runs the writer from `first` and SIGKILLs it once `killAt` steps are acknowledged. */
  async function runAndKill(dir: string, first: number, killAt: number): Promise<number> {
    const { spawn } = await import('node:child_process');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'crash-child.ts'), dir, String(first)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let acked = first - 1;
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code, signal) => (signal ? resolve() : reject(new Error(`child exited ${code}`))));
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        for (const m of out.matchAll(/ack (\d+)\n/g)) acked = Math.max(acked, Number(m[1]));
        if (acked >= killAt) child.kill('SIGKILL');
      });
    });
    return acked;
  }

  async function checkAcked(s: Store, upTo: number): Promise<void> {
    for (let i = 0; i <= upTo; i++) {
      const cid = `+22177${String(1_000_000 + i).slice(-7)}`;
      expect(await s.orders.get(`K${i}`), `K${i}`).toMatchObject({ state: 'completed', version: 3 });
      // Found through the archive index too (rebuilt from its checkpoint plus the lines after it).
      expect((await s.orders.findByExternalId(`K${i}-D`))?.id).toBe(`K${i}`);
      expect(await s.callbacks.list(`K${i}-C`)).toHaveLength(1);
      expect(await s.customers.get(cid), cid).toMatchObject({ version: 2, lang: 'wo', lastSeenAt: i });
      expect(await s.conversations.get(cid)).toEqual({ step: 'menu', i });
      expect(await s.outbox.get(`K${i}:r1`)).toMatchObject({ state: 'pending', chat: cid });
      expect(await s.outbox.get(`K${i}:r2`)).toMatchObject({ state: 'pending' });
      expect((await s.outbox.get(`K${i}:r2`))!.seq).toBeGreaterThan((await s.outbox.get(`K${i}:r1`))!.seq);
      expect(await s.dedupe.firstSeen(`msg-${i}`, Date.now(), 3_600_000)).toBe(false);
      expect(await s.kv.get('wa-auth', `session-${i}`)).toMatchObject({ s: i });
    }
    expect((await s.kv.get<{ i: number }>('wa-auth', 'creds'))!.i).toBeGreaterThanOrEqual(upTo);
    const done = await s.orders.list({ customerId: '+221771234567', states: ['completed'] });
    expect(done.filter((o) => Number(o.id.slice(1)) <= upTo)).toHaveLength(upTo + 1);
  }

  it('keeps every acknowledged write, killed at several points, and reopens cleanly', async () => {
    const dir = await tempDir();
    try {
      // Killed three times at different points, restarted on the same data in between (the log is
      // compacted often: small threshold in the child).
      let acked = -1;
      for (const steps of [25, 12, 30]) acked = await runAndKill(dir, acked + 1, acked + steps);
      expect(acked).toBeGreaterThanOrEqual(66);
      const s = await openLowdbStore({ dir });
      try {
        await checkAcked(s, acked);
        // Whatever was in flight is either absent or a consistent earlier version.
        const inFlight = await s.orders.get(`K${acked + 1}`);
        if (inFlight) expect(inFlight.version).toBeGreaterThanOrEqual(1);
        const open = (await s.orders.listOpen()).map((o) => o.id);
        expect(open.every((id) => /^K\d+$/.test(id) && !(Number(id.slice(1)) <= acked))).toBe(true);
        const c = await s.orders.create(makeOrder('AFTER'));
        expect(c.version).toBe(1);
      } finally {
        await s.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
