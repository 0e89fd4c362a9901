// The real Intech client: undici over HTTPS, zod-validated answers, the three error classes.
// Money calls (operation, refund-cancel, new-claim) are sent exactly once; read-only calls retry.
import { type Dispatcher, request } from 'undici';
import type { z } from 'zod';
import { maskPhone, type Logger, silentLogger } from '../logger.js';
import type { IntechApi } from './api.js';
import {
  type IntechCallContext,
  type IntechFailure,
  IntechTransportError,
  mapIntechFailure,
  provablyNotSent,
} from './errors.js';
import {
  balanceResponseSchema,
  claimDataSchema,
  describeIssues,
  envelopeSchema,
  errorsResponseSchema,
  errorTypeSchema,
  operationDataSchema,
  pendingBillsDataSchema,
  refundResponseSchema,
  servicesResponseSchema,
  transactionStatusDataSchema,
} from './schemas.js';
import { hmacSignature } from './signing.js';
import type {
  IntechErrorType,
  IntechService,
  OperationAccepted,
  OperationRequest,
  TypeOperation,
  TypeService,
} from './types.js';

export interface IntechClientOptions {
  baseUrl: string;
  apiKey: string;
  /** Enables HMAC signing of POST requests ("advanced security"). */
  hmacSecret?: string;
  /** Per request; Intech asks for at least 60 000 in production. */
  timeoutMs: number;
  dispatcher?: Dispatcher;
  /** Clock for the HMAC Timestamp header (unix ms). */
  now?: () => number;
  logger?: Logger;
  /** Read-only calls only. attempts = total tries (1 = no retry). */
  retry?: { attempts: number; baseMs: number; maxMs: number };
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Observes every attempt (metrics): endpoint, duration, and the error class when it failed. */
  onCall?: (call: { endpoint: string; ms: number; error?: string }) => void;
}

const DEFAULT_RETRY = { attempts: 3, baseMs: 500, maxMs: 5_000 };

const TYPE_OPERATIONS = new Set<string>(['DEBIT', 'CREDIT'] satisfies TypeOperation[]);
const TYPE_SERVICES = new Set<string>([
  'CASHIN',
  'CASHOUT',
  'CREDIT_TELEPHONIQUE',
  'BILL_PAY',
  'BILL_BUY_RELOAD',
  'MESSENGING_SMS',
] satisfies TypeService[]);

/** Thrown inside one attempt; mapped to an error class by mapIntechFailure. */
class Failure extends Error {
  constructor(readonly failure: IntechFailure) {
    super(failure.type);
  }
}

type Retry = 'transient' | 'not-sent-only' | 'never';

interface Call<T> {
  method: 'GET' | 'POST';
  endpoint: string;
  /** POST body without apiKey. */
  body?: Record<string, unknown>;
  money: boolean;
  retry: Retry;
  ctx?: Pick<IntechCallContext, 'externalTransactionId' | 'transactionId'>;
  /** Safe fields for logs (phones are masked here, apiKey and media never appear). */
  logFields?: Record<string, unknown>;
  interpret: (json: unknown, status: number) => T;
}

function schemaFailure(status: number, error: z.ZodError, what: string): Failure {
  return new Failure({ type: 'schema', status, detail: `${what}: ${describeIssues(error)}`, cause: error });
}

