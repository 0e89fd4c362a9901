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

export type VerifyCallbackResult =
  | { ok: true; body: CallbackBody }
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
      safeEqual(hmacSignature(input.hmacSecret, 'POST', timestamp, JSON.stringify(parsed)), received);
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
  return { ok: true, body };
}
