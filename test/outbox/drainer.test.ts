import { Boom } from '@hapi/boom';
import { afterEach, describe, expect, it } from 'vitest';
import { createDrainer, type DrainerDeps } from '../../src/outbox/drainer.js';
import { PermanentSendError } from '../../src/outbox/errors.js';
import { createPacer } from '../../src/outbox/pacer.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { OutboxInput, OutboxPayload, Store } from '../../src/store/types.js';
import { manualClock } from '../helpers/clock.js';

const A = '+221770000001';
const B = '+221770000002';
const msg = (id: string, chat: string): OutboxInput => ({
  id,
  chat,
  kind: 'reply',
  payload: { type: 'text', text: id },
});

/** A channel that records what the customer got; `fail` decides per attempt whether it throws. */
function channel(clock: { now(): number }) {
  const got: { chat: string; text: string; at: number }[] = [];
  let n = 0;
  const ch = {
    got,
    connected: true,
    fail: undefined as undefined | ((text: string, attempt: number) => Error | undefined),
    attempts: new Map<string, number>(),
    canSend: () => ch.connected,
    async deliver(chat: string, payload: OutboxPayload) {
      const text = payload.type === 'text' ? payload.text : '';
      const attempt = (ch.attempts.get(text) ?? 0) + 1;
      ch.attempts.set(text, attempt);
      const err = ch.fail?.(text, attempt);
      if (err) throw err;
      got.push({ chat, text, at: clock.now() });
      return { waMessageId: `WA-${++n}` };
    },
    texts: (chat?: string) => got.filter((g) => !chat || g.chat === chat).map((g) => g.text),
  };
  return ch;
}

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

function setup(over: Partial<DrainerDeps> & { perMinute?: number; store?: Store } = {}) {
  const clock = manualClock();
  const store = over.store ?? createMemoryStore({ now: clock.now });
  const ch = channel(clock);
  const alerts: { kind: string; message: string }[] = [];
  const failed: string[] = [];
  const make = (owner: string, extra: Partial<DrainerDeps> = {}) => {
    const d = createDrainer({
      outbox: store.outbox,
      channel: ch,
      owner,
      pacer: createPacer({
        ...(over.perMinute ? { perMinute: over.perMinute } : {}),
        now: clock.now,
        random: () => 0.5,
      }),
      now: clock.now,
      random: () => 0.5,
      sleep: clock.sleep,
      pollMs: 1_000,
      leaseMs: 60_000,
      onAlert: (kind, message) => alerts.push({ kind, message }),
      onFailed: (m) => {
        failed.push(m.id);
      },
      ...over,
      ...extra,
    });
    return d;
  };
  const drainer = make('p1');
  const start = () => {
    drainer.start();
    stops.push(() => drainer.stop());
  };
  const enqueue = (...m: OutboxInput[]) => store.outbox.enqueue(m, clock.now());
  return { clock, store, ch, alerts, failed, drainer, make, start, enqueue };
}

/** Counts the store's outbox claims from now on. */
function countClaims(store: Store): () => number {
  let claims = 0;
  const claimOf = store.outbox.claim.bind(store.outbox);
  store.outbox.claim = (...a) => {
    claims++;
    return claimOf(...a);
  };
  return () => claims;
}