function asRecord(v: unknown): Record<string, unknown> | null {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

function errorTypeOf(data: Record<string, unknown> | null): IntechErrorType | null {
  const parsed = errorTypeSchema.safeParse(data?.errorType);
  return parsed.success ? parsed.data : null;
}

/** Throws a rejection when the body carries `code !== 2000`; returns the parsed envelope otherwise. */
function envelope(json: unknown, status: number, what: string) {
  const env = envelopeSchema.safeParse(json);
  if (!env.success) throw schemaFailure(status, env.error, what);
  if (env.data.code !== 2000) {
    const data = asRecord(env.data.data);
    throw new Failure({
      type: 'rejected',
      code: env.data.code,
      msg: env.data.msg,
      errorType: errorTypeOf(data),
      data,
    });
  }
  return env.data;
}

/** A `code` field that is present and not 2000 means a refusal even on endpoints without an envelope. */
function rejectIfCoded(json: unknown): void {
  const rec = asRecord(json);
  if (rec && rec.code !== undefined) envelope(json, 200, 'envelope');
}

export function createIntechClient(opts: IntechClientOptions): IntechApi {
  const baseUrl = opts.baseUrl.replace(/\/+$/, '');
  const now = opts.now ?? Date.now;
  const log = opts.logger ?? silentLogger;
  const retry = opts.retry ?? DEFAULT_RETRY;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = opts.random ?? Math.random;

  function backoff(attempt: number): number {
    // Capped exponential, "equal jitter": at least half the step, so retries never bunch up at zero.
    const step = Math.min(retry.maxMs, retry.baseMs * 2 ** (attempt - 1));
    return Math.round(step / 2 + (random() * step) / 2);
  }

  async function attempt<T>(call: Call<T>): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    let payload: string | undefined;
    if (call.method === 'GET') {
      headers.Secretkey = opts.apiKey;
    } else {
      // Serialise once: these exact bytes are signed and sent.
      payload = JSON.stringify({ apiKey: opts.apiKey, ...call.body });
      headers['content-type'] = 'application/json';
      if (opts.hmacSecret) {
        const ts = String(now());
        headers['Hmac-Signature'] = hmacSignature(opts.hmacSecret, 'POST', ts, payload);
        headers.Timestamp = ts;
      }
    }
    let status: number;
    let text: string;
    try {
      const res = await request(`${baseUrl}${call.endpoint}`, {
        method: call.method,
        headers,
        body: payload,
        dispatcher: opts.dispatcher,
        headersTimeout: opts.timeoutMs,
        bodyTimeout: opts.timeoutMs,
        signal: AbortSignal.timeout(opts.timeoutMs),
      });
      status = res.statusCode;
      if (status < 200 || status > 299) {
        await res.body.dump().catch(() => undefined);
        throw new Failure({ type: 'http', status });
      }
      text = await res.body.text();
    } catch (e) {
      if (e instanceof Failure) throw e;
      throw new Failure({ type: 'thrown', error: e });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new Failure({ type: 'not_json', status, cause: e });
    }
    return call.interpret(json, status);
  }

  async function run<T>(call: Call<T>): Promise<T> {
    const ctx: IntechCallContext = { endpoint: call.endpoint, money: call.money, ...call.ctx };
    const fields = { endpoint: call.endpoint, ...call.logFields };
    const attempts = call.retry === 'never' ? 1 : Math.max(1, retry.attempts);
    for (let n = 1; ; n++) {
      const started = now();
      try {
        const result = await attempt(call);
        opts.onCall?.({ endpoint: call.endpoint, ms: now() - started });
        log.info({ ...fields, ms: now() - started, attempt: n }, 'intech call ok');
        return result;
      } catch (e) {
        if (!(e instanceof Failure)) throw e;
        const err = mapIntechFailure(e.failure, ctx);
        opts.onCall?.({ endpoint: call.endpoint, ms: now() - started, error: err.name });
        const logged = {
          ...fields,
          ms: now() - started,
          attempt: n,
          error: err.name,
          detail: maskPhone(err.message),
          ...('msg' in err ? { intechMsg: maskPhone(err.msg), errorCode: err.errorType?.code ?? null } : {}),
        };
        const retryable =
          err instanceof IntechTransportError &&
          err.transient &&
          n < attempts &&
          (call.retry === 'transient' ||
            (call.retry === 'not-sent-only' &&
              e.failure.type === 'thrown' &&
              provablyNotSent(e.failure.error)));
        if (!retryable) {
          log.warn(logged, 'intech call failed');
          throw err;
        }
        const wait = backoff(n);
        log.warn({ ...logged, retryInMs: wait }, 'intech call failed, retrying');
        await sleep(wait);
      }
    }
  }

  return {
    listServices: () =>
      run({
        method: 'GET',
        endpoint: '/api-services/services',
        money: false,
        retry: 'transient',
        interpret: (json, status) => {
          rejectIfCoded(json);
          const r = servicesResponseSchema.safeParse(json);
          if (!r.success) throw schemaFailure(status, r.error, 'services');
          const out: IntechService[] = [];
          for (const s of r.data.services) {
            if (!TYPE_OPERATIONS.has(s.typeOperation) || !TYPE_SERVICES.has(s.typeService)) {
              log.warn(
                { codeService: s.codeService, typeService: s.typeService },
                'intech service of unknown type skipped',
              );
              continue;
            }
            out.push({
              name: s.name,
              ...(s.icon !== undefined ? { icon: s.icon } : {}),
              codeService: s.codeService,
              typeOperation: s.typeOperation as TypeOperation,
              typeService: s.typeService as TypeService,
            });
          }
          return out;
        },
      }),

    listErrors: () =>
      run({
        method: 'GET',
        endpoint: '/api-services/errors',
        money: false,
        retry: 'transient',
        interpret: (json, status) => {
          rejectIfCoded(json);
          const r = errorsResponseSchema.safeParse(json);
          if (!r.success) throw schemaFailure(status, r.error, 'errors');
          return r.data.map(({ id, code, message }) => ({ id, code, message }));
        },
      }),

    getBalance: () =>
      run({
        method: 'GET',
        endpoint: '/api-services/balance',
        money: false,
        retry: 'transient',
        interpret: (json, status) => {
          rejectIfCoded(json);
          const r = balanceResponseSchema.safeParse(json);
          if (!r.success) throw schemaFailure(status, r.error, 'balance');
          return { currency: r.data.data.currency, balance: r.data.data.balance };
        },
      }),

    listPendingBills: (codeService, billAccountNumber) =>
      run({
        method: 'POST',
        endpoint: '/api-services/list-pending-bills',
        body: { codeService, billAccountNumber },
        money: false,
        retry: 'transient',
        logFields: { codeService },
        interpret: (json, status) => {
          const env = envelope(json, status, 'list-pending-bills');
          const r = pendingBillsDataSchema.safeParse(env.data);
          if (!r.success) throw schemaFailure(status, r.error, 'list-pending-bills data');
          return r.data;
        },
      }),

    operation: (req: OperationRequest) => {
      const { apiKey: _ignored, ...body } = req;
      return run({
        method: 'POST',
        endpoint: '/api-services/operation',
        body,
        money: true,
        retry: 'never',
        ctx: { externalTransactionId: req.externalTransactionId },
        logFields: {
          externalTransactionId: req.externalTransactionId,
          codeService: req.codeService,
          amount: req.amount,
          phone: maskPhone(req.phone),
          ...(req.attachedMedia !== undefined
            ? { attachedMediaName: req.attachedMediaName ?? '(media)' }
            : {}),
        },
        interpret: (json, status): OperationAccepted => {
          const env = envelope(json, status, 'operation');
          const r = operationDataSchema.safeParse(env.data);
          if (!r.success) throw schemaFailure(status, r.error, 'operation data');
          const d = r.data;
          if (
            d.externalTransactionId !== undefined &&
            d.externalTransactionId !== req.externalTransactionId
          ) {
            log.warn(
              { sent: req.externalTransactionId, received: d.externalTransactionId },
              'intech operation answered with another externalTransactionId',
            );
          }
          return {
            transactionId: d.transactionId,
            externalTransactionId: req.externalTransactionId,
            status: d.status ?? 'PENDING',
            ...(d.amount !== undefined ? { amount: d.amount } : {}),
            ...(d.phone !== undefined ? { phone: d.phone } : {}),
            ...(d.codeService !== undefined ? { codeService: d.codeService } : {}),
            ...(d.deepLinkUrl !== undefined ? { deepLinkUrl: d.deepLinkUrl } : {}),
            ...(d.notificationMessage !== undefined ? { notificationMessage: d.notificationMessage } : {}),
            ...(d.authLinkUrl !== undefined ? { authLinkUrl: d.authLinkUrl } : {}),
            raw: asRecord(env.data) ?? {},
          };
        },
      });
    },

    getTransactionStatus: (externalTransactionId) =>
      run({
        method: 'POST',
        endpoint: '/api-services/get-transaction-status',
        body: { externalTransactionId },
        money: false,
        // Rate limited (3/min per transaction, IP blacklist): only retry what never reached Intech.
        retry: 'not-sent-only',
        logFields: { externalTransactionId },
        interpret: (json, status) => {
          const env = envelope(json, status, 'get-transaction-status');
          const r = transactionStatusDataSchema.safeParse(env.data);
          if (!r.success) throw schemaFailure(status, r.error, 'get-transaction-status data');
          const d = r.data;
          return {
            transactionId: d.transactionId,
            externalTransactionId: d.externalTransactionId,
            status: d.status,
            errorType: d.errorType,
            ...(d.createdAt !== undefined ? { createdAt: d.createdAt } : {}),
            ...(d.updatedAt !== undefined ? { updatedAt: d.updatedAt } : {}),
          };
        },
      }),

    refundCancel: (transactionId) =>
      run({
        method: 'POST',
        endpoint: '/api-services/transaction/refund-cancel',
        body: { transactionId },
        money: true,
        retry: 'never',
        ctx: { transactionId },
        logFields: { transactionId },
        interpret: (json, status) => {
          // Documented shape: {message, statutTreatment}, no code. Also accept it wrapped in an envelope.
          let r = refundResponseSchema.safeParse(json);
          if (!r.success) {
            const env = envelope(json, status, 'refund-cancel');
            r = refundResponseSchema.safeParse(env.data);
            if (!r.success) throw schemaFailure(status, r.error, 'refund-cancel');
          }
          return {
            ok: r.data.statutTreatment.toUpperCase() === 'SUCCESS',
            statutTreatment: r.data.statutTreatment,
            message: r.data.message,
          };
        },
      }),

    newClaim: (transactionId, subject, message) =>
      run({
        method: 'POST',
        endpoint: '/api-services/new-claim',
        body: { transactionId, subject, message },
        money: true,
        retry: 'never',
        ctx: { transactionId },
        logFields: { transactionId },
        interpret: (json, status) => {
          const env = envelope(json, status, 'new-claim');
          const r = claimDataSchema.safeParse(env.data);
          if (!r.success) throw schemaFailure(status, r.error, 'new-claim data');
          const raw = asRecord(asRecord(env.data)?.claim) ?? asRecord(env.data) ?? {};
          return { claimRef: r.data.claimRef, statut: r.data.statut, raw };
        },
      }),
  };
}
