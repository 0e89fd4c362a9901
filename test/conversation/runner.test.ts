import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/catalog/types.js';
import type { InboundMessage } from '../../src/channels/channel.js';
import { createConversationRunner } from '../../src/conversation/runner.js';
import type { OrderDesk, PlaceOrderInput } from '../../src/orders/types.js';
import type { ParseResult, Parser } from '../../src/parser/types.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { putCustomer } from '../store/fixtures.js';
import type { Store } from '../../src/store/types.js';
import { ME, OM, ORANGE, order, P, testCatalog, WAVE } from './helpers.js';
import { recordingChannel as deliveries, wireOutbox } from '../helpers/outbox.js';

const TO = '+221771234567';
const OTHER = '+221781112233';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Parser fake: exact texts map to parse results; optional gates hold a text's parse. */
function fakeParser(table: Record<string, ParseResult>) {
  const gates = new Map<string, Promise<void>>();
  const log: string[] = [];
  const parser: Parser = {
    async parse(text) {
      log.push(`start:${text}`);
      const gate = gates.get(text);
      if (gate) await gate;
      log.push(`end:${text}`);
      return table[text] ?? P();
    },
  };
  return { parser, gates, log };
}

const TABLE: Record<string, ParseResult> = {
  'credit 1000 77 123 45 67': P({ intent: 'airtime', amount: 1000, recipient: TO, codeService: ORANGE }),
  'credit 500 77 123 45 67': P({ intent: 'airtime', amount: 500, recipient: TO, codeService: ORANGE }),
  '1': P({ extra: { choice: 1 } }),
  '2': P({ extra: { choice: 2 } }),
  oui: P({ intent: 'yes' }),
  menu: P({ intent: 'help' }),
  STOP: P({ intent: 'stop' }),
};

function fakeOrders(store: Store) {
  const placed: PlaceOrderInput[] = [];
  let n = 0;
  let fail: Error | null = null;
  const desk: OrderDesk = {
    async place(input) {
      if (fail) throw fail;
      placed.push(input);
      const o = order({
        ...input,
        id: `XBRUN${++n}`,
        state: 'collecting',
        createdAt: Date.UTC(2026, 10, 29, 12),
      });
      await store.orders.create(o);
      return { ok: true, order: o };
    },
    async lookupBills() {
      return { ok: true, bills: [] };
    },
    get: (id) => store.orders.get(id),
  };
  return {
    desk,
    placed,
    failWith(e: Error) {
      fail = e;
    },
  };
}

/** What the customer sees: the messages the outbox drainer delivered, per chat. */
function recordingChannel() {
  const ch = deliveries();
  return {
    ch,
    get sent() {
      return ch.sent.map((m) => ({ to: m.customerId, text: m.text ?? '' }));
    },
    channel: { async setTyping() {} },
    to(id: string) {
      return ch.texts(id);
    },
  };
}

let catalog: Catalog;
let seq = 0;
const msg = (text: string, over: Partial<InboundMessage> = {}): InboundMessage => ({
  id: `m${++seq}`,
  customerId: ME,
  phone: ME,
  text,
  at: 0,
  ...over,
});

