// Signatures shared by the client, the callback verifier and the simulator.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** hex(SHA-256("<transactionId>|<externalTransactionId>|<apiKey>")) */
export function callbackSha256(transactionId: string, externalTransactionId: string, apiKey: string): string {
  return createHash('sha256').update(`${transactionId}|${externalTransactionId}|${apiKey}`).digest('hex');
}

/** hex(HMAC-SHA256(secret, "<METHOD>:<timestamp>:<body>")); body must be the exact JSON string sent. */
export function hmacSignature(
  secret: string,
  method: string,
  timestamp: string | number,
  body: string,
): string {
  return createHmac('sha256', secret).update(`${method.toUpperCase()}:${timestamp}:${body}`).digest('hex');
}

/** Constant-time string comparison (length leak only). */
export function safeEqual(a: string, b: string): boolean {
  const ba = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  if (ba.length !== bb.length) {
    // Still spend comparable time so the mismatch is not obviously faster.
    timingSafeEqual(ba, ba);
    return false;
  }
  return timingSafeEqual(ba, bb);
}
