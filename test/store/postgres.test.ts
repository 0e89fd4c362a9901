import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/store/postgres/migrate.js';
import { openPostgresStore } from '../../src/store/postgres/index.js';
import type { Store } from '../../src/store/types.js';
import { runStoreContract } from './contract.js';
import { makeCustomer } from './fixtures.js';
import { dropDatabase, freshDatabase } from './pg-db.js';

let url: string;
let n = 0;
beforeAll(async () => {
  url = await freshDatabase();
});

// Each contract test gets an empty database of its own (tables truncated would race nothing, but a
// database per test keeps tests independent even when one fails mid-way).
runStoreContract('postgres', async () => {
  n++;
  const dbUrl = await freshDatabase();
  let store: Store = await openPostgresStore({ url: dbUrl, poolSize: 10 });
  return {
    get store() {
      return store;
    },
    async reopen() {
      await store.close();
      store = await openPostgresStore({ url: dbUrl, poolSize: 10 });
      return store;
    },
    async cleanup() {
      await store.close();
      await dropDatabase(dbUrl);
    },
  };
});

describe('postgres store: migrations', () => {
  const pools: pg.Pool[] = [];
  afterAll(async () => {
    for (const p of pools) await p.end();
    await dropDatabase(url);
  });

  it('002 dates the rows finished before it, so retention reaches them', async () => {
    const store = await openPostgresStore({ url });
    const pool = new pg.Pool({ connectionString: url });
    pools.push(pool);
    const msg = (id: string, chat: string) => ({
      id,
      chat,
      kind: 'reply' as const,
      payload: { type: 'text' as const, text: id },
    });
    await store.outbox.enqueue([msg('s1', 'A'), msg('f1', 'B'), msg('p1', 'C')], 100);
    const got = await store.outbox.claim('w', 200, 1_000, 10);
    expect(got.map((m) => m.id)).toEqual(['s1', 'f1', 'p1']);
    await store.outbox.markSent('s1', 'w', { at: 1_000 });
    await store.outbox.markFailed('f1', 'w', 'blocked', 2_000);
    await store.outbox.retry('p1', 'w', 0, 'later');
    // As written before 002: no column, no doneAt in the body.
    await pool.query(`ALTER TABLE outbox DROP COLUMN done_at`);
    await pool.query(`UPDATE outbox SET body = body - 'doneAt'`);
    await pool.query(`DELETE FROM schema_migrations WHERE name = '002_outbox_retention.sql'`);
    expect(await migrate(pool)).toEqual(['002_outbox_retention.sql']);
    const dated = await pool.query('SELECT id, done_at FROM outbox ORDER BY id');
    expect(dated.rows).toEqual([
      { id: 'f1', done_at: '100' },
      { id: 'p1', done_at: null },
      { id: 's1', done_at: '1000' },
    ]);
    expect(await store.outbox.prune(1_500, 10)).toBe(2);
    expect((await store.outbox.list({ limit: 10 })).map((m) => m.id)).toEqual(['p1']);
    await store.close();
  });

  it('two instances opening together apply each migration once', async () => {
    const stores = await Promise.all([
      openPostgresStore({ url }),
      openPostgresStore({ url }),
      openPostgresStore({ url }),
    ]);
    const pool = new pg.Pool({ connectionString: url });
    pools.push(pool);
    const rows = (await pool.query('SELECT name FROM schema_migrations ORDER BY name')).rows;
    expect(rows.map((r) => r.name)).toEqual(['001_init.sql', '002_outbox_retention.sql']);
    expect(await migrate(pool)).toEqual([]);
    await stores[0]!.orders.create({ ...(await import('./fixtures.js')).makeOrder('M1') });
    expect((await stores[1]!.orders.get('M1'))?.id).toBe('M1');
    for (const s of stores) await s.close();
    expect(await stores[0]!.ping()).toBe(false);
    expect(n).toBeGreaterThan(0);
  });

  it('npm run db:migrate applies the migrations alone, then finds nothing to do', async () => {
    const fresh = await freshDatabase();
    const run = (): Promise<{ stdout: string }> =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/tools/db-migrate.ts'], {
        env: { ...process.env, DATABASE_URL: fresh },
        timeout: 30_000,
      });
    expect((await run()).stdout).toContain('applied: 001_init.sql');
    expect((await run()).stdout).toContain('up to date');
    const c = new pg.Client({ connectionString: fresh });
    await c.connect();
    const t = await c.query(
      "SELECT count(*)::int AS n FROM pg_tables WHERE tablename IN ('orders', 'order_ext_ids', 'outbox')",
    );
    await c.end();
    expect(t.rows[0].n).toBe(3);
    await dropDatabase(fresh);
  });
});

