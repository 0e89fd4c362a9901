// The bot in-process with STORE=postgres: one airtime purchase end to end, state in PostgreSQL.
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningBot } from '../../src/bot.js';
import { loadConfig } from '../../src/config.js';
import type { Order } from '../../src/orders/types.js';
import { externalIds } from '../../src/store/query.js';
import { say, startTestBot, transcript, waitFor } from '../e2e/helpers.js';
import { dropDatabase, freshDatabase } from './pg-db.js';

const CUSTOMER = '+221771234568';
let bot: RunningBot | undefined;
let url: string | undefined;

afterEach(async () => {
  await bot?.stop();
  bot = undefined;
  if (url) await dropDatabase(url);
  url = undefined;
});

describe('bot on STORE=postgres', () => {
  it('config refuses STORE=postgres without DATABASE_URL, with a clear message', () => {
    expect(() => loadConfig({ STORE: 'postgres' })).toThrow(/DATABASE_URL: required with STORE=postgres/);
    expect(() => loadConfig({ STORE: 'postgres', DATABASE_URL: 'mysql://x' })).toThrow(/postgres:\/\//);
    const c = loadConfig({ STORE: 'postgres', DATABASE_URL: 'postgres://u:p@h/db' });
    expect(c).toMatchObject({ DATABASE_POOL_SIZE: 10, DATABASE_STATEMENT_TIMEOUT_MS: 10_000 });
  });

  it('answers each message with its own replies, sent once, while their sent marks are stored after the answer', async () => {
    url = await freshDatabase();
    bot = await startTestBot({ STORE: 'postgres', DATABASE_URL: url, DATABASE_POOL_SIZE: '4' });
    // Many new customers at once, each answered with its welcome.
    const phones = Array.from({ length: 20 }, (_, i) => `+2217760000${String(i).padStart(2, '0')}`);
    const answers = await Promise.all(phones.map((p) => say(bot!, p, 'bonjour')));
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(a.replies.length).toBeGreaterThan(0);
    }
    // One customer writing again the moment each answer comes: the previous turn's marks may not be
    // stored yet, and the next answer still carries its own replies, in order, and nothing earlier.
    const said: string[] = [];
    for (const text of ['menu', '1', 'annuler', 'menu']) {
      const a = await say(bot, CUSTOMER, text);
      expect(a.status).toBe(200);
      expect(a.replies.length).toBeGreaterThan(0);
      said.push(...a.replies.map((r) => r.text));
    }
    const out = (await transcript(bot, CUSTOMER)).filter((e) => e.direction === 'out').map((e) => e.text);
    expect(out).toEqual(said);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      await waitFor(async () => {
        const r = await c.query("SELECT count(*)::int AS n FROM outbox WHERE state <> 'sent'");
        return r.rows[0].n === 0;
      }, 5_000);
      const sent = await c.query('SELECT chat, count(*)::int AS n FROM outbox GROUP BY chat');
      const byChat = new Map(sent.rows.map((r) => [r.chat as string, r.n as number]));
      expect(byChat.get(CUSTOMER)).toBe(said.length);
      for (const [i, p] of phones.entries()) expect(byChat.get(p)).toBe(answers[i]!.replies.length);
    } finally {
      await c.end();
    }
  });

  it('buys airtime through the sandbox: one collect, one delivery, one receipt, the order completed in the database', async () => {
    url = await freshDatabase();
    bot = await startTestBot({ STORE: 'postgres', DATABASE_URL: url, DATABASE_POOL_SIZE: '4' });
    const first = await say(bot, CUSTOMER, 'crédit 1000 pour 78 000 11 22');
    expect(first.status).toBe(200);
    const summary = first.replies[0]!.text;
    expect(summary).toContain('1 000 FCFA');
    const waveOption = summary.match(/(\d)\W{0,3}\s*Wave/)?.[1] ?? '1';
    const second = await say(bot, CUSTOMER, waveOption);
    expect(second.replies.map((r) => r.text).join('\n')).toMatch(/https?:\/\/\S+/);

    const receipts = await waitFor(async () => {
      const r = (await transcript(bot!, CUSTOMER)).filter((e) => e.via === 'receipt');
      return r.length > 0 ? r : undefined;
    }, 15_000);
    await new Promise((r) => setTimeout(r, 500));
    expect((await transcript(bot, CUSTOMER)).filter((e) => e.via === 'receipt')).toHaveLength(1);
    expect(receipts[0]!.text).toContain('1 000 FCFA');

    const txs = bot.simulator!.control.transactions() as { codeService: string; status: string }[];
    expect(
      txs.filter((t) => t.codeService === 'WAVE_SN_API_CASH_OUT' && t.status === 'SUCCESS'),
    ).toHaveLength(1);
    expect(
      txs.filter((t) => t.codeService === 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE' && t.status === 'SUCCESS'),
    ).toHaveLength(1);

    // The state lives in PostgreSQL: the order, its callbacks and the customer are rows there.
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      const orders = (await c.query('SELECT state, customer_id FROM orders')).rows;
      expect(orders).toEqual([{ state: 'completed', customer_id: CUSTOMER }]);
      // Every operation's externalTransactionId is indexed, and each is unique to this order.
      const body = (await c.query('SELECT body FROM orders')).rows[0].body as Order;
      const exts = (await c.query('SELECT ext FROM order_ext_ids ORDER BY ext')).rows.map((r) => r.ext);
      expect(exts).toEqual([...externalIds(body)].sort());
      expect(exts.length).toBeGreaterThanOrEqual(2);
      expect(Number((await c.query('SELECT count(*) FROM callbacks')).rows[0].count)).toBeGreaterThan(0);
      expect((await c.query('SELECT id FROM customers')).rows).toEqual([{ id: CUSTOMER }]);
    } finally {
      await c.end();
    }
  });
});
