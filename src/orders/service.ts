// The order desk: places confirmed orders and drives them through the saga (collect -> deliver -> receipt,
// refund on failure), applies Intech callbacks, and reconciles what is left without an outcome.
import { normalizePhone } from '../phone/phone.js';
import { randomInt } from 'node:crypto';
import type { AdminAlerter } from '../channels/channel.js';
import { customerErrorMessage } from '../i18n/intech-errors.js';
import type { IntechApi } from '../intech/api.js';
import { IntechRejectedError } from '../intech/errors.js';
import type { CallbackBody } from '../intech/types.js';
import { type Logger, silentLogger } from '../logger.js';
import { receiptText, renderReceiptPng } from '../receipts/index.js';
import type { Store } from '../store/types.js';
import { LruMap } from '../util/lru-map.js';
import { createBalanceGuard } from './balance-guard.js';
import { extIdFor } from './ext-ids.js';
import { orderMessages as M } from './messages.js';
import type { OrderClaims } from './claims.js';
import { createReconciler } from './reconciler.js';
import type { Outbox } from '../outbox/outbox.js';
import { type CallbackVia, createSaga, type ErrorText, type ReceiptRenderer } from './saga.js';
import { createStatusLookup } from './status-lookup.js';
import { checkPayerLimits, type PayerLimits } from './payer-limits.js';
import {
  applyOutcome,
  beginCollect,
  cancelForBalance,
  expireBeforeCollect,
  isSettled,
  newOperation,
  unknownCallback,
} from './transitions.js';
import type {
  BillLookup,
  Order,
  OrderDesk,
  OperationStep,
  PlaceOrderInput,
  PlaceOrderResult,
} from './types.js';

export interface OrderServiceConfig {
  callbackUrl: string;
  merchantName: string;
  receiptVia: 'intech' | 'chat';
  reconcileAfterMs: number;
  reconcileIntervalMs: number;
  slowNoticeAfterMs: number;
  balanceCacheMs: number;
  publicUrl: string;
  apiKey: string;
  hmacSecret?: string;
  /** Minimum time between two status lookups of one transaction (Intech allows 3 a minute). Default 25 s. */
  lookupSpacingMs?: number;
  /** A collect found unsent is resent only this long after the order (default 10 min). */
  collectResendWithinMs?: number;
  /** An Intech receipt without outcome this long goes through the chat (default 3 x reconcileAfterMs). */
  receiptGiveUpMs?: number;
  /** place() waits up to this long for the collect request's answer (payment link), default 5 s. */
  collectWaitMs?: number;
  /** Paying from another number than the chat's: how far (finding 3 of #13). Defaults in payer-limits.ts. */
  payerLimits?: Partial<PayerLimits>;
}

export interface OrderServiceDeps {
  store: Store;
  intech: IntechApi;
  /** Customer messages (payment links, notices, refunds, chat receipts) go through the outbox. */
  outbox: Outbox;
  alerter: AdminAlerter;
  config: OrderServiceConfig;
  now?: () => number;
  newId?: () => string;
  logger?: Logger;
  /** Defaults: src/receipts (text + PNG). */
  receipts?: ReceiptRenderer;
  /** Default: customerErrorMessage from src/i18n/intech-errors. */
  errorText?: ErrorText;
  /**
   * Several instances on one store: orders are reconciled under per-order claims, start() runs an
   * ordinary pass (another instance may be mid-send: nothing is presumed interrupted) and the loop runs
   * only between startLoop() and stopLoop() (the reconciler singleton, src/cluster/singleton.ts).
   */
  cluster?: { claims: OrderClaims };
}

export type CallbackResult = 'applied' | 'duplicate' | 'unknown' | 'ignored';

export interface OrderService extends OrderDesk {
  /**
   * Applies a verified callback. `found`: the order the callback route already read for this id (saves
   * reading it again). With `via`, the copy is recorded as it is applied (with the order's CAS,
   * in one transaction) and `via.stored` is called once both are durable; the effects run after.
   */
  handleCallback(body: CallbackBody, found?: Order, via?: CallbackVia): Promise<CallbackResult>;
  /** WhatsApp reported a receipt message of this order as not delivered (status ERROR). */
  receiptNotDelivered(orderId: string, chat: string, error: string | undefined): Promise<void>;
  reconcileOnce(): Promise<void>;
  start(): Promise<void>;
  /** Cluster mode: this instance holds the reconciler lease / lost it. */
  startLoop(): void;
  stopLoop(): void;
  stop(): Promise<void>;
}

