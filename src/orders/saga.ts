// The order saga: every transition is a compare-and-set on the stored order (transitions.ts decides, this
// file stores and then acts). Side effects run only for the writer whose CAS won, so callbacks, status
// lookups, responses and restarts converge and act once. Money operations are recorded before they are sent.
import type { AdminAlerter } from '../channels/channel.js';
import type { IntechApi } from '../intech/api.js';
import { IntechRejectedError, IntechTransportError } from '../intech/errors.js';
import type { IntechErrorType, OperationRequest } from '../intech/types.js';
import type { Lang } from '../i18n/lang.js';
import { type Logger, maskPhone } from '../logger.js';
import { type Outbox, text } from '../outbox/outbox.js';
import type { CallbackRecord, OutboxInput, OutboxKind, Store } from '../store/types.js';
import { extIdFor } from './ext-ids.js';
import { orderMessages as M } from './messages.js';
import { normalizePhone } from '../phone/phone.js';
import { receiptResendRoute, receiptUndelivered } from './receipt-resend.js';
import { collectRequest, deliveryRequest, type RequestConfig, receiptRequest } from './requests.js';
import type { LookupResult } from './status-lookup.js';
import {
  addEvent,
  applyOutcome,
  beginClaim,
  beginDelivery,
  claimUnknown,
  beginReceipt,
  completeReceipt,
  confirmOutcome,
  type Effect,
  finishClaim,
  markNotSent,
  markSent,
  markUnknown,
  newOperation,
  type Outcome,
  type OutcomeSource,
  refundNotSent,
  refundResult,
  type Transition,
} from './transitions.js';
import type { OperationStep, Order } from './types.js';

export interface ReceiptRenderer {
  text(order: Order, lang: Lang): string;
  png(order: Order, lang: Lang): Promise<Buffer>;
}

export type ErrorText = (
  errorType: IntechErrorType | null | undefined,
  lang: Lang,
  params: { amount?: number; charged?: boolean },
) => string;

export interface SagaDeps {
  store: Store;
  intech: IntechApi;
  /** Every customer message goes through the durable outbox, with an id derived from the order. */
  outbox: Outbox;
  alerter: AdminAlerter;
  requestConfig: RequestConfig;
  receiptVia: 'intech' | 'chat';
  receipts: ReceiptRenderer;
  errorText: ErrorText;
  now: () => number;
  logger: Logger;
  /** The rate-limited status lookup; `urgent` skips our own spacing, never Intech's 3-a-minute limit. */
  lookup: (ext: string, minSpacingMs?: number, urgent?: boolean) => Promise<LookupResult>;
}

/** A callback copy applied as it is recorded: `stored` is called once both are durable. */
export interface CallbackVia {
  callback: CallbackRecord;
  stored: () => void;
}

export interface MutateResult {
  won: boolean;
  order: Order;
}

/** A rejection saying our externalTransactionId exists already (a resend raced the first request). */
const ALREADY_EXISTS = /existe d[ée]j[àa]|already exists|duplicate/i;

