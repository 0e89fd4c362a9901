// The order state machine as pure functions: (order, event) -> next order + side effects, or null when the
// event changes nothing (duplicate, stale, not applicable). The saga stores `next` with a compare-and-set
// and runs the effects only when its write won, so a callback, a status lookup and a response racing for
// the same outcome act once.
import type { IntechErrorType, IntechStatus, OperationAccepted } from '../intech/types.js';
import { extractTokens } from './tokens.js';
import type { Operation, OperationStep, Order, OrderState, ReportedOutcome } from './types.js';

export interface Outcome {
  status: IntechStatus;
  transactionId?: string | null;
  errorType?: IntechErrorType | null;
  message?: string;
  data?: Record<string, unknown> | null;
  sousServiceTransactionId?: string | null;
}

/**
 * Where an outcome comes from. `lookup` (get-transaction-status) and `response` (the answer to our own
 * request) are Intech's word. A `callback` without HMAC proves only which transaction it is about (the
 * sha256Hash does not cover the status): its final status is confirmed by one lookup before anything acts
 * on it. A `signed` callback (HMAC) is trusted as signed, except REFUNDED, which only our refund-cancel
 * answer or a lookup can teach.
 */
export type OutcomeSource = 'lookup' | 'response' | 'signed' | 'callback';

export type Effect =
  | { type: 'notify_pay_instructions' }
  | { type: 'confirm'; step: OperationStep }
  | { type: 'send'; step: 'collect' | 'deliver' }
  | { type: 'send_claim' }
  | { type: 'notify_token_pending' }
  /** The Woyofal code came after the delivery was settled without it (signed callback after a lookup). */
  | { type: 'notify_tokens' }
  | { type: 'notify_refund_failed' }
  | { type: 'notify_expired' }
  | { type: 'notify_slow' }
  | { type: 'notify_collected' }
  | { type: 'start_delivery' }
  | { type: 'notify_collect_failed'; errorType: IntechErrorType | null; notSent?: boolean }
  | { type: 'start_refund' }
  | { type: 'notify_delivered' }
  | { type: 'start_receipt' }
  | { type: 'receipt_chat' }
  | { type: 'notify_refunded' }
  | { type: 'open_claim' }
  | { type: 'alert'; kind: string; message: string };

export interface Transition {
  /** The same object as the input order: nothing to store, only the effects to run. */
  next: Order;
  effects: Effect[];
}

const FINAL_OK: IntechStatus[] = ['SUCCESS'];
const FINAL_KO: IntechStatus[] = ['FAILLED', 'CANCELED'];

export function isSettled(op: Operation | undefined): boolean {
  return op?.status === 'success' || op?.status === 'failed';
}

function clone(o: Order): Order {
  return structuredClone(o);
}

function event(o: Order, at: number, type: string, detail?: string): void {
  o.events.push(detail === undefined ? { at, type } : { at, type, detail });
  o.updatedAt = at;
}

function setState(o: Order, state: OrderState, at: number): void {
  if (o.state !== state) event(o, at, `state:${state}`, o.state);
  o.state = state;
}

function fill(op: Operation, out: Outcome): void {
  if (out.transactionId) op.transactionId = out.transactionId;
  if (out.sousServiceTransactionId) op.sousServiceTransactionId = out.sousServiceTransactionId;
  if (out.errorType !== undefined) op.errorType = out.errorType;
  if (out.message !== undefined) op.message = out.message;
  if (out.data !== undefined) op.data = out.data;
  op.intechStatus = out.status;
}

/** The refund operation: refund-cancel goes by Intech's transactionId of the collect. */
function refundOp(o: Order, at: number): Operation {
  const col = o.operations.collect;
  return {
    step: 'refund',
    externalTransactionId: '',
    codeService: o.payment.codeService,
    amount: o.amount,
    status: 'recorded',
    ...(col?.transactionId ? { transactionId: col.transactionId } : {}),
    recordedAt: at,
  };
}

export function newOperation(
  step: OperationStep,
  ext: string,
  codeService: string,
  amount: number,
  at: number,
): Operation {
  return { step, externalTransactionId: ext, codeService, amount, status: 'recorded', recordedAt: at };
}

