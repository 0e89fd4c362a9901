// Several store instances (as several bot processes would open) on one database: the exactly-once keys
// and the locks hold across them, not only inside one process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres/index.js';
import { ConversationChangedError, FencedWriteError, type Store } from '../../src/store/types.js';
import { makeBroadcast, makeOrder } from './fixtures.js';
import { dropDatabase, freshDatabase } from './pg-db.js';

let url: string;
let s: Store[] = [];
beforeAll(async () => {
  url = await freshDatabase();
  s = await Promise.all([1, 2, 3].map(() => openPostgresStore({ url, poolSize: 4 })));
});
afterAll(async () => {
  for (const x of s) await x.close();
  await dropDatabase(url);
});
const each = <T>(n: number, f: (st: Store, i: number) => Promise<T>) =>
  Promise.all(Array.from({ length: n }, (_, i) => f(s[i % s.length]!, i)));

describe('postgres: three instances on one database', () => {
  it('a callback sent three times to three instances is new once; one CAS winner per version', async () => {
    const r = await each(9, (st) =>
      st.callbacks.record({
        externalTransactionId: 'X-C',
        transactionId: 'T',
        status: 'SUCCESS',
        receivedAt: 1,
        body: {},
      }),
    );
    expect(r.filter((x) => x === 'new')).toHaveLength(1);
    const o = await s[0]!.orders.create(makeOrder('I1'));
    const w = await each(9, (st, i) => st.orders.update({ ...o, amount: 100 + i }, 1));
    expect(w.filter(Boolean)).toHaveLength(1);
    await expect(s[1]!.orders.create(makeOrder('I1'))).rejects.toThrow();
  });

  it("a conversation's compare-and-set: one winner among instances committing from the same read", async () => {
    for (const [round, start] of [
      [1, undefined],
      [2, { step: 'summary' }],
    ] as const) {
      if (start) await s[0]!.commit({ conversation: { customerId: `cv${round}`, state: start } }, 1);
      const read = await s[1]!.conversations.get(`cv${round}`);
      const r = await Promise.allSettled(
        Array.from({ length: 9 }, (_, i) =>
          s[i % 3]!.commit(
            {
              conversation: { customerId: `cv${round}`, state: { step: `t${i}` }, expected: { state: read } },
              outbox: [
                {
                  id: `cv${round}-r${i}`,
                  chat: `cv${round}`,
                  kind: 'reply',
                  payload: { type: 'text', text: `t${i}` },
                  // never due: the other tests' claims leave them alone
                  notBefore: Number.MAX_SAFE_INTEGER,
                },
              ],
            },
            2,
          ),
        ),
      );
      const won = r.flatMap((x, i) => (x.status === 'fulfilled' ? [i] : []));
      expect(won).toHaveLength(1);
      expect(
        r.filter((x) => x.status === 'rejected').map((x) => (x as PromiseRejectedResult).reason),
      ).toEqual(Array(8).fill(expect.any(ConversationChangedError)));
      // The winner's state and its reply only.
      expect(await s[2]!.conversations.get(`cv${round}`)).toEqual({ step: `t${won[0]}` });
      const rows = await s[0]!.outbox.list({ chat: `cv${round}`, limit: 20 });
      expect(rows.map((m) => m.id)).toEqual([`cv${round}-r${won[0]}`]);
    }
  });

  it('status lookups: at most 3 per window whichever instance asks', async () => {
    const r = await each(12, (st) => st.statusLookups.tryAcquire('I-C', 1_000, 3, 60_000));
    expect(r.filter(Boolean)).toHaveLength(3);
  });

  it('a broadcast recipient is claimed once overall', async () => {
    await s[0]!.broadcasts.create(makeBroadcast('IB'));
    await each(3, (st) => st.broadcasts.addRecipients('IB', ['a', 'b'], 1));
    const r = await each(9, (st) => st.broadcasts.mark('IB', 'a', 'attempting', { from: ['pending'] }));
    expect(r.filter(Boolean)).toHaveLength(1);
    expect(await s[2]!.broadcasts.counts('IB')).toEqual({ attempting: 1, pending: 1 });
  });

  it('locks: one customer key is held by one instance at a time', async () => {
    let inside = 0;
    let max = 0;
    let runs = 0;
    await each(9, (st) =>
      st.locks.run('+221770000000', async () => {
        inside++;
        max = Math.max(max, inside);
        await new Promise((r) => setTimeout(r, 10));
        inside--;
        runs++;
      }),
    );
    expect(runs).toBe(9);
    expect(max).toBe(1);
  });

  it('outbox: instances claiming at once never share a message and keep per-chat order', async () => {
    const msgs = Array.from({ length: 24 }, (_, i) => ({
      id: `im${i}`,
      chat: `chat${i % 4}`,
      kind: 'reply' as const,
      payload: { type: 'text' as const, text: `m${i}` },
    }));
    await s[0]!.outbox.enqueue(msgs, 1);
    const seen = new Map<string, string>();
    const order = new Map<string, string[]>();
    await each(3, async (st, w) => {
      for (let round = 0; round < 60; round++) {
        const got = await st.outbox.claim(`w${w}`, 10 + round, 60_000, 2);
        for (const m of got) {
          expect(seen.has(m.id)).toBe(false);
          seen.set(m.id, `w${w}`);
          order.set(m.chat, [...(order.get(m.chat) ?? []), m.id]);
          expect(await st.outbox.markSent(m.id, `w${w}`, { at: 20 })).toBe(true);
        }
        if (!got.length && (await st.outbox.depth()).pending === 0) return;
      }
    });
    expect(seen.size).toBe(24);
    for (let c = 0; c < 4; c++) {
      expect(order.get(`chat${c}`)).toEqual(Array.from({ length: 6 }, (_, k) => `im${c + 4 * k}`));
    }
  });

  it('leases: one holder; a stale holder on another instance cannot write the auth keys', async () => {
    const now = Date.now();
    const r = await each(6, (st, i) => st.leases.acquire('wa:+221', `node-${i}`, now, 60_000));
    const winners = r.filter((l) => l !== null);
    expect(winners).toHaveLength(1);
    const a = winners[0]!;
    const holder = s[r.indexOf(a) % 3]!;
    await holder.kv.set('wa-auth', 'creds', { v: 1 }, { lease: a.name, owner: a.owner, epoch: a.epoch });
    await holder.leases.release(a.name, a.owner, a.epoch);
    const b = (await s[(r.indexOf(a) + 1) % 3]!.leases.acquire('wa:+221', 'node-new', Date.now(), 60_000))!;
    expect(b.epoch).toBe(a.epoch + 1);
    await expect(
      holder.kv.set('wa-auth', 'creds', { v: 'stale' }, { lease: a.name, owner: a.owner, epoch: a.epoch }),
    ).rejects.toBeInstanceOf(FencedWriteError);
    expect(await s[2]!.kv.get('wa-auth', 'creds')).toEqual({ v: 1 });
  });
});
