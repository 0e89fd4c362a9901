// Woyofal STS tokens: 20 digits, one per purchase, or three since the 2024 key change.
import { createHash } from 'node:crypto';

/** Deterministic per transaction so logs, callbacks and tests agree. */
export function woyofalTokens(transactionId: string, count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const hex = createHash('sha256').update(`${transactionId}:${i}`).digest('hex');
    out.push(BigInt(`0x${hex}`).toString().slice(0, 20).padStart(20, '1'));
  }
  return out;
}

export const groupToken = (t: string): string => t.replace(/(\d{4})(?=\d)/g, '$1 ');

/** "Token: 1234 5678 …" for one, "Token 1: … Token 2: … Token 3: …" for three. */
export function woyofalMessage(tokens: string[], amount: number): string {
  const list =
    tokens.length === 1
      ? `Token: ${groupToken(tokens[0]!)}`
      : tokens.map((t, i) => `Token ${i + 1}: ${groupToken(t)}`).join(' ; ');
  return `Achat Woyofal de ${amount} FCFA effectué avec succès. ${list}`;
}

/** Tokens count when nothing is scripted: three for meters ending in "3". */
export const defaultTokenCount = (meter: string | undefined): number => (meter?.endsWith('3') ? 3 : 1);

/** 1000 -> "1 000" (no ICU needed). */
export const groupThousands = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
