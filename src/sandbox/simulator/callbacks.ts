// Callback (IPN) delivery: documented body, sha256Hash (+ HMAC headers), retries until the receiver answers 200.
import { signCallback } from '../../intech/callback-signer.js';
import type { CallbackBody } from '../../intech/types.js';
import type { SimContext } from './context.js';
import { pushLog } from './state.js';
import type { SimTransaction } from './types.js';

const RECEIVER_TIMEOUT_MS = 10_000;

export function callbackBody(tx: SimTransaction): Omit<CallbackBody, 'sha256Hash'> {
  return {
    msg: tx.msg ?? (tx.status === 'SUCCESS' ? 'Transaction effectuée avec succès' : 'Transaction échouée'),
    status: tx.status,
    transaction: {
      phone: tx.phone,
      amount: tx.amount,
      codeService: tx.codeService,
      nameService: tx.nameService,
      commission: 0,
      transactionId: tx.transactionId,
      sousServiceTransactionId: tx.sousServiceTransactionId,
      currentBalance: tx.currentBalance,
      balanceBeforeTransactionInit: tx.balanceBeforeTransactionInit,
      balanceAfterTransactionInit: tx.balanceAfterTransactionInit,
      externalTransactionId: tx.externalTransactionId,
      callbackUrl: tx.callbackUrl,
      errorType: tx.errorType,
      data: tx.data,
    },
  };
}

/**
 * Sends one copy of the callback; retries every callbackRetryMs while the answer is not exactly 200.
 * Resolves after the FIRST attempt (callback_before_response waits for it).
 * `from` > 1 continues a retry sequence begun before a restart.
 */
export function deliverCallback(ctx: SimContext, tx: SimTransaction, copy = 1, from = 1): Promise<void> {
  const url = tx.callbackUrl;
  if (!url) return Promise.resolve();
  const generation = ctx.generation;
  const attempt = async (n: number): Promise<void> => {
    if (ctx.generation !== generation) return;
    const { opts, state } = ctx;
    const signed = signCallback(callbackBody(tx), {
      apiKey: opts.apiKey,
      hmacSecret: opts.hmacSecret,
      timestamp: opts.now(),
    });
    let receiverStatus: number | null = null;
    let error: string | undefined;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: signed.headers,
        body: signed.rawBody,
        signal: AbortSignal.timeout(RECEIVER_TIMEOUT_MS),
      });
      receiverStatus = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    if (ctx.generation !== generation) return;
    state.stats.callbackAttempts += 1;
    tx.callbackAttempts += 1;
    tx.lastCallbackAt = opts.now();
    ctx.changed();
    pushLog(state, {
      kind: 'callback',
      at: opts.now(),
      transactionId: tx.transactionId,
      externalTransactionId: tx.externalTransactionId,
      url,
      attempt: n,
      copy,
      status: tx.status,
      receiverStatus,
      ...(error ? { error } : {}),
    });
    if (receiverStatus === 200) {
      state.stats.callbacksDelivered += 1;
      tx.callbackDelivered = true;
      return;
    }
    state.stats.callbackFailures += 1;
    opts.logger.debug(
      { transactionId: tx.transactionId, attempt: n, receiverStatus, error },
      'intech-sim: callback not acknowledged',
    );
    if (n < opts.callbackMaxAttempts) ctx.timers.set(opts.callbackRetryMs, () => void attempt(n + 1));
  };
  return attempt(from);
}
