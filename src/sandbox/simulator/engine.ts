// Transaction lifecycle: creation (with balance reservation), customer approval, outcome, callbacks, refunds.
import type { IntechService } from '../../intech/types.js';
import { deliverCallback } from './callbacks.js';
import type { SimContext } from './context.js';
import { errorTypeFor } from './error-table.js';
import { takePlan } from './scripts.js';
import { isBillPay, isCashOut, isWhatsapp } from './services.js';
import { nextId } from './state.js';
import { defaultTokenCount, groupThousands, woyofalMessage, woyofalTokens } from './tokens.js';
import type { SimTransaction, WhatsappMessage } from './types.js';

export interface OperationInput {
  service: IntechService;
  phone: string;
  amount: number;
  externalTransactionId: string;
  callbackUrl?: string;
  data: Record<string, unknown> | null;
  accountNumber?: string;
  billReference?: string;
  /** Service-specific fields we received (sender, redirect URLs, message, media…). */
  fields: Record<string, unknown>;
  /** Where this simulator is reachable, mount prefix included (for payment links). */
  baseUrl: string;
}

export type StartResult =
  | { kind: 'accepted'; tx: SimTransaction; beforeResponse?: Promise<void> }
  /** Created but failed at once (scripted reject, merchant balance too low): failure response + FAILLED callback. */
  | { kind: 'rejected'; tx: SimTransaction }
  /** Created, but the HTTP response is never sent. */
  | { kind: 'held'; tx: SimTransaction };

const TIMING_OUTCOMES = new Set([
  'timeout',
  'timeout_lost',
  'duplicate_callbacks',
  'lost_callback',
  'late_callback',
]);
const DEFAULT_LATE_CALLBACK_MS = 5_000;
/** Phones ending like this have no WhatsApp account (whatsapp_user_not_found). */
const NO_WHATSAPP = /0{6}$/;

export function startOperation(ctx: SimContext, input: OperationInput): StartResult {
  const { state, opts } = ctx;
  const { service } = input;
  const now = opts.now();
  const plan = takePlan(state, {
    codeService: service.codeService,
    phone: input.phone,
    accountNumber: input.accountNumber,
  });
  const debit =
    service.typeOperation === 'DEBIT' ? (isWhatsapp(service) ? opts.whatsappFee : input.amount) : 0;
  const tx: SimTransaction = {
    transactionId: nextId(state, 'TR'),
    externalTransactionId: input.externalTransactionId,
    codeService: service.codeService,
    nameService: service.name,
    typeOperation: service.typeOperation,
    typeService: service.typeService,
    phone: input.phone,
    amount: isWhatsapp(service) ? opts.whatsappFee : input.amount,
    debit,
    accountNumber: input.accountNumber,
    billReference: input.billReference,
    callbackUrl: input.callbackUrl,
    data: input.data,
    status: 'PENDING',
    errorType: null,
    createdAt: now,
    updatedAt: now,
    balanceBeforeTransactionInit: state.balance,
    balanceAfterTransactionInit: state.balance,
    sousServiceTransactionId: null,
    plan,
    extras: {},
    callbackAttempts: 0,
    callbackDelivered: false,
  };
  if (isWhatsapp(service)) {
    const media =
      typeof input.fields.attachedMedia === 'string'
        ? {
            base64: input.fields.attachedMedia,
            extension: String(input.fields.attachedMediaExtension ?? ''),
            ...(typeof input.fields.attachedMediaName === 'string'
              ? { name: input.fields.attachedMediaName }
              : {}),
          }
        : undefined;
    tx.whatsapp = {
      phone: input.phone,
      message: String(input.fields.message ?? ''),
      ...(media ? { media } : {}),
    };
  }
  state.transactions[tx.transactionId] = tx;
  state.byExternalId[tx.externalTransactionId] = tx.transactionId;
  state.stats.operations += 1;
  opts.logger.info(
    { transactionId: tx.transactionId, codeService: tx.codeService, amount: tx.amount, plan: plan.outcome },
    'intech-sim: operation received',
  );

  if (plan.outcome === 'reject') {
    failNow(ctx, tx, plan.errorId !== undefined ? plan.errorId : 29);
    return { kind: 'rejected', tx };
  }
  if (debit > state.balance) {
    failNow(ctx, tx, 26);
    return { kind: 'rejected', tx };
  }
  // DEBIT: the merchant balance is taken at init and given back if the transaction fails.
  state.balance -= debit;
  tx.balanceAfterTransactionInit = state.balance;
  if (isBillPay(service)) {
    const bill = findBill(ctx, tx);
    if (bill) bill.reservedBy = tx.transactionId;
  }
  addServiceExtras(ctx, tx, input);

  if (plan.outcome === 'callback_before_response') {
    if (isCashOut(service)) tx.approved = true;
    const beforeResponse = finalize(ctx, tx, plannedOutcome(tx));
    return { kind: 'accepted', tx, beforeResponse };
  }
  armPending(ctx, tx, now);
  if (plan.outcome === 'timeout' || plan.outcome === 'timeout_lost') return { kind: 'held', tx };
  return { kind: 'accepted', tx };
}

