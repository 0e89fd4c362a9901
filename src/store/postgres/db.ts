// The shared connection helper: one pool, a transaction wrapper, JSON parameters and bigint parsing.
import pg from 'pg';

export type Queryable = Pick<pg.PoolClient, 'query'>;

// bigint columns hold epoch ms (safe integers); read them as numbers, not strings.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

export interface Db {
  pool: pg.Pool;
  q<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]>;
  tx<T>(fn: (c: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export function makePool(url: string, max: number, statementTimeoutMs: number): pg.Pool {
  return new pg.Pool({ connectionString: url, max, statement_timeout: statementTimeoutMs, types });
}

export function openDb(pool: pg.Pool): Db {
  let closed = false;
  const db: Db = {
    pool,
    async q(sql, params) {
      if (closed) throw new Error('store is closed');
      return (await pool.query(sql, params as unknown[])).rows;
    },
    async tx(fn) {
      if (closed) throw new Error('store is closed');
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        const out = await fn(c);
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