export function createSaga(deps: SagaDeps) {
  const { store, intech, logger: log, now } = deps;
  const inflight = new Set<Promise<unknown>>();
  const busyCount = new Map<string, number>();
  /** Side effects that are not money and not CAS-guarded (chat receipt, claim): once at a time per order. */
  const running = new Set<string>();

  function track<T>(p: Promise<T>): Promise<T> {
    inflight.add(p);
    void p.finally(() => inflight.delete(p)).catch(() => undefined);
    return p;
  }

  /** Marks an order as having work in flight in this process, so the reconciler leaves it alone. */
  async function busy<T>(id: string, fn: () => Promise<T>): Promise<T> {
    busyCount.set(id, (busyCount.get(id) ?? 0) + 1);
    try {
      return await fn();
    } finally {
      const n = (busyCount.get(id) ?? 1) - 1;
      if (n <= 0) busyCount.delete(id);
      else busyCount.set(id, n);
    }
  }

  /**
   * Load, decide, compare-and-set; retries when another writer got there first. With `callback` (the copy
   * the decision comes from), the copy is recorded with the order's write, in one transaction, or alone
   * when the decision stores nothing.
   */
  async function mutate(
    id: string,
    decide: (o: Order) => Transition | null,
    callback?: CallbackRecord,
  ): Promise<MutateResult & { effects: Effect[] }> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const cur = await store.orders.get(id);
      if (!cur) throw new Error(`order ${id} not found`);
      const t = decide(cur);
      if (!t || t.next === cur) {
        if (callback) await store.callbacks.record(callback);
        return t ? { won: true, order: cur, effects: t.effects } : { won: false, order: cur, effects: [] };
      }
      const stored = await store.orders.update(t.next, cur.version, callback);
      if (stored) return { won: true, order: stored, effects: t.effects };
    }
    throw new Error(`order ${id}: too much contention`);
  }

  /** Collect requests being sent in the background, so place() can wait briefly for the payment link. */
  const collectStarts = new Map<string, Promise<unknown>>();

  /**
   * mutate, then run the winner's side effects (the order counts as busy meanwhile). `via.stored` is told
   * once the change (and `via.callback`) is durable, before the effects run.
   */
  function apply(
    id: string,
    decide: (o: Order) => Transition | null,
    via?: CallbackVia,
  ): Promise<MutateResult> {
    return busy(id, async () => {
      const r = await mutate(id, decide, via?.callback);
      via?.stored();
      if (r.won && r.effects.length > 0) await runEffects(r.order, r.effects);
      return r;
    });
  }

  /** The one funnel for outcomes (callback, status lookup, rejected request). */
  async function applyOutcomeFor(
    id: string,
    step: OperationStep,
    outcome: Outcome,
    source: OutcomeSource = 'lookup',
    via?: CallbackVia,
  ): Promise<'applied' | 'duplicate' | 'ignored'> {
    let tag: 'duplicate' | 'ignored' = 'ignored';
    let stored = false;
    const r = await apply(
      id,
      (o) => {
        const res = applyOutcome(o, step, outcome, now(), source);
        if (typeof res === 'string') {
          tag = res;
          return null;
        }
        // Nothing stored (a copy of a report still being confirmed): a duplicate that only asks again.
        stored = res.next !== o;
        if (!stored) tag = 'duplicate';
        return res;
      },
      via,
    );
    return r.won && stored ? 'applied' : tag;
  }

  /**
   * Queues one message about an order. The id is deterministic (`${orderId}:notice:<kind>`): an effect run
   * again (a retried step, a restart) queues the same id, which the outbox stores once.
   */
  async function say(o: Order, t: string, notice: string, kind: OutboxKind = 'notice'): Promise<void> {
    try {
      await deps.outbox.send([
        { id: `${o.id}:notice:${notice}`, chat: o.customerId, kind, orderId: o.id, payload: text(t) },
      ]);
    } catch (err) {
      log.warn({ orderId: o.id, err: (err as Error).message }, 'could not queue a message to the customer');
    }
  }

  async function alert(kind: string, message: string, orderId?: string): Promise<void> {
    try {
      await deps.alerter.alert(kind, maskPhone(message), orderId);
    } catch (err) {
      log.error({ orderId, kind, err: (err as Error).message }, 'could not alert admins');
    }
  }

  async function runEffects(o: Order, effects: Effect[]): Promise<void> {
    for (const e of effects) {
      try {
        await runEffect(o, e);
      } catch (err) {
        log.error({ orderId: o.id, effect: e.type, err: (err as Error).message }, 'side effect failed');
      }
    }
  }

  async function runEffect(o: Order, e: Effect): Promise<void> {
    switch (e.type) {
      case 'notify_pay_instructions': {
        const link = o.operations.collect?.deepLinkUrl;
        return link
          ? say(o, M.payWithLink(o, link), 'payment_link', 'payment_link')
          : say(o, M.validateOnPhone(o), 'validate_on_phone');
      }
      case 'notify_collected':
        return say(o, M.collected(o), e.type);
      case 'start_delivery':
        return deliver(o);
      case 'send':
        if (e.step === 'deliver') return sendDelivery(o);
        {
          // In the background: the customer hears about the payment through the channel.
          const started = track(busy(o.id, () => sendCollect(o))).catch((err) =>
            log.error({ orderId: o.id, err: (err as Error).message }, 'collect failed to start'),
          );
          collectStarts.set(o.id, started);
          void started.finally(() => collectStarts.delete(o.id));
        }
        return;
      case 'confirm':
        return confirm(o, e.step);
      case 'notify_collect_failed': {
        const why = e.notSent
          ? M.paymentUnreachable(o)
          : M.collectFailed(o, deps.errorText(e.errorType, o.lang, { amount: o.amount, charged: false }));
        return say(o, why, e.type);
      }
      case 'start_refund':
        return refund(o);
      case 'notify_delivered':
        if (deps.receiptVia === 'intech') await say(o, M.delivered(o), e.type);
        return;
      case 'notify_token_pending':
        return say(o, M.tokenPending(o), e.type);
      case 'notify_tokens':
        // The Woyofal code arrived after the customer was told it would follow.
        return say(o, M.tokensArrived(o), e.type);
      case 'start_receipt':
        return receipt(o);
      case 'receipt_chat':
        return chatReceipt(o);
      case 'notify_refunded':
        return say(o, M.refunded(o), e.type);
      case 'notify_refund_failed':
        return say(o, M.refundFailed(o), e.type);
      case 'notify_expired':
        return say(o, M.expired(o), e.type);
      case 'notify_slow':
        return say(o, M.slow(o), e.type);
      case 'open_claim':
        return claim(o);
      case 'send_claim':
        return sendClaim(o);
      case 'alert':
        return alert(e.kind, e.message, o.id);
    }
  }

  /** One status lookup to confirm (or refute) what an unsigned callback reported; Intech's answer is applied. */
  async function confirm(o: Order, step: OperationStep): Promise<void> {
    const ext =
      step === 'refund' || step === 'claim'
        ? o.operations.collect?.externalTransactionId
        : o.operations[step]?.externalTransactionId;
    if (!ext) return;
    const res = await deps.lookup(ext, 0, true);
    if (res.kind !== 'found') {
      // Limit reached or Intech unreachable: nothing is acted on; the reconciler asks again later.
      log.warn(
        { orderId: o.id, step, why: res.kind === 'skipped' ? res.why : 'absent' },
        'callback not confirmed yet',
      );
      return;
    }
    const r = res.result;
    await apply(o.id, (x) =>
      confirmOutcome(
        x,
        step,
        { status: r.status, transactionId: r.transactionId, errorType: r.errorType },
        now(),
      ),
    );
  }

  // -------------------------------------------------------------------------------------------------------
  // Sending a recorded operation

  function sendOp(o: Order, step: OperationStep, req: OperationRequest): Promise<void> {
    return busy(o.id, () => sendOpNow(o, step, req));
  }

  async function sendOpNow(o: Order, step: OperationStep, req: OperationRequest): Promise<void> {
    try {
      const acc = await intech.operation(req);
      await apply(o.id, (x) => markSent(x, step, acc, now()));
    } catch (err) {
      if (err instanceof IntechRejectedError && ALREADY_EXISTS.test(err.msg)) {
        // Our id is already known to Intech: this is not the outcome of the first request. Look it up.
        log.warn({ orderId: o.id, step }, 'operation id already known to Intech; outcome unknown');
        await apply(o.id, (x) => markUnknown(x, step, now()));
      } else if (err instanceof IntechRejectedError) {
        const txId = typeof err.data?.transactionId === 'string' ? err.data.transactionId : undefined;
        await applyOutcomeFor(o.id, step, {
          status: 'FAILLED',
          errorType: err.errorType ?? { id: null, code: 'unknown_error', message: err.msg },
          message: err.msg,
          ...(txId ? { transactionId: txId } : {}),
        });
      } else if (err instanceof IntechTransportError) {
        log.warn({ orderId: o.id, step, err: err.message }, 'operation not sent');
        await apply(o.id, (x) => markNotSent(x, step, now()));
      } else {
        // Timeout, connection lost, anything unexpected: the outcome is unknown, never "failed".
        log.warn({ orderId: o.id, step, err: (err as Error).message }, 'operation outcome unknown');
        await apply(o.id, (x) => markUnknown(x, step, now()));
      }
    }
  }

  function sendCollect(o: Order): Promise<void> {
    return sendOp(o, 'collect', collectRequest(o, deps.requestConfig));
  }

  function sendDelivery(o: Order): Promise<void> {
    return sendOp(o, 'deliver', deliveryRequest(o, deps.requestConfig));
  }

  /** collected -> delivering: record the delivery, then send it. Only the CAS winner sends. */
  function deliver(o: Order): Promise<void> {
    return busy(o.id, () => deliverNow(o));
  }

  async function deliverNow(o: Order): Promise<void> {
    const op = newOperation('deliver', extIdFor(o.id, 'deliver'), o.codeService, o.amount, now());
    await apply(o.id, (x) => beginDelivery(x, op, now()));
  }

  // -------------------------------------------------------------------------------------------------------
  // Receipt

  async function renderPng(o: Order): Promise<Buffer | null> {
    try {
      return await deps.receipts.png(o, o.lang);
    } catch (err) {
      log.error({ orderId: o.id, err: (err as Error).message }, 'receipt image failed');
      return null;
    }
  }

  function receipt(o: Order): Promise<void> {
    return busy(o.id, () => receiptNow(o));
  }

  async function receiptNow(o: Order): Promise<void> {
    // A customer known only by a WhatsApp @lid id has no number WHATSAPP_MESSAGING could use.
    const parsed = normalizePhone(o.customerId);
    const phone = parsed.ok ? parsed.e164 : null;
    if (deps.receiptVia === 'intech' && phone) {
      const op = newOperation('receipt', extIdFor(o.id, 'receipt'), 'WHATSAPP_MESSAGING', 0, now());
      const r = await mutate(o.id, (x) => beginReceipt(x, 'intech', op, now()));
      if (!r.won) return;
      const text = deps.receipts.text(r.order, r.order.lang);
      const png = await renderPng(r.order);
      await sendOp(r.order, 'receipt', receiptRequest(r.order, phone, text, png, deps.requestConfig));
      return;
    }
    const r = await mutate(o.id, (x) => beginReceipt(x, 'chat', null, now()));
    if (r.won) await chatReceipt(r.order);
  }

  /** Receipt through the chat channel: text, then the same receipt as an image. Retried by the reconciler. */
  function chatReceipt(o: Order): Promise<void> {
    return busy(o.id, () => chatReceiptNow(o));
  }

  async function chatReceiptNow(o: Order): Promise<void> {
    const key = `receipt:${o.id}`;
    if (running.has(key)) return;
    running.add(key);
    try {
      const cur = (await store.orders.get(o.id)) ?? o;
      if (cur.state !== 'delivered') return;
      try {
        await deps.outbox.send(await receiptMessages(cur, cur.customerId, `${cur.id}:receipt`));
      } catch (err) {
        log.warn({ orderId: cur.id, err: (err as Error).message }, 'chat receipt failed; will retry');
        await apply(cur.id, (x) => addEvent(x, 'receipt_chat:failed', (err as Error).message, now()));
        return;
      }
      // Handed to the outbox (durable): the drainer sends it; a WhatsApp error comes back through
      // receiptNotDelivered.
      await apply(cur.id, (x) => completeReceipt(x, now()));
    } finally {
      running.delete(key);
    }
  }

  /** The chat receipt: its text, then the same receipt as an image (when it renders). */
  async function receiptMessages(o: Order, chat: string, id: string): Promise<OutboxInput[]> {
    const png = await renderPng(o);
    const base = { chat, kind: 'receipt' as const, orderId: o.id };
    return [
      { ...base, id, payload: text(deps.receipts.text(o, o.lang)) },
      ...(png
        ? [
            {
              ...base,
              id: `${id}:image`,
              payload: {
                type: 'image' as const,
                imageBase64: png.toString('base64'),
                caption: M.receiptCaption(o),
              },
            },
          ]
        : []),
    ];
  }

  /**
   * WhatsApp refused a receipt message (messages.update ERROR): once per order, the receipt goes another
   * way (Intech WHATSAPP_MESSAGING, or the customer's LID address); the order's timeline shows it.
   */
  async function receiptNotDelivered(
    orderId: string,
    chat: string,
    error: string | undefined,
  ): Promise<void> {
    const o = await store.orders.get(orderId);
    if (!o) return;
    const customer = await store.customers.get(o.customerId).catch(() => undefined);
    const route = receiptResendRoute(o, chat, customer?.aliases ?? []);
    const op =
      route.via === 'intech'
        ? newOperation('receipt', extIdFor(o.id, 'receipt'), 'WHATSAPP_MESSAGING', 0, now())
        : null;
    const r = await mutate(orderId, (x) => receiptUndelivered(x, route, op, error, now()));
    if (!r.won) return;
    log.warn({ orderId, via: route.via, error }, 'chat receipt not delivered; resending another way');
    if (route.via === 'intech') {
      const png = await renderPng(r.order);
      const t = deps.receipts.text(r.order, r.order.lang);
      await sendOp(r.order, 'receipt', receiptRequest(r.order, route.phone, t, png, deps.requestConfig));
    } else if (route.via === 'lid') {
      await deps.outbox.send(await receiptMessages(r.order, route.chat, `${r.order.id}:receipt:lid`));
    } else {
      await alert(
        'receipt_undelivered',
        `Order ${orderId}: WhatsApp could not deliver the receipt (error ${error ?? 'unknown'}) and no other way is left; send it by hand.`,
        orderId,
      );
    }
  }

  // -------------------------------------------------------------------------------------------------------
  // Refund and claim

  function refund(o: Order): Promise<void> {
    return busy(o.id, () => refundNow(o));
  }

  async function refundNow(o: Order): Promise<void> {
    const cur = (await store.orders.get(o.id)) ?? o;
    const tx = cur.operations.refund?.transactionId ?? cur.operations.collect?.transactionId;
    if (!tx) {
      await apply(cur.id, (x) => refundResult(x, 'failed', 'collect transactionId unknown', now()));
      return;
    }
    try {
      const res = await intech.refundCancel(tx);
      await apply(cur.id, (x) =>
        refundResult(x, res.ok ? 'success' : 'failed', `${res.statutTreatment} ${res.message}`.trim(), now()),
      );
    } catch (err) {
      if (err instanceof IntechRejectedError) {
        await apply(cur.id, (x) => refundResult(x, 'failed', err.msg, now()));
      } else if (err instanceof IntechTransportError) {
        await apply(cur.id, (x) => refundNotSent(x, err.message, now()));
      } else {
        await apply(cur.id, (x) => refundResult(x, 'unknown', (err as Error).message, now()));
      }
    }
  }

  /** Refund failed: record 'claim_sent' (durable, with its key), then open the claim. */
  function claim(o: Order): Promise<void> {
    return busy(o.id, async () => {
      await apply(o.id, (x) => beginClaim(x, now()));
    });
  }

  /** Only the writer that recorded 'claim_sent' gets here: at most one new-claim per order. */
  async function sendClaim(o: Order): Promise<void> {
    const tx = o.operations.collect?.transactionId;
    let claimRef: string | undefined;
    if (tx) {
      try {
        const res = await intech.newClaim(
          tx,
          `Remboursement échoué ${o.id}`,
          `Commande ${o.id} (réf. ${o.operations.claim?.key ?? o.id}): livraison échouée (${o.codeService}, ${o.amount} XOF), le remboursement de la transaction ${tx} a échoué. Merci de rembourser le client.`,
        );
        claimRef = res.claimRef;
      } catch (err) {
        if (!(err instanceof IntechRejectedError) && !(err instanceof IntechTransportError)) {
          // Answer lost: the claim may exist. Never a second one; a person checks.
          log.error({ orderId: o.id, err: (err as Error).message }, 'claim outcome unknown');
          await apply(o.id, (x) => claimUnknown(x, now()));
          return;
        }
        log.error({ orderId: o.id, err: (err as Error).message }, 'claim could not be opened');
      }
    }
    await apply(o.id, (x) => finishClaim(x, claimRef, now()));
  }

  function isBusy(id: string): boolean {
    return (busyCount.get(id) ?? 0) > 0 || running.has(`receipt:${id}`);
  }

  async function drain(): Promise<void> {
    while (inflight.size > 0) await Promise.allSettled([...inflight]);
  }

  return {
    apply,
    /** The collect request of this order being sent now, if any. */
    collectStarted: (id: string) => collectStarts.get(id),
    applyOutcomeFor,
    runEffects,
    sendCollect,
    sendDelivery,
    deliver,
    receipt,
    chatReceipt,
    receiptNotDelivered,
    refund,
    claim,
    say,
    alert,
    busy,
    isBusy,
    track,
    drain,
  };
}

export type Saga = ReturnType<typeof createSaga>;
