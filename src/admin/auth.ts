// Bearer-token check (constant time) and per-IP rate limits for /admin and /admin/api.
import { createHash, timingSafeEqual } from 'node:crypto';

/** Compares SHA-256 digests so lengths are always equal and timing says nothing about the token. */
export function tokenMatches(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

/** "Bearer abc" -> "abc"; anything else -> undefined. */
export function bearerOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1];
}

/** Sliding-window counter per key. */
export function createRateLimiter(opts: { max: number; windowMs: number; now?: () => number }) {
  const now = opts.now ?? Date.now;
  const hits = new Map<string, number[]>();
  const prune = (key: string, t: number): number[] => {
    const list = (hits.get(key) ?? []).filter((x) => t - x < opts.windowMs);
    if (list.length) hits.set(key, list);
    else hits.delete(key);
    return list;
  };
  return {
    /** Counts a hit; false when the key is over the limit (the hit is not counted then). */
    hit(key: string): boolean {
      const t = now();
      const list = prune(key, t);
      if (list.length >= opts.max) return false;
      list.push(t);
      hits.set(key, list);
      if (hits.size > 10_000) for (const k of [...hits.keys()].slice(0, 1000)) prune(k, t);
      return true;
    },
    blocked(key: string): boolean {
      return prune(key, now()).length >= opts.max;
    },
    /** Seconds until the oldest hit leaves the window. */
    retryAfter(key: string): number {
      const t = now();
      const list = prune(key, t);
      return list.length ? Math.max(1, Math.ceil((opts.windowMs - (t - list[0]!)) / 1000)) : 0;
    },
  };
}
