// Issue #13 finding 2 and #10: every data file is validated on load (a wrong shape stops the start with
// the file's name and what is wrong), torn tails are set aside before being cut, the write-ahead log
// survives reopen and compaction, and ping reports write failures.
import { existsSync } from 'node:fs';
import {
  appendFile,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  rmdir,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.js';
import { FILES } from '../../src/store/lowdb/format.js';
import { CorruptFileError, openLowdbStore } from '../../src/store/lowdb/index.js';
import type { Store } from '../../src/store/types.js';
import { finish, makeCustomer, makeOrder } from './fixtures.js';

const dirs: string[] = [];
const opened: Store[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close().catch(() => undefined);
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
async function fresh(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'xb-files-'));
  dirs.push(d);
  return d;
}
async function openAt(
  dir: string,
  extra: Partial<Parameters<typeof openLowdbStore>[0]> = {},
): Promise<Store> {
  const s = await openLowdbStore({ dir, logger: silentLogger, ...extra });
  opened.push(s);
  return s;
}
async function closeAll(): Promise<void> {
  for (const s of opened.splice(0)) await s.close();
}
async function refusal(dir: string): Promise<CorruptFileError> {
  const err = await openLowdbStore({ dir, logger: silentLogger }).then(
    (s) => {
      opened.push(s);
      throw new Error('opened a damaged store');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CorruptFileError);
  return err as CorruptFileError;
}

describe('lowdb files are validated on load', () => {
  it.each([
    ['[]', /found an array/],
    ['null', /found null/],
    ['"oops"', /found string/],
    ['42', /found number/],
    ['{"A1": {"id": "A1"}}', /A1/],
    ['{"A1": ', /not valid JSON/],
  ])('orders-open.json holding %s stops the start, naming the file', async (content, problem) => {
    const dir = await fresh();
    const s = await openAt(dir);
    await s.orders.create(makeOrder('A1'));
    await closeAll();
    await writeFile(join(dir, FILES.openOrders), content);
    const err = await refusal(dir);
    expect(err.file).toBe(join(dir, FILES.openOrders));
    expect(err.message).toContain('orders-open.json');
    expect(err.problem).toMatch(problem);
    // Nothing was replaced by an empty file.
    expect(await readFile(join(dir, FILES.openOrders), 'utf8')).toBe(content);
  });

  it.each([
    ['customers.json', '[]', /found an array/],
    ['customers.json', '{"+221771111111": {"id": "+221771111111", "lang": "xx"}}', /\+221771111111/],
    ['conversations.json', '"oops"', /found string/],
    ['dedupe.json', '{"k": "tomorrow"}', /k/],
    ['outbox.json', '{"m1": {"id": "m1"}}', /m1/],
    ['kv-auth.json', 'null', /found null/],
    ['broadcast-recipients.json', '{"x": {"status": "maybe"}}', /x/],
  ])('%s holding %s stops the start', async (file, content, problem) => {
    const dir = await fresh();
    await writeFile(join(dir, file), content);
    const err = await refusal(dir);
    expect(err.message).toContain(file);
    expect(err.problem).toMatch(problem);
  });

  it('an archive line that is not an order stops the start', async () => {
    const dir = await fresh();
    await writeFile(join(dir, FILES.archive), `${JSON.stringify({ order: { id: 'A1' } })}\n`);
    const err = await refusal(dir);
    expect(err.message).toContain('orders-archive.jsonl');
  });

  it('an unreadable line before others is damage, not a torn tail: the start stops', async () => {
    const dir = await fresh();
    const s = await openAt(dir);
    const a = await s.orders.create(makeOrder('A1'));
    await s.orders.update(finish(a), 1);
    await closeAll();
    const good = await readFile(join(dir, FILES.archive), 'utf8');
    await writeFile(join(dir, FILES.archive), `{"order": garbage}\n${good}`);
    const err = await refusal(dir);
    expect(err.problem).toMatch(/unreadable line at byte 0/);
  });

  it('a log entry in the write-ahead log with a wrong row stops the start', async () => {
    const dir = await fresh();
    const s = await openAt(dir);
    await s.customers.getOrCreate(makeCustomer('+221771111111'));
    await s.close();
    opened.length = 0;
    const wal = (await readdir(dir)).find((n) => n.startsWith('wal-'))!;
    await appendFile(
      join(dir, wal),
      `${JSON.stringify({ ops: [{ t: 'customers', k: 'x', v: { id: 'x' } }] })}\n{"ops":[]}\n`,
    );
    const err = await refusal(dir);
    expect(err.message).toContain(wal);
    expect(err.problem).toMatch(/customers x/);
  });
});

describe('torn tails are set aside before being cut', () => {
  it('archive: the bytes cut are kept in orders-archive.jsonl.torn-<ms>', async () => {
    const dir = await fresh();
    const s = await openAt(dir);
    const a = await s.orders.create(makeOrder('A1'));
    await s.orders.update(finish(a), 1);
    await closeAll();
    const before = (await stat(join(dir, FILES.archive))).size;
    const torn = '{"order":{"id":"B2","version":2,"sta';
    await appendFile(join(dir, FILES.archive), torn);
    const s2 = await openAt(dir);
    expect((await s2.orders.get('A1'))?.state).toBe('completed');
    expect((await stat(join(dir, FILES.archive))).size).toBe(before);
    const aside = (await readdir(dir)).filter((n) => n.startsWith(`${FILES.archive}.torn-`));
    expect(aside).toHaveLength(1);
    expect(await readFile(join(dir, aside[0]!), 'utf8')).toBe(torn);
  });

  it('write-ahead log: a torn last entry is set aside, earlier entries are kept', async () => {
    const dir = await fresh();
    const s = await openAt(dir);
    await s.customers.getOrCreate(makeCustomer('+221771111111'));
    await s.kv.set('auth', 'creds', { a: 1 });
    // Simulate a crash: the files as they are now, plus half an entry.
    const wal = (await readdir(dir)).find((n) => n.startsWith('wal-'))!;
    const copy = await fresh();
    for (const n of await readdir(dir)) {
      if (n !== FILES.lock) await writeFile(join(copy, n), await readFile(join(dir, n)));
    }
    await appendFile(join(copy, wal), '{"ops":[{"t":"customers","k":"+2217');
    const s2 = await openAt(copy);
    expect(await s2.customers.get('+221771111111')).toMatchObject({ version: 1 });
    expect(await s2.kv.get('auth', 'creds')).toEqual({ a: 1 });
    const aside = (await readdir(copy)).filter((n) => n.startsWith(`${wal}.torn-`));
    expect(aside).toHaveLength(1);
    expect(await readFile(join(copy, aside[0]!), 'utf8')).toBe('{"ops":[{"t":"customers","k":"+2217');
    await s2.customers.getOrCreate(makeCustomer('+221772222222'));
    await closeAll();
    const s3 = await openAt(copy);
    expect(await s3.customers.count()).toBe(2);
  });
});

describe('write-ahead log and snapshots', () => {
  it('compaction folds the log into snapshots while writes go on; nothing is lost', async () => {
    const dir = await fresh();
    const s = await openAt(dir, { minCompactBytes: 4_096 });
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 300; i++) {
      const id = `+22177${String(1_000_000 + i).slice(-7)}`;
      writes.push(s.customers.getOrCreate(makeCustomer(id)));
      writes.push(s.kv.set('auth', `session-${i % 20}`, { i }));
      writes.push(s.commit({ conversation: { customerId: id, state: { n: i } } }, i));
      if (i % 50 === 0) await Promise.all(writes.splice(0));
    }
    await Promise.all(writes);
    // Compactions run beside the writes (which are held only while tables are copied): the last one may
    // still be writing its snapshots when the writes are all acknowledged.
    let files = await readdir(dir);
    for (let i = 0; i < 100 && !files.includes('customers.json'); i++) {
      await new Promise((r) => setTimeout(r, 20));
      files = await readdir(dir);
    }
    expect(files).toContain('customers.json');
    expect(files.filter((n) => n.startsWith('wal-')).length).toBeLessThanOrEqual(2);
    await closeAll();
    const s2 = await openAt(dir);
    expect(await s2.customers.count()).toBe(300);
    expect(await s2.conversations.get('+221771000299')).toEqual({ n: 299 });
    expect(await s2.kv.get('auth', 'session-19')).toEqual({ i: 299 });
  });

  it('a compaction that failed leaves its tables to the next one, which keeps them before dropping logs', async () => {
    const dir = await fresh();
    const s = await openAt(dir, { minCompactBytes: 1 });
    // customers.json cannot be replaced for now (its temp file's name is taken by a directory).
    await mkdir(join(dir, '.customers.json.tmp'));
    await s.customers.getOrCreate(makeCustomer('+221771111111'));
    await new Promise((r) => setTimeout(r, 200));
    expect(existsSync(join(dir, 'customers.json'))).toBe(false);
    await rmdir(join(dir, '.customers.json.tmp'));
    // A later compaction, caused by another table only.
    await s.kv.set('settings', 'k', 1);
    await new Promise((r) => setTimeout(r, 200));
    await closeAll();
    const s2 = await openAt(dir);
    expect(await s2.customers.get('+221771111111')).toMatchObject({ version: 1 });
    expect(await s2.kv.get('settings', 'k')).toBe(1);
  });

  it('reads files written before this layout (customers without version, broadcasts with recipients)', async () => {
    const dir = await fresh();
    const old = makeCustomer('+221771111111') as Partial<ReturnType<typeof makeCustomer>>;
    delete old.version;
    await writeFile(join(dir, 'customers.json'), JSON.stringify({ [old.id!]: old }));
    await writeFile(
      join(dir, 'broadcasts.json'),
      JSON.stringify({
        B1: {
          id: 'B1',
          createdAt: 1,
          createdBy: 'a',
          text: { fr: 'x' },
          via: 'chat',
          state: 'done',
          recipients: ['a', 'b'],
          sent: 2,
          failed: 0,
        },
      }),
    );
    const s = await openAt(dir);
    expect(await s.customers.get('+221771111111')).toMatchObject({ version: 1 });
    expect(await s.broadcasts.get('B1')).toEqual({
      id: 'B1',
      createdAt: 1,
      createdBy: 'a',
      text: { fr: 'x' },
      via: 'chat',
      state: 'done',
      total: 2,
    });
  });
});