/** kv namespace: unknown externalTransactionIds already alerted (one alert each). */
const UNKNOWN_NS = 'orders:unknown-callbacks';

const ID_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** "XB7K2M9Q": short enough to read over the phone, no 0/O or 1/I confusion. */
export function newOrderId(): string {
  let id = '';
  for (let i = 0; i < 8; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}

function kindOf(codeService: string): Order['kind'] | undefined {
  if (codeService.endsWith('_AIRTIME_CREDIT_TELEPHONIQUE')) return 'airtime';
  if (codeService.endsWith('_BILL_PAY')) return 'bill_pay';
  if (codeService.endsWith('_BILL_RELOAD')) return 'bill_reload';
  return undefined;
}

function isE164Mobile(phone: string | undefined): boolean {
  if (!phone) return false;
  const p = normalizePhone(phone);
  return p.ok && p.e164 === phone && p.type === 'mobile';
}

function invalidReason(input: PlaceOrderInput): string | undefined {
  if (!Number.isInteger(input.amount) || input.amount <= 0) return 'amount';
  if (kindOf(input.codeService) !== input.kind) return 'kind';
  if (!/_CASH_OUT(_\d+)?$/.test(input.payment.codeService)) return 'wallet';
  // Money never moves to or from a number we could not read exactly (E.164, Senegal or Côte d'Ivoire).
  if (!isE164Mobile(input.payment.payer)) return 'payer';
  if (input.kind === 'airtime' && !isE164Mobile(input.recipient)) return 'recipient';
  if (input.kind !== 'airtime' && !input.account) return 'account';
  if (input.kind === 'bill_pay' && !input.billReference) return 'billReference';
  return undefined;
}

export function createOrderService(deps: OrderServiceDeps): OrderService {
  const now = deps.now ?? Date.now;
  const newId = deps.newId ?? newOrderId;
  const log = deps.logger ?? silentLogger;
  const cfg = deps.config;
  const { store, intech } = deps;

  const lookup = createStatusLookup({
    intech,
    store,
    now,
    spacingMs: cfg.lookupSpacingMs ?? 25_000,
    logger: log,
  });
  const saga = createSaga({
    lookup,
    store,
    intech,
    outbox: deps.outbox,
    alerter: deps.alerter,
    requestConfig: { callbackUrl: cfg.callbackUrl, merchantName: cfg.merchantName, publicUrl: cfg.publicUrl },
    receiptVia: cfg.receiptVia,
    receipts: deps.receipts ?? {
      text: (o, lang) => receiptText(o, lang, { merchantName: cfg.merchantName }),
      png: (o, lang) => renderReceiptPng(o, lang, { merchantName: cfg.merchantName }),
    },
    errorText: deps.errorText ?? customerErrorMessage,
    now,
    logger: log,
  });
  const balance = createBalanceGuard({ intech, store, cacheMs: cfg.balanceCacheMs, now });
  const collectResendWithinMs = cfg.collectResendWithinMs ?? 10 * 60_000;

  /** Balance check, then record the CASHOUT (CAS); its 'send' effect sends it in the background. */
  async function proceedCollect(o: Order): Promise<PlaceOrderResult> {
    if (now() - o.createdAt > collectResendWithinMs) {
      await saga.apply(o.id, (x) => expireBeforeCollect(x, now()));
      return { ok: false, reason: 'service_unavailable', message: M.expired(o) };
    }
    const verdict = await balance.check(o);
    if (!verdict.ok) {
      const reason = verdict.reason === 'low' ? 'merchant_balance' : 'service_unavailable';
      await saga.apply(o.id, (x) =>
        cancelForBalance(
          x,
          verdict.reason === 'low'
            ? { reason: 'low', balance: verdict.balance ?? 0, owed: verdict.owed ?? 0 }
            : { reason: 'unavailable' },
          now(),
        ),
      );
      return { ok: false, reason, message: M.merchantBalanceLow(o.lang) };
    }
    const op = newOperation('collect', extIdFor(o.id, 'collect'), o.payment.codeService, o.amount, now());
    const r = await saga.apply(o.id, (x) => beginCollect(x, op, now()));
    return { ok: true, order: r.order };
  }

  const collectWaitMs = cfg.collectWaitMs ?? 5_000;

  async function place(input: PlaceOrderInput): Promise<PlaceOrderResult> {
    const bad = invalidReason(input);
    if (bad) {
      log.warn({ field: bad, codeService: input.codeService }, 'invalid order refused');
      return { ok: false, reason: 'invalid', message: M.invalid(input.lang) };
    }
    const payerVerdict = await checkPayerLimits(store, input, now(), cfg.payerLimits);
    if (!payerVerdict.ok) {
      log.warn({ why: payerVerdict.why }, 'order refused: payer number limits');
      return { ok: false, reason: 'payer_limit', message: M.payerLimit(input.lang, payerVerdict.why) };
    }
    const t = now();
    const order: Order = {
      id: newId(),
      version: 1,
      customerId: input.customerId,
      lang: input.lang,
      kind: input.kind,
      codeService: input.codeService,
      amount: input.amount,
      ...(input.recipient ? { recipient: input.recipient } : {}),
      ...(input.account ? { account: input.account } : {}),
      ...(input.billReference ? { billReference: input.billReference } : {}),
      ...(input.billInfo ? { billInfo: input.billInfo } : {}),
      payment: { ...input.payment },
      state: 'created',
      operations: {},
      events: [{ at: t, type: 'created' }],
      createdAt: t,
      updatedAt: t,
      notices: [],
    };
    // Stored before anything is sent.
    const stored = await store.orders.create(order);
    log.info({ orderId: stored.id, codeService: stored.codeService, amount: stored.amount }, 'order placed');
    const result = await saga.busy(stored.id, () => proceedCollect(stored));
    // Give Intech a moment to answer, so the payment link or instructions reach the customer while
    // their confirmation is being handled; a slow Intech never holds the conversation longer.
    const started = saga.collectStarted(stored.id);
    if (started && collectWaitMs > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([started, new Promise((resolve) => (timer = setTimeout(resolve, collectWaitMs)))]);
      clearTimeout(timer);
    }
    return result;
  }

  const reconciler = createReconciler({
    saga,
    store,
    lookup,
    proceedCollect: async (o) => {
      await proceedCollect(o);
    },
    signedCallbacks: Boolean(cfg.hmacSecret),
    config: {
      reconcileAfterMs: cfg.reconcileAfterMs,
      slowNoticeAfterMs: cfg.slowNoticeAfterMs,
      collectResendWithinMs,
      receiptGiveUpMs: cfg.receiptGiveUpMs ?? 3 * cfg.reconcileAfterMs,
    },
    now,
    logger: log,
    ...(deps.cluster ? { claims: deps.cluster.claims } : {}),
  });

  async function handleCallback(
    body: CallbackBody,
    found?: Order,
    via?: CallbackVia,
  ): Promise<CallbackResult> {
    const ext = body.transaction.externalTransactionId;
    /** The copy is recorded alone: its decision stores nothing on the order. */
    const recordAlone = async () => {
      if (!via) return;
      await store.callbacks.record(via.callback);
      via.stored();
    };
    if (settledCopies.get(copyKey(body))) {
      await recordAlone();
      return 'duplicate';
    }
    const order =
      found && Object.values(found.operations).some((op) => op?.externalTransactionId === ext)
        ? found
        : await store.orders.findByExternalId(ext);
    const step = order
      ? (Object.values(order.operations).find((op) => op?.externalTransactionId === ext)?.step as
          | OperationStep
          | undefined)
      : undefined;
    if (!order || !step) {
      await recordAlone();
      await saga.track(unknown(ext, body.status));
      return 'unknown';
    }
    const known = order.operations[step]?.transactionId;
    if (known && known !== body.transaction.transactionId) {
      await recordAlone();
      log.warn({ orderId: order.id, step, ext }, 'callback transactionId does not match ours: ignored');
      return 'ignored';
    }
    const outcome = {
      status: body.status,
      transactionId: body.transaction.transactionId,
      errorType: body.transaction.errorType ?? null,
      ...(body.msg !== undefined ? { message: body.msg } : {}),
      data: body.transaction.data ?? null,
      sousServiceTransactionId: body.transaction.sousServiceTransactionId ?? null,
    };
    const source = cfg.hmacSecret ? 'signed' : 'callback';
    // Another copy of an outcome already settled (most callbacks: Intech repeats them, every instance may
    // get each): a settled operation never changes, so what this read decides, a fresh one would too, and
    // so would any later identical copy (remembered: it is answered without reading the order again).
    if (
      isSettled(order.operations[step]) &&
      applyOutcome(order, step, outcome, now(), source) === 'duplicate'
    ) {
      settledCopies.set(copyKey(body), true);
      await recordAlone();
      log.info({ orderId: order.id, step, status: body.status, result: 'duplicate' }, 'callback');
      return 'duplicate';
    }
    const result = await saga.track(saga.applyOutcomeFor(order.id, step, outcome, source, via));
    log.info({ orderId: order.id, step, status: body.status, result }, 'callback');
    return result;
  }

  /**
   * Copies found to change nothing, ever (their operation settled with that very outcome), by everything
   * the decision reads: a copy carrying something new (late tokens) is another key.
   */
  const settledCopies = new LruMap<true>(10_000);
  const copyKey = (b: CallbackBody) =>
    JSON.stringify([
      b.transaction.externalTransactionId,
      b.transaction.transactionId,
      b.status,
      b.transaction.errorType ?? null,
      b.msg ?? null,
      b.transaction.data ?? null,
      b.transaction.sousServiceTransactionId ?? null,
    ]);

  /** A verified callback for no order of ours: alerted once and looked up, never silently dropped. */
  async function unknown(ext: string, status: CallbackBody['status']): Promise<void> {
    const seen = (await store.kv.get<number>(UNKNOWN_NS, ext)) !== undefined;
    const d = unknownCallback(ext, status, seen);
    if (!d.alert) return;
    await store.kv.set(UNKNOWN_NS, ext, now());
    let found = '';
    if (d.lookup) {
      const res = await lookup(ext, 0, true);
      found =
        res.kind === 'found'
          ? ` Intech says ${res.result.status}.`
          : res.kind === 'absent'
            ? ' Intech does not know it either.'
            : ' Status lookup not possible now.';
    }
    log.warn({ ext, status }, 'callback for an unknown transaction: kept and alerted');
    await saga.alert(d.alert.kind, `${d.alert.message}${found}`);
  }

  async function lookupBills(codeService: string, account: string, lang: Order['lang']): Promise<BillLookup> {
    try {
      const bills = await intech.listPendingBills(codeService, account);
      if (bills.length === 0) return { ok: false, message: M.billsNone(lang), retryable: false };
      return { ok: true, bills };
    } catch (err) {
      if (err instanceof IntechRejectedError)
        return { ok: false, message: M.billsNone(lang, err.msg), retryable: false };
      return { ok: false, message: M.billsUnavailable(lang), retryable: true };
    }
  }

  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let looping = false;

  function schedule(): void {
    if (stopped || !looping || timer) return;
    timer = setTimeout(() => {
      timer = null;
      reconciler
        .pass(false)
        .catch((err) => log.error({ err: (err as Error).message }, 'reconcile pass failed'))
        .finally(schedule);
    }, cfg.reconcileIntervalMs);
    timer.unref?.();
  }

  return {
    place,
    lookupBills,
    get: (id) => store.orders.get(id),
    handleCallback,
    receiptNotDelivered: (orderId, chat, error) =>
      saga.track(saga.busy(orderId, () => saga.receiptNotDelivered(orderId, chat, error))),
    reconcileOnce: () => reconciler.pass(false),
    async start() {
      stopped = false;
      // Resume what a restart interrupted before taking new work (alone on the store: nothing else runs).
      await reconciler.pass(!deps.cluster);
      if (!deps.cluster) {
        looping = true;
        schedule();
      }
    },
    startLoop() {
      if (looping) return;
      looping = true;
      schedule();
    },
    stopLoop() {
      looping = false;
      if (timer) clearTimeout(timer);
      timer = null;
    },
    async stop() {
      stopped = true;
      looping = false;
      if (timer) clearTimeout(timer);
      timer = null;
      await saga.drain();
    },
  };
}
