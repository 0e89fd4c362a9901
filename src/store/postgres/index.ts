// The PostgreSQL store: every repo of the contract on one database, shared by any number of instances.
import type { Logger } from '../../logger.js';
import type { CommitResult, OutboxMessage, Store, WriteUnit } from '../types.js';
import { alertsRepo } from './alerts.js';
import { broadcastsRepo } from './broadcasts.js';
import { callbacksRepo } from './callbacks.js';
import { conversationsRepo } from './conversations.js';
import { customersRepo } from './customers.js';
import { batcher } from './batch.js';
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
  // The write units of one turn of the event loop (many customers' turns ending together) in one statement,
  // hence one transaction: each unit's conversation and outbox rows are stored together or not at all.
  const commits = batcher<
    {
      customerId: string | undefined;
      state: string | null;
      outbox: unknown[][];
      claim: WriteUnit['claim'];
    },
    CommitResult
  >(
    async (units) => {
      const del: string[] = [];
      const up: [string[], string[]] = [[], []];
      const rows: unknown[][] = [[], [], [], [], [], [], [], []];
      const ids = new Set<string>();
      // A claim holds only if no earlier unit of the batch has rows for its chat (one after the other,
      // the later would find the earlier's rows unsent).
      const chatsSeen = new Set<string>();
      for (const u of units) {
        if (u.customerId !== undefined) {
          if (u.state === null) del.push(u.customerId);
          else {
            up[0].push(u.customerId);
            up[1].push(u.state);
          }
        }
        const claim = u.claim && !chatsSeen.has(u.claim.chat) ? u.claim : undefined;
        u.outbox[0]!.forEach((id, i) => {
          // An id twice would be inserted once one after the other: the first stays.
          if (ids.has(id as string)) return;
          ids.add(id as string);
          for (let c = 0; c < u.outbox.length; c++) rows[c]!.push(u.outbox[c]![i]);
          const mine = claim && u.outbox[1]![i] === claim.chat;
          rows[6]!.push(mine ? claim.owner : null);
          rows[7]!.push(mine ? claim.leaseUntil : null);
        });
        for (const chat of u.outbox[1]!) chatsSeen.add(chat as string);
      }
      const claimed = await db.q<{ id: string; seq: number; body: Omit<OutboxMessage, 'seq'> }>(
        `WITH del AS (DELETE FROM conversations WHERE customer_id = ANY($1::text[])),
         up AS (INSERT INTO conversations (customer_id, state)
           SELECT customer_id, state::jsonb FROM unnest($2::text[], $3::text[]) AS t(customer_id, state)
           ON CONFLICT (customer_id) DO UPDATE SET state = excluded.state),
         ob AS (${insertOutbox(4)})
         SELECT id, seq, body FROM ob WHERE state = 'sending' ORDER BY seq`,
        [del, ...up, ...rows],
      );
      const byId = new Map(claimed.map((r) => [r.id, { ...r.body, seq: r.seq }]));
      return units.map((u) => ({
        claimed: u.outbox[0]!.flatMap((id) => {
          const m = byId.get(id as string);
          return m ? [m] : [];
        }),
      }));
    },
    // One conversation row once per statement (an upsert touches a row once).
    { key: (u) => u.customerId },
  );
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
      const conv = unit.conversation;
      if (!conv && !unit.outbox?.length) return { claimed: [] };
      // Serialised here, so that a unit that cannot be stored fails alone, before any batch.
      const state = conv && conv.state !== null && conv.state !== undefined ? json(conv.state) : null;
      return commits({
        customerId: conv?.customerId,
        state,
        outbox: outboxArrays(unit.outbox ?? [], at),
        claim: unit.claim,
      });
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
