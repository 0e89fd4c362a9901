// The three ways an Intech call can end badly. Callers branch on the class, never on messages.
import type { IntechErrorType } from './types.js';

/** Intech answered and said no (code !== 2000). The outcome is known: it failed. */
export class IntechRejectedError extends Error {
  override readonly name = 'IntechRejectedError';
  readonly code: number;
  readonly msg: string;
  readonly errorType: IntechErrorType | null;
  /** The response's `data` (may carry transactionId, status FAILLED...). */
  readonly data: Record<string, unknown> | null;
  readonly endpoint: string;

  constructor(opts: {
    endpoint: string;
    code: number;
    msg: string;
    errorType: IntechErrorType | null;
    data: Record<string, unknown> | null;
  }) {
    super(
      `Intech rejected ${opts.endpoint}: code ${opts.code}${opts.errorType ? ` (${opts.errorType.code})` : ''}`,
    );
    this.endpoint = opts.endpoint;
    this.code = opts.code;
    this.msg = opts.msg;
    this.errorType = opts.errorType;
    this.data = opts.data;
  }
}

/**
 * network  connection refused / DNS / reset on a read-only call
 * timeout  a read-only call took longer than timeoutMs
 * http     non-2xx status
 * not_json body is not JSON
 * schema   JSON that does not match the documented shape
 */
export type IntechTransportKind = 'network' | 'timeout' | 'http' | 'not_json' | 'schema';

/**
 * Nothing usable came back, and it is safe to treat the request as not executed: either it is read-only,
 * or (for money operations) it never left this machine / was refused at the HTTP level (4xx).
 */
export class IntechTransportError extends Error {
  override readonly name = 'IntechTransportError';
  readonly kind: IntechTransportKind;
  readonly status?: number;
  override readonly cause?: unknown;
  readonly endpoint: string;

  constructor(opts: {
    endpoint: string;
    kind: IntechTransportKind;
    status?: number;
    cause?: unknown;
    detail?: string;
  }) {
    super(
      `Intech transport error on ${opts.endpoint}: ${opts.kind}${opts.status !== undefined ? ` ${opts.status}` : ''}${
        opts.detail ? ` (${opts.detail})` : ''
      }`,
    );
    this.endpoint = opts.endpoint;
    this.kind = opts.kind;
    this.status = opts.status;
    this.cause = opts.cause;
  }

  /** Worth trying again (read-only calls): not for a schema mismatch or a plain 4xx. */
  get transient(): boolean {
    if (this.kind === 'schema') return false;
    if (this.kind === 'http' && this.status !== undefined && this.status < 500)
      return this.status === 408 || this.status === 429;
    return true;
  }
}

/**
 * A money operation (operation, refund-cancel, new-claim) may or may not have been executed: timeout,
 * connection lost after sending, 5xx from a gateway, unreadable answer. NEVER a failure: find out by
 * callback or status lookup, and never resubmit the same request blindly.
 */
export class IntechUnknownOutcomeError extends Error {
  override readonly name = 'IntechUnknownOutcomeError';
  readonly endpoint: string;
  readonly externalTransactionId?: string;
  readonly transactionId?: string;
  override readonly cause?: unknown;

  constructor(opts: {
    endpoint: string;
    externalTransactionId?: string;
    transactionId?: string;
    cause?: unknown;
  }) {
    super(
      `Intech ${opts.endpoint}: outcome unknown${opts.externalTransactionId ? ` for ${opts.externalTransactionId}` : ''}`,
    );
    this.endpoint = opts.endpoint;
    this.externalTransactionId = opts.externalTransactionId;
    this.transactionId = opts.transactionId;
    this.cause = opts.cause;
  }
}

export type IntechError = IntechRejectedError | IntechTransportError | IntechUnknownOutcomeError;

export function isIntechError(e: unknown): e is IntechError {
  return (
    e instanceof IntechRejectedError ||
    e instanceof IntechTransportError ||
    e instanceof IntechUnknownOutcomeError
  );
}

/** Error codes meaning the request never left this machine (no TCP connection / TLS session). */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UND_ERR_INVALID_ARG',
]);
const TIMEOUT_CODES = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
]);

function errorCode(e: unknown): string | undefined {
  if (!e || typeof e !== 'object') return undefined;
  const o = e as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof o.code === 'string') return o.code;
  // AggregateError from happy-eyeballs connects: every attempt failed the same way.
  if (Array.isArray(o.errors) && o.errors.length > 0) return errorCode(o.errors[0]);
  if (o.cause && o.cause !== e) return errorCode(o.cause);
  return undefined;
}

function isTimeout(e: unknown): boolean {
  const name = (e as { name?: unknown } | null)?.name;
  return name === 'TimeoutError' || name === 'AbortError' || TIMEOUT_CODES.has(errorCode(e) ?? '');
}

/** Whether a thrown transport error proves the request was never sent. */
export function provablyNotSent(e: unknown): boolean {
  return NOT_SENT_CODES.has(errorCode(e) ?? '');
}

/** Every way a call can fail, before it becomes one of the three classes. */
export type IntechFailure =
  | { type: 'thrown'; error: unknown }
  | { type: 'http'; status: number }
  | { type: 'not_json'; status: number; cause?: unknown }
  | { type: 'schema'; status: number; detail: string; cause?: unknown }
  | {
      type: 'rejected';
      code: number;
      msg: string;
      errorType: IntechErrorType | null;
      data: Record<string, unknown> | null;
    };

export interface IntechCallContext {
  endpoint: string;
  /** operation, refund-cancel, new-claim: money may have moved if the request reached Intech. */
  money: boolean;
  externalTransactionId?: string;
  transactionId?: string;
}

/**
 * The ONE mapper from a failure to an error class. For money calls anything short of a clear answer is
 * an unknown outcome, except what provably did not execute: nothing sent (refused connection, DNS) or an
 * HTTP-level refusal (4xx: Intech always answers 200/201, so a 4xx comes from a gateway refusing it).
 */
export function mapIntechFailure(f: IntechFailure, ctx: IntechCallContext): IntechError {
  const { endpoint } = ctx;
  const unknown = (cause: unknown) =>
    new IntechUnknownOutcomeError({
      endpoint,
      externalTransactionId: ctx.externalTransactionId,
      transactionId: ctx.transactionId,
      cause,
    });
  switch (f.type) {
    case 'rejected':
      return new IntechRejectedError({
        endpoint,
        code: f.code,
        msg: f.msg,
        errorType: f.errorType,
        data: f.data,
      });
    case 'thrown': {
      if (provablyNotSent(f.error))
        return new IntechTransportError({
          endpoint,
          kind: 'network',
          cause: f.error,
          detail: errorCode(f.error),
        });
      if (ctx.money) return unknown(f.error);
      const kind = isTimeout(f.error) ? 'timeout' : 'network';
      return new IntechTransportError({ endpoint, kind, cause: f.error, detail: errorCode(f.error) });
    }
    case 'http': {
      const err = new IntechTransportError({ endpoint, kind: 'http', status: f.status });
      return ctx.money && f.status >= 500 ? unknown(err) : err;
    }
    case 'not_json': {
      const err = new IntechTransportError({ endpoint, kind: 'not_json', status: f.status, cause: f.cause });
      return ctx.money ? unknown(err) : err;
    }
    case 'schema': {
      const err = new IntechTransportError({
        endpoint,
        kind: 'schema',
        status: f.status,
        cause: f.cause,
        detail: f.detail,
      });
      return ctx.money ? unknown(err) : err;
    }
  }
}
