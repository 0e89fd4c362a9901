// Test doubles for the admin area: a recording channel, a fake IntechApi, a fake clock, seeded customers.
import type { IntechApi } from '../../src/intech/api.js';
import { IntechRejectedError, IntechUnknownOutcomeError } from '../../src/intech/errors.js';
import type { IntechService, OperationRequest } from '../../src/intech/types.js';
import type { Customer, Store } from '../../src/store/types.js';
import { makeCustomer, putCustomer } from '../store/fixtures.js';

export function recordingChannel() {
  const sent: { to: string; text: string; at: number }[] = [];
  const ch = {
    sent,
    clock: () => Date.now(),
    failFor: new Set<string>(),
    /** Called after each successful send (tests stop services mid-broadcast from here). */
    afterSend: undefined as undefined | ((n: number) => void | Promise<void>),
    async sendText(to: string, text: string) {
      if (ch.failFor.has(to)) throw new Error('channel down');
      sent.push({ to, text, at: ch.clock() });
      await ch.afterSend?.(sent.length);
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
