// Test helpers to build callbacks exactly as Intech sends them.
import { type SignedCallback, signCallback } from '../../src/intech/callback-signer.js';
import type { CallbackBody, IntechErrorType, IntechStatus } from '../../src/intech/types.js';

export { type SignedCallback, signCallback };

export interface CallbackBodyOptions {
  status?: IntechStatus;
  transactionId?: string;
  codeService?: string;
  amount?: number;
  phone?: string;
  errorType?: IntechErrorType | null;
  data?: Record<string, unknown> | null;
  msg?: string;
}

/** A realistic, unsigned callback body for one of our externalTransactionIds (sign it with signCallback). */
export function buildCallbackBody(
  externalTransactionId: string,
  o: CallbackBodyOptions = {},
): Omit<CallbackBody, 'sha256Hash'> {
  const status = o.status ?? 'SUCCESS';
  const amount = o.amount ?? 1000;
  const commission = Math.round(amount * 0.01);
  const before = 1_000_000;
  return {
    msg: o.msg ?? (status === 'SUCCESS' ? 'Transaction effectuée avec succès' : 'La transaction a échoué'),
    status,
    transaction: {
      phone: o.phone ?? '771234567',
      amount,
      codeService: o.codeService ?? 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE',
      nameService: 'Crédit Orange',
      commission,
      transactionId:
        o.transactionId ?? `TR${externalTransactionId.replace(/\W/g, '').slice(-10).toUpperCase()}`,
      sousServiceTransactionId: status === 'SUCCESS' ? 'MP251129.1200.A12345' : null,
      currentBalance: status === 'SUCCESS' ? before - amount + commission : before,
      balanceBeforeTransactionInit: before,
      balanceAfterTransactionInit: before - amount,
      externalTransactionId,
      callbackUrl: 'https://bot.example.sn/intech/callback',
      errorType:
        status === 'SUCCESS' ? null : (o.errorType ?? { id: null, code: 'unknown_error', message: 'Erreur' }),
      data: o.data === undefined ? { orderId: externalTransactionId.split('-')[0] } : o.data,
    },
  };
}

/** Body + signature in one go, for a given apiKey / hmacSecret / timestamp. */
export function signedCallbackFor(
  externalTransactionId: string,
  keys: { apiKey: string; hmacSecret?: string; timestamp?: number },
  o: CallbackBodyOptions = {},
): SignedCallback {
  return signCallback(buildCallbackBody(externalTransactionId, o), keys);
}
