// Settled orders for bench:pg's callback workload: each one's collect operation succeeded, so a callback
// for it is a duplicate the bot acknowledges and ignores.
import pg from 'pg';
import type { Order } from '../src/orders/types.js';
import type { Store } from '../src/store/types.js';
import { buildCallbackBody } from '../test/helpers/intech-signer.js';

function settled(i: number): Order {
  const id = `BP${i.toString(36).toUpperCase().padStart(6, '0')}`;
  const at = Date.now() - 3_600_000 + i;
  const payer = `+22177${String(3_000_000 + i).slice(-7)}`;
  return {
    id,
    version: 1,
    customerId: payer,
    lang: 'fr',
    kind: 'airtime',
    codeService: 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE',
    amount: 1_000,
    recipient: payer,
    payment: { codeService: 'WAVE_SN_API_CASH_OUT', payer },
    state: 'completed',
    operations: {
      collect: {
        step: 'collect',
        externalTransactionId: `${id}-collect`,
        codeService: 'WAVE_SN_API_CASH_OUT',
        amount: 1_000,
        status: 'success',
        intechStatus: 'SUCCESS',
        transactionId: `TXB${i}C`,
        recordedAt: at,
        sentAt: at + 1_000,
        settledAt: at + 30_000,
      },
      deliver: {
        step: 'deliver',
        externalTransactionId: `${id}-deliver`,
        codeService: 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE',
        amount: 1_000,
        status: 'success',
        intechStatus: 'SUCCESS',
        transactionId: `TXB${i}D`,
        recordedAt: at + 31_000,
        sentAt: at + 32_000,
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

/** Stores n settled orders; returns the (unsigned) success callback of each one's collect operation. */
export async function seedSettledOrders(store: Store, n: number) {
  const bodies: ReturnType<typeof buildCallbackBody>[] = [];
  for (let i = 0; i < n; i++) {
    const o = await store.orders.create(settled(i));
    const op = o.operations.collect!;
    bodies.push(
      buildCallbackBody(op.externalTransactionId, {
        transactionId: op.transactionId!,
        codeService: op.codeService,
        amount: op.amount,
        phone: o.payment.payer.slice(4),
        data: { orderId: o.id },
      }),
    );
  }
  return bodies;
}

/**
 * A database with a past, as a running install has: `n` earlier customers, each with a conversation, a
 * dedupe key and a sent reply, then VACUUM ANALYZE. PostgreSQL plans a prepared statement once per
 * connection from the statistics of the moment; on empty, never-analyzed tables it plans for empty tables
 * (a sequential scan looks cheapest) and keeps that plan while the tables grow during the run.
 */
export async function seedHistory(url: string, n: number): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const at = Date.now() - 86_400_000;
    await c.query(
      `WITH g AS (SELECT i, '+22178' || lpad(i::text, 7, '0') AS id FROM generate_series(1, $1::int) i),
       cu AS (INSERT INTO customers (id, version, subscribed, body)
         SELECT id, 1, true, jsonb_build_object('id', id, 'version', 1, 'phone', id, 'lang', 'fr',
           'subscribed', true, 'paused', false, 'beneficiaries', '[]'::jsonb, 'firstSeenAt', $2::bigint,
           'lastSeenAt', $2::bigint) FROM g),
       co AS (INSERT INTO conversations (customer_id, state)
         SELECT id, '{"step":"idle"}'::jsonb FROM g),
       de AS (INSERT INTO dedupe (key, expires_at) SELECT 'conv:' || id || ':past', $2::bigint + 172800000 FROM g)
       INSERT INTO outbox (id, chat, state, wa_message_id, body, done_at)
       SELECT 'reply:' || id || ':past:0', id, 'sent', 'past-' || i,
         jsonb_build_object('id', 'reply:' || id || ':past:0', 'chat', id, 'kind', 'reply',
           'payload', jsonb_build_object('type', 'text', 'text', 'Bienvenue'), 'createdAt', $2::bigint,
           'state', 'sent', 'attempts', 0, 'sentAt', $2::bigint, 'doneAt', $2::bigint,
           'waMessageId', 'past-' || i), $2::bigint
       FROM g`,
      [n, at],
    );
    await c.query('VACUUM ANALYZE');
  } finally {
    await c.end();
  }
}