// ---------------------------------------------------------------------------------------------------------
// Starting steps

/** created -> collecting, with the CASHOUT recorded (not yet sent). */
export function beginCollect(o: Order, op: Operation, at: number): Transition | null {
  if (o.state !== 'created' || o.operations.collect) return null;
  const next = clone(o);
  next.operations.collect = op;
  setState(next, 'collecting', at);
  return { next, effects: [{ type: 'send', step: 'collect' }] };
}

/** created -> cancelled: nothing was sent (merchant balance too low, service unavailable). */
export function cancelBeforeCollect(o: Order, reason: string, at: number): Transition | null {
  if (o.state !== 'created' || o.operations.collect) return null;
  const next = clone(o);
  event(next, at, 'cancelled', reason);
  setState(next, 'cancelled', at);
  return { next, effects: [] };
}

/** collected -> delivering, with the delivery recorded (not yet sent). */
export function beginDelivery(o: Order, op: Operation, at: number): Transition | null {
  if (o.state !== 'collected' || o.operations.deliver) return null;
  if (o.operations.collect?.status !== 'success') return null; // never deliver without a collected payment
  const next = clone(o);
  next.operations.deliver = op;
  setState(next, 'delivering', at);
  return { next, effects: [{ type: 'send', step: 'deliver' }] };
}

/** delivered, no receipt path chosen yet -> chosen (and the WhatsApp op recorded when via intech). */
export function beginReceipt(
  o: Order,
  via: 'intech' | 'chat',
  op: Operation | null,
  at: number,
): Transition | null {
  if (o.state !== 'delivered' || o.receiptVia) return null;
  const next = clone(o);
  next.receiptVia = via;
  if (via === 'intech' && op) next.operations.receipt = op;
  event(next, at, 'receipt', via);
  return { next, effects: [] };
}

/** The Intech receipt failed or is lost: switch to the chat channel (a duplicate receipt beats none). */
export function receiptFallback(o: Order, reason: string, at: number): Transition | null {
  if (o.state !== 'delivered' || o.receiptVia === 'chat') return null;
  const next = clone(o);
  next.receiptVia = 'chat';
  const op = next.operations.receipt;
  if (op && !isSettled(op)) {
    op.status = 'failed';
    op.settledAt = at;
  }
  event(next, at, 'receipt_fallback', reason);
  return { next, effects: [{ type: 'receipt_chat' }] };
}

/** delivered -> completed once the receipt went out (or was handed to the chat). */
export function completeReceipt(o: Order, at: number): Transition | null {
  if (o.state !== 'delivered') return null;
  const next = clone(o);
  setState(next, 'completed', at);
  return { next, effects: [] };
}

// ---------------------------------------------------------------------------------------------------------
// Request results

/** The operation request was answered "accepted": recorded -> sent; keeps ids and the payment link. */
export function markSent(
  o: Order,
  step: OperationStep,
  acc: OperationAccepted,
  at: number,
): Transition | null {
  const cur = o.operations[step];
  if (!cur) return null;
  const next = clone(o);
  const op = next.operations[step]!;
  let changed = false;
  if (acc.transactionId && !op.transactionId) {
    op.transactionId = acc.transactionId;
    changed = true;
  }
  const link = acc.deepLinkUrl ?? acc.authLinkUrl;
  if (link && !op.deepLinkUrl) {
    op.deepLinkUrl = link;
    changed = true;
  }
  const effects: Effect[] = [];
  if (op.status === 'recorded' || op.status === 'unknown') {
    op.status = 'sent';
    op.sentAt = at;
    changed = true;
    // Payment instructions only while the customer still has something to do.
    if (step === 'collect' && o.state === 'collecting') effects.push({ type: 'notify_pay_instructions' });
  }
  if (!changed) return null;
  next.updatedAt = at;
  return { next, effects };
}

