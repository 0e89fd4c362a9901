// The PostgreSQL store: every repo of the contract on one database, shared by any number of instances.
import type { Logger } from '../../logger.js';
import type { Store } from '../types.js';
import { alertsRepo } from './alerts.js';
import { broadcastsRepo } from './broadcasts.js';
import { callbacksRepo } from './callbacks.js';
import { conversationsRepo } from './conversations.js';
import { customersRepo } from './customers.js';
import { json, makePool, openDb, types } from './db.js';
import { dedupeRepo } from './dedupe.js';
import { kvRepo } from './kv.js';
import { leasesRepo } from './leases.js';
import { pgLocks } from './locks.js';
import { migrate } from './migrate.js';
import { ordersRepo } from './orders.js';
import { createPipeline } from './pipeline.js';
import { insertOutbox, outboxArrays, outboxRepo } from './outbox.js';
import { statusLookupsRepo } from './status-lookups.js';

export interface PostgresStoreOptions {
  url: string;
  poolSize?: number;
  statementTimeoutMs?: number;
  /** Shared pipelined connections for single-statement reads (default 2; 0 = the pool). */
  pipelineConnections?: number;
  /** Shared pipelined connections for single-statement writes (default 8; 0 = the pool). */
  pipelineWriteConnections?: number;
  logger?: Logger;
}

export async function openPostgresStore(opts: PostgresStoreOptions): Promise<Store> {
  const poolSize = opts.poolSize ?? 10;
  const timeout = opts.statementTimeoutMs ?? 10_000;
  const pool = makePool(opts.url, poolSize, timeout);
  pool.on('error', (err) => opts.logger?.warn({ err }, 'postgres idle client error'));
  // Locks live on their own connections (never the pool's), so a turn holding one always gets a client.
  const locks = pgLocks({
    url: opts.url,
    waitConnections: poolSize,
    onError: (err) => opts.logger?.warn({ err }, 'postgres lock connection lost'),
  });
  const pipeConns = opts.pipelineConnections ?? 2;
  const pipeline =
    pipeConns === 0
      ? undefined
      : createPipeline({
          url: opts.url,
          connections: pipeConns,
          statementTimeoutMs: timeout,
          gather: true,
          types,
          onError: (err) => opts.logger?.warn({ err }, 'postgres pipelined connection lost'),
        });
  // Writes apart from reads: a pipelined commit waits for the WAL flush, and a read queued behind it
  // would wait too. Several connections, so that commits still flush together: one connection's commits
  // flush one after the other, so their number caps commits per flush (bench:pg: 4 capped chat turns).
  const writeConns = opts.pipelineWriteConnections ?? 8;
  const writes =
    writeConns === 0
      ? undefined
      : createPipeline({
          url: opts.url,
          connections: writeConns,
          statementTimeoutMs: timeout,
          types,
          onError: (err) => opts.logger?.warn({ err }, 'postgres pipelined connection lost'),
        });
  const db = openDb(pool, pipeline, writes);
  try {
    const applied = await migrate(pool);
    if (applied.length) opts.logger?.info({ applied }, 'database migrations applied');
  } catch (err) {
    await pool.end();
    await locks.end();
    await pipeline?.end();
    await writes?.end();
    throw err;
  }
  let closed = false;
  return {
    kind: 'postgres',
    orders: ordersRepo(db),
    callbacks: callbacksRepo(db),
    statusLookups: statusLookupsRepo(db),
    customers: customersRepo(db),
    conversations: conversationsRepo(db),
    broadcasts: broadcastsRepo(db),
    alerts: alertsRepo(db),
    kv: kvRepo(db),
    dedupe: dedupeRepo(db),
    leases: leasesRepo(db),
    locks: { run: (key, fn) => locks.run(key, fn) },
    outbox: outboxRepo(db),
    async commit(unit, at) {
      // One statement, hence one transaction and one round trip, whatever the unit holds.
      const conv = unit.conversation;
      const state = conv && conv.state !== null && conv.state !== undefined ? json(conv.state) : null;
      const outbox = outboxArrays(unit.outbox ?? [], at);
      if (!conv && !unit.outbox?.length) return;
      await db.q(
        `WITH del AS (DELETE FROM conversations WHERE $1::boolean AND $3::text IS NULL AND customer_id = $2),
         up AS (INSERT INTO conversations (customer_id, state) SELECT $2, $3::jsonb WHERE $1::boolean AND $3::text IS NOT NULL
           ON CONFLICT (customer_id) DO UPDATE SET state = excluded.state),
         ob AS (${insertOutbox(4)})
         SELECT 1`,
        [conv !== undefined, conv?.customerId ?? '', state, ...outbox],
      );
    },
    async ping() {
      if (closed) return false;
      try {
        await db.q('select 1');
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await locks.end();
      await db.close();
    },
  };
}
