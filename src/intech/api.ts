// What the rest of the bot needs from Intech. The real client (client.ts) implements it; tests may fake it.
import type {
  ClaimResult,
  IntechErrorCode,
  IntechService,
  OperationAccepted,
  OperationRequest,
  PendingBill,
  RefundResult,
  TransactionStatusResult,
} from './types.js';

/**
 * Errors (errors.ts):
 * - IntechRejectedError: the provider said no (code !== 2000), carries errorType. Outcome known: failed.
 * - IntechTransportError: nothing reliable came back (refused connection, non-2xx, non-JSON, schema mismatch)
 *   on a request that is safe to consider not executed (read-only, or failed before the body was sent).
 * - IntechUnknownOutcomeError: a money operation may or may not have been executed (timeout, connection lost
 *   after sending). NEVER treat as failed: find out by callback or status lookup.
 */
export interface IntechApi {
  listServices(): Promise<IntechService[]>;
  listErrors(): Promise<IntechErrorCode[]>;
  getBalance(): Promise<{ currency: string; balance: number }>;
  listPendingBills(codeService: string, billAccountNumber: string): Promise<PendingBill[]>;
  /** Never retried automatically. */
  operation(req: OperationRequest): Promise<OperationAccepted>;
  /** Rate limited by Intech: callers must enforce <= 3 per minute per transaction. */
  getTransactionStatus(externalTransactionId: string): Promise<TransactionStatusResult>;
  /** transactionId is Intech's id. Never retried automatically. */
  refundCancel(transactionId: string): Promise<RefundResult>;
  /** Never retried automatically. */
  newClaim(transactionId: string, subject: string, message: string): Promise<ClaimResult>;
}