/** Timeout / connection lost after sending: outcome unknown (never "failed"). */
export function markUnknown(o: Order, step: OperationStep, at: number): Transition | null {
  const cur = o.operations[step];
  if (!cur || isSettled(cur) || cur.status === 'unknown') return null;
  const next = clone(o);
  const op = next.operations[step]!;
  op.status = 'unknown';
  op.sentAt ??= at;
  event(next, at, `${step}:unknown`);
  // The payment request may be waiting on the customer's phone: say how to validate it. A link-based
  // wallet (Wave, card) has no link without the answer, so nothing useful can be said yet.
  const phoneValidated = !/^(WAVE_|BANK_CARD_)/.test(o.payment.codeService);
  if (step === 'collect' && o.state === 'collecting' && cur.status === 'recorded' && phoneValidated) {
    return { next, effects: [{ type: 'notify_pay_instructions' }] };
  }
  return { next, effects: [] };
}

/** The request provably never reached Intech. */
export function markNotSent(o: Order, step: OperationStep, at: number): Transition | null {
  const cur = o.operations[step];
  if (cur?.status !== 'recorded') return null;
  if (step === 'collect')
    return o.state === 'collecting' ? failUnsentCollect(o, at, 'collect:not_sent') : null;
  if (step === 'receipt') return receiptFallback(o, 'not_sent', at);
  // A delivery stays 'recorded': the reconciler looks it up and resends the SAME id only if Intech lacks it.
  const next = clone(o);
  event(next, at, `${step}:not_sent`);
  return { next, effects: [] };
}

/** A collect Intech does not know, found too late to ask the customer again: nothing was taken. */
export function collectNeverArrived(o: Order, at: number): Transition | null {
  const cur = o.operations.collect;
  if (o.state !== 'collecting' || !cur || isSettled(cur)) return null;
  return failUnsentCollect(o, at, 'collect:absent');
}

/** The collect never reached Intech: nothing was taken, the customer is told so. */
function failUnsentCollect(o: Order, at: number, eventType: string): Transition {
  const next = clone(o);
  const op = next.operations.collect!;
  op.status = 'failed';
  op.settledAt = at;
  event(next, at, eventType);
  setState(next, 'collect_failed', at);
  return { next, effects: [{ type: 'notify_collect_failed', errorType: null, notSent: true }] };
}

// ---------------------------------------------------------------------------------------------------------
// Outcomes (callback, status lookup, rejected response)

export type OutcomeResult = Transition | 'duplicate' | 'ignored';

/**
 * Steps whose outcome from an unsigned callback waits for a lookup: the money-moving ones, and the Intech
 * receipt (a forged SUCCESS would otherwise close the order on a receipt the customer never got).
 */
const CONFIRMED_STEPS: OperationStep[] = ['collect', 'deliver', 'receipt'];

/** A compact, bounded view of an outcome for an alert ("both bodies"). */
export function describeOutcome(x: Omit<Partial<Outcome>, 'status'> & { status?: string }): string {
  const text = JSON.stringify({
    status: x.status,
    transactionId: x.transactionId ?? undefined,
    errorType: x.errorType ?? undefined,
    message: x.message ?? undefined,
    data: x.data ?? undefined,
  });
  return text.length > 600 ? `${text.slice(0, 600)}…` : text;
}

function recordedView(op: Operation): string {
  return describeOutcome({
    status: op.intechStatus ?? op.status,
    ...(op.transactionId ? { transactionId: op.transactionId } : {}),
    ...(op.errorType !== undefined ? { errorType: op.errorType } : {}),
    ...(op.message !== undefined ? { message: op.message } : {}),
    ...(op.data !== undefined ? { data: op.data } : {}),
  });
}

function reportedOf(out: Outcome, at: number): ReportedOutcome {
  return {
    status: out.status,
    at,
    ...(out.transactionId ? { transactionId: out.transactionId } : {}),
    ...(out.errorType !== undefined ? { errorType: out.errorType } : {}),
    ...(out.message !== undefined ? { message: out.message } : {}),
    ...(out.data !== undefined ? { data: out.data } : {}),
    ...(out.sousServiceTransactionId ? { sousServiceTransactionId: out.sousServiceTransactionId } : {}),
  };
}

/**
 * A callback's outcome: acted on directly only when it can be trusted (signed, or a step that moves no
 * money); otherwise kept on the operation and confirmed by one lookup. A callback that contradicts a
 * recorded outcome changes nothing: admins get both bodies, and a lookup says who is right.
 */
