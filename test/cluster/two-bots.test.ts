// Two bots (two instances, sandbox channel) on one PostgreSQL database: each singleton is held by one of
// them; one customer's messages are handled one after the other whichever instance gets them, so two taps
// of the wallet choice at once make one order; a clean stop hands the singletons over.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunningBot } from '../../src/bot.js';
import { ROLE_LEASES } from '../../src/cluster/roles.js';
import { say, startTestBot, waitFor } from '../e2e/helpers.js';
import { dropDatabase, freshDatabase } from '../store/pg-db.js';

const bots: RunningBot[] = [];
let url: string | undefined;
afterAll(async () => {
  for (const b of bots) await b.stop().catch(() => undefined);
  if (url) await dropDatabase(url);
});

async function leases(dbUrl: string): Promise<Record<string, string>> {
  const c = new pg.Client({ connectionString: dbUrl });
  await c.connect();
  try {
    const rows = (
      await c.query(
        "SELECT name, owner FROM leases WHERE name LIKE 'singleton:%' AND expires_at > $1 ORDER BY name",
        [Date.now()],
      )
    ).rows as { name: string; owner: string }[];
    return Object.fromEntries(rows.map((r) => [r.name, r.owner]));
  } finally {
    await c.end();
  }
}

async function lockHeld(dbUrl: string, key: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: dbUrl });
  await c.connect();
  try {
    const r = await c.query(
      `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted
         AND ((classid::bigint << 32) | objid::bigint) = (hashtextextended($1, 0) & x'ffffffffffffffff'::bigint)`,
      [key],
    );
    return (r.rowCount ?? 0) > 0;
  } finally {
    await c.end();
  }
}

async function ordersOf(dbUrl: string, customer: string): Promise<number> {
  const c = new pg.Client({ connectionString: dbUrl });
  await c.connect();
  try {
    return Number(
      (await c.query('SELECT count(*) FROM orders WHERE customer_id = $1', [customer])).rows[0].count,
    );
  } finally {
    await c.end();
  }
}

describe('two bots on one PostgreSQL database', () => {
  it('singletons held once; simultaneous taps make one order; a clean stop hands over', async () => {
    url = await freshDatabase();
    const env = (id: string) => ({
      STORE: 'postgres',
      DATABASE_URL: url!,
      DATABASE_POOL_SIZE: '4',
      INSTANCE_ID: id,
      LEASE_TTL_MS: '3000',
    });
    const a = await startTestBot(env('bot-a'));
    bots.push(a);
    const b = await startTestBot(env('bot-b'));
    bots.push(b);
    const held = await leases(url);
    expect(Object.keys(held).sort()).toEqual(Object.values(ROLE_LEASES).sort());
    // Each role has one holder, one of the two instances (A, started first, normally holds them all).
    for (const owner of Object.values(held)) expect(['bot-a', 'bot-b']).toContain(owner);

    // Two customers, each tapping the wallet choice on both instances at the same moment.
    for (const customer of ['+221771230001', '+221771230002']) {
      const first = await say(a, customer, 'crédit 1000 pour 78 000 11 22');
      const summary = first.replies[0]!.text;
      expect(summary).toContain('1 000 FCFA');
      const option = summary.match(/(\d)\W{0,3}\s*Wave/)?.[1] ?? '1';
      const [ra, rb] = await Promise.all([say(a, customer, option), say(b, customer, option)]);
      expect([ra.status, rb.status]).toEqual([200, 200]);
      expect(await ordersOf(url, customer)).toBe(1);
    }

    // Consecutive messages reaching different instances are handled in order: the choice sent to B a
    // moment after the request sent to A waits for A's turn, so it finds the summary and places the order.
    const c3 = '+221771230003';
    let answered = false;
    const req = say(a, c3, 'crédit 2000 pour 78 000 11 22').finally(() => {
      answered = true;
    });
    // B's message is sent once A's turn holds the customer's lock (or is already over).
    await waitFor(async () => answered || (await lockHeld(url!, `customer:${c3}`)), 10_000, 2);
    const tap = say(b, c3, '1');
    const [r1, r2] = await Promise.all([req, tap]);
    expect(r1.replies[0]!.text).toContain('2 000 FCFA');
    expect(r2.status).toBe(200);
    expect(await ordersOf(url, c3)).toBe(1);

    // A stops cleanly: it gives its leases back and B takes every role within one renewal period.
    await a.stop();
    bots.shift();
    const after = await waitFor(async () => {
      const l = await leases(url!);
      return Object.keys(l).length === 4 && Object.values(l).every((o) => o === 'bot-b') ? l : undefined;
    }, 5_000);
    expect(Object.keys(after)).toHaveLength(4);
  }, 60_000);
});