/** A timing outcome with an errorId ends FAILLED (null = unknown_error); without one it ends SUCCESS. */
function plannedOutcome(tx: SimTransaction): Outcome {
  const { plan } = tx;
  return plan.errorId === undefined || plan.outcome === 'success' ? 'success' : { errorId: plan.errorId };
}

/**
 * Schedules what a PENDING transaction waits for (outcome, customer approval, payment timeout).
 * Waits are measured from `since`: the creation time for a new transaction; on resume, the creation
 * time for the customer's approval and the payment timeout, and `now` for scripted delays.
 */
function armPending(ctx: SimContext, tx: SimTransaction, since: number, scriptedSince = since): void {
  const { opts } = ctx;
  const { plan } = tx;
  const at = (start: number, ms: number, fn: () => void) => later(ctx, start + ms - opts.now(), fn);
  const cashOut = tx.typeService === 'CASHOUT';
  const delay = plan.delayMs ?? opts.callbackDelayMs;
  if (plan.outcome === 'failure') {
    const errorId = plan.errorId !== undefined ? plan.errorId : cashOut ? 2 : 29;
    at(scriptedSince, delay, () => void finalize(ctx, tx, { errorId }));
  } else if (cashOut && tx.approved) {
    // Resumed only: approved before a restart, the outcome was still being processed.
    at(scriptedSince, opts.callbackDelayMs, () => void finalize(ctx, tx, approvalOutcome(tx)));
  } else if (cashOut) {
    // Waits for the customer: Wave link, OM validation on the phone, or control approve().
    at(tx.createdAt, opts.paymentTimeoutMs, () => sweep(ctx));
    const scriptedSuccess = plan.outcome === 'success' && plan.scriptId !== undefined;
    if (scriptedSuccess) {
      at(scriptedSince, plan.delayMs ?? opts.approvalDelayMs, () => approve(ctx, tx.transactionId));
    } else if (plan.outcome !== 'never_validated' && opts.autoApprove && opts.approvalDelayMs > 0) {
      at(tx.createdAt, opts.approvalDelayMs, () => approve(ctx, tx.transactionId));
    }
  } else {
    const whatsappMissing =
      tx.codeService === 'WHATSAPP_MESSAGING' && NO_WHATSAPP.test(tx.phone) && plan.scriptId === undefined;
    const outcome: Outcome = whatsappMissing ? { errorId: 12 } : plannedOutcome(tx);
    const processing = plan.outcome === 'late_callback' ? opts.callbackDelayMs : delay;
    at(
      plan.scriptId === undefined ? since : scriptedSince,
      processing,
      () => void finalize(ctx, tx, outcome),
    );
  }
}

/**
 * After loading a saved state: re-arms what was in flight. PENDING transactions wait again (see
 * armPending); decided outcomes whose callback was never acknowledged get it (re)sent, continuing the
 * retry count; a late callback still waiting is sent its full delay after `now`.
 */
export function resume(ctx: SimContext): void {
  const { opts } = ctx;
  const now = opts.now();
  for (const tx of Object.values(ctx.state.transactions)) {
    if (tx.status === 'PENDING') {
      armPending(ctx, tx, tx.createdAt, now);
      continue;
    }
    const lost = tx.plan.outcome === 'lost_callback' || tx.plan.outcome === 'timeout_lost';
    if (!tx.callbackUrl || tx.callbackDelivered || lost) continue;
    if (tx.callbackAttempts >= opts.callbackMaxAttempts) continue;
    if (tx.callbackAttempts === 0) {
      const wait = tx.plan.outcome === 'late_callback' ? (tx.plan.delayMs ?? DEFAULT_LATE_CALLBACK_MS) : 0;
      later(ctx, wait, () => void deliverCallback(ctx, tx));
    } else {
      const last = tx.lastCallbackAt ?? tx.outcomeAt ?? tx.updatedAt;
      const from = tx.callbackAttempts + 1;
      later(ctx, last + opts.callbackRetryMs - now, () => void deliverCallback(ctx, tx, 1, from));
    }
  }
}

