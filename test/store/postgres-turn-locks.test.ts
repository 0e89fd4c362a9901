// Many customers at once on a small pool: every turn runs under its customer's lock, and turns that
// need a transaction (an order created, then updated) must still get a pooled connection. Were the
// locks held on the pool's own connections, pool-size customers holding their locks would wait
// forever for a client to create their orders (the bot deadlocked).
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningBot } from '../../src/bot.js';
import { say, startTestBot } from '../e2e/helpers.js';
import { dropDatabase, freshDatabase } from './pg-db.js';

let bot: RunningBot | undefined;
let url: string | undefined;

afterEach(async () => {
  await bot?.stop();
  bot = undefined;
  if (url) await dropDatabase(url);
  url = undefined;
});

describe('turn locks on STORE=postgres with a small pool', () => {
  it('six customers ordering at once on a pool of 2 all get their summary and payment link', async () => {
    url = await freshDatabase();
    bot = await startTestBot({ STORE: 'postgres', DATABASE_URL: url, DATABASE_POOL_SIZE: '2' });
    const b = bot;
    const customers = Array.from({ length: 6 }, (_, i) => `+22177123450${i}`);
    const order = async (phone: string) => {
      const first = await say(b, phone, 'crédit 1000 pour 78 000 11 22');
      const summary = first.replies[0]!.text;
      const wave = summary.match(/(\d)\W{0,3}\s*Wave/)?.[1] ?? '1';
      const second = await say(b, phone, wave);
      return { summary, link: second.replies.map((r) => r.text).join('\n') };
    };
    let timer: NodeJS.Timeout | undefined;
    const stuck = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('turns stuck: the bot deadlocked')), 15_000);
    });
    try {
      const out = await Promise.race([Promise.all(customers.map(order)), stuck]);
      for (const o of out) {
        expect(o.summary).toContain('1 000 FCFA');
        expect(o.link).toMatch(/https?:\/\/\S+/);
      }
    } finally {
      clearTimeout(timer);
    }
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      const rows = (await c.query('SELECT customer_id FROM orders ORDER BY customer_id')).rows;
      expect(rows.map((r) => r.customer_id)).toEqual(customers);
    } finally {
      await c.end();
    }
  }, 30_000);
});
