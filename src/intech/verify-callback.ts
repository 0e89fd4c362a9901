// Pure verification of an Intech callback (IPN): body shape, sha256Hash, and HMAC headers when enabled.
// Nothing here acts on the callback; the caller acts only on { ok: true }.
import { callbackBodySchema, describeIssues } from './schemas.js';
import { callbackSha256, hmacSignature, safeEqual } from './signing.js';
import type { CallbackBody } from './types.js';

export type CallbackRejection =
  | 'malformed'
  | 'bad_hash'
  | 'missing_signature'
  | 'bad_signature'
  | 'stale'
  | 'future';

/** Bodies bigger or deeper than this are kept as a bounded record (ids, status, error), never whole. */
export const CALLBACK_MAX_BYTES = 64 * 1024;
export const CALLBACK_MAX_DEPTH = 32;

export interface CallbackTruncation {
  bytes: number;
  /** Depth found, up to CALLBACK_MAX_DEPTH + 1 (the walk stops there). */
  depth: number;
}

export type VerifyCallbackResult =
  | { ok: true; body: CallbackBody; truncated?: CallbackTruncation }
  | { ok: false; reason: CallbackRejection; detail?: string };

export interface VerifyCallbackInput {
  /** The bytes exactly as received (before any JSON middleware). */
  rawBody: string | Buffer;
  headers: Record<string, string | string[] | undefined>;
  apiKey: string;
  /** Set when "advanced security" is enabled: HMAC headers become mandatory. */
  hmacSecret?: string;
  /** Current time, unix ms. */
  now: number;
  /** How old a timestamp may be. Default 5 minutes. */
  maxAgeMs?: number;
  /** How far in the future a timestamp may be (clock skew). Default 30 s. */
  skewMs?: number;
}

function header(headers: VerifyCallbackInput['headers'], name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() !== name) continue;
    const value = Array.isArray(v) ? v[0] : v;
    return value?.trim() || undefined;
  }
  return undefined;
}

/** Nesting depth of a parsed JSON value, without recursion; stops counting past `limit`. */
export function jsonDepth(value: unknown, limit = CALLBACK_MAX_DEPTH): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d > max) max = d;
    if (max > limit) return max;
    for (const child of Object.values(v as object)) stack.push([child, d + 1]);
  }
  return max;
}

function pick(obj: unknown, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!obj || typeof obj !== 'object') return out;
  for (const k of keys) {
    const v = (obj as Record<string, unknown>)[k];
    if (v === undefined) continue;
    // Only flat values, or a shallow errorType: anything else is what made the body too big or deep.
    if (v === null || typeof v !== 'object' || (k === 'errorType' && jsonDepth(v, 2) <= 1)) out[k] = v;
  }
  return out;
}

/** What is kept of an oversized or too deep body: what identifies the transaction and its outcome. */
function boundedBody(parsed: unknown): Record<string, unknown> {
  const top = pick(parsed, ['status', 'sha256Hash', 'msg']);
  if (typeof top.msg === 'string' && top.msg.length > 500) top.msg = top.msg.slice(0, 500);
  const tx = pick((parsed as Record<string, unknown> | null)?.transaction, [
    'transactionId',
    'externalTransactionId',
    'codeService',
    'phone',
    'amount',
    'sousServiceTransactionId',
    'errorType',
  ]);
  return { ...top, transaction: { ...tx, data: null } };
}

export function verifyCallback(input: VerifyCallbackInput): VerifyCallbackResult {
  const maxAgeMs = input.maxAgeMs ?? 5 * 60_000;
  const skewMs = input.skewMs ?? 30_000;
  const raw = typeof input.rawBody === 'string' ? input.rawBody : input.rawBody.toString('utf8');

  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { ok: false, reason: 'malformed', detail: 'body is not JSON' };
  }
  // Bounded before anything else walks it: JSON.stringify of a 200 000-deep value overflows the stack.
  const bytes = Buffer.byteLength(raw);
  const depth = jsonDepth(parsed);
  const truncated = bytes > CALLBACK_MAX_BYTES || depth > CALLBACK_MAX_DEPTH ? { bytes, depth } : undefined;
  if (truncated) parsed = boundedBody(parsed);
  const shape = callbackBodySchema.safeParse(parsed);
  if (!shape.success) return { ok: false, reason: 'malformed', detail: describeIssues(shape.error) };

  if (input.hmacSecret) {
    const signature = header(input.headers, 'hmac-signature');
    const timestamp = header(input.headers, 'timestamp');
    if (!signature || !timestamp) {
      return { ok: false, reason: 'missing_signature', detail: !signature ? 'hmac-signature' : 'timestamp' };
    }
    if (!/^\d{1,16}$/.test(timestamp))
      return { ok: false, reason: 'malformed', detail: 'timestamp is not a number' };
    const received = signature.toLowerCase();
    // The provider signs JSON.stringify(body): try the raw bytes first, then the re-serialised body.
    const genuine =
      safeEqual(hmacSignature(input.hmacSecret, 'POST', timestamp, raw), received) ||
      (!truncated &&
        safeEqual(hmacSignature(input.hmacSecret, 'POST', timestamp, JSON.stringify(parsed)), received));
    if (!genuine) return { ok: false, reason: 'bad_signature' };
    // Documented as unix ms; a 10-digit value can only be seconds (ms would be 1970).
    const tsMs = timestamp.length <= 11 ? Number(timestamp) * 1000 : Number(timestamp);
    if (input.now - tsMs > maxAgeMs)
      return { ok: false, reason: 'stale', detail: `${input.now - tsMs} ms old` };
    if (tsMs - input.now > skewMs)
      return { ok: false, reason: 'future', detail: `${tsMs - input.now} ms ahead` };
  }

  const tx = shape.data.transaction;
  const expected = callbackSha256(tx.transactionId, tx.externalTransactionId, input.apiKey);
  if (!safeEqual(expected, shape.data.sha256Hash.trim().toLowerCase()))
    return { ok: false, reason: 'bad_hash' };

  const body: CallbackBody = shape.data;
  return truncated ? { ok: true, body, truncated } : { ok: true, body };
}