describe('outbox drainer', () => {
  it('keeps each chat in order, even through a retry of its first message; other chats go on', async () => {
    const t = setup();
    t.ch.fail = (text, attempt) =>
      text === 'a1' && attempt === 1 ? new Error('Connection Closed') : undefined;
    await t.enqueue(msg('a1', A), msg('b1', B), msg('a2', A), msg('b2', B), msg('a3', A));
    t.start();
    await t.clock.advance(100);
    // a1 waits for its retry; a2 and a3 wait behind it; B is not held up.
    expect(t.ch.texts(B)).toEqual(['b1', 'b2']);
    expect(t.ch.texts(A)).toEqual([]);
    const a1 = await t.store.outbox.get('a1');
    expect(a1).toMatchObject({ state: 'pending', attempts: 1, lastError: 'Connection Closed' });
    // Backoff: 2 s x (0.75 + 0.5 x 0.5) = 2 s; not before.
    const wait = a1!.notBefore! - a1!.createdAt;
    expect(wait).toBeGreaterThanOrEqual(2_000);
    expect(wait).toBeLessThanOrEqual(2_050); // failed within the first 50 ms step
    await t.clock.advance(1_500);
    expect(t.ch.texts(A)).toEqual([]);
    await t.clock.advance(1_500);
    expect(t.ch.texts(A)).toEqual(['a1', 'a2', 'a3']);
    const sent = await t.store.outbox.get('a1');
    expect(sent).toMatchObject({ state: 'sent', attempts: 1 });
    expect(sent!.waMessageId).toMatch(/^WA-/);
  });

  it('a permanent error gives the message up (no retry) and unblocks its chat', async () => {
    const t = setup();
    t.ch.fail = (text) => (text === 'a1' ? new PermanentSendError('not on WhatsApp') : undefined);
    await t.enqueue(msg('a1', A), msg('a2', A));
    t.start();
    await t.clock.advance(200);
    expect(t.ch.attempts.get('a1')).toBe(1);
    expect(t.ch.texts(A)).toEqual(['a2']);
    expect(await t.store.outbox.get('a1')).toMatchObject({ state: 'failed', lastError: 'not on WhatsApp' });
    expect(t.failed).toEqual(['a1']);
  });

  it('sends nothing while the channel cannot send, then everything waiting once it can', async () => {
    const t = setup();
    t.ch.connected = false;
    await t.enqueue(msg('a1', A), msg('b1', B));
    t.start();
    await t.clock.advance(5_000);
    expect(t.ch.got).toEqual([]);
    expect(await t.store.outbox.get('a1')).toMatchObject({ state: 'pending', attempts: 0 });
    t.ch.connected = true;
    await t.clock.advance(1_100);
    expect(t.ch.texts()).toEqual(['a1', 'b1']);
  });

  it('kick() sends a message just queued without waiting for the poll', async () => {
    const t = setup({ pollMs: 60_000 });
    t.start();
    await t.clock.advance(100);
    await t.enqueue(msg('a1', A));
    t.drainer.kick();
    await t.clock.settle();
    expect(t.ch.texts()).toEqual(['a1']);
  });

  it('at-least-once: a crash between the send and markSent sends it again after the claim expires', async () => {
    // The window cannot be closed (WhatsApp takes no idempotency key); losing a receipt would be worse
    // than a duplicate, so the drainer resends. Within one process it never does (next test).
    const clock = manualClock();
    const base = createMemoryStore({ now: clock.now });
    let crashed = false;
    const dying: Store = {
      ...base,
      outbox: {
        ...base.outbox,
        markSent: async (...a) => {
          if (!crashed) {
            crashed = true;
            throw new Error('process killed');
          }
          return base.outbox.markSent(...a);
        },
      },
    };
    const t = setup({ store: dying });
    await t.enqueue(msg('a1', A), msg('a2', A));
    await t.drainer.drainOnce(); // sends a1, then "dies" before recording it
    expect(t.ch.texts()).toEqual(['a1']);
    expect(await base.outbox.get('a1')).toMatchObject({ state: 'sending', owner: 'p1' });

    // The restarted process (another owner) finds the row claimed until the lease ends.
    const next = t.make('p2');
    expect(await next.drainOnce()).toBe(0);
    await t.clock.advance(60_001, 60_001);
    await next.drainOnce();
    await next.drainOnce();
    expect(t.ch.texts()).toEqual(['a1', 'a1', 'a2']);
    expect(await base.outbox.get('a1')).toMatchObject({ state: 'sent' });
    // Sent and recorded: never again, whoever drains.
    await next.drainOnce();
    await t.drainer.drainOnce();
    expect(t.ch.texts()).toEqual(['a1', 'a1', 'a2']);
  });

  it('within a process, a message the channel accepted is never sent twice, even when markSent failed', async () => {
    const clock = manualClock();
    const base = createMemoryStore({ now: clock.now });
    let failures = 1;
    const flaky: Store = {
      ...base,
      outbox: {
        ...base.outbox,
        markSent: async (...a) => {
          if (failures-- > 0) throw new Error('disk full');
          return base.outbox.markSent(...a);
        },
      },
    };
    const t = setup({ store: flaky });
    await t.enqueue(msg('a1', A));
    await t.drainer.drainOnce();
    await t.clock.advance(60_001, 60_001);
    await t.drainer.drainOnce(); // the claim expired: taken again, only recorded
    expect(t.ch.texts()).toEqual(['a1']);
    expect(await base.outbox.get('a1')).toMatchObject({ state: 'sent', waMessageId: 'WA-1' });
  });

  it('rate-overlimit pauses every send and alerts once; then the message goes', async () => {
    const t = setup();
    t.ch.fail = (text, attempt) =>
      text === 'a1' && attempt === 1 ? new Boom('rate-overlimit', { data: 429 }) : undefined;
    await t.enqueue(msg('a1', A), msg('b1', B));
    t.start();
    await t.clock.advance(100);
    expect(t.alerts.map((a) => a.kind)).toEqual(['whatsapp_rate_limited']);
    // b1 was claimed in the same batch (no rate here); after the pause nothing else leaves.
    const before = t.ch.got.length;
    await t.clock.advance(25_000);
    expect(t.ch.got.length).toBe(before);
    await t.clock.advance(7_000);
    expect(t.ch.texts(A)).toEqual(['a1']);
    expect(t.alerts).toHaveLength(1);
  });

  it('5 send errors in a row pause sending for a while and alert the admins', async () => {
    const t = setup({ errorPauseMs: 120_000 });
    t.ch.fail = () => new Error('Timed Out');
    await t.enqueue(...[1, 2, 3, 4, 5, 6].map((i) => msg(`m${i}`, `+22177000010${i}`)));
    t.start();
    await t.clock.advance(100);
    expect(t.alerts.map((a) => a.kind)).toEqual(['whatsapp_send_errors']);
    expect(t.alerts[0]!.message).toMatch(/5 WhatsApp sends failed in a row \(last: Timed Out\)/);
    t.ch.fail = undefined;
    const tried = [...t.ch.attempts.values()].reduce((a, b) => a + b, 0);
    await t.clock.advance(100_000, 500);
    expect([...t.ch.attempts.values()].reduce((a, b) => a + b, 0)).toBe(tried);
    await t.clock.advance(30_000, 500);
    expect(t.ch.got).toHaveLength(6);
  });

  it('with a rate: messages leave spaced by at least 60 s / perMinute (jitter only adds)', async () => {
    const t = setup({ perMinute: 20 });
    await t.enqueue(...[1, 2, 3, 4].map((i) => msg(`m${i}`, `+22177000020${i}`)));
    t.start();
    await t.clock.advance(20_000);
    const at = t.ch.got.map((g) => g.at);
    expect(at).toHaveLength(4);
    const gaps = at.slice(1).map((x, i) => x - at[i]!);
    // 3 s + 0.5 x 30 % jitter = 3.45 s
    for (const g of gaps) expect(g).toBeGreaterThanOrEqual(3_450);
  });

  it('flushChat sends that chat now and says when nothing is left', async () => {
    const t = setup();
    await t.enqueue(msg('a1', A), msg('a2', A));
    expect(await t.drainer.flushChat(A, 5_000)).toBe(true);
    expect(t.ch.texts(A)).toEqual(['a1', 'a2']);
  });

  it('without a rate, flushChat sends only its own chat, in order, while other chats wait for the loop', async () => {
    const t = setup({ pollMs: 60_000 });
    await t.enqueue(msg('b1', B), msg('a1', A), msg('a2', A));
    expect(await t.drainer.flushChat(A, 5_000)).toBe(true);
    expect(t.ch.texts()).toEqual(['a1', 'a2']);
    expect((await t.store.outbox.get('b1'))?.state).toBe('pending');
  });

  it("a held chat's kick does not wake the loop; a message queued after its flush looked leaves at release", async () => {
    const t = setup({ pollMs: 60_000 });
    t.start();
    await t.clock.advance(100);
    const release = t.drainer.holdChat(A);
    await t.enqueue(msg('a1', A));
    t.drainer.kick([A]);
    await t.clock.settle();
    expect(t.ch.texts()).toEqual([]); // left to the turn's own flush
    expect(await t.drainer.flushChat(A, 5_000)).toBe(true);
    expect(t.ch.texts()).toEqual(['a1']);
    // Another flow queues for the chat after the flush's last look, before the turn lets go.
    await t.enqueue(msg('a2', A));
    t.drainer.kick([A]);
    await t.clock.settle();
    expect(t.ch.texts()).toEqual(['a1']);
    release();
    await t.clock.settle();
    expect(t.ch.texts()).toEqual(['a1', 'a2']);
    // A kick for a chat nobody holds wakes the loop at once.
    await t.enqueue(msg('b1', B));
    t.drainer.kick([B]);
    await t.clock.settle();
    expect(t.ch.texts()).toEqual(['a1', 'a2', 'b1']);
  });

  it("a held chat's turn writes its rows claimed; its flush sends them without claiming, in order", async () => {
    const t = setup({ pollMs: 60_000 });
    t.start();
    await t.clock.advance(100);
    expect(t.drainer.claimFor(A)).toBeUndefined(); // nobody will flush A right after
    const release = t.drainer.holdChat(A);
    const claim = t.drainer.claimFor(A)!;
    expect(claim).toMatchObject({ chat: A, owner: 'p1', leaseUntil: t.clock.now() + 60_000 });
    const { claimed } = await t.store.commit({ outbox: [msg('a1', A), msg('a2', A)], claim }, t.clock.now());
    t.drainer.adopt(claimed);
    // Another instance's drainer cannot take them meanwhile.
    const other = t.make('p2');
    expect(await other.drainOnce()).toBe(0);
    const claims = countClaims(t.store);
    expect(await t.drainer.flushChat(A, 5_000)).toBe(true);
    expect(t.ch.texts()).toEqual(['a1', 'a2']);
    expect(claims()).toBe(0);
    expect((await t.store.outbox.get('a2'))?.state).toBe('sent');
    release();
    // Released: no claim for A any more.
    expect(t.drainer.claimFor(A)).toBeUndefined();
  });

  it('a flush with its own check reads the chat with each sent mark, not with a list of its own', async () => {
    const base = createMemoryStore({ now: manualClock().now });
    let lists = 0;
    const counted: Store = {
      ...base,
      outbox: {
        ...base.outbox,
        list: (...a) => {
          lists++;
          return base.outbox.list(...a);
        },
      },
    };
    const t = setup({ pollMs: 60_000, store: counted });
    t.start();
    await t.clock.advance(100);
    const release = t.drainer.holdChat(A);
    const { claimed } = await t.store.commit(
      { outbox: [msg('a1', A), msg('a2', A)], claim: t.drainer.claimFor(A)! },
      t.clock.now(),
    );
    t.drainer.adopt(claimed);
    const seen: string[][] = [];
    const done = await t.drainer.flushChat(A, 5_000, {
      states: ['pending', 'sending', 'sent'],
      limit: 50,
      done: (rows) => {
        seen.push(rows.map((m) => `${m.id}:${m.state}`));
        return !rows.some((m) => m.state !== 'sent');
      },
    });
    expect(done).toBe(true);
    expect(t.ch.texts()).toEqual(['a1', 'a2']);
    // After a1: a2 still claimed; after a2: both sent, read back with the mark.
    expect(seen).toEqual([
      ['a2:sending', 'a1:sent'],
      ['a2:sent', 'a1:sent'],
    ]);
    expect(lists).toBe(0);
    release();
  });

  describe('an early flush (the sandbox on PostgreSQL answering its turn)', () => {
    /** A store whose sent marks wait until let go: what the flush does before they are stored. */
    function heldMarks() {
      const base = createMemoryStore({ now: manualClock().now });
      const waiting: (() => void)[] = [];
      let hold = true;
      let lists = 0;
      const later =
        <A extends unknown[], R>(f: (...a: A) => Promise<R>) =>
        async (...a: A): Promise<R> => {
          if (hold) await new Promise<void>((r) => waiting.push(r));
          return f(...a);
        };
      const store: Store = {
        ...base,
        outbox: {
          ...base.outbox,
          markSent: later(base.outbox.markSent.bind(base.outbox)),
          markSentThenList: later(base.outbox.markSentThenList.bind(base.outbox)),
          list: (...a) => {
            lists++;
            return base.outbox.list(...a);
          },
        },
      };
      return {
        store,
        lists: () => lists,
        waiting: () => waiting.length,
        letGo: () => {
          hold = false;
          for (const r of waiting.splice(0)) r();
        },
      };
    }
    const early = (seen: string[][]) => ({
      states: ['pending' as const, 'sending' as const, 'sent' as const],
      limit: 50,
      early: true,
      done: (rows: { id: string; state: string }[]) => {
        seen.push(rows.map((m) => `${m.id}:${m.state}`));
        return !rows.some((m) => m.state !== 'sent');
      },
    });
    /** A started drainer on such a store; its marks wait until h.letGo() unless `marksHeld` is false. */
    const started = async (marksHeld: boolean) => {
      const h = heldMarks();
      if (!marksHeld) h.letGo();
      const t = setup({ pollMs: 60_000, store: h.store });
      t.start();
      await t.clock.advance(100);
      return { h, t };
    };
    const turn = async (t: ReturnType<typeof setup>, ...ids: string[]) => {
      const release = t.drainer.holdChat(A);
      const { claimed } = await t.store.commit(
        { outbox: ids.map((id) => msg(id, A)), claim: t.drainer.claimFor(A)! },
        t.clock.now(),
      );
      t.drainer.adopt(claimed);
      return release;
    };

    it("is done once the turn's claimed rows are delivered, before their sent marks are stored; stop() waits for them", async () => {
      const { h, t } = await started(true);
      const release = await turn(t, 'a1', 'a2');
      const seen: string[][] = [];
      expect(await t.drainer.flushChat(A, 5_000, early(seen))).toBe(true);
      expect(t.ch.texts()).toEqual(['a1', 'a2']);
      // The check saw the turn's rows as sent (newest first), without reading the chat.
      expect(seen).toEqual([['a2:sent', 'a1:sent']]);
      expect(h.lists()).toBe(0);
      expect(h.waiting()).toBe(2);
      expect((await t.store.outbox.get('a1'))?.state).toBe('sending');
      release();
      let stopped = false;
      const stopping = t.drainer.stop().then(() => {
        stopped = true;
      });
      await t.clock.settle();
      expect(stopped).toBe(false);
      h.letGo();
      await stopping;
      expect((await t.store.outbox.get('a1'))?.state).toBe('sent');
      expect(await t.store.outbox.get('a2')).toMatchObject({ state: 'sent', waMessageId: 'WA-2' });
      expect(t.ch.texts()).toEqual(['a1', 'a2']); // nothing sent twice
    });

    it('the next flush of the chat waits for those marks; a message queued meanwhile leaves once they are stored', async () => {
      const { h, t } = await started(true);
      const release = await turn(t, 'a1');
      expect(await t.drainer.flushChat(A, 5_000, early([]))).toBe(true);
      // Another flow queues for the chat during the turn: left to the loop, after a1's mark.
      await t.enqueue(msg('a2', A));
      t.drainer.kick([A]);
      release();
      await t.clock.settle();
      expect(t.ch.texts()).toEqual(['a1']);
      h.letGo();
      await t.clock.settle();
      expect(t.ch.texts()).toEqual(['a1', 'a2']);
      expect((await t.store.outbox.get('a2'))?.state).toBe('sent');
    });

    it("the chat's next turn, whose rows could not be claimed, waits for those marks before it claims", async () => {
      const { h, t } = await started(true);
      const first = await turn(t, 'a1');
      expect(await t.drainer.flushChat(A, 5_000, early([]))).toBe(true);
      first();
      // The next turn commits while a1 is still 'sending': its row is written pending, not claimed.
      const release = t.drainer.holdChat(A);
      const { claimed } = await t.store.commit(
        { outbox: [msg('a2', A)], claim: t.drainer.claimFor(A)! },
        t.clock.now(),
      );
      expect(claimed).toEqual([]);
      t.drainer.kick([A]);
      const claims = countClaims(t.store);
      const seen: string[][] = [];
      let done: boolean | undefined;
      const flushed = t.drainer.flushChat(A, 5_000, early(seen)).then((d) => {
        done = d;
      });
      await t.clock.settle();
      expect(claims()).toBe(0);
      expect(done).toBeUndefined();
      h.letGo();
      await flushed;
      expect(done).toBe(true);
      expect(claims()).toBe(1);
      expect(t.ch.texts()).toEqual(['a1', 'a2']);
      expect(seen.at(-1)).toEqual(['a2:sent', 'a1:sent']);
      release();
    });

    it('is not taken when something else was queued for the chat during the turn: that message is in the answer too', async () => {
      const { t } = await started(false);
      const release = await turn(t, 'a1');
      // The turn's later commit could not claim its row (a1 was unsent): pending, kicked.
      await t.enqueue(msg('a2', A));
      t.drainer.kick([A]);
      const seen: string[][] = [];
      expect(await t.drainer.flushChat(A, 5_000, early(seen))).toBe(true);
      expect(t.ch.texts()).toEqual(['a1', 'a2']);
      // Read back with each sent mark, as without `early`.
      expect(seen.at(-1)).toEqual(['a2:sent', 'a1:sent']);
      expect((await t.store.outbox.get('a2'))?.state).toBe('sent');
      release();
    });

    it('a row the channel refuses sends the flush the usual way: retried, nothing lost', async () => {
      const { t } = await started(false);
      const release = await turn(t, 'a1', 'a2');
      t.ch.fail = (text, attempt) =>
        text === 'a2' && attempt === 1 ? new Error('socket hang up') : undefined;
      const flushed = t.drainer.flushChat(A, 60_000, early([]));
      await t.clock.advance(10_000);
      expect(await flushed).toBe(true);
      expect(t.ch.texts()).toEqual(['a1', 'a2']);
      expect((await t.store.outbox.get('a2'))?.state).toBe('sent');
      release();
    });
  });

  it('rows written claimed for a turn that ends without its flush are sent when it lets go', async () => {
    const t = setup({ pollMs: 60_000 });
    t.start();
    await t.clock.advance(100);
    const release = t.drainer.holdChat(A);
    const { claimed } = await t.store.commit(
      { outbox: [msg('a1', A)], claim: t.drainer.claimFor(A)! },
      t.clock.now(),
    );
    t.drainer.adopt(claimed);
    await t.clock.settle();
    expect(t.ch.texts()).toEqual([]);
    release();
    await t.clock.settle();
    expect(t.ch.texts()).toEqual(['a1']);
    expect((await t.store.outbox.get('a1'))?.state).toBe('sent');
  });

  it('with a rate (WhatsApp), no claim is given: the rows stay for the loop', async () => {
    const t = setup({ pollMs: 60_000, perMinute: 600 });
    t.drainer.holdChat(A);
    expect(t.drainer.claimFor(A)).toBeUndefined();
  });

  it('with a rate, holding a chat changes nothing: its kick wakes the loop', async () => {
    const t = setup({ pollMs: 60_000, perMinute: 600 });
    t.start();
    await t.clock.advance(100);
    t.drainer.holdChat(A);
    await t.enqueue(msg('a1', A));
    t.drainer.kick([A]);
    await t.clock.settle();
    expect(t.ch.texts()).toEqual(['a1']);
  });
});
