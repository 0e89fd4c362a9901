// Per-customer sliding-window message limit (in memory: a restart forgives, which is fine for a rate).

export interface RateLimiter {
  /** 'ok' to handle; 'refuse' the first time over the limit in a window (tell the customer once); 'drop' after. */
  hit(key: string, now: number): 'ok' | 'refuse' | 'drop';
}

export function createRateLimiter(perMinute: number, windowMs = 60_000): RateLimiter {
  const hits = new Map<string, { times: number[]; warned: boolean }>();
  let sweptAt = Number.NEGATIVE_INFINITY;
  return {
    hit(key, now) {
      let h = hits.get(key);
      if (!h) {
        h = { times: [], warned: false };
        hits.set(key, h);
      }
      h.times = h.times.filter((t) => now - t < windowMs);
      if (h.times.length === 0) h.warned = false;
      if (h.times.length >= perMinute) {
        if (h.warned) return 'drop';
        h.warned = true;
        return 'refuse';
      }
      h.times.push(now);
      // Keep the map small: prune idle keys now and then. At most once per quarter window: with more than
      // 10 000 customers active in a minute, sweeping on every message made each one cost O(customers).
      if (hits.size > 10_000 && now - sweptAt >= windowMs / 4) {
        sweptAt = now;
        for (const [k, v] of hits) if (v.times.every((t) => now - t >= windowMs)) hits.delete(k);
      }
      return 'ok';
    },
  };
}
