// Store.openTurn in one statement for every turn that opens in one turn of the event loop: the message's
// dedupe insert, the customer's get-or-create, its conversation and its latest orders, instead of four
// statements in two round trips (bench:pg: a chat turn's statements went from 8 to 5). The parameter is
// one JSON document: the customers' bodies go as JSON inside it, not as escaped text-array elements.
import type { Order } from '../../orders/types.js';
import { copy } from '../query.js';
import { turnReads } from '../open-turn.js';
import type { Customer, Store, TurnOpening, TurnOpenInput } from '../types.js';
import { batcher, batchersBy } from './batch.js';
import { insertCustomers } from './customers.js';
import { type Db, json } from './db.js';
import { type DedupeSweep, insertDedupe } from './dedupe.js';

interface Item {
  i: number;
  id: string;
  subscribed: boolean;
  body: Customer;
  key: string;
  exp: number;
  lim: number;
}

// The main query reads the statement's snapshot, which does not see the CTEs' inserts: a created
// customer comes from `ins`, an existing one from `customers`. One the snapshot missed (inserted by
// another transaction meanwhile) comes from neither: that item is settled by the repos after.
// Each read is a subquery per item, so it goes by its table's key whatever the planner guesses of the
// JSON document's rows (a join went by a sequential scan of every conversation).
const OPEN = `WITH v AS (SELECT * FROM jsonb_to_recordset($1::jsonb)
    AS v(i int, id text, subscribed boolean, body jsonb, key text, exp bigint, lim int)),
 d AS (${insertDedupe('SELECT key, exp FROM v', '$2::bigint')}),
 ins AS (${insertCustomers('SELECT id, 1, subscribed, body FROM v')})
SELECT v.i, EXISTS (SELECT 1 FROM d WHERE d.key = v.key) AS first,
  coalesce(ins.body, (SELECT c.body FROM customers c WHERE c.id = v.id)) AS customer,
  ins.id IS NOT NULL AS created,
  (SELECT state FROM conversations WHERE customer_id = v.id) AS conversation,
  (SELECT coalesce(jsonb_agg(o.body ORDER BY o.created_at DESC, o.id DESC), '[]'::jsonb)
     FROM (SELECT body, created_at, id FROM orders WHERE customer_id = v.id
           ORDER BY created_at DESC, id DESC LIMIT v.lim) o) AS orders
FROM v LEFT JOIN ins ON ins.id = v.id`;

interface Row {
  i: number;
  first: boolean;
  customer: Customer | null;
  created: boolean;
  conversation: unknown | null;
  orders: Order[];
}

export function openTurnRepo(
  db: Db,
  repos: Pick<Store, 'dedupe' | 'customers' | 'conversations' | 'orders'>,
  sweep: DedupeSweep,
): (input: TurnOpenInput) => Promise<TurnOpening> {
  // Per TTL, as the dedupe repo: "expired" is checked against each caller's own now (expires_at - ttl).
  const openWith = batchersBy((ttlMs: number) =>
    batcher<Omit<Item, 'i'>, Row | undefined>(
      async (items) => {
        const rows = await db.q<Row>(OPEN, [json(items.map((it, i) => ({ ...it, i }))), ttlMs]);
        const out: (Row | undefined)[] = items.map(() => undefined);
        for (const r of rows) out[r.i] = r;
        return out;
      },
      // One customer once per statement (its insert touches its row once); dedupe keys name the customer.
      { key: (it) => it.id },
    ),
  );

  return async (input) => {
    const { key, at, ttlMs } = input.dedupe;
    const body = { ...copy(input.customer), version: 1 };
    const row = await openWith(ttlMs)({
      id: body.id,
      subscribed: body.subscribed,
      body,
      key,
      exp: at + ttlMs,
      lim: Math.max(0, input.recentOrders),
    });
    await sweep(at);
    if (!row) throw new Error('openTurn: no row for the customer');
    if (!row.customer) {
      // Inserted by another transaction after the statement's snapshot: read it (and its turn) afresh.
      const { customer, created } = await repos.customers.getOrCreate(input.customer);
      const reads = row.first
        ? await turnReads(repos, customer.id, input.recentOrders)
        : { conversation: undefined, recentOrders: [] };
      return { first: row.first, customer, created, ...reads };
    }
    return {
      first: row.first,
      customer: row.customer,
      created: row.created,
      conversation: row.conversation ?? undefined,
      recentOrders: row.orders,
    };
  };
}
