// A fresh database per test file (or per call), so files run in parallel on one server.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres/index.js';
import type { Store } from '../../src/store/types.js';

export function serverUrl(): string {
  const url = inject('postgresUrl');
  if (!url) throw new Error('no PostgreSQL for the tests: globalSetup test/setup/postgres.ts did not run');
  return url;
}

/** Creates an empty database and returns its URL. */
export async function freshDatabase(): Promise<string> {
  const name = `xb_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(serverUrl());
  u.pathname = `/${name}`;
  return u.toString();
}

export async function dropDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: serverUrl() });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/**
 * Several store instances on one fresh database, as several bot processes would open it: opened before the
 * file's tests, closed and the database dropped after. `stores` fills in beforeAll.
 */
export function storesOnOneDatabase(count: number, opts: { poolSize: number }) {
  const stores: Store[] = [];
  const db = { stores, url: '' };
  beforeAll(async () => {
    db.url = await freshDatabase();
    for (let i = 0; i < count; i++)
      stores.push(await openPostgresStore({ url: db.url, poolSize: opts.poolSize }));
  });
  afterAll(async () => {
    for (const s of stores) await s.close();
    await dropDatabase(db.url);
  });
  return db;
}
