// Test helpers: a scripted dialogue driver over the pure machine, with hand-built parse results.
import { createCatalog } from '../../src/catalog/catalog.js';
import type { Catalog } from '../../src/catalog/types.js';
import { expecting, initialConversation, step } from '../../src/conversation/machine.js';
import type { Command, ConvContext, ConvEvent, Conversation } from '../../src/conversation/types.js';
import type { Lang } from '../../src/i18n/lang.js';
import type { BillLookup, Order, PlaceOrderInput, PlaceOrderResult } from '../../src/orders/types.js';
import { parseRules } from '../../src/parser/rules.js';
import type { ParseResult } from '../../src/parser/types.js';
import type { Customer } from '../../src/store/types.js';
import { createMemoryStore } from '../../src/store/memory.js';

export const ME = '+221770000001';
export const ORANGE = 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE';
export const FREE = 'FREE_SN_AIRTIME_CREDIT_TELEPHONIQUE';
export const WAVE = 'WAVE_SN_API_CASH_OUT';
export const OM = 'ORANGE_SN_API_CASH_OUT';
export const SENELEC = 'SENELEC_SN_BILL_PAY';
export const WOYOFAL = 'WOYOFAL_SN_BILL_RELOAD';
export const RAPIDO = 'RAPIDO_SN_BILL_RELOAD';

let catalogPromise: Promise<Catalog> | null = null;
export function testCatalog(): Promise<Catalog> {
  catalogPromise ??= createCatalog({ kv: createMemoryStore().kv });
  return catalogPromise;
}

/** A ParseResult with everything empty but what is given. */
export function P(
  partial: Partial<Omit<ParseResult, 'extra'>> & { extra?: ParseResult['extra'] } = {},
): ParseResult {
  return {
    intent: 'unknown',
    codeService: null,
    amount: null,
    recipient: null,
    account: null,
    language: null,
    confidence: 0.9,
    ...partial,
    extra: partial.extra ?? {},
  };
}

export function customer(over: Partial<Customer> = {}): Customer {
  return {
    id: over.phone === null ? 'lid:123@lid' : (over.phone ?? ME),
    version: 1,
    phone: ME,
    lang: 'fr',
    subscribed: true,
    paused: false,
    beneficiaries: [],
    firstSeenAt: 0,
    lastSeenAt: 0,
    ...over,
  };
}

export function order(over: Partial<Order> = {}): Order {
  return {
    id: 'XB7K2M9Q',
    version: 1,
    customerId: ME,
    lang: 'fr',
    kind: 'airtime',
    codeService: ORANGE,
    amount: 1000,
    recipient: '+221771234567',
    payment: { codeService: WAVE, payer: ME },
    state: 'completed',
    operations: {},
    events: [],
    createdAt: Date.UTC(2026, 10, 28, 10),
    updatedAt: Date.UTC(2026, 10, 28, 10),
    ...over,
  };
}

export interface Turn {
  reply: string;
  commands: Command[];
}

export interface DialogOptions {
  customer?: Partial<Customer>;
  now?: number;
  limits?: Partial<ConvContext['limits']>;
  todayTotal?: number;
  recentOrders?: Order[];
  bills?: (code: string, account: string) => BillLookup;
  place?: (input: PlaceOrderInput) => PlaceOrderResult;
}

/**
 * Drives the machine like the runner does: applies saveCustomer patches, answers lookupBills and
 * placeOrder with the given fakes, and records every command.
 */
export class Dialog {
  conv: Conversation;
  ctx: ConvContext;
  placed: PlaceOrderInput[] = [];
  all: Command[] = [];

  constructor(
    catalog: Catalog,
    private readonly opts: DialogOptions = {},
  ) {
    const now = opts.now ?? Date.UTC(2026, 10, 29, 12);
    this.conv = initialConversation(now);
    this.ctx = {
      now,
      customer: customer(opts.customer),
      catalog,
      limits: { orderMaxXof: 200_000, dailyTotalXof: 500_000, idleMs: 15 * 60_000, ...opts.limits },
      todayTotal: opts.todayTotal ?? 0,
      recentOrders: opts.recentOrders ?? [],
    };
  }

  get customer(): Customer {
    return this.ctx.customer;
  }

  /** Moves the clock forward. */
  later(ms: number): this {
    this.ctx = { ...this.ctx, now: this.ctx.now + ms };
    return this;
  }

  send(text: string, parsed: ParseResult = P()): Turn {
    return this.run({ type: 'message', text, parsed });
  }

  /** Through the real rule parser, with the conversation's hint, as the runner does. */
  say(text: string): Turn {
    const parsed = parseRules(text, { expecting: expecting(this.conv), lang: this.ctx.customer.lang });
    return this.send(text, parsed);
  }

  run(event: ConvEvent): Turn {
    const replies: string[] = [];
    const commands: Command[] = [];
    const queue: ConvEvent[] = [event];
    while (queue.length) {
      const [conv, cmds] = step(this.conv, queue.shift()!, this.ctx);
      this.conv = conv;
      for (const cmd of cmds) {
        commands.push(cmd);
        this.all.push(cmd);
        if (cmd.type === 'reply') replies.push(cmd.text);
        if (cmd.type === 'saveCustomer')
          this.ctx = { ...this.ctx, customer: { ...this.ctx.customer, ...cmd.patch } };
        if (cmd.type === 'lookupBills' && this.opts.bills)
          queue.push({ type: 'bills', result: this.opts.bills(cmd.codeService, cmd.account) });
        if (cmd.type === 'placeOrder') {
          this.placed.push(cmd.input);
          const result = this.opts.place
            ? this.opts.place(cmd.input)
            : {
                ok: true as const,
                order: order({ ...cmd.input, id: `XB${this.placed.length}`, state: 'collecting' }),
              };
          queue.push({ type: 'orderPlaced', result });
        }
      }
    }
    return { reply: replies.join('\n---\n'), commands };
  }
}

export function placeOrders(t: Turn): PlaceOrderInput[] {
  return t.commands.flatMap((c) => (c.type === 'placeOrder' ? [c.input] : []));
}

export const LANGS3: Lang[] = ['fr', 'en', 'wo'];