export function applyOutcome(
  o: Order,
  step: OperationStep,
  out: Outcome,
  at: number,
  source: OutcomeSource = 'lookup',
): OutcomeResult {
  const cur = o.operations[step];
  if (!cur) return 'ignored';
  const fromCallback = source === 'callback' || source === 'signed';
  if (!fromCallback) return applyTrusted(o, step, out, at);
  const final = FINAL_OK.includes(out.status) || FINAL_KO.includes(out.status);
  const refunded = out.status === 'REFUNDED';
  if (!final && !refunded) return applyTrusted(o, step, out, at); // PENDING / PROCESSING: moves nothing

  if (isSettled(cur) && !refunded) {
    if ((cur.status === 'success') === FINAL_OK.includes(out.status))
      return (source === 'signed' && lateTokens(o, step, out, at)) || 'duplicate';
    // Contradiction: never changes the order. Both bodies to the admins, and Intech's own word asked.
    const key = `contradicted:${step}:${out.status}`;
    if (o.events.some((e) => e.type === key)) return 'duplicate';
    const next = clone(o);
    event(next, at, key, source);
    return {
      next,
      effects: [
        {
          type: 'alert',
          kind: 'conflicting_callback',
          message: `Order ${o.id}: a ${source} callback says ${step} ${out.status}, we recorded ${cur.status}; state ${o.state}. Recorded: ${recordedView(cur)} Received: ${describeOutcome(out)}. Checking with Intech; nothing changed.`,
        },
        { type: 'confirm', step },
      ],
    };
  }

  const needsLookup = refunded || (source === 'callback' && CONFIRMED_STEPS.includes(step));
  if (!needsLookup) return applyTrusted(o, step, out, at);
  // Reported already and not confirmed yet (Intech said PENDING, or the lookup was not possible): this copy
  // asks again, without writing anything (the 3-a-minute limit bounds the lookups).
  if (cur.reported?.status === out.status) {
    const same =
      JSON.stringify([cur.reported.data ?? null, cur.reported.message ?? null]) ===
      JSON.stringify([out.data ?? null, out.message ?? null]);
    if (same || cur.reported.ambiguous) return { next: o, effects: [{ type: 'confirm', step }] };
    // One of the copies is not Intech's (neither's details are used anyway): noted for the admins.
    const next = clone(o);
    next.operations[step]!.reported = { ...cur.reported, ambiguous: true };
    event(next, at, `${step}:reported_ambiguous`);
    return { next, effects: [{ type: 'confirm', step }] };
  }
  const next = clone(o);
  next.operations[step]!.reported = reportedOf(out, at);
  if (out.transactionId) next.operations[step]!.transactionId ??= out.transactionId;
  event(next, at, `${step}:reported`, out.status);
  return { next, effects: [{ type: 'confirm', step }] };
}

/**
 * A signed copy bringing the Woyofal code for a delivery already settled without one (a lookup came
 * first): not a duplicate, it is the copy that matters. The code is kept and sent to the customer once.
 */
function lateTokens(o: Order, step: OperationStep, out: Outcome, at: number): Transition | null {
  if (step !== 'deliver' || o.tokens?.length || !['delivered', 'completed'].includes(o.state)) return null;
  const tokens = extractTokens(out.data ?? null, out.message);
  if (tokens.length === 0) return null;
  const next = clone(o);
  next.tokens = tokens;
  const op = next.operations.deliver!;
  if (out.message !== undefined) op.message = out.message;
  if (out.data !== undefined) op.data = out.data;
  if (out.sousServiceTransactionId) op.sousServiceTransactionId = out.sousServiceTransactionId;
  event(next, at, 'deliver:late_tokens');
  return { next, effects: [{ type: 'notify_tokens' }] };
}

/**
 * The answer of the lookup that confirms (or not) what a callback reported. Either way only the lookup's
 * status, ids and error are applied (a Woyofal code then comes from a person); disagreeing, the admins
 * also see both. Not final yet: nothing changes (the reconciler looks again later).
 */
