// Public types of the Intech simulator (the sandbox stand-in for the real provider).
import type { Express } from 'express';
import type { AmountRules } from '../../catalog/types.js';
import type { IntechErrorType, IntechStatus, TypeOperation, TypeService } from '../../intech/types.js';
import type { Logger } from '../../logger.js';

export interface WhatsappMessage {
  phone: string;
  message: string;
  media?: { base64: string; extension: string; name?: string };
}

export interface SimulatorOptions {
  apiKey: string;
  hmacSecret?: string;
  /** Processing time before a transaction's outcome (and its callback). Default 300. */
  callbackDelayMs?: number;
  /** Retry a callback not answered 200 after this. Default 60000. */
  callbackRetryMs?: number;
  /** Total callback attempts (first one included). Default 5. */
  callbackMaxAttempts?: number;
  /** Customer wallet approval happens automatically after this. Default 3000; 0 = manual only. */
  approvalDelayMs?: number;
  /** Default true; false = cash-outs wait for approve()/the Wave page. */
  autoApprove?: boolean;
  /** An unvalidated cash-out fails with error id 4 after this. Default 15 min. */
  paymentTimeoutMs?: number;
  /** Default 1 000 000 XOF. */
  merchantBalance?: number;
  /** Base used to build payment links (default: derived from the request, mount prefix included). */
  publicUrl?: string;
  /** Fee taken from the merchant balance for one WHATSAPP_MESSAGING. Default 10. */
  whatsappFee?: number;
  /** Per-service amount rule overrides (merged over defaultAmountRules). */
  amountRules?: Record<string, Partial<AmountRules>>;
  /** Services not enabled on this developer account (rejected, and absent from /services). */
  disabledServices?: string[];
  /**
   * Keep Intech's memory in this JSON file: loaded at creation, saved (debounced, atomically) after
   * every change and on stop(). What was in flight (approvals, outcomes, callbacks) resumes on load.
   */
  statePath?: string;
  now?: () => number;
  logger?: Logger;
  onWhatsappMessage?: (m: WhatsappMessage) => void;
}

export type ScriptOutcome =
  | 'success'
  | 'failure'
  | 'timeout'
  | 'timeout_lost'
  | 'callback_before_response'
  | 'duplicate_callbacks'
  | 'lost_callback'
  | 'late_callback'
  | 'never_validated'
  | 'reject';

export interface ScriptMatch {
  codeService?: string;
  phone?: string;
  accountNumber?: string;
}

export interface Script {
  match?: ScriptMatch;
  outcome: ScriptOutcome;
  /** Documented error id for failure/reject/decline (or, with a timing outcome, makes it end FAILLED). */
  errorId?: number | null;
  /** How many matching operations it applies to. Default 1. */
  times?: number;
  /** Processing time override; for late_callback, the delay before the callback. */
  delayMs?: number;
  /** Woyofal: number of tokens (1 or 3) or the exact tokens. */
  tokens?: number | string[];
}

export interface ScriptEntry extends Script {
  id: number;
  remaining: number;
}

/** Behaviour resolved for one transaction at creation. */
export interface TxPlan {
  outcome: ScriptOutcome;
  errorId?: number | null;
  delayMs?: number;
  tokens?: number | string[];
  scriptId?: number;
}

export interface SimTransaction {
  transactionId: string;
  externalTransactionId: string;
  codeService: string;
  nameService: string;
  typeOperation: TypeOperation;
  typeService: TypeService;
  phone: string;
  amount: number;
  /** Merchant balance taken for a DEBIT (amount, or the fee for WhatsApp). */
  debit: number;
  accountNumber?: string;
  billReference?: string;
  callbackUrl?: string;
  /** The `data` string we received, parsed (comes back in the callback). */
  data: Record<string, unknown> | null;
  status: IntechStatus;
  errorType: IntechErrorType | null;
  msg?: string;
  createdAt: number;
  updatedAt: number;
  balanceBeforeTransactionInit: number;
  balanceAfterTransactionInit: number;
  currentBalance?: number;
  sousServiceTransactionId: string | null;
  tokens?: string[];
  plan: TxPlan;
  /** Cash-outs: the customer validated (Wave page, OM on phone, control). */
  approved?: boolean;
  extras: Record<string, unknown>;
  whatsapp?: WhatsappMessage;
  callbackAttempts: number;
  callbackDelivered: boolean;
  /** When the outcome (SUCCESS/FAILLED) was decided. */
  outcomeAt?: number;
  /** Last callback attempt, so a restart resumes the retry schedule. */
  lastCallbackAt?: number;
  refundedAt?: number;
}

export type LogEntry =
  | {
      kind: 'request';
      at: number;
      method: string;
      path: string;
      body?: unknown;
      /** Response `code` (or statutTreatment) sent back; 'held' when no response is sent. */
      response?: unknown;
    }
  | {
      kind: 'callback';
      at: number;
      transactionId: string;
      externalTransactionId: string;
      url: string;
      attempt: number;
      copy: number;
      status: 'SUCCESS' | 'FAILLED' | string;
      /** Receiver's HTTP status, or null when it could not be reached. */
      receiverStatus: number | null;
      error?: string;
    };

export interface SimulatorStats {
  requests: number;
  operations: number;
  statusLookups: number;
  statusLookupViolations: number;
  callbackAttempts: number;
  callbacksDelivered: number;
  callbackFailures: number;
  heldResponses: number;
  balance: number;
}

export interface Claim {
  claimRef: string;
  transactionId: string;
  subject: string;
  message: string;
  statut: 'OPENED';
  createdAt: number;
}

export interface SimulatorControl {
  script(s: Script): ScriptEntry;
  clearScripts(): void;
  approve(transactionId: string): boolean;
  /** Approves the most recent pending cash-out of that phone; returns its transactionId. */
  approveByPhone(phone: string): string | null;
  decline(transactionId: string, errorId?: number | null): boolean;
  setBalance(n: number): void;
  balance(): number;
  setAmountRules(codeService: string, rules: Partial<AmountRules>): AmountRules;
  setServiceEnabled(codeService: string, enabled: boolean): void;
  log(): LogEntry[];
  transactions(): SimTransaction[];
  transaction(idOrExternalId: string): SimTransaction | undefined;
  claims(): Claim[];
  stats(): SimulatorStats;
  /** Fails cash-outs older than paymentTimeoutMs (by `now`); also runs on every request and by timer. */
  sweep(): void;
  reset(): void;
  whatsappMessages(phone?: string): WhatsappMessage[];
}

export interface Simulator {
  app: Express;
  control: SimulatorControl;
  /** Clears timers and drops held responses; with statePath, saves the state one last time. */
  stop(): Promise<void>;
}
