// Status lookups: never more than 3 a minute per transaction, the limit holding across restarts (it is
// reserved in the store before the call), plus our own spacing between lookups of one transaction.
import { describe, expect, it } from 'vitest';
import type { IntechApi } from '../../src/intech/api.js';
import { IntechRejectedError } from '../../src/intech/errors.js';
import { silentLogger } from '../../src/logger.js';
import { createStatusLookup, meansNotFound } from '../../src/orders/status-lookup.js';
import { createMemoryStore } from '../../src/store/memory.js';

function fakeIntech(calls: number[], now: () => number, known = true): IntechApi {
  return {
    async getTransactionStatus(ext: string) {
      calls.push(now());
      if (!known)
        throw new IntechRejectedError({
          endpoint: 'get-transaction-status',
          code: 4000,
          msg: `Transaction ${ext} introuvable`,
          errorType: null,
          data: null,
        });
      return { transactionId: 'TR1', externalTransactionId: ext, status: 'PENDING', errorType: null };
    },
  } as unknown as IntechApi;
}

describe('status lookup', () => {
  it('spacing and the per-minute limit hold across restarts', async () => {
    let t = 0;
    const now = () => t;
    const store = createMemoryStore({ now });
    const calls: number[] = [];
    const mk = () =>
      createStatusLookup({
        intech: fakeIntech(calls, now),
        store,
        now,
        spacingMs: 5_000,
        logger: silentLogger,
      });
    let lookup = mk();
    expect((await lookup('A-DLV')).kind).toBe('found');
    t = 1_000;
    expect(await lookup('A-DLV')).toEqual({ kind: 'skipped', why: 'spacing' });
    // Restarts lose the in-memory spacing, not the durable limit.
    for (let i = 0; i < 5; i++) {
      t += 1_000;
      lookup = mk();
      await lookup('A-DLV');
    }
    expect(calls).toHaveLength(3);
    expect((await lookup('B-DLV')).kind).toBe('found'); // per transaction
    t = 61_000;
    lookup = mk();
    expect((await lookup('A-DLV')).kind).toBe('found');
    // Never more than 3 in any 60 s window.
    const a = calls.slice(0, 3).concat(calls.slice(4));
    for (let i = 0; i + 3 < a.length; i++) expect(a[i + 3]! - a[i]!).toBeGreaterThanOrEqual(60_000);
  });

  it('an id Intech does not know is reported absent', async () => {
    const t = 0;
    const calls: number[] = [];
    const lookup = createStatusLookup({
      intech: fakeIntech(calls, () => t, false),
      store: createMemoryStore(),
      now: () => t,
      spacingMs: 0,
      logger: silentLogger,
    });
    expect(await lookup('Z-COL')).toEqual({ kind: 'absent' });
    const rateLimited = new IntechRejectedError({
      endpoint: 'x',
      code: 4000,
      msg: 'Trop de requêtes de statut pour cette transaction',
      errorType: null,
      data: null,
    });
    expect(meansNotFound(rateLimited)).toBe(false);
  });
});
