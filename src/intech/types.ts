// Intech wire types (see ../shared/intech-api.md). Zod schemas that validate them live in schemas.ts.

/** Transaction statuses as Intech spells them (FAILLED has two Ls). */
export type IntechStatus = 'SUCCESS' | 'FAILLED' | 'PENDING' | 'PROCESSING' | 'REFUNDED' | 'CANCELED';

export type TypeOperation = 'DEBIT' | 'CREDIT';
export type TypeService =
  | 'CASHIN'
  | 'CASHOUT'
  | 'CREDIT_TELEPHONIQUE'
  | 'BILL_PAY'
  | 'BILL_BUY_RELOAD'
  | 'MESSENGING_SMS';

export interface IntechService {
  name: string;
  icon?: string;
  codeService: string;
  typeOperation: TypeOperation;
  typeService: TypeService;
}

export interface IntechErrorType {
  id: number | null;
  code: string;
  message?: string;
  codeService?: string;
}

export interface IntechErrorCode {
  id: number | null;
  code: string;
  message: string;
}

export interface PendingBill {
  amount: number;
  billReference: string;
  infos: { label: string; value: string }[];
}

/** Body of POST /api-services/operation, minus apiKey (the client adds it). */
export interface OperationRequest {
  codeService: string;
  phone: string;
  amount?: number;
  externalTransactionId: string;
  callbackUrl: string;
  /** JSON-serialised string; comes back parsed in the callback's transaction.data. */
  data?: string;
  accountNumber?: string;
  billReference?: string;
  // Cash-out extras
  sender?: string;
  successRedirectUrl?: string;
  errorRedirectUrl?: string;
  useOMQrCode?: boolean;
  // WHATSAPP_MESSAGING
  message?: string;
  attachedMedia?: string;
  attachedMediaExtension?: string;
  attachedMediaName?: string;
  [extra: string]: unknown;
}

/** The operation was accepted (code 2000); the outcome comes later by callback. */
export interface OperationAccepted {
  transactionId: string;
  externalTransactionId: string;
  status: IntechStatus;
  amount?: number;
  phone?: string;
  codeService?: string;
  /** Wave cash-out: the link the customer must open. */
  deepLinkUrl?: string;
  notificationMessage?: string;
  authLinkUrl?: string;
  raw: Record<string, unknown>;
}

export interface TransactionStatusResult {
  transactionId: string | null;
  externalTransactionId: string;
  status: IntechStatus;
  errorType: IntechErrorType | null;
  createdAt?: string;
  updatedAt?: string;
}

export interface RefundResult {
  /** statutTreatment === 'SUCCESS' */
  ok: boolean;
  statutTreatment: string;
  message: string;
}

export interface ClaimResult {
  claimRef: string;
  statut: string;
  raw: Record<string, unknown>;
}

/** Callback (IPN) body as Intech posts it. */
export interface CallbackBody {
  msg?: string;
  status: IntechStatus;
  sha256Hash: string;
  transaction: {
    phone?: string;
    amount?: number;
    codeService: string;
    nameService?: string;
    commission?: number;
    transactionId: string;
    sousServiceTransactionId?: string | null;
    currentBalance?: number;
    balanceBeforeTransactionInit?: number;
    balanceAfterTransactionInit?: number;
    externalTransactionId: string;
    callbackUrl?: string;
    errorType: IntechErrorType | null;
    data?: Record<string, unknown> | null;
    [extra: string]: unknown;
  };
}