describe('postgres store: many turns at once', () => {
  it('turns ending together are written in one transaction, and one that PostgreSQL refuses fails alone', async () => {
    const dbUrl = await freshDatabase();
    const store = await openPostgresStore({ url: dbUrl });
    const pool = new pg.Pool({ connectionString: dbUrl });
    try {
      const reply = (id: string, chat: string) => ({
        id,
        chat,
        kind: 'reply' as const,
        payload: { type: 'text' as const, text: `hi ${id}` },
      });
      const customers = ['c1', 'c2', 'c3', 'c4', 'c5'];
      await Promise.all(
        customers.map((c) =>
          store.commit(
            { conversation: { customerId: c, state: { step: c } }, outbox: [reply(`r-${c}`, c)] },
            10,
          ),
        ),
      );
      // Rows written by one statement share its transaction id (xmin).
      const xmins = await pool.query(
        'SELECT (SELECT count(DISTINCT xmin::text) FROM outbox)::int AS outbox, (SELECT count(DISTINCT xmin::text) FROM conversations)::int AS conv',
      );
      expect(xmins.rows[0]).toEqual({ outbox: 1, conv: 1 });

      // JSON that PostgreSQL's jsonb refuses (a NUL character): accepted by JavaScript, refused by the server.
      const out = await Promise.allSettled([
        store.commit(
          { conversation: { customerId: 'd1', state: { step: 'ok' } }, outbox: [reply('r-d1', 'd1')] },
          20,
        ),
        store.commit(
          { conversation: { customerId: 'd2', state: { step: 'nul\u0000' } }, outbox: [reply('r-d2', 'd2')] },
          20,
        ),
        store.commit({ conversation: { customerId: 'd3', state: { step: 'ok' } } }, 20),
      ]);
      expect(out.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(await store.conversations.get('d1')).toEqual({ step: 'ok' });
      expect(await store.conversations.get('d2')).toBeUndefined();
      expect(await store.outbox.get('r-d2')).toBeUndefined();
      expect(await store.conversations.get('d3')).toEqual({ step: 'ok' });

      // Customers' first messages at once: one statement for the dedupe keys, one for the customers.
      await Promise.all(customers.map((c) => store.dedupe.firstSeen(`conv:${c}:m1`, 30, 60_000)));
      const dedupe = await pool.query('SELECT count(DISTINCT xmin::text)::int AS n FROM dedupe');
      expect(dedupe.rows[0].n).toBe(1);
      await Promise.all(customers.map((c) => store.customers.getOrCreate(makeCustomer(c))));
      const created = await pool.query('SELECT count(DISTINCT xmin::text)::int AS n FROM customers');
      expect(created.rows[0].n).toBe(1);
    } finally {
      await pool.end();
      await store.close();
      await dropDatabase(dbUrl);
    }
  });
});

describe('postgres store: openTurn', () => {
  const input = (id: string, key: string, at = 1_000) => ({
    dedupe: { key, at, ttlMs: 60_000 },
    customer: makeCustomer(id, { firstSeenAt: at, lastSeenAt: at }),
    recentOrders: 5,
  });

  it('turns opened together: one statement writes every dedupe key and new customer', async () => {
    const dbUrl = await freshDatabase();
    const store = await openPostgresStore({ url: dbUrl });
    const pool = new pg.Pool({ connectionString: dbUrl });
    try {
      const ids = ['+221770000001', '+221770000002', '+221770000003', '+221770000004'];
      const got = await Promise.all(ids.map((id, i) => store.openTurn(input(id, `conv:${id}:m${i}`))));
      expect(got.every((g) => g.first && g.created)).toBe(true);
      // Rows written by one statement share its transaction id (xmin), across both tables.
      const x = await pool.query(
        `SELECT count(DISTINCT x)::int AS n FROM (SELECT xmin::text AS x FROM dedupe UNION ALL SELECT xmin::text FROM customers) t`,
      );
      expect(x.rows[0].n).toBe(1);
    } finally {
      await pool.end();
      await store.close();
      await dropDatabase(dbUrl);
    }
  });

  it('a customer another transaction inserts while the statement runs is read afterwards, not lost', async () => {
    const dbUrl = await freshDatabase();
    const store = await openPostgresStore({ url: dbUrl });
    const other = new pg.Client({ connectionString: dbUrl });
    await other.connect();
    try {
      const id = '+221775555555';
      const theirs = makeCustomer(id, { lang: 'wo', firstSeenAt: 5 });
      // Inserted, not yet committed: the statement's insert waits on it, its snapshot predates the commit.
      await other.query('BEGIN');
      await other.query('INSERT INTO customers (id, version, subscribed, body) VALUES ($1, 1, true, $2)', [
        id,
        JSON.stringify(theirs),
      ]);
      await other.query('INSERT INTO conversations (customer_id, state) VALUES ($1, \'{"step":"menu"}\')', [
        id,
      ]);
      const opening = store.openTurn(input(id, 'conv:x:m1'));
      await new Promise((r) => setTimeout(r, 200));
      await other.query('COMMIT');
      const o = await opening;
      expect(o).toMatchObject({ first: true, created: false, customer: { id, lang: 'wo', firstSeenAt: 5 } });
      expect(o.conversation).toEqual({ step: 'menu' });
      expect(await store.customers.count()).toBe(1);
    } finally {
      await other.end();
      await store.close();
      await dropDatabase(dbUrl);
    }
  });
});
