// Everything Intech "remembers", in one plain object (JSON-serialisable: persistence.ts saves it).
import type { AmountRules } from '../../catalog/types.js';
import { type BillAccount, billFixtures } from './bill-fixtures.js';
import type {
  Claim,
  LogEntry,
  ScriptEntry,
  SimTransaction,
  SimulatorStats,
  WhatsappMessage,
} from './types.js';

export interface SimState {
  balance: number;
  seq: number;
  /** Random per simulator instance: ids never collide with those of a previous run. */
  idPrefix: string;
  transactions: Record<string, SimTransaction>;
  /** externalTransactionId -> transactionId */
  byExternalId: Record<string, string>;
  bills: Record<string, Record<string, BillAccount>>;
  scripts: ScriptEntry[];
  scriptSeq: number;
  amountRules: Record<string, Partial<AmountRules>>;
  disabled: string[];
  /** externalTransactionId -> times of accepted status lookups (rate limit window). */
  statusCalls: Record<string, number[]>;
  log: LogEntry[];
  stats: Omit<SimulatorStats, 'balance' | 'heldResponses'>;
  whatsapp: WhatsappMessage[];
  claims: Claim[];
}

export const LOG_LIMIT = 2_000;
/** Status lookups count towards the rate limit for this long. */
export const STATUS_WINDOW_MS = 60_000;

export function createState(init: {
  balance: number;
  idPrefix: string;
  amountRules?: Record<string, Partial<AmountRules>>;
  disabled?: string[];
}): SimState {
  return {
    balance: init.balance,
    seq: 0,
    idPrefix: init.idPrefix,
    transactions: {},
    byExternalId: {},
    bills: billFixtures(),
    scripts: [],
    scriptSeq: 0,
    amountRules: structuredClone(init.amountRules ?? {}),
    disabled: [...(init.disabled ?? [])],
    statusCalls: {},
    log: [],
    stats: {
      requests: 0,
      operations: 0,
      statusLookups: 0,
      statusLookupViolations: 0,
      callbackAttempts: 0,
      callbacksDelivered: 0,
      callbackFailures: 0,
    },
    whatsapp: [],
    claims: [],
  };
}

export function pushLog(state: SimState, entry: LogEntry): void {
  state.log.push(entry);
  if (state.log.length > LOG_LIMIT) state.log.splice(0, state.log.length - LOG_LIMIT);
}

export function nextId(state: SimState, prefix: string): string {
  state.seq += 1;
  return `${prefix}${state.idPrefix}${String(state.seq).padStart(6, '0')}`;
}

export function findTx(state: SimState, idOrExternal: string): SimTransaction | undefined {
  return state.transactions[idOrExternal] ?? state.transactions[state.byExternalId[idOrExternal] ?? ''];
}