export function confirmOutcome(o: Order, step: OperationStep, found: Outcome, at: number): Transition | null {
  const cur = o.operations[step];
  if (!cur) return null;
  const reported = cur.reported;
  const final =
    FINAL_OK.includes(found.status) || FINAL_KO.includes(found.status) || found.status === 'REFUNDED';
  if (!final) {
    const r = applyTrusted(o, step, found, at);
    return typeof r === 'string' ? null : r;
  }
  const agrees = reported?.status === found.status;
  // Only what the lookup says is acted on. The callback's hash covers its ids alone: its tokens, message,
  // amounts, operator reference or error are not Intech's word and are never taken (a copy forged with the
  // right status would otherwise put its own Woyofal code on the receipt). Its transactionId is covered.
  const merged: Outcome = {
    status: found.status,
    transactionId: found.transactionId ?? (agrees ? reported?.transactionId : null) ?? null,
    errorType: found.errorType ?? null,
  };
  const r = applyTrusted(o, step, merged, at);
  let t: Transition;
  if (typeof r === 'string') {
    if (!reported) return null;
    t = { next: clone(o), effects: [] };
  } else t = r;
  const op = t.next.operations[step];
  if (op) delete op.reported;
  if (reported && agrees && extractTokens(reported.data ?? null, reported.message).length > 0) {
    // The person who gets the code must not copy it from that body either.
    event(t.next, at, `${step}:untrusted_tokens`);
    t.effects = t.effects.map((e) =>
      e.type === 'alert' && e.kind === 'missing_tokens'
        ? {
            ...e,
            message: `${e.message} An unsigned callback carried a code: without HMAC it is not Intech's word, do not use it.`,
          }
        : e,
    );
  }
  if (reported && !agrees) {
    event(t.next, at, `${step}:report_refuted`, `${reported.status}->${found.status}`);
    t.effects = [
      ...t.effects,
      {
        type: 'alert',
        kind: 'callback_refuted',
        message: `Order ${o.id}: a callback said ${step} ${reported.status}, Intech's status lookup says ${found.status}. Callback: ${describeOutcome(reported)} Lookup: ${describeOutcome(found)}. The callback was not acted on; it may be forged or replayed.`,
      },
    ];
  }
  t.next.updatedAt = at;
  return t;
}