describe('conversation runner', () => {
  let store: Store;
  let clock: number;
  const drainers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const stop of drainers.splice(0)) await stop();
  });
  beforeEach(async () => {
    catalog = await testCatalog();
    clock = Date.UTC(2026, 10, 29, 12);
    store = createMemoryStore({ now: () => clock });
  });

  function setup(opts: { perMinute?: number; adminHandler?: (m: InboundMessage) => Promise<boolean> } = {}) {
    const p = fakeParser(TABLE);
    const o = fakeOrders(store);
    const ch = recordingChannel();
    const wired = wireOutbox(store, ch.ch);
    drainers.push(wired.stop);
    const make = () =>
      createConversationRunner({
        store,
        parser: p.parser,
        catalog,
        orders: o.desk,
        channel: ch.channel,
        outbox: wired.outbox,
        limits: {
          messagesPerMinute: opts.perMinute ?? 20,
          orderMaxXof: 200_000,
          dailyTotalXof: 500_000,
          idleMinutes: 15,
        },
        adminHandler: opts.adminHandler,
        now: () => clock,
      });
    // A turn's replies are queued in the outbox; the customer has them once the drainer sent them.
    const wrap = (inner: ReturnType<typeof make>) => ({
      async handle(m: InboundMessage, held?: () => boolean) {
        await inner.handle(m, held);
        await wired.drainer.flushChat(m.customerId, 2_000);
      },
      async idle() {
        await inner.idle();
        await wired.drainer.flush(2_000);
      },
    });
    const runner = wrap(make());
    /** A second runner on the same store (another instance), whose turns no lock of the first's orders. */
    const another = () => wrap(make());
    return { runner, another, p, o, ch, wired };
  }

  it('one-shot request then "1": places the exact order, acknowledges, remembers the wallet', async () => {
    const { runner, o, ch } = setup();
    await runner.handle(msg('credit 1000 77 123 45 67'));
    expect(ch.to(ME)).toHaveLength(1);
    expect(ch.to(ME)[0]).toContain('Crédit Orange 1 000 FCFA pour 77 123 45 67');
    await runner.handle(msg('1'));
    expect(o.placed).toEqual([
      expect.objectContaining({
        customerId: ME,
        codeService: ORANGE,
        amount: 1000,
        recipient: TO,
        payment: { codeService: WAVE, payer: ME },
      }),
    ]);
    // The order desk's payment message is the only acknowledgement: no second one from the conversation.
    expect(ch.to(ME).join('\n')).not.toContain('Commande *XBRUN1*');
    const saved = await store.customers.get(ME);
    expect(saved).toMatchObject({ wallet: { codeService: WAVE, payer: ME }, subscribed: true, phone: ME });

    // Next time: request, then just "oui".
    await runner.handle(msg('credit 500 77 123 45 67'));
    expect(ch.to(ME).at(-1)).toContain('Payer avec Wave (77 000 00 01)');
    await runner.handle(msg('oui'));
    expect(o.placed).toHaveLength(2);
    expect(o.placed[1]).toMatchObject({ amount: 500, payment: { codeService: WAVE, payer: ME } });
  });

  it('a turn whose customer lock was lost places no order, saves nothing, and tells the customer', async () => {
    const { runner, o, ch } = setup();
    await runner.handle(msg('credit 1000 77 123 45 67'));
    const before = await store.conversations.get(ME);
    // The "1" arrives, but the lock's connection dropped meanwhile: another instance may hold it now.
    await runner.handle(msg('1'), () => false);
    expect(o.placed).toEqual([]);
    expect(await store.conversations.get(ME)).toEqual(before);
    expect(ch.to(ME).at(-1)).toContain('Un souci technique est survenu');
    // The next message, with the lock, confirms the same summary: one order.
    await runner.handle(msg('1'));
    expect(o.placed).toHaveLength(1);
  });

  it('two taps of "1" on two instances while the customer lock failed: one order, the other turn writes nothing', async () => {
    const { runner, another, p, o, ch } = setup();
    await runner.handle(msg('credit 1000 77 123 45 67'));
    const summary = await store.conversations.get(ME);
    // Both turns read the summary before either commits (the lock that should order them did not).
    const gate = deferred();
    p.gates.set('1', gate.promise);
    const second = another();
    const a = runner.handle(msg('1'));
    const b = second.handle(msg('1'));
    await new Promise((r) => setTimeout(r, 20));
    expect(p.log.filter((l) => l === 'start:1')).toHaveLength(2);
    gate.resolve();
    await Promise.all([a, b]);
    expect(o.placed).toHaveLength(1);
    expect(await store.conversations.get(ME)).not.toEqual(summary);
    // The turn that found the conversation changed tells the customer, who is not left waiting.
    expect(ch.to(ME).filter((t) => t.includes('Un souci technique est survenu'))).toHaveLength(1);
  });

  it('messages of one customer sent concurrently are processed one at a time, in order', async () => {
    const { runner, p, o } = setup();
    const gate = deferred();
    p.gates.set('credit 1000 77 123 45 67', gate.promise);
    const a = runner.handle(msg('credit 1000 77 123 45 67'));
    const b = runner.handle(msg('2'));
    await new Promise((r) => setTimeout(r, 20));
    // The second message is not even parsed while the first is in progress.
    expect(p.log).toEqual(['start:credit 1000 77 123 45 67']);
    gate.resolve();
    await Promise.all([a, b]);
    expect(p.log).toEqual([
      'start:credit 1000 77 123 45 67',
      'end:credit 1000 77 123 45 67',
      'start:2',
      'end:2',
    ]);
    // "2" answered the summary of the first message: an order with the second wallet.
    expect(o.placed.at(-1)?.payment.codeService).toBe('ORANGE_SN_API_CASH_OUT');
  });

  it('different customers are handled in parallel', async () => {
    const { runner, p, ch } = setup();
    const gate = deferred();
    p.gates.set('credit 1000 77 123 45 67', gate.promise);
    const slow = runner.handle(msg('credit 1000 77 123 45 67'));
    await runner.handle(msg('menu', { customerId: OTHER, phone: OTHER }));
    expect(ch.to(OTHER)[0]).toContain('Que voulez-vous faire');
    expect(ch.to(ME)).toEqual([]);
    gate.resolve();
    await slow;
    expect(ch.to(ME)).toHaveLength(1);
  });

  it('idle() resolves once every queue is drained', async () => {
    const { runner, p, ch } = setup();
    const gate = deferred();
    p.gates.set('menu', gate.promise);
    void runner.handle(msg('menu'));
    void runner.handle(msg('menu', { customerId: OTHER, phone: OTHER }));
    let drained = false;
    const idle = runner.idle().then(() => {
      drained = true;
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(drained).toBe(false);
    gate.resolve();
    await idle;
    expect(ch.sent).toHaveLength(2);
  });

  it('per-customer message rate: polite refusal once, then silence, until the minute passes', async () => {
    const { runner, p, ch } = setup({ perMinute: 3 });
    for (let i = 0; i < 6; i++) await runner.handle(msg('menu'));
    expect(p.log.filter((l) => l.startsWith('start'))).toHaveLength(3);
    expect(ch.to(ME)).toHaveLength(4);
    expect(ch.to(ME)[3]).toContain('Patientez une minute');
    // Another customer is not affected.
    await runner.handle(msg('menu', { customerId: OTHER, phone: OTHER }));
    expect(ch.to(OTHER)).toHaveLength(1);
    clock += 61_000;
    await runner.handle(msg('menu'));
    expect(ch.to(ME)).toHaveLength(5);
    expect(ch.to(ME)[4]).toContain('Que voulez-vous faire');
  });

  it('a paused customer (human handoff) gets no bot reply', async () => {
    const { runner, p, ch, o } = setup();
    await putCustomer(store, {
      id: ME,
      version: 1,
      phone: ME,
      lang: 'fr',
      subscribed: true,
      paused: true,
      beneficiaries: [],
      firstSeenAt: 0,
      lastSeenAt: 0,
    });
    await runner.handle(msg('credit 1000 77 123 45 67'));
    await runner.handle(msg('1'));
    expect(ch.sent).toEqual([]);
    expect(p.log).toEqual([]);
    expect(o.placed).toEqual([]);
    expect((await store.customers.get(ME))?.lastSeenAt).toBe(clock);
  });

  it('the admin handler is called first; handled messages never reach the conversation', async () => {
    const seen: string[] = [];
    const { runner, p, ch } = setup({
      adminHandler: async (m) => {
        seen.push(m.text);
        return m.text.startsWith('/');
      },
    });
    await runner.handle(msg('/balance'));
    expect(seen).toEqual(['/balance']);
    expect(p.log).toEqual([]);
    expect(ch.sent).toEqual([]);
    await runner.handle(msg('menu'));
    expect(seen).toEqual(['/balance', 'menu']);
    expect(ch.to(ME)).toHaveLength(1);
  });

  it('a new customer is a subscriber; STOP unsubscribes durably', async () => {
    const { runner } = setup();
    await runner.handle(msg('menu'));
    expect(await store.customers.get(ME)).toMatchObject({ subscribed: true, lang: 'fr', paused: false });
    await runner.handle(msg('STOP'));
    expect(await store.customers.get(ME)).toMatchObject({ subscribed: false });
  });

  it('a WhatsApp @lid customer is stored without a phone and asked for the payer number', async () => {
    const { runner, ch } = setup();
    const lid = { customerId: 'lid:99@lid', phone: null };
    await runner.handle(msg('credit 1000 77 123 45 67', lid));
    expect(await store.customers.get('lid:99@lid')).toMatchObject({ phone: null });
    expect(ch.to('lid:99@lid')[0]).toContain('Depuis quel numéro voulez-vous payer');
  });

  it('a redelivered message (same id) is handled once', async () => {
    const { runner, o } = setup();
    await runner.handle(msg('credit 1000 77 123 45 67'));
    const confirm = msg('1');
    await runner.handle(confirm);
    await runner.handle({ ...confirm });
    expect(o.placed).toHaveLength(1);
  });

  it('the conversation survives a restart (state is in the store)', async () => {
    const first = setup();
    await first.runner.handle(msg('credit 1000 77 123 45 67'));
    const second = setup();
    await second.runner.handle(msg('2'));
    expect(second.o.placed[0]).toMatchObject({ payment: { codeService: OM } });
  });

  it('the order desk throwing is told to the customer; the conversation is reset', async () => {
    const { runner, o, ch } = setup();
    await runner.handle(msg('credit 1000 77 123 45 67'));
    o.failWith(new Error('boom'));
    await runner.handle(msg('1'));
    expect(ch.to(ME).at(-1)).toContain('souci technique');
    const conv = (await store.conversations.get(ME)) as { pending: unknown };
    expect(conv.pending).toBeNull();
  });

  it("the daily total counts today's orders from the store", async () => {
    const { runner, ch } = setup();
    await store.orders.create(
      order({ id: 'XBBIG', amount: 499_500, state: 'completed', createdAt: clock - 1000 }),
    );
    await store.orders.create(
      order({ id: 'XBFAIL', amount: 400_000, state: 'collect_failed', createdAt: clock - 1000 }),
    );
    await runner.handle(msg('credit 1000 77 123 45 67'));
    expect(ch.to(ME)[0]).toContain('Il vous reste 500 FCFA');
  });

  it("the daily total counts every one of today's orders, more than the latest five, and none of yesterday's", async () => {
    const { runner, ch } = setup();
    // Yesterday's big one does not count; seven today (more than the latest orders read for the menu).
    await store.orders.create(
      order({ id: 'XBOLD', amount: 400_000, state: 'completed', createdAt: clock - 13 * 3_600_000 }),
    );
    for (let i = 0; i < 7; i++)
      await store.orders.create(
        order({ id: `XBDAY${i}`, amount: 71_400, state: 'completed', createdAt: clock - 1000 * (i + 1) }),
      );
    await runner.handle(msg('credit 1000 77 123 45 67'));
    expect(ch.to(ME)[0]).toContain('Il vous reste 200 FCFA');
  });

  it('an unexpected failure (parser throwing) still answers the customer, and the next message works', async () => {
    const { runner, p, ch } = setup();
    const original = p.parser.parse;
    p.parser.parse = async () => {
      throw new Error('parser down');
    };
    await runner.handle(msg('menu'));
    expect(ch.to(ME)).toEqual([expect.stringContaining('souci technique')]);
    p.parser.parse = original;
    await runner.handle(msg('menu'));
    expect(ch.to(ME)[1]).toContain('Que voulez-vous faire');
  });

  it('the channel down: replies and the conversation are stored together, and sent once it is back', async () => {
    const { runner, ch, o } = setup();
    ch.ch.connected = false;
    const first = msg('credit 1000 77 123 45 67');
    await runner.handle(first);
    expect(ch.to(ME)).toEqual([]);
    // Durable: the reply waits in the outbox under an id derived from the inbound message.
    expect((await store.outbox.get(`reply:${ME}:${first.id}:0`))?.state).toBe('pending');
    // The conversation state was written with it: "1" answers the summary nobody has seen yet.
    await runner.handle(msg('1'));
    expect(o.placed).toHaveLength(1);
    ch.ch.connected = true;
    await runner.idle();
    expect(ch.to(ME)[0]).toContain('Crédit Orange 1 000 FCFA pour 77 123 45 67');
    expect(new Set(ch.to(ME)).size).toBe(ch.to(ME).length);
  });

  it('status shows orders from the order desk', async () => {
    const { runner, ch } = setup();
    await runner.handle(msg('credit 1000 77 123 45 67'));
    await runner.handle(msg('1'));
    TABLE['où en est ma commande'] = P({ intent: 'status' });
    await runner.handle(msg('où en est ma commande'));
    expect(ch.to(ME).at(-1)).toContain('*XBRUN1*');
    expect(ch.to(ME).at(-1)).toContain('en attente de paiement');
  });
});
