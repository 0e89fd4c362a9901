// The shared connection helper: one pool, a transaction wrapper, JSON parameters and bigint parsing.
// Every statement is a named prepared statement (PostgreSQL parses and plans it once per connection,
// the wire carries Bind/Execute only). Single statements outside a transaction go pipelined: reads on
// their own connections, writes on others (a pipelined commit holds its connection until the WAL flush,
// a read must not queue behind it); transactions take a pooled client.
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Pipeline } from './pipeline.js';

export type Queryable = Pick<pg.PoolClient, 'query'>;

// bigint columns hold epoch ms (safe integers); read them as numbers, not strings.
export const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

export interface Db {
  pool: pg.Pool;
  /** Single statements, outside any transaction, on the shared pipelined connections (reads or writes). */
  one: Queryable;
  q<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]>;
  /**
   * A write that usually changes nothing (an idempotent insert of something mostly seen before): sent
   * on the read connections, since with nothing to commit it never waits for the WAL flush.
   */
  qMostlyNoop<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]>;
  tx<T>(fn: (c: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export function makePool(url: string, max: number, statementTimeoutMs: number): pg.Pool {
  return new pg.Pool({ connectionString: url, max, statement_timeout: statementTimeoutMs, types });
}

const names = new Map<string, string>();
/** The prepared statement's name: derived from its text, so every connection agrees on it. */
function nameOf(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `xb_${createHash('sha1').update(text).digest('base64url').slice(0, 16)}`;
    names.set(text, name);
  }
  return name;
}

const isRead = (text: string) =>
  /^\s*select\b/i.test(text) && !/\bfor\s+(update|share|no key|key)\b/i.test(text);

const named = (text: string, values?: unknown[]): pg.QueryConfig => ({
  name: nameOf(text),
  text,
  values: values ?? [],
});

/** A transaction's client, whose statements are prepared too. */
function preparing(c: pg.PoolClient): Queryable {
  const query = (sql: unknown, params?: unknown[]) =>
    typeof sql === 'string' ? c.query(named(sql, params)) : c.query(sql as pg.QueryConfig);
  return { query: query as unknown as Queryable['query'] };
}

export function openDb(pool: pg.Pool, pipeline?: Pipeline, writes?: Pipeline): Db {
  let closed = false;
  const run = (config: pg.QueryConfig) =>
    pipeline && isRead(config.text)
      ? pipeline.query<never>(config)
      : writes
        ? writes.query<never>(config)
        : pool.query<never>(config);
  const one = ((sql: string, params?: unknown[]) => {
    if (closed) return Promise.reject(new Error('store is closed'));
    return run(named(sql, params));
  }) as unknown as Queryable['query'];
  const db: Db = {
    pool,
    one: { query: one },
    async qMostlyNoop(sql, params) {
      if (closed) throw new Error('store is closed');
      const config = named(sql, params);
      return (await (pipeline ? pipeline.query<never>(config) : pool.query<never>(config))).rows;
    },
    async q(sql, params) {
      if (closed) throw new Error('store is closed');
      return (await run(named(sql, params))).rows;
    },
    async tx(fn) {
      if (closed) throw new Error('store is closed');
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        const out = await fn(preparing(c));
        await c.query('COMMIT');
        return out;
      } catch (err) {
        await c.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        c.release();
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await pipeline?.end();
      await writes?.end();
      await pool.end();
    },
  };
  return db;
}

/** JSON text for a jsonb parameter (pg would turn arrays into PostgreSQL arrays); throws on cycles. */
export function json(v: unknown): string {
  const text = JSON.stringify(v);
  if (text === undefined) throw new TypeError('value cannot be stored as JSON');
  return text;
}

export function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string })?.code === '23505';
}