function applyTrusted(o: Order, step: OperationStep, out: Outcome, at: number): OutcomeResult {
  const cur = o.operations[step];
  if (!cur) return 'ignored';
  const ok = FINAL_OK.includes(out.status);
  const ko = FINAL_KO.includes(out.status);

  if (!ok && !ko) {
    if (step === 'collect' && out.status === 'REFUNDED') return collectRefunded(o, out, at);
    // PENDING / PROCESSING: the request reached Intech.
    if (cur.status !== 'recorded' && !(cur.status === 'unknown')) {
      if (out.transactionId && !cur.transactionId) {
        const next = clone(o);
        next.operations[step]!.transactionId = out.transactionId;
        next.updatedAt = at;
        return { next, effects: [] };
      }
      return 'ignored';
    }
    const next = clone(o);
    const op = next.operations[step]!;
    op.status = 'sent';
    op.sentAt ??= at;
    if (out.transactionId) op.transactionId ??= out.transactionId;
    op.intechStatus = out.status;
    next.updatedAt = at;
    return { next, effects: [] };
  }

  if (isSettled(cur)) {
    if ((cur.status === 'success') === ok) return 'duplicate';
    return conflict(o, step, out, at);
  }

  const next = clone(o);
  const op = next.operations[step]!;
  fill(op, out);
  delete op.reported;
  op.status = ok ? 'success' : 'failed';
  op.settledAt = at;
  event(next, at, `${step}:${ok ? 'success' : 'failed'}`, out.errorType?.code);

  switch (step) {
    case 'collect':
      if (o.state !== 'collecting') return { next, effects: [] };
      if (ok) {
        setState(next, 'collected', at);
        return { next, effects: [{ type: 'notify_collected' }, { type: 'start_delivery' }] };
      }
      setState(next, 'collect_failed', at);
      return { next, effects: [{ type: 'notify_collect_failed', errorType: out.errorType ?? null }] };
    case 'deliver': {
      if (o.state !== 'delivering') return { next, effects: [] };
      if (ok) {
        const tokens = extractTokens(out.data ?? null, out.message);
        if (tokens.length > 0) next.tokens = tokens;
        setState(next, 'delivered', at);
        const effects: Effect[] = [{ type: 'notify_delivered' }];
        if (o.kind === 'bill_reload' && o.codeService.startsWith('WOYOFAL') && tokens.length === 0) {
          // Without the code the customer has paid for electricity they cannot use: say so, get a person on it.
          effects.push(
            { type: 'notify_token_pending' },
            {
              type: 'alert',
              kind: 'missing_tokens',
              message: `Order ${o.id}: Woyofal delivered but no token received. Get it from Intech.`,
            },
          );
        }
        effects.push({ type: 'start_receipt' });
        return { next, effects };
      }
      next.operations.refund = refundOp(next, at);
      setState(next, 'refunding', at);
      const err = out.errorType;
      const effects: Effect[] = [];
      if (err && (err.id === 26 || (err.code === 'insufficient_balance' && err.id !== 2))) {
        // Error 26 / insufficient balance on a delivery is OUR balance (id 2 is the customer's wallet).
        effects.push({
          type: 'alert',
          kind: 'merchant_balance',
          message: `Order ${o.id}: delivery refused, merchant balance too low. Top up.`,
        });
      }
      effects.push({ type: 'start_refund' });
      return { next, effects };
    }
    case 'receipt':
      if (o.state !== 'delivered' || o.receiptVia !== 'intech') return { next, effects: [] };
      if (ok) {
        setState(next, 'completed', at);
        return { next, effects: [] };
      }
      next.receiptVia = 'chat';
      event(next, at, 'receipt_fallback', out.errorType?.code ?? 'failed');
      return { next, effects: [{ type: 'receipt_chat' }] };
    default:
      return { next, effects: [] };
  }
}

/** The collect shows REFUNDED (lookup or our refund's answer): our refund went through. */
function collectRefunded(o: Order, out: Outcome, at: number): OutcomeResult {
  const refund = o.operations.refund;
  if (o.state !== 'refunding' || !refund || refund.status === 'success') return 'ignored';
  const next = clone(o);
  const op = next.operations.refund!;
  op.status = 'success';
  op.intechStatus = out.status;
  op.settledAt = at;
  delete next.operations.claim;
  setState(next, 'refunded', at);
  return { next, effects: [{ type: 'notify_refunded' }] };
}

