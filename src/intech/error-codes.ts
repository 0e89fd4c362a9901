// Decision table for Intech's documented error codes (GET /api-services/errors, see intech-api.md).
// retryable: may the customer try the same thing again later with a chance of success.
// blame: whose side must change something (customer: their wallet/number/amount; merchant: our balance;
// operator: the telecom / mobile-money side; unknown: nobody knows yet).
// Refunds do not depend on the code: a delivery that failed after collecting is always refunded.
import type { IntechErrorType } from './types.js';

export type IntechBlame = 'customer' | 'merchant' | 'operator' | 'unknown';

export interface IntechErrorDecision {
  code: string;
  retryable: boolean;
  blame: IntechBlame;
}

export interface IntechErrorEntry extends IntechErrorDecision {
  /** Documented ids for this code (null = unknown_error has no id). */
  ids: readonly (number | null)[];
}

/** Every documented code. insufficient_balance appears twice: id 2 is the customer's wallet, 26 ours. */
export const INTECH_ERROR_TABLE: readonly IntechErrorEntry[] = [
  { code: 'unknown_error', ids: [null], retryable: true, blame: 'unknown' },
  { code: 'invalid_phone_number', ids: [1], retryable: false, blame: 'customer' },
  { code: 'insufficient_balance', ids: [2], retryable: true, blame: 'customer' },
  { code: 'insufficient_balance', ids: [26], retryable: true, blame: 'merchant' },
  { code: 'logged-out-user-session', ids: [3], retryable: true, blame: 'operator' },
  { code: 'payment-timeout', ids: [4], retryable: true, blame: 'customer' },
  { code: 'no_om_account', ids: [5, 9, 23], retryable: false, blame: 'customer' },
  { code: 'exceeds-limit-time', ids: [6, 7, 8, 20, 21], retryable: true, blame: 'operator' },
  { code: 'user_account_suspended', ids: [11], retryable: false, blame: 'customer' },
  { code: 'whatsapp_user_not_found', ids: [12], retryable: false, blame: 'customer' },
  { code: 'om_number_not_allowed', ids: [14], retryable: false, blame: 'customer' },
  { code: 'bad_amount_50', ids: [15], retryable: false, blame: 'customer' },
  { code: 'bad_amount_100', ids: [16], retryable: false, blame: 'customer' },
  { code: 'om_operator_internal_error', ids: [17], retryable: true, blame: 'operator' },
  {
    code: 'monthly_max_amount_cumul_reached',
    ids: [18, 22, 27, 36, 40, 42],
    retryable: false,
    blame: 'customer',
  },
  // The documentation lists "19, 43 | connexion_error / pos_already_connected" without pairing them.
  { code: 'connexion_error', ids: [19], retryable: true, blame: 'operator' },
  { code: 'pos_already_connected', ids: [43], retryable: true, blame: 'operator' },
  { code: 'interval_max_amount_cumul_reached', ids: [24, 25, 41], retryable: true, blame: 'customer' },
  { code: 'operator_down_time', ids: [28], retryable: true, blame: 'operator' },
  { code: 'execution_error', ids: [29, 30, 31, 32, 33, 34, 35], retryable: true, blame: 'unknown' },
  { code: 'balance_check_failed', ids: [37], retryable: true, blame: 'customer' },
  { code: 'bad_amount_5', ids: [38], retryable: false, blame: 'customer' },
  { code: 'no_mtn_account', ids: [39], retryable: false, blame: 'customer' },
];

/** Codes compare case-insensitively with "-" and "_" equal (Intech mixes both). */
export function normalizeErrorCode(code: string): string {
  return code.trim().toLowerCase().replace(/-/g, '_');
}

const UNKNOWN: IntechErrorEntry = INTECH_ERROR_TABLE[0]!;

/** The table entry for an errorType, or undefined when the code is not documented. */
export function findErrorEntry(errorType: IntechErrorType | null | undefined): IntechErrorEntry | undefined {
  if (!errorType) return UNKNOWN;
  const wanted = typeof errorType.code === 'string' ? normalizeErrorCode(errorType.code) : '';
  const byCode = INTECH_ERROR_TABLE.filter((e) => normalizeErrorCode(e.code) === wanted);
  if (byCode.length === 1) return byCode[0];
  if (byCode.length > 1) {
    // insufficient_balance: the id says whose balance; without it, a cash-out (collecting from the
    // customer) means the customer's wallet, anything else (a delivery we pay for) means ours.
    const byId = byCode.find((e) => errorType.id !== null && e.ids.includes(errorType.id));
    if (byId) return byId;
    const collecting = /CASH_OUT/i.test(errorType.codeService ?? '');
    return byCode.find((e) => e.blame === (collecting ? 'customer' : 'merchant')) ?? byCode[0];
  }
  if (!wanted && errorType.id === null) return UNKNOWN;
  return INTECH_ERROR_TABLE.find((e) => errorType.id !== null && e.ids.includes(errorType.id));
}

export function classifyIntechError(errorType: IntechErrorType | null | undefined): IntechErrorDecision {
  const entry = findErrorEntry(errorType);
  if (entry) return { code: entry.code, retryable: entry.retryable, blame: entry.blame };
  // Undocumented code: nothing tells us the customer must change anything; let them try later.
  return { code: errorType?.code || 'unknown_error', retryable: true, blame: 'unknown' };
}
