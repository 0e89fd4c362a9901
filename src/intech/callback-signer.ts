// Builds a callback exactly as Intech sends it: sha256Hash in the body, HMAC headers when enabled.
// Used by the simulator (sandbox) and by tests.
import type { CallbackBody } from './types.js';
import { callbackSha256, hmacSignature } from './signing.js';

export interface SignedCallback {
  body: CallbackBody;
  /** The exact bytes to POST. */
  rawBody: string;
  headers: Record<string, string>;
}

export function signCallback(
  unsigned: Omit<CallbackBody, 'sha256Hash'> & { sha256Hash?: string },
  opts: { apiKey: string; hmacSecret?: string; timestamp?: number },
): SignedCallback {
  const body: CallbackBody = {
    ...unsigned,
    sha256Hash: callbackSha256(
      unsigned.transaction.transactionId,
      unsigned.transaction.externalTransactionId,
      opts.apiKey,
    ),
  };
  const rawBody = JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (opts.hmacSecret) {
    const ts = String(opts.timestamp ?? Date.now());
    headers['hmac-signature'] = hmacSignature(opts.hmacSecret, 'POST', ts, rawBody);
    headers.timestamp = ts;
  }
  return { body, rawBody, headers };
}