function approvalOutcome(tx: SimTransaction): Outcome {
  return tx.plan.errorId !== undefined && TIMING_OUTCOMES.has(tx.plan.outcome)
    ? { errorId: tx.plan.errorId }
    : 'success';
}

function later(ctx: SimContext, ms: number, fn: () => void): void {
  const generation = ctx.generation;
  ctx.timers.set(ms, () => {
    if (ctx.generation === generation) fn();
  });
}

function addServiceExtras(ctx: SimContext, tx: SimTransaction, input: OperationInput): void {
  const base = ctx.opts.publicUrl ?? input.baseUrl;
  const amount = groupThousands(tx.amount);
  const sender = typeof input.fields.sender === 'string' ? input.fields.sender : 'le marchand';
  for (const k of ['sender', 'successRedirectUrl', 'errorRedirectUrl', 'merchantName']) {
    if (typeof input.fields[k] === 'string') tx.extras[k] = input.fields[k];
  }
  if (tx.codeService === 'WAVE_SN_API_CASH_OUT') {
    tx.extras.deepLinkUrl = `${base}/pay/wave/${tx.transactionId}`;
    tx.extras.notificationMessage = `Ouvrez le lien Wave pour payer ${amount} FCFA à ${sender}.`;
  } else if (tx.codeService === 'BANK_CARD_API_CASH_OUT') {
    tx.extras.authLinkUrl = `${base}/pay/card/${tx.transactionId}`;
    tx.extras.orderId = `ORD${tx.transactionId}`;
  }
}

function findBill(ctx: SimContext, tx: SimTransaction) {
  const account = ctx.state.bills[tx.codeService]?.[tx.accountNumber ?? ''];
  if (account?.kind !== 'bills') return undefined;
  return account.bills.find((b) => b.billReference === tx.billReference);
}

/** Synchronous failure of a freshly created transaction; its FAILLED callback follows after callbackDelayMs. */
function failNow(ctx: SimContext, tx: SimTransaction, errorId: number | null): void {
  setFailed(tx, errorId, ctx.opts.now());
  tx.currentBalance = ctx.state.balance;
  later(ctx, ctx.opts.callbackDelayMs, () => void deliverCallback(ctx, tx));
}

function setFailed(tx: SimTransaction, errorId: number | null, now: number): void {
  tx.status = 'FAILLED';
  tx.errorType = errorTypeFor(errorId, tx.codeService, tx.amount);
  tx.msg = tx.errorType.message || 'Transaction échouée';
  tx.updatedAt = now;
  tx.outcomeAt = now;
}

/** How a transaction ends: success, or FAILLED with a documented error id (null = unknown_error). */
export type Outcome = 'success' | { errorId: number | null };

/**
 * Settles a PENDING transaction once, then sends its callback according to the plan.
 * Resolves after the first callback attempt (or at once when no callback is due).
 */
export function finalize(ctx: SimContext, tx: SimTransaction, outcome: Outcome): Promise<void> {
  const { state, opts } = ctx;
  if (tx.status !== 'PENDING') return Promise.resolve();
  const now = opts.now();
  if (outcome === 'success') {
    tx.status = 'SUCCESS';
    tx.updatedAt = now;
    tx.outcomeAt = now;
    tx.sousServiceTransactionId = nextId(state, tx.codeService.startsWith('WAVE') ? 'T_' : 'SS');
    if (tx.typeOperation === 'CREDIT') state.balance += tx.amount;
    tx.msg = 'Transaction effectuée avec succès';
    if (tx.codeService === 'WOYOFAL_SN_BILL_RELOAD') {
      const t = tx.plan.tokens;
      tx.tokens = Array.isArray(t)
        ? [...t]
        : woyofalTokens(tx.transactionId, t === 3 || t === 1 ? t : defaultTokenCount(tx.accountNumber));
      tx.data = { ...(tx.data ?? {}), tokens: tx.tokens };
      tx.msg = woyofalMessage(tx.tokens, tx.amount);
    }
    const bill = findBill(ctx, tx);
    if (bill) {
      bill.paid = true;
      bill.reservedBy = undefined;
    }
    if (tx.whatsapp) deliverWhatsapp(ctx, tx.whatsapp);
  } else {
    setFailed(tx, outcome.errorId, now);
    state.balance += tx.debit;
    const bill = findBill(ctx, tx);
    if (bill?.reservedBy === tx.transactionId) bill.reservedBy = undefined;
  }
  tx.currentBalance = state.balance;
  opts.logger.info(
    {
      transactionId: tx.transactionId,
      codeService: tx.codeService,
      status: tx.status,
      errorId: tx.errorType?.id,
    },
    'intech-sim: transaction settled',
  );
  return sendPlannedCallbacks(ctx, tx);
}

