// Authentication as Intech does it: GET header Secretkey, POST body apiKey, optional HMAC on POST.
import { hmacSignature, safeEqual } from '../../intech/signing.js';
import type { ResolvedOptions } from './context.js';

export const HMAC_MAX_AGE_MS = 5 * 60_000;

export function checkHeaderKey(opts: ResolvedOptions, header: string | undefined): boolean {
  return typeof header === 'string' && safeEqual(header, opts.apiKey);
}

export function checkBodyKey(opts: ResolvedOptions, body: Record<string, unknown> | null): boolean {
  return typeof body?.apiKey === 'string' && safeEqual(body.apiKey, opts.apiKey);
}

/** null when acceptable (or HMAC not enabled), else the reason. */
export function checkHmac(
  opts: ResolvedOptions,
  headers: { signature?: string; timestamp?: string },
  raw: string,
): string | null {
  if (!opts.hmacSecret) return null;
  const { signature, timestamp } = headers;
  if (!signature || !timestamp) return 'En-têtes Hmac-Signature et Timestamp obligatoires';
  const ts = Number(timestamp);
  if (!/^\d+$/.test(timestamp) || !Number.isSafeInteger(ts)) return 'Timestamp invalide';
  if (Math.abs(opts.now() - ts) > HMAC_MAX_AGE_MS) return 'Timestamp expiré (plus de 5 minutes)';
  const expected = hmacSignature(opts.hmacSecret, 'POST', timestamp, raw);
  return safeEqual(signature.toLowerCase(), expected) ? null : 'Signature HMAC invalide';
}
