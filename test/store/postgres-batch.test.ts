// The batcher under PostgreSQL's repos: calls of one turn of the event loop in one statement, each with
// its own answer; a repeated key waits for the statement before; a bad item fails alone.
import { describe, expect, it } from 'vitest';
import { batcher } from '../../src/store/postgres/batch.js';

/** A fake statement: records each batch, answers each item doubled, or throws for items said to be bad. */
function recorder(opts: { bad?: (n: number) => boolean; error?: () => Error } = {}) {
  const batches: number[][] = [];
  let open = 0;
  let overlapped = false;
  const run = async (items: number[]) => {
    batches.push(items);
    open++;
    if (open > 1) overlapped = true;
    await new Promise((r) => setTimeout(r, 5));
    open--;
    if (items.some((n) => opts.bad?.(n)))
      throw opts.error?.() ?? Object.assign(new Error('bad'), { code: '22P05' });
    return items.map((n) => n * 2);
  };
  return { run, batches, overlapped: () => overlapped };
}

describe('batcher', () => {
  it('calls made in one turn of the event loop go in one run, each answered in order', async () => {
    const r = recorder();
    const call = batcher(r.run);
    expect(await Promise.all([1, 2, 3].map(call))).toEqual([2, 4, 6]);
    expect(r.batches).toEqual([[1, 2, 3]]);
    // A later turn: a statement of its own.
    expect(await call(4)).toBe(8);
    expect(r.batches).toEqual([[1, 2, 3], [4]]);
  });

  it('a repeated key goes in the next statement, once the first has finished', async () => {
    const r = recorder();
    const call = batcher(r.run, { key: (n) => String(n % 10) });
    expect(await Promise.all([1, 11, 2, 21].map(call))).toEqual([2, 22, 4, 42]);
    expect(r.batches).toEqual([[1, 2], [11], [21]]);
    expect(r.overlapped()).toBe(false);
  });

  it('past max, the rest go in the next statement', async () => {
    const r = recorder();
    const call = batcher(r.run, { max: 2 });
    expect(await Promise.all([1, 2, 3, 4, 5].map(call))).toEqual([2, 4, 6, 8, 10]);
    expect(r.batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('a batch the server refused for an item is run again one by one: only that item fails', async () => {
    const r = recorder({ bad: (n) => n === 2 });
    const call = batcher(r.run);
    const out = await Promise.allSettled([1, 2, 3].map(call));
    expect(out.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(out[0]).toMatchObject({ value: 2 });
    expect(r.batches).toEqual([[1, 2, 3], [1], [2], [3]]);
  });

  it('a lost connection or a timeout fails the whole batch, never run again', async () => {
    for (const error of [
      () => new Error('Connection terminated'),
      // A socket's own error (node's code, not a SQLSTATE): the statement may have committed unanswered.
      () => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
      () => Object.assign(new Error('timeout'), { code: '57014' }),
    ]) {
      const r = recorder({ bad: () => true, error });
      const call = batcher(r.run);
      const out = await Promise.allSettled([1, 2].map(call));
      expect(out.map((o) => o.status)).toEqual(['rejected', 'rejected']);
      expect(r.batches).toEqual([[1, 2]]);
    }
  });

  it('an answer of the wrong length fails the batch instead of answering anyone wrongly', async () => {
    const call = batcher(async (items: number[]) => items.slice(1));
    const out = await Promise.allSettled([1, 2].map(call));
    expect(out.map((o) => o.status)).toEqual(['rejected', 'rejected']);
  });
});
