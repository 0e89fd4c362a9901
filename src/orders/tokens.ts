// Woyofal (prepaid electricity) tokens: the provider puts them in the callback's data.tokens and in msg.
// One token, or three to be typed in order since the 2024 key change: order is kept.

const PLAIN = /(?<!\d)\d{20}(?!\d)/g;
/** "1234 5678 9012 3456 7890" or with dashes. */
const GROUPED = /(?<!\d)\d{4}(?:[ -]\d{4}){4}(?!\d)/g;

function asTokens(v: unknown): string[] {
  if (typeof v === 'string') {
    const compact = v.replace(/[\s-]/g, '');
    return /^\d{20}$/.test(compact) ? [compact] : [...v.matchAll(PLAIN)].map((m) => m[0]);
  }
  if (Array.isArray(v)) return v.flatMap(asTokens);
  return [];
}

/** data.tokens (array or string) first; else 20-digit runs in msg, plain or in groups of four. */
export function extractTokens(
  data: Record<string, unknown> | null | undefined,
  msg: string | undefined,
): string[] {
  const fromData = data ? asTokens(data.tokens ?? data.token) : [];
  if (fromData.length > 0) return [...new Set(fromData)];
  if (!msg) return [];
  const plain = [...msg.matchAll(PLAIN)].map((m) => m[0]);
  const found = plain.length > 0 ? plain : [...msg.matchAll(GROUPED)].map((m) => m[0].replace(/[ -]/g, ''));
  return [...new Set(found)];
}