describe('snapshot sums and the archive index checkpoint', () => {
  async function storeWithRows(dir: string): Promise<void> {
    const s = await openAt(dir);
    await s.customers.getOrCreate(makeCustomer('+221771111111'));
    await s.customers.getOrCreate(makeCustomer('+221772222222', { subscribed: false }));
    await s.kv.set('auth', 'creds', { a: 1 });
    for (const id of ['A1', 'A2', 'A3']) {
      await s.orders.update(finish(await s.orders.create(makeOrder(id))), 1);
      for (const status of ['PENDING', 'SUCCESS'] as const) {
        await s.callbacks.record({
          externalTransactionId: `${id}-C`,
          transactionId: `T-${id}`,
          status,
          receivedAt: 1,
          body: { status },
        });
      }
    }
    await closeAll();
  }

  it('a clean close leaves each snapshot with its sum and the archive with its index', async () => {
    const dir = await fresh();
    await storeWithRows(dir);
    const files = await readdir(dir);
    for (const f of ['customers.json', 'kv-auth.json']) {
      expect(files).toContain(f);
      expect(files).toContain(`${f}.sum`);
      // Still one JSON object of rows, as lowdb reads it.
      expect(Object.keys(JSON.parse(await readFile(join(dir, f), 'utf8')))).not.toHaveLength(0);
    }
    expect(files).toContain(FILES.archiveIndex);
    expect(files).toContain(FILES.callbacksIndex);
    const s = await openAt(dir);
    const cb = { externalTransactionId: 'A2-C', transactionId: 'T-A2', receivedAt: 2, body: {} };
    expect(await s.callbacks.record({ ...cb, status: 'SUCCESS' })).toBe('duplicate');
    expect((await s.callbacks.list('A2-C')).map((c) => c.body)).toEqual([
      { status: 'PENDING' },
      { status: 'SUCCESS' },
    ]);
    expect(await s.customers.count({ subscribed: true })).toBe(1);
    expect(await s.customers.get('+221772222222')).toMatchObject({ subscribed: false, version: 1 });
    expect(await s.kv.get('auth', 'creds')).toEqual({ a: 1 });
    expect((await s.orders.findByExternalId('A2-D'))?.state).toBe('completed');
    expect((await s.orders.list({ customerId: '+221771234567' })).map((o) => o.id)).toEqual([
      'A3',
      'A2',
      'A1',
    ]);
  });

  it('a snapshot edited after the store wrote it is validated again: a wrong row stops the start', async () => {
    const dir = await fresh();
    await storeWithRows(dir);
    const file = join(dir, 'customers.json');
    const edited = (await readFile(file, 'utf8')).replace('"lang":"fr"', '"lang":"xx"');
    await writeFile(file, edited);
    const err = await refusal(dir);
    expect(err.file).toBe(file);
    expect(err.problem).toMatch(/\+221771111111/);
    expect(await readFile(file, 'utf8')).toBe(edited);
  });

  it('a torn snapshot beside its sum stops the start, naming the file, and is not replaced', async () => {
    const dir = await fresh();
    await storeWithRows(dir);
    const file = join(dir, 'customers.json');
    const torn = (await readFile(file, 'utf8')).slice(0, 40);
    await writeFile(file, torn);
    const err = await refusal(dir);
    expect(err.file).toBe(file);
    expect(err.problem).toMatch(/not valid JSON/);
    expect(await readFile(file, 'utf8')).toBe(torn);
  });

  it('a missing or damaged sum only means the rows are validated; the next close writes it again', async () => {
    const dir = await fresh();
    await storeWithRows(dir);
    await rm(join(dir, 'customers.json.sum'));
    await writeFile(join(dir, 'kv-auth.json.sum'), '{"format":1,"bytes":3,"cr');
    const s = await openAt(dir);
    expect(await s.customers.count()).toBe(2);
    expect(await s.kv.get('auth', 'creds')).toEqual({ a: 1 });
    await closeAll();
    expect(existsSync(join(dir, 'customers.json.sum'))).toBe(true);
    expect(JSON.parse(await readFile(join(dir, 'kv-auth.json.sum'), 'utf8'))).toMatchObject({ format: 1 });
  });

  it('a snapshot read the slow way is rewritten with its sum soon after open, without waiting for a close', async () => {
    const dir = await fresh();
    const c = makeCustomer('+221771111111');
    await writeFile(join(dir, 'customers.json'), JSON.stringify({ [c.id]: c }));
    const s = await openAt(dir);
    for (let i = 0; i < 100 && !existsSync(join(dir, 'customers.json.sum')); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(existsSync(join(dir, 'customers.json.sum'))).toBe(true);
    expect(await s.customers.get(c.id)).toEqual(c);
  });

  it('a damaged archive line is reported even though an index checkpoint covers it', async () => {
    const dir = await fresh();
    await storeWithRows(dir);
    const file = join(dir, FILES.archive);
    const lines = (await readFile(file, 'utf8')).split('\n');
    lines[1] = lines[1]!.replace('"state":"completed"', '"state":"finished!"');
    await writeFile(file, lines.join('\n'));
    const err = await refusal(dir);
    expect(err.file).toBe(file);
    expect(err.problem).toMatch(/state/);
  });

  it('a damaged callbacks line is reported even though the callbacks index covers it', async () => {
    const dir = await fresh();
    await storeWithRows(dir);
    const file = join(dir, FILES.callbacks);
    await writeFile(file, (await readFile(file, 'utf8')).replace('"status":"PENDING"', '"status":"MAYBE"'));
    const err = await refusal(dir);
    expect(err.file).toBe(file);
  });

  it('a stale or damaged callbacks index is rebuilt: duplicates are still refused', async () => {
    const dir = await fresh();
    await storeWithRows(dir);
    const idx = join(dir, FILES.callbacksIndex);
    const early = await readFile(idx);
    const s = await openAt(dir);
    const late = { externalTransactionId: 'A1-C', transactionId: 'T-A1', status: 'REFUNDED' as const };
    expect(await s.callbacks.record({ ...late, receivedAt: 3, body: { late: true } })).toBe('new');
    await closeAll();
    for (const content of [early, Buffer.from('garbage')]) {
      await writeFile(idx, content);
      const s2 = await openAt(dir);
      expect(await s2.callbacks.record({ ...late, receivedAt: 4, body: {} })).toBe('duplicate');
      expect((await s2.callbacks.list('A1-C')).map((c) => c.status)).toEqual([
        'PENDING',
        'SUCCESS',
        'REFUNDED',
      ]);
      await closeAll();
    }
  });

  it('a damaged, stale or missing index checkpoint is rebuilt from the archive', async () => {
    const dir = await fresh();
    await storeWithRows(dir);
    const idx = join(dir, FILES.archiveIndex);
    const early = await readFile(idx);
    // More orders archived after that checkpoint (as if the process had been killed before writing one).
    const s = await openAt(dir);
    await s.orders.update(finish(await s.orders.create(makeOrder('B1', { customerId: '+221779999999' }))), 1);
    await closeAll();
    for (const content of [early, Buffer.from('{"format":1,"bytes":10,"crc":1,"body":2}\n[[]]'), null]) {
      if (content) await writeFile(idx, content);
      else await rm(idx);
      const s2 = await openAt(dir);
      expect((await s2.orders.findByExternalId('B1-D'))?.id).toBe('B1');
      expect((await s2.orders.findByExternalId('A1-C'))?.id).toBe('A1');
      expect((await s2.orders.list({ customerId: '+221779999999' })).map((o) => o.id)).toEqual(['B1']);
      expect((await s2.orders.page({ limit: 10 })).items.map((o) => o.id)).toEqual(['B1', 'A3', 'A2', 'A1']);
      await closeAll();
    }
  });
});

describe('ping reflects write failures', () => {
  it.runIf(existsSync('/dev/full'))(
    'a full disk (ENOSPC): the write is refused and undone, ping says not-ok',
    async () => {
      const dir = await fresh();
      const s = await openAt(dir, { minCompactBytes: 1 });
      await s.customers.getOrCreate(makeCustomer('+221771111111'));
      expect(await s.ping()).toBe(true);
      // The next log file the store opens (at its next compaction) is a full disk.
      await new Promise((r) => setTimeout(r, 50));
      const gens = (await readdir(dir))
        .filter((n) => /^wal-\d+\.jsonl$/.test(n))
        .map((n) => Number(n.slice(4, 12)));
      const next = `wal-${String(Math.max(...gens) + 1).padStart(8, '0')}.jsonl`;
      await symlink('/dev/full', join(dir, next));
      // Writes until a compaction switched to it (the first write above already asked for one).
      let failed: unknown;
      for (let i = 0; i < 50 && !failed; i++) {
        await s.kv.set('settings', `k${i}`, i).catch((err: unknown) => {
          failed = err;
        });
        await new Promise((r) => setTimeout(r, 5));
      }
      expect((failed as NodeJS.ErrnoException)?.code).toBe('ENOSPC');
      expect(await s.ping()).toBe(false);
      // The refused write left nothing behind in memory either.
      const c = (await s.customers.get('+221771111111'))!;
      await expect(s.customers.update({ ...c, paused: true }, c.version)).rejects.toThrow(/ENOSPC/);
      expect(await s.customers.get('+221771111111')).toEqual(c);
      expect(await s.ping()).toBe(false);
    },
  );
});
