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

/**
 * The rate-limit key of a client address: IPv4 as is (IPv4-mapped IPv6 unwrapped), IPv6 by its /64, since
 * one host usually holds a whole /64 and could otherwise rotate addresses to get fresh guesses.
 */
export function addressKey(ip: string): string {
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (v4) return v4[1]!;
  if (!ip.includes(':')) return ip;
  const [head = '', tail = ''] = ip.split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = ip.includes('::') && tail ? tail.split(':') : [];
  const groups = ip.includes('::')
    ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
    : left;
  if (groups.every((g, i) => (i < 7 ? /^0*$/.test(g) : g === '1'))) return '::1';
  return `${groups
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

export interface GateRequest {
  /** Express's req.ip: the socket address, or X-Forwarded-For only when trust proxy says so. */
  ip?: string | undefined;
  socket: { remoteAddress?: string | undefined };
  get(name: string): string | undefined;
}

export type GateVerdict =
  | { ok: true; authenticated: boolean }
  | { ok: false; status: 401 | 429; retryAfter?: number; message: string };

/**
 * One bearer-token door with lockout. The right token always gets in, even from a locked address; only
 * wrong guesses are counted and throttled (per address, see addressKey), and anonymous requests (a page
 * that carries no data) are rate limited per address.
 */
export function createTokenGate(opts: {
  token: string;
  now?: () => number;
  /** Anonymous requests per minute per address (default 120). */
  perMinute?: number;
  /** Wrong tokens per 15 minutes per address before further guesses are refused (default 10). */
  maxFailures?: number;
  onRefused?: (info: { address: string; reason: 'wrong_token' | 'locked' }) => void;
}) {
  const now = opts.now ?? Date.now;
  const perAddress = createRateLimiter({ max: opts.perMinute ?? 120, windowMs: 60_000, now });
  const failures = createRateLimiter({ max: opts.maxFailures ?? 10, windowMs: 15 * 60_000, now });
  const addressOf = (req: GateRequest) => addressKey(req.ip ?? req.socket.remoteAddress ?? 'unknown');

  const locked = (address: string): GateVerdict => ({
    ok: false,
    status: 429,
    retryAfter: failures.retryAfter(address),
    message: 'too many failed attempts',
  });

  return {
    addressOf,
    /** For a route that needs the token. */
    check(req: GateRequest): GateVerdict {
      if (tokenMatches(bearerOf(req.get('authorization')), opts.token))
        return { ok: true, authenticated: true };
      const address = addressOf(req);
      if (failures.blocked(address)) {
        opts.onRefused?.({ address, reason: 'locked' });
        return locked(address);
      }
      failures.hit(address);
      opts.onRefused?.({ address, reason: 'wrong_token' });
      return { ok: false, status: 401, message: 'missing or wrong token' };
    },
    /** For a route open without the token (the dashboard page): the token skips the limit. */
    anonymous(req: GateRequest): GateVerdict {
      if (tokenMatches(bearerOf(req.get('authorization')), opts.token))
        return { ok: true, authenticated: true };
      const address = addressOf(req);
      if (!perAddress.hit(address))
        return { ok: false, status: 429, retryAfter: perAddress.retryAfter(address), message: 'slow down' };
      return { ok: true, authenticated: false };
    },
  };
}

export type TokenGate = ReturnType<typeof createTokenGate>;

/** Answers a refused verdict the way every protected route does (JSON, Retry-After, WWW-Authenticate). */
export function refuse(
  res: { setHeader(k: string, v: string): unknown; status(n: number): { json(b: unknown): unknown } },
  v: Extract<GateVerdict, { ok: false }>,
): void {
  if (v.retryAfter) res.setHeader('Retry-After', String(v.retryAfter));
  if (v.status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
  res
    .status(v.status)
    .json({ error: v.status === 401 ? 'unauthorized' : 'too_many_requests', message: v.message });
}
