// The thin, impure shell around the machine: per customer, strictly one message at a time, it loads the
// conversation, parses the message, steps the machine, executes its commands (feeding async results
// back in as events) and saves. Different customers are handled in parallel.
import type { Catalog } from '../catalog/types.js';
import type { Channel, InboundMessage } from '../channels/channel.js';
import { DEFAULT_LANG } from '../i18n/lang.js';
import { type Logger, silentLogger } from '../logger.js';
import type { BillLookup, Order, OrderDesk, OrderState, PlaceOrderResult } from '../orders/types.js';
import { type Outbox, text } from '../outbox/outbox.js';
import { capInput, MAX_INPUT_CHARS } from '../parser/normalize.js';
import type { Parser } from '../parser/types.js';
import { updateCustomer } from '../store/cas.js';
import type { Customer, OutboxInput, Store } from '../store/types.js';
import { expecting, loadConversation, step } from './machine.js';
import { messages } from './messages/index.js';
import { createRateLimiter } from './rate-limit.js';
import { createSerialQueue } from './serial-queue.js';
import type { Command, ConvContext, ConvEvent, Conversation } from './types.js';

export interface ConversationRunnerDeps {
  store: Store;
  parser: Parser;
  catalog: Catalog;
  orders: OrderDesk;
  channel: Pick<Channel, 'setTyping'>;
  /** Every reply goes through the durable outbox (written with the turn's conversation state). */
  outbox: Outbox;
  limits: { messagesPerMinute: number; orderMaxXof: number; dailyTotalXof: number; idleMinutes: number };
  /** true = handled as an admin command; called first, before anything else. */
  adminHandler?: (msg: InboundMessage) => Promise<boolean>;
  now?: () => number;
  logger?: Logger;
}

export interface ConversationRunner {
  /**
   * `held`: whether the customer's lock (store.locks) is still this process's; a turn that lost it writes
   * nothing more (another instance may be handling the customer's next message) and says so.
   */
  handle(msg: InboundMessage, held?: () => boolean): Promise<void>;
  /** Resolves when all queues are drained. */
  idle(): Promise<void>;
}

/** Orders in these states did not take the customer's money (or gave it back): not in the daily total. */
const NOT_COUNTED: readonly OrderState[] = ['cancelled', 'collect_failed', 'refunded'];
const DEDUPE_TTL_MS = 24 * 60 * 60 * 1000;
const RECENT_ORDERS = 5;
/** lastSeenAt is only rewritten when it moved this much: a message must not rewrite the customer. */
const LAST_SEEN_RESOLUTION_MS = 60 * 60 * 1000;

