// Response shapes exactly as Intech writes them (code in the body, HTTP status 200/201).
import type { IntechErrorType } from '../../intech/types.js';

export const CODE_OK = 2000;
export const CODE_FAILED = 4000;
export const CODE_AUTH = 4001;
export const CODE_SIGNATURE = 4003;
export const CODE_NOT_FOUND = 4004;
export const CODE_RATE_LIMITED = 4029;

export const ok = (msg: string, data: unknown) => ({ code: CODE_OK, msg, error: false, data });
export const fail = (code: number, msg: string, data: unknown = null) => ({ code, msg, error: true, data });

export function operationFailure(
  code: number,
  msg: string,
  d: {
    phone?: unknown;
    amount?: unknown;
    codeService?: unknown;
    externalTransactionId?: unknown;
    transactionId: string | null;
    errorType: IntechErrorType | null;
  },
) {
  return fail(code, msg, {
    phone: d.phone ?? null,
    amount: d.amount ?? null,
    codeService: d.codeService ?? null,
    externalTransactionId: d.externalTransactionId ?? null,
    transactionId: d.transactionId,
    status: 'FAILLED',
    errorType: d.errorType,
  });
}

export const iso = (ms: number): string => new Date(ms).toISOString();