/** Intech itself (lookup) contradicts a settled operation. Money first: refund or alert, once. */
function conflict(o: Order, step: OperationStep, out: Outcome, at: number): OutcomeResult {
  const key = `conflict:${step}:${out.status}`;
  if (o.events.some((e) => e.type === key)) return 'duplicate';
  const next = clone(o);
  event(next, at, key, out.errorType?.code);
  const ok = FINAL_OK.includes(out.status);
  if (step === 'collect' && ok && o.state === 'collect_failed') {
    // Intech says the customer was charged after all, for an order we gave up on: give the money back.
    const op = next.operations.collect!;
    fill(op, out);
    op.status = 'success';
    op.settledAt = at;
    next.operations.refund = refundOp(next, at);
    setState(next, 'refunding', at);
    return {
      next,
      effects: [
        {
          type: 'alert',
          kind: 'late_collect',
          message: `Order ${o.id}: payment succeeded after being failed; refunding`,
        },
        { type: 'start_refund' },
      ],
    };
  }
  if (step === 'receipt') return { next, effects: [] };
  return {
    next,
    effects: [
      {
        type: 'alert',
        kind: 'conflicting_outcome',
        message: `Order ${o.id}: ${step} reported ${out.status} after being ${o.operations[step]?.status}; state ${o.state}. Recorded: ${recordedView(o.operations[step]!)} Intech: ${describeOutcome(out)}. Check by hand.`,
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------------------
// Refund and claim

export function refundResult(
  o: Order,
  result: 'success' | 'failed' | 'unknown',
  detail: string | undefined,
  at: number,
): Transition | null {
  const cur = o.operations.refund;
  if (o.state !== 'refunding' || !cur || isSettled(cur)) return null;
  const next = clone(o);
  const op = next.operations.refund!;
  if (result === 'unknown') {
    if (op.status === 'unknown') return null;
    op.status = 'unknown';
    op.sentAt ??= at;
    event(next, at, 'refund:unknown', detail);
    return { next, effects: [] };
  }
  op.status = result;
  op.settledAt = at;
  if (detail) op.message = detail;
  event(next, at, `refund:${result}`, detail);
  if (result === 'success') {
    setState(next, 'refunded', at);
    return { next, effects: [{ type: 'notify_refunded' }] };
  }
  next.operations.claim = {
    step: 'claim',
    externalTransactionId: '',
    key: claimKey(o.id),
    codeService: o.payment.codeService,
    amount: o.amount,
    status: 'recorded',
    ...(op.transactionId ? { transactionId: op.transactionId } : {}),
    recordedAt: at,
  };
  return { next, effects: [{ type: 'open_claim' }] };
}

/** Number of times a refund request that provably never left is retried before a person takes over. */
const REFUND_SEND_ATTEMPTS = 3;

/** The refund request provably never reached Intech: noted (the reconciler retries), or a person takes over. */
export function refundNotSent(o: Order, detail: string, at: number): Transition | null {
  if (o.state !== 'refunding') return null;
  const tries = o.events.filter((e) => e.type === 'refund:not_sent').length + 1;
  if (tries >= REFUND_SEND_ATTEMPTS) return refundResult(o, 'failed', 'refund service unreachable', at);
  return addEvent(o, 'refund:not_sent', detail, at);
}

/** The claim's idempotency key: one claim per order, whatever the restarts. */
export function claimKey(orderId: string): string {
  return `${orderId}-CLM`;
}

/**
 * Before the claim is sent: 'claim_sent' durably recorded with its key. Intech's new-claim takes no
 * idempotency key, so a claim found 'sent' without an answer after a crash is never sent again.
 */
export function beginClaim(o: Order, at: number): Transition | null {
  const cur = o.operations.claim;
  if (o.state !== 'refunding' || cur?.status !== 'recorded') return null;
  const next = clone(o);
  const op = next.operations.claim!;
  op.status = 'sent';
  op.key = claimKey(o.id);
  op.sentAt = at;
  event(next, at, 'claim_sent', op.key);
  return { next, effects: [{ type: 'send_claim' }] };
}

function refundFailedAlert(o: Order, note: string): Effect {
  const tx = o.operations.collect?.transactionId;
  return {
    type: 'alert',
    kind: 'refund_failed',
    message: `Order ${o.id}: delivery failed and the refund of ${o.amount} XOF (${o.payment.codeService}, tx ${tx ?? '?'}) failed. ${note} Refund the customer by hand.`,
  };
}

/** refunding -> needs_human once the claim's answer is known (or it could not be opened). */
export function finishClaim(o: Order, claimRef: string | undefined, at: number): Transition | null {
  const cur = o.operations.claim;
  if (o.state !== 'refunding' || !cur || isSettled(cur)) return null;
  const next = clone(o);
  const op = next.operations.claim!;
  op.status = claimRef ? 'success' : 'failed';
  op.settledAt = at;
  if (claimRef) next.claimRef = claimRef;
  setState(next, 'needs_human', at);
  const note = claimRef
    ? `Claim ${claimRef} opened (key ${op.key ?? claimKey(o.id)}).`
    : 'Claim NOT opened: open it by hand.';
  return { next, effects: [refundFailedAlert(next, note), { type: 'notify_refund_failed' }] };
}

/** A claim recorded as sent, without an answer (crash mid-call): never a second claim; a person checks. */
export function claimUnknown(o: Order, at: number): Transition | null {
  const cur = o.operations.claim;
  if (o.state !== 'refunding' || cur?.status !== 'sent') return null;
  const next = clone(o);
  const op = next.operations.claim!;
  op.status = 'unknown';
  event(next, at, 'claim:unknown', op.key);
  setState(next, 'needs_human', at);
  return {
    next,
    effects: [
      refundFailedAlert(
        next,
        `A claim (key ${op.key ?? claimKey(o.id)}) may have been opened before a restart: check Intech's claims before opening one.`,
      ),
      { type: 'notify_refund_failed' },
    ],
  };
}

// ---------------------------------------------------------------------------------------------------------
// Reconciler decisions

/** A collect or delivery Intech does not know (never reached it): resend with the SAME id. */
export function resendAbsent(o: Order, step: 'collect' | 'deliver', at: number): Transition | null {
  const op = o.operations[step];
  const state = step === 'collect' ? 'collecting' : 'delivering';
  if (o.state !== state || !op || isSettled(op)) return null;
  if (step === 'collect' && op.status !== 'recorded' && op.status !== 'unknown') return null;
  const next = clone(o);
  event(next, at, `${step}:resend`, 'absent at Intech');
  return { next, effects: [{ type: 'send', step }] };
}

/** The one "this takes longer than expected" notice, once per order. */
export function slowNotice(o: Order, at: number, afterMs: number): Transition | null {
  if (!['collecting', 'collected', 'delivering', 'refunding'].includes(o.state)) return null;
  if (at - o.createdAt < afterMs || o.notices?.includes('slow')) return null;
  const next = clone(o);
  next.notices = [...(next.notices ?? []), 'slow'];
  next.updatedAt = at;
  return { next, effects: [{ type: 'notify_slow' }] };
}

/** An order stopped in 'created' past the time a customer would still validate a payment. */
export function expireBeforeCollect(o: Order, at: number): Transition | null {
  const t = cancelBeforeCollect(o, 'expired before collect', at);
  if (!t) return null;
  t.effects.push({ type: 'notify_expired' });
  return t;
}

/** Merchant balance too low for this order: cancelled before anything was sent, admins told. */
export function cancelForBalance(
  o: Order,
  verdict: { reason: 'low'; balance: number; owed: number } | { reason: 'unavailable' },
  at: number,
): Transition | null {
  const t = cancelBeforeCollect(o, verdict.reason === 'low' ? 'merchant_balance' : 'service_unavailable', at);
  if (!t) return null;
  if (verdict.reason === 'low') {
    t.effects.push({
      type: 'alert',
      kind: 'merchant_balance',
      message: `Merchant balance ${verdict.balance} XOF cannot cover order ${o.id} (${o.amount} XOF) plus ${verdict.owed} XOF owed. Sales of this size are refused until topped up.`,
    });
  }
  return t;
}

// ---------------------------------------------------------------------------------------------------------
// Callbacks for transactions we do not know

export interface UnknownCallbackDecision {
  /** Alert the admins (once per externalTransactionId). */
  alert: { kind: string; message: string } | null;
  /** Ask Intech about it (status lookup, within the limit). */
  lookup: boolean;
}

/**
 * A verified callback whose externalTransactionId matches no order: it may be a paid order we lost (a
 * damaged file, another instance's store), so it is never just dropped: kept (by the route), alerted once,
 * looked up once.
 */
export function unknownCallback(
  ext: string,
  status: IntechStatus,
  alreadyAlerted: boolean,
): UnknownCallbackDecision {
  if (alreadyAlerted) return { alert: null, lookup: false };
  const moneyMoved = status === 'SUCCESS';
  return {
    alert: {
      kind: 'unknown_callback',
      message: `Callback ${status} for unknown transaction ${ext}${moneyMoved ? ': a customer may have paid for an order we do not have. Check it at Intech.' : '.'}`,
    },
    lookup: true,
  };
}

// ---------------------------------------------------------------------------------------------------------

/** Marks a proactive notice as sent (each goes once per order). */
export function addNotice(o: Order, notice: string, at: number): Transition | null {
  if (o.notices?.includes(notice)) return null;
  const next = clone(o);
  next.notices = [...(next.notices ?? []), notice];
  next.updatedAt = at;
  return { next, effects: [] };
}

/** Appends an audit event (no state change). */
export function addEvent(o: Order, type: string, detail: string | undefined, at: number): Transition {
  const next = clone(o);
  event(next, at, type, detail);
  return { next, effects: [] };
}