function startOfDayUtc(at: number): number {
  const d = new Date(at);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

export function createConversationRunner(deps: ConversationRunnerDeps): ConversationRunner {
  const now = deps.now ?? Date.now;
  const log = deps.logger ?? silentLogger;
  const { store, channel, outbox } = deps;
  const queue = createSerialQueue((err, key) =>
    log.error({ err, customer: key }, 'conversation turn failed'),
  );
  const limiter = createRateLimiter(deps.limits.messagesPerMinute);

  /** Deterministic per inbound message: a turn repeated after a crash queues the same ids, stored once. */
  const replyId = (msg: InboundMessage, n: number | string) => `reply:${msg.customerId}:${msg.id}:${n}`;
  const reply = (msg: InboundMessage, n: number | string, t: string): OutboxInput => ({
    id: replyId(msg, n),
    chat: msg.customerId,
    kind: 'reply',
    payload: text(t),
  });

  /** A reply outside a turn's write unit (error, rate limit). */
  async function send(msg: InboundMessage, n: string, t: string): Promise<void> {
    try {
      await outbox.send([reply(msg, n, t)]);
    } catch (err) {
      log.warn({ err, customer: msg.customerId }, 'reply not queued');
    }
  }

  /** Best effort, never awaited: a typing indicator must not slow or break a turn. */
  function typing(customerId: string, on: boolean): void {
    Promise.resolve()
      .then(() => channel.setTyping(customerId, on))
      .catch(() => {});
  }

  /**
   * The turn's opening in one store call: whether the message is new, its customer (created when absent),
   * the conversation and the latest orders. lastSeenAt is refreshed when it moved far enough.
   */
  async function openTurn(msg: InboundMessage, at: number) {
    const opening = await store.openTurn({
      dedupe: { key: `conv:${msg.customerId}:${msg.id}`, at, ttlMs: DEDUPE_TTL_MS },
      customer: {
        id: msg.customerId,
        version: 1,
        phone: msg.phone,
        lang: DEFAULT_LANG,
        // Customers are subscribers once they have used the bot, until they say STOP.
        subscribed: true,
        paused: false,
        beneficiaries: [],
        firstSeenAt: at,
        lastSeenAt: at,
      },
      recentOrders: RECENT_ORDERS,
    });
    const { customer, created } = opening;
    const stale = (c: Customer) =>
      at - c.lastSeenAt > LAST_SEEN_RESOLUTION_MS || (!c.phone && !!msg.phone) || !c.beneficiaries;
    // A redelivered message changes nothing, its customer's lastSeenAt included.
    if (!opening.first || created || !stale(customer)) return opening;
    const fresh = await updateCustomer(store.customers, customer.id, (c) =>
      stale(c)
        ? {
            ...c,
            lastSeenAt: Math.max(c.lastSeenAt, at),
            phone: c.phone ?? msg.phone,
            beneficiaries: c.beneficiaries ?? [],
          }
        : null,
    );
    return { ...opening, customer: fresh ?? customer };
  }

  /**
   * Today's total from the customer's latest orders, usually without another read: they come newest
   * first, so unless every one of them is from today, all of today's orders are among them.
   */
  async function todayTotal(customerId: string, recent: Order[], at: number): Promise<number> {
    const since = startOfDayUtc(at);
    const today =
      recent.length >= RECENT_ORDERS && recent.every((o) => o.createdAt >= since)
        ? await store.orders.list({ customerId, since })
        : recent.filter((o) => o.createdAt >= since);
    return today.filter((o) => !NOT_COUNTED.includes(o.state)).reduce((sum, o) => sum + o.amount, 0);
  }

  async function turn(msg: InboundMessage, held: () => boolean): Promise<void> {
    try {
      await unsafeTurn(msg, held);
    } catch (err) {
      // Every failure reaches the customer; the message says not to pay again and how to check.
      log.error({ err, customer: msg.customerId }, 'conversation turn failed');
      const customer = await store.customers.get(msg.customerId).catch(() => undefined);
      if (!customer?.paused)
        await send(msg, 'error', messages(customer?.lang ?? DEFAULT_LANG).technicalError);
    }
  }

  async function unsafeTurn(msg: InboundMessage, held: () => boolean): Promise<void> {
    if (deps.adminHandler && (await deps.adminHandler(msg))) return;
    const at = now();
    // Channels may redeliver a message: a repeated "oui" must not act twice.
    const opening = await openTurn(msg, at);
    if (!opening.first) return;
    let { customer } = opening;
    const isNew = opening.created;
    if (customer.paused) return; // human handoff: the bot stays silent

    const rate = limiter.hit(customer.id, at);
    if (rate !== 'ok') {
      if (rate === 'refuse') await send(msg, 'rate', messages(customer.lang).rateLimited);
      return;
    }

    typing(customer.id, true);
    // The turn's replies, written together with its conversation state (one write unit), then sent.
    let replies: OutboxInput[] = [];
    let n = 0;
    const say = (t: string) => replies.push(reply(msg, n++, t));
    // The conversation as the store holds it (read at the start, then each commit's): every commit is a
    // compare-and-set on it, so a turn that lost its customer's lock to another instance's turn writes
    // nothing over it (and, before an order, places none: two taps of "1" make one order even then).
    let stored: unknown;
    const commit = async (conv: Conversation) => {
      // Before anything is written (and before an order is placed: its commit comes first).
      if (!held()) throw new Error('customer lock lost: the turn writes nothing more');
      // Rows this process sends right after the turn (the sandbox) are written claimed for it.
      const claim = replies.length ? outbox.claimFor?.(customer.id) : undefined;
      const { claimed } = await store.commit(
        {
          conversation: { customerId: customer.id, state: conv, expected: { state: stored } },
          outbox: replies,
          ...(claim ? { claim } : {}),
        },
        now(),
      );
      stored = JSON.parse(JSON.stringify(conv)); // as stored (JSON), whatever happens to `conv` after
      if (claimed.length) outbox.adopt?.(claimed);
      if (replies.length > claimed.length) outbox.kick([customer.id]);
      replies = [];
    };
    try {
      const read = opening.conversation;
      const recentOrders = opening.recentOrders;
      const total = await todayTotal(customer.id, recentOrders, at);
      stored = read;
      let conv: Conversation = loadConversation(read, at);
      // WhatsApp allows 65 536 characters; the bot reads the start only, and says so.
      const input = capInput(msg.text);
      if (input.truncated) say(messages(customer.lang).tooLong(MAX_INPUT_CHARS));
      const parsed = await deps.parser.parse(input.text, { expecting: expecting(conv), lang: customer.lang });
      const ctx: ConvContext = {
        now: at,
        customer,
        catalog: deps.catalog,
        limits: {
          orderMaxXof: deps.limits.orderMaxXof,
          dailyTotalXof: deps.limits.dailyTotalXof,
          idleMs: deps.limits.idleMinutes * 60_000,
        },
        todayTotal: total,
        recentOrders,
        isNewCustomer: isNew,
      };
      let commands: Command[];
      [conv, commands] = step(conv, { type: 'message', text: input.text, parsed }, ctx);

      while (commands.length > 0) {
        const cmd = commands.shift()!;
        let event: ConvEvent | null = null;
        switch (cmd.type) {
          case 'reply':
            say(cmd.text);
            break;
          case 'saveCustomer': {
            // Applied to the stored customer, not our copy: a pause or STOP made meanwhile stays.
            const patch = cmd.patch;
            customer =
              (await updateCustomer(store.customers, customer.id, (c) => ({ ...c, ...patch }))) ?? customer;
            ctx.customer = customer;
            break;
          }
          case 'lookupBills': {
            let result: BillLookup;
            try {
              result = await deps.orders.lookupBills(cmd.codeService, cmd.account, customer.lang);
            } catch (err) {
              log.warn({ err, codeService: cmd.codeService }, 'bill lookup failed');
              const label = deps.catalog.get(cmd.codeService)?.label ?? cmd.codeService;
              result = { ok: false, message: messages(customer.lang).unavailable(label), retryable: true };
            }
            event = { type: 'bills', result };
            break;
          }
          case 'placeOrder': {
            // Saved first (with the replies so far, which leave before the order's own messages): should
            // we crash while placing, the next message starts afresh instead of re-reading a summary that
            // was already confirmed.
            await commit(conv);
            let result: PlaceOrderResult | null = null;
            try {
              result = await deps.orders.place(cmd.input);
            } catch (err) {
              log.error({ err, customer: customer.id }, 'placing the order failed');
            }
            event = result ? { type: 'orderPlaced', result } : { type: 'orderError' };
            break;
          }
        }
        if (event) {
          let more: Command[];
          [conv, more] = step(conv, event, { ...ctx, now: now() });
          commands.push(...more);
        }
      }
      await commit(conv);
    } catch (err) {
      // What the turn said before failing still reaches the customer, before the error message.
      if (replies.length) await outbox.send(replies).catch(() => undefined);
      throw err;
    } finally {
      typing(customer.id, false);
    }
  }

  return {
    handle(msg, held = () => true) {
      return queue.run(msg.customerId, () => turn(msg, held));
    },
    idle() {
      return queue.idle();
    },
  };
}
