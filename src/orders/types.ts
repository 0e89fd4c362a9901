import type { IntechErrorType, IntechStatus } from '../intech/types.js';
import type { Lang } from '../i18n/lang.js';

export type OrderKind = 'airtime' | 'bill_pay' | 'bill_reload';

/**
 * created      stored, nothing sent yet
 * collecting   CASHOUT recorded (maybe sent); waiting for its outcome
 * collect_failed  terminal: the customer was not charged
 * collected    CASHOUT SUCCESS: we hold the customer's money; delivery must follow (or a refund)
 * delivering   delivery recorded (maybe sent); waiting for its outcome
 * delivered    delivery SUCCESS; receipt being sent
 * completed    terminal: delivered and receipt sent (or given up on after fallbacks)
 * refunding    delivery failed; refund-cancel requested
 * refunded     terminal: customer refunded
 * needs_human  terminal for the machine: refund failed, claim opened, admins alerted
 * cancelled    terminal: customer cancelled before any money moved
 */
export type OrderState =
  | 'created'
  | 'collecting'
  | 'collect_failed'
  | 'collected'
  | 'delivering'
  | 'delivered'
  | 'completed'
  | 'refunding'
  | 'refunded'
  | 'needs_human'
  | 'cancelled';

/** Every state, in the order an order moves through them. */
export const ORDER_STATES: readonly OrderState[] = [
  'created',
  'collecting',
  'collect_failed',
  'collected',
  'delivering',
  'delivered',
  'completed',
  'refunding',
  'refunded',
  'needs_human',
  'cancelled',
];

export const TERMINAL_STATES: readonly OrderState[] = [
  'collect_failed',
  'completed',
  'refunded',
  'needs_human',
  'cancelled',
];

export type OperationStep = 'collect' | 'deliver' | 'receipt' | 'refund' | 'claim';

/**
 * recorded  durably written, request not known to be sent (a crash here = look it up before anything else)
 * sent      request answered PENDING/accepted; outcome expected by callback
 * unknown   request timed out / connection lost after sending: outcome unknown, NOT failed
 * success / failed  final outcome known
 */
export type OperationStatus = 'recorded' | 'sent' | 'unknown' | 'success' | 'failed';

export interface Operation {
  step: OperationStep;
  /** Ours, unique per operation: derived from the order id and the step. Empty for refund/claim (by transactionId). */
  externalTransactionId: string;
  codeService: string;
  amount: number;
  status: OperationStatus;
  /** Intech's id, once known (from the response, a callback or a status lookup). */
  transactionId?: string;
  /** Operator's reference from the callback. */
  sousServiceTransactionId?: string;
  intechStatus?: IntechStatus;
  errorType?: IntechErrorType | null;
  /** Callback msg / data (e.g. Woyofal tokens). */
  message?: string;
  data?: Record<string, unknown> | null;
  recordedAt: number;
  sentAt?: number;
  settledAt?: number;
  /** Wave payment link etc. */
  deepLinkUrl?: string;
  /**
   * An outcome reported by an unsigned callback, waiting for one status lookup to confirm it (the callback's
   * hash does not cover its status). Kept for its details (Woyofal tokens, message) once confirmed.
   */
  reported?: ReportedOutcome;
  /** Claims: our idempotency key, recorded before the claim is sent (Intech's claims take none). */
  key?: string;
}

export interface ReportedOutcome {
  status: IntechStatus;
  at: number;
  transactionId?: string | null;
  errorType?: IntechErrorType | null;
  message?: string;
  data?: Record<string, unknown> | null;
  sousServiceTransactionId?: string | null;
  /** Two copies with the same status but different details: neither copy's details (tokens) are trusted. */
  ambiguous?: boolean;
}

export interface OrderEvent {
  at: number;
  type: string;
  detail?: string;
}

export interface Order {
  /** Also the customer-facing reference, e.g. "XB7K2M9Q". */
  id: string;
  /** Incremented on every write; compare-and-set key. */
  version: number;
  customerId: string;
  lang: Lang;
  kind: OrderKind;
  /** The delivery service (airtime / bill code). */
  codeService: string;
  /** Whole XOF delivered and collected. */
  amount: number;
  /** E.164 airtime recipient. */
  recipient?: string;
  /** Bill / meter / card number. */
  account?: string;
  billReference?: string;
  billInfo?: { label: string; value: string }[];
  payment: { codeService: string; payer: string };
  state: OrderState;
  operations: Partial<Record<OperationStep, Operation>>;
  events: OrderEvent[];
  createdAt: number;
  updatedAt: number;
  /** Woyofal tokens (one or three 20-digit codes). */
  tokens?: string[];
  claimRef?: string;
  receiptVia?: 'intech' | 'chat';
  /** Proactive notices already sent, so each goes once. */
  notices?: string[];
}

export interface PlaceOrderInput {
  customerId: string;
  lang: Lang;
  kind: OrderKind;
  codeService: string;
  amount: number;
  recipient?: string;
  account?: string;
  billReference?: string;
  billInfo?: { label: string; value: string }[];
  payment: { codeService: string; payer: string };
}

export type PlaceOrderResult =
  | { ok: true; order: Order }
  | {
      ok: false;
      reason: 'merchant_balance' | 'service_unavailable' | 'invalid' | 'payer_limit';
      /** Localized text for the customer. */
      message: string;
    };

export type BillLookup =
  | {
      ok: true;
      bills: { amount: number; billReference: string; infos: { label: string; value: string }[] }[];
    }
  | { ok: false; message: string; retryable: boolean };

/** What the conversation needs from the order side. Order progress reaches the customer through the channel. */
export interface OrderDesk {
  place(input: PlaceOrderInput): Promise<PlaceOrderResult>;
  lookupBills(codeService: string, account: string, lang: Lang): Promise<BillLookup>;
  get(id: string): Promise<Order | undefined>;
}
