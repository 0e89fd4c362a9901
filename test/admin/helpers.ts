// Test doubles for the admin area: a recording channel behind an outbox that delivers at once, a fake
// IntechApi, a fake clock, seeded customers.
import type { IntechApi } from '../../src/intech/api.js';
import { IntechRejectedError, IntechUnknownOutcomeError } from '../../src/intech/errors.js';
import type { IntechService, OperationRequest } from '../../src/intech/types.js';
import { createDrainer } from '../../src/outbox/drainer.js';
import { PermanentSendError } from '../../src/outbox/errors.js';
import type { Outbox } from '../../src/outbox/outbox.js';
import { createPacer } from '../../src/outbox/pacer.js';
import type { Customer, OutboxMessage, OutboxPayload, Store } from '../../src/store/types.js';
import { makeCustomer, putCustomer } from '../store/fixtures.js';

export function recordingChannel() {
  const sent: { to: string; text: string; at: number }[] = [];
  const ch = {
    sent,
    clock: () => Date.now(),
    failFor: new Set<string>(),
    /** Called after each successful send (tests stop services mid-broadcast from here). */
    afterSend: undefined as undefined | ((n: number) => void | Promise<void>),
    canSend: () => true,
    async deliver(to: string, payload: OutboxPayload) {
      // A number WhatsApp refuses for good: the outbox gives the message up.
      if (ch.failFor.has(to)) throw new PermanentSendError('not on WhatsApp');
      sent.push({
        to,
        text: payload.type === 'text' ? payload.text : (payload.caption ?? ''),
        at: ch.clock(),
      });
      await ch.afterSend?.(sent.length);
      return { waMessageId: `WA${sent.length}` };
    },
    texts(to?: string) {
      return sent.filter((m) => !to || m.to === to).map((m) => m.text);
    },
    last(to: string) {
      return ch.texts(to).at(-1) ?? '';
    },
  };
  return ch;
}

export function fakeClock(start = Date.UTC(2026, 10, 29, 12, 0, 0)) {
  let t = start;
  const sleeps: number[] = [];
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
    sleeps,
    /** A sleep that advances the clock instantly. */
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
      await Promise.resolve();
    },
  };
}

export const SERVICES: IntechService[] = [
  {
    name: 'Orange',
    codeService: 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE',
    typeOperation: 'DEBIT',
    typeService: 'CREDIT_TELEPHONIQUE',
  },
  {
    name: 'Free',
    codeService: 'FREE_SN_AIRTIME_CREDIT_TELEPHONIQUE',
    typeOperation: 'DEBIT',
    typeService: 'CREDIT_TELEPHONIQUE',
  },
  {
    name: 'Woyofal',
    codeService: 'WOYOFAL_SN_BILL_RELOAD',
    typeOperation: 'DEBIT',
    typeService: 'BILL_BUY_RELOAD',
  },
  {
    name: 'Rapido',
    codeService: 'RAPIDO_SN_BILL_RELOAD',
    typeOperation: 'DEBIT',
    typeService: 'BILL_BUY_RELOAD',
  },
  { name: 'Wave', codeService: 'WAVE_SN_API_CASH_OUT', typeOperation: 'CREDIT', typeService: 'CASHOUT' },
  {
    name: 'WhatsApp',
    codeService: 'WHATSAPP_MESSAGING',
    typeOperation: 'DEBIT',
    typeService: 'MESSENGING_SMS',
  },
];

export interface FakeIntech extends IntechApi {
  services: IntechService[];
  balance: number;
  balanceFails: boolean;
  ops: OperationRequest[];
  statusCalls: string[];
  known: Map<string, 'SUCCESS' | 'PENDING' | 'FAILLED'>;
  timeoutFor: Set<string>;
}

export function fakeIntech(opts: { services?: IntechService[]; balance?: number } = {}): FakeIntech {
  const ops: OperationRequest[] = [];
  const statusCalls: string[] = [];
  const fake: FakeIntech = {
    services: opts.services ?? SERVICES,
    balance: opts.balance ?? 1_000_000,
    balanceFails: false,
    ops,
    statusCalls,
    /** ext ids Intech knows (accepted). */
    known: new Map(),
    timeoutFor: new Set<string>(),
    async listServices() {
      return fake.services.map((s) => ({ ...s }));
    },
    async listErrors() {
      return [];
    },
    async getBalance() {
      if (fake.balanceFails) throw new Error('down');
      return { currency: 'XOF', balance: fake.balance };
    },
    async listPendingBills() {
      return [];
    },
    async operation(req: OperationRequest) {
      ops.push(req);
      if (fake.timeoutFor.has(req.phone)) {
        fake.known.set(req.externalTransactionId, 'PENDING');
        throw new IntechUnknownOutcomeError({
          endpoint: 'operation',
          externalTransactionId: req.externalTransactionId,
        });
      }
      fake.known.set(req.externalTransactionId, 'PENDING');
      return {
        transactionId: `TX${ops.length}`,
        externalTransactionId: req.externalTransactionId,
        status: 'PENDING' as const,
        raw: {},
      };
    },
    async getTransactionStatus(ext: string) {
      statusCalls.push(ext);
      const s = fake.known.get(ext);
      if (!s)
        throw new IntechRejectedError({
          endpoint: 'status',
          code: 4000,
          msg: 'not found',
          errorType: null,
          data: null,
        });
      return { transactionId: 'TX', externalTransactionId: ext, status: s, errorType: null };
    },
    async refundCancel() {
      throw new Error('not used');
    },
    async newClaim() {
      throw new Error('not used');
    },
  };
  return fake;
}

export const customer = makeCustomer;

/** n subscribers +22178000000i, in French. */
export async function seedSubscribers(
  store: Store,
  n: number,
  over: (i: number) => Partial<Customer> = () => ({}),
) {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = `+2217800000${String(i).padStart(2, '0')}`;
    await putCustomer(store, customer(id, over(i)));
    ids.push(id);
  }
  return ids;
}

/**
 * An outbox on `store` whose messages are delivered before send() resolves (through a real drainer), so
 * a test sees what the customer got in the order the service produced it.
 */
export function inlineOutbox(store: Pick<Store, 'outbox'>, channel: ReturnType<typeof recordingChannel>) {
  const hooks: { onFailed?: (m: OutboxMessage, error: string) => Promise<void> | void } = {};
  const drainer = createDrainer({
    outbox: store.outbox,
    channel,
    owner: 'admin-test',
    pacer: createPacer({ now: Date.now, random: () => 0 }),
    now: Date.now,
    random: () => 0.5,
    onFailed: (m, e) => hooks.onFailed?.(m, e),
  });
  const outbox: Outbox & typeof hooks = Object.assign(hooks, {
    async send(messages: Parameters<Outbox['send']>[0]) {
      await store.outbox.enqueue(messages, Date.now());
      for (const chat of new Set(messages.map((m) => m.chat))) await drainer.flushChat(chat, 2_000);
    },
    kick() {},
  });
  return outbox;
}
