// store:copy: an existing lowdb install moved into an empty PostgreSQL database, verified by counts.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { openLowdbStore } from '../../src/store/lowdb/index.js';
import { copyStoreToPostgres } from '../../src/store/postgres/copy.js';
import { openPostgresStore } from '../../src/store/postgres/index.js';
import type { Store } from '../../src/store/types.js';
import { finish, makeBroadcast, makeCustomer, makeOrder } from './fixtures.js';
import { dropDatabase, freshDatabase } from './pg-db.js';

const run = promisify(execFile);
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
});

async function seededLowdb(): Promise<{ dir: string; store: Store }> {
  const dir = await mkdtemp(join(tmpdir(), 'xb-copy-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const s = await openLowdbStore({ dir });
  const a = await s.orders.create(makeOrder('A1', { createdAt: 1_000 }));
  await s.orders.update(finish(a), 1);
  await s.orders.create(makeOrder('B2', { createdAt: 2_000 }));
  await s.callbacks.record({
    externalTransactionId: 'A1-C',
    transactionId: 'T1',
    status: 'SUCCESS',
    receivedAt: 5,
    body: {},
  });
  await s.callbacks.record({
    externalTransactionId: 'A1-D',
    transactionId: 'T2',
    status: 'SUCCESS',
    receivedAt: 6,
    body: {},
  });
  await s.customers.getOrCreate(makeCustomer('+221771111111'));
  await s.customers.getOrCreate(makeCustomer('+221772222222'));
  await s.conversations.save('+221771111111', { step: 'menu' });
  await s.broadcasts.create(makeBroadcast('BC1'));
  await s.broadcasts.addRecipients('BC1', ['+221771111111', '+221772222222'], 5);
  await s.broadcasts.mark('BC1', '+221771111111', 'sent', { at: 6, ref: 'o1' });
  await s.alerts.add({ id: 'AL1', at: 1, kind: 'k', message: 'm', resolved: false });
  await s.kv.setMany('wa-auth', { creds: { me: 'x' }, 'pre-key-1': { k: 1 } });
  await s.kv.set('catalog', 'services', { list: [1, 2] });
  await s.outbox.enqueue(
    [1, 2, 3].map((i) => ({
      id: `o${i}`,
      chat: 'c',
      kind: 'reply' as const,
      payload: { type: 'text' as const, text: `m${i}` },
    })),
    7,
  );
  const [m] = await s.outbox.claim('w', 8, 60_000, 1);
  await s.outbox.markSent(m!.id, 'w', { waMessageId: 'WA1', at: 9 });
  return { dir, store: s };
}

describe('store:copy lowdb → postgres', () => {
  it('copies every kind of data with versions and outbox order, verified by counts; refuses a non-empty target', async () => {
    const { store: src } = await seededLowdb();
    cleanups.push(() => src.close());
    const url = await freshDatabase();
    cleanups.push(() => dropDatabase(url));
    const { source, target } = await copyStoreToPostgres(src, url);
    expect(target).toEqual(source);
    expect(source).toEqual({
      orders: 2,
      callbacks: 2,
      customers: 2,
      conversations: 1,
      broadcasts: 1,
      recipients: 2,
      alerts: 1,
      kv: 3,
      outbox: 3,
    });
    const pg = await openPostgresStore({ url });
    cleanups.push(() => pg.close());
    expect(await pg.orders.get('A1')).toEqual(await src.orders.get('A1'));
    expect((await pg.orders.findByExternalId('A1-D'))?.version).toBe(2);
    expect((await pg.orders.listOpen()).map((o) => o.id)).toEqual(['B2']);
    expect(
      await pg.callbacks.record({
        externalTransactionId: 'A1-C',
        transactionId: 'T1',
        status: 'SUCCESS',
        receivedAt: 9,
        body: {},
      }),
    ).toBe('duplicate');
    expect(await pg.customers.get('+221771111111')).toEqual(await src.customers.get('+221771111111'));
    expect(await pg.conversations.get('+221771111111')).toEqual({ step: 'menu' });
    expect(await pg.broadcasts.recipient('BC1', '+221771111111')).toEqual({
      customerId: '+221771111111',
      status: 'sent',
      ref: 'o1',
      at: 6,
    });
    expect(await pg.kv.list('wa-auth')).toEqual({ creds: { me: 'x' }, 'pre-key-1': { k: 1 } });
    expect(await pg.outbox.get('o1')).toMatchObject({ state: 'sent', waMessageId: 'WA1' });
    expect((await pg.outbox.claim('w2', 10, 60_000, 5)).map((m) => m.id)).toEqual(['o2']);
    await expect(copyStoreToPostgres(src, url)).rejects.toThrow(/not empty/);
    // The copied sent message keeps its date: retention reaches it; the others are still in flight.
    expect(await pg.outbox.prune(10, 10)).toBe(1);
    expect(await pg.outbox.get('o1')).toBeUndefined();
    expect(await pg.outbox.depth()).toEqual({ pending: 1, sending: 1 });
  });

  it('npm run store:copy does it from the command line', async () => {
    const { dir, store } = await seededLowdb();
    await store.close();
    const url = await freshDatabase();
    cleanups.push(() => dropDatabase(url));
    const { stdout } = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/tools/store-copy.ts',
        '--from',
        'lowdb',
        '--to',
        'postgres',
        '--dir',
        dir,
        '--url',
        url,
      ],
      { cwd: process.cwd(), timeout: 30_000 },
    );
    expect(stdout).toContain('counts verified');
    expect(stdout).toMatch(/orders\s+2/);
    const pg = await openPostgresStore({ url });
    cleanups.push(() => pg.close());
    expect(await pg.customers.count()).toBe(2);
  });
});