function sendPlannedCallbacks(ctx: SimContext, tx: SimTransaction): Promise<void> {
  switch (tx.plan.outcome) {
    case 'timeout_lost':
    case 'lost_callback':
      return Promise.resolve();
    case 'late_callback':
      later(ctx, tx.plan.delayMs ?? DEFAULT_LATE_CALLBACK_MS, () => void deliverCallback(ctx, tx));
      return Promise.resolve();
    case 'duplicate_callbacks': {
      // Two copies race each other, a third comes a bit later: the receiver must act once.
      const first = deliverCallback(ctx, tx, 1);
      void deliverCallback(ctx, tx, 2);
      later(ctx, Math.max(50, ctx.opts.callbackDelayMs), () => void deliverCallback(ctx, tx, 3));
      return first;
    }
    default:
      return deliverCallback(ctx, tx);
  }
}

function deliverWhatsapp(ctx: SimContext, m: WhatsappMessage): void {
  ctx.state.whatsapp.push(m);
  try {
    ctx.opts.onWhatsappMessage?.(m);
  } catch (e) {
    ctx.opts.logger.warn({ err: e }, 'intech-sim: onWhatsappMessage threw');
  }
}

/** The customer validated a pending cash-out; the outcome follows after callbackDelayMs. */
export function approve(ctx: SimContext, transactionId: string): boolean {
  const tx = ctx.state.transactions[transactionId];
  if (tx?.status !== 'PENDING' || tx.typeService !== 'CASHOUT' || tx.approved) return false;
  sweep(ctx);
  if (tx.status !== 'PENDING') return false;
  tx.approved = true;
  tx.updatedAt = ctx.opts.now();
  later(ctx, ctx.opts.callbackDelayMs, () => void finalize(ctx, tx, approvalOutcome(tx)));
  return true;
}

export function approveByPhone(ctx: SimContext, phone: string): string | null {
  const pending = Object.values(ctx.state.transactions)
    .filter((t) => t.phone === phone && t.status === 'PENDING' && t.typeService === 'CASHOUT' && !t.approved)
    .sort((a, b) => b.createdAt - a.createdAt);
  const tx = pending[0];
  return tx && approve(ctx, tx.transactionId) ? tx.transactionId : null;
}

/** The customer (or the operator) refused: FAILLED now, callback follows. */
export function decline(ctx: SimContext, transactionId: string, errorId: number | null = 2): boolean {
  const tx = ctx.state.transactions[transactionId];
  if (tx?.status !== 'PENDING') return false;
  void finalize(ctx, tx, { errorId });
  return true;
}

/** Cash-outs never validated within paymentTimeoutMs fail with payment-timeout (id 4). */
export function sweep(ctx: SimContext): void {
  const now = ctx.opts.now();
  for (const tx of Object.values(ctx.state.transactions)) {
    if (
      tx.status === 'PENDING' &&
      tx.typeService === 'CASHOUT' &&
      !tx.approved &&
      now - tx.createdAt >= ctx.opts.paymentTimeoutMs
    ) {
      void finalize(ctx, tx, { errorId: 4 });
    }
  }
}

export function refund(ctx: SimContext, transactionId: string): { message: string; statutTreatment: string } {
  const { state, opts } = ctx;
  const tx = state.transactions[transactionId];
  if (!tx) return { message: 'Transaction introuvable', statutTreatment: 'FAILLED' };
  if (tx.status === 'REFUNDED') return { message: 'Transaction déjà remboursée', statutTreatment: 'FAILLED' };
  if (tx.typeService !== 'CASHOUT') {
    return {
      message: 'Seules les transactions de collecte peuvent être remboursées',
      statutTreatment: 'FAILLED',
    };
  }
  if (tx.status !== 'SUCCESS') {
    return { message: `Transaction non remboursable (statut ${tx.status})`, statutTreatment: 'FAILLED' };
  }
  if (state.balance < tx.amount) {
    return { message: 'Solde marchand insuffisant pour le remboursement', statutTreatment: 'FAILLED' };
  }
  state.balance -= tx.amount;
  tx.status = 'REFUNDED';
  tx.refundedAt = opts.now();
  tx.updatedAt = tx.refundedAt;
  tx.currentBalance = state.balance;
  return { message: 'Remboursement effectué avec succès', statutTreatment: 'SUCCESS' };
}
