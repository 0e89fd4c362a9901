// The PostgreSQL store: every repo of the contract on one database, shared by any number of instances.
import type { Logger } from '../../logger.js';
import {
  type CommitResult,
  ConversationChangedError,
  type OutboxMessage,
  type Store,
  type WriteUnit,
} from '../types.js';
import { alertsRepo } from './alerts.js';
import { broadcastsRepo } from './broadcasts.js';
import { callbacksRepo } from './callbacks.js';
import { conversationsRepo } from './conversations.js';
import { customersRepo } from './customers.js';
import { batcher } from './batch.js';
import { json, makePool, openDb, types } from './db.js';
import { dedupeRepo, dedupeSweep } from './dedupe.js';
import { kvRepo } from './kv.js';
import { leasesRepo } from './leases.js';
import { pgLocks } from './locks.js';
import { migrate } from './migrate.js';
import { openTurnRepo } from './open-turn.js';
import { ordersRepo } from './orders.js';
import { createPipeline } from './pipeline.js';
import { insertOutbox, outboxRecord, outboxRepo, outboxRows } from './outbox.js';
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
  // A unit with an expected conversation (compare-and-set) that no longer holds writes nothing and fails
  // alone: its replies are inserted only if its conversation write is in `ok`.
  const commits = batcher<
    {
      customerId: string | undefined;
      /** The unit's conversation as a record of the statement's document (JSON text), if any. */
      conv: string | undefined;
      /** 0: no check; 1: none expected; 2: `expected` expected. */
      mode: 0 | 1 | 2;
      outbox: ReturnType<typeof outboxRows>;
      claim: WriteUnit['claim'];
    },
    CommitResult | ConversationChangedError
  >(
    async (units) => {
      const convs: string[] = [];
      const ids: string[] = [];
      const rows: string[] = [];
      const seen = new Set<string>();
      // A claim holds only if no earlier unit of the batch has rows for its chat (one after the other,
      // the later would find the earlier's rows unsent).
      const chatsSeen = new Set<string>();
      for (const u of units) {
        if (u.conv !== undefined) {
          convs.push(u.conv);
          ids.push(u.customerId!);
        }
        const claim = u.claim && !chatsSeen.has(u.claim.chat) ? u.claim : undefined;
        const gate = u.mode > 0 ? u.customerId! : null;
        for (const r of u.outbox) {
          // An id twice would be inserted once one after the other: the first stays.
          if (seen.has(r.id)) continue;
          seen.add(r.id);
          const mine = claim && r.chat === claim.chat;
          rows.push(
            outboxRecord(r, rows.length, mine ? claim.owner : null, mine ? claim.leaseUntil : null, gate),
          );
        }
        for (const r of u.outbox) chatsSeen.add(r.chat);
      }
      // The checks sit in each write's own WHERE: a row another transaction changes meanwhile is checked
      // again on its newest version (READ COMMITTED), so two instances' stale turns cannot both win.
      // customer_id = ANY($2) lets the planner find the rows by key whatever the table's statistics.
      // A state absent from a record is NULL (delete); `expected` absent with mode 1 means none expected.
      const out = await db.q<{
        ok: string | null;
        id: string;
        seq: number;
        body: Omit<OutboxMessage, 'seq'>;
      }>(
        `WITH v AS NOT MATERIALIZED (SELECT * FROM jsonb_to_recordset($1::jsonb) AS v(id text, state jsonb, expected jsonb, mode int)),
         up AS (INSERT INTO conversations (customer_id, state)
           SELECT id, state FROM v WHERE state IS NOT NULL AND mode = 0
           ON CONFLICT (customer_id) DO UPDATE SET state = excluded.state),
         ins AS (INSERT INTO conversations (customer_id, state)
           SELECT id, state FROM v WHERE state IS NOT NULL AND mode = 1
           ON CONFLICT (customer_id) DO NOTHING RETURNING customer_id),
         upd AS (UPDATE conversations c SET state = v.state FROM v
           WHERE c.customer_id = ANY($2::text[]) AND c.customer_id = v.id AND v.state IS NOT NULL AND v.mode = 2
             AND c.state = v.expected
           RETURNING c.customer_id),
         del AS (DELETE FROM conversations c USING v
           WHERE c.customer_id = ANY($2::text[]) AND c.customer_id = v.id AND v.state IS NULL
             AND (v.mode = 0 OR (v.mode = 2 AND c.state = v.expected))
           RETURNING c.customer_id),
         -- deleting what was expected absent: nothing to do if it still is
         none AS (SELECT id AS customer_id FROM v WHERE state IS NULL AND mode = 1
           AND NOT EXISTS (SELECT 1 FROM conversations c WHERE c.customer_id = v.id)),
         ok AS (SELECT customer_id FROM ins UNION ALL SELECT customer_id FROM upd
           UNION ALL SELECT customer_id FROM del UNION ALL SELECT customer_id FROM none),
         ob AS (${insertOutbox(3, true)})
         SELECT customer_id AS ok, NULL AS id, NULL::bigint AS seq, NULL::jsonb AS body FROM ok
         UNION ALL
         SELECT NULL, id, seq, body FROM ob WHERE state = 'sending'`,
        [`[${convs.join(',')}]`, ids, `[${rows.join(',')}]`],
      );
      const written = new Set<string>();
      const byId = new Map<string, OutboxMessage>();
      for (const r of out) {
        if (r.ok !== null) written.add(r.ok);
        else byId.set(r.id, { ...r.body, seq: Number(r.seq) });
      }
      return units.map((u) => {
        if (u.mode > 0 && !written.has(u.customerId!)) return new ConversationChangedError(u.customerId!);
        return {
          claimed: u.outbox.flatMap((r) => {
            const m = byId.get(r.id);
            return m ? [m] : [];
          }),
        };
      });
    },
    // One conversation row once per statement (an upsert touches a row once).
    { key: (u) => u.customerId },
  );
  let closed = false;
  const sweep = dedupeSweep(db);
  const repos = {
    orders: ordersRepo(db),
    customers: customersRepo(db),
    conversations: conversationsRepo(db),
    dedupe: dedupeRepo(db, sweep),
  };
  return {
    kind: 'postgres',
    ...repos,
    callbacks: callbacksRepo(db),
    statusLookups: statusLookupsRepo(db),
    broadcasts: broadcastsRepo(db),
    alerts: alertsRepo(db),
    kv: kvRepo(db),
    leases: leasesRepo(db),
    locks: { run: (key, fn) => locks.run(key, fn) },
    outbox: outboxRepo(db),
    openTurn: openTurnRepo(db, repos, sweep),
    async commit(unit, at) {
      const conv = unit.conversation;
      if (!conv && !unit.outbox?.length) return { claimed: [] };
      const expected = conv?.expected;
      const mode = !expected ? 0 : expected.state === undefined ? 1 : 2;
      // Serialised here, so that a unit that cannot be stored fails alone, before any batch. A null
      // state (delete) and an undefined expected are left out of the record: NULL in the statement.
      const conversation = conv
        ? json({
            id: conv.customerId,
            mode,
            ...(conv.state !== null && conv.state !== undefined ? { state: conv.state } : {}),
            ...(mode === 2 ? { expected: expected!.state } : {}),
          })
        : undefined;
      const out = await commits({
        customerId: conv?.customerId,
        conv: conversation,
        mode,
        outbox: outboxRows(unit.outbox ?? [], at),
        claim: unit.claim,
      });
      if (out instanceof ConversationChangedError) throw out;
      return out;
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
