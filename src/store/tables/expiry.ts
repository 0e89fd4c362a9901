// A binary min-heap of (time, key): expiry without scanning every entry. Entries may be stale (the key
// was renewed meanwhile); the caller re-checks the row when one pops.
export class ExpiryHeap {
  private readonly times: number[] = [];
  private readonly keys: string[] = [];

  get size(): number {
    return this.times.length;
  }

  push(time: number, key: string): void {
    const t = this.times;
    const k = this.keys;
    let i = t.length;
    t.push(time);
    k.push(key);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (t[p]! <= time) break;
      t[i] = t[p]!;
      k[i] = k[p]!;
      i = p;
    }
    t[i] = time;
    k[i] = key;
  }

  /** Pops every entry with time <= now, calling `fn(key, now)` for each. */
  popExpired(now: number, fn: (key: string, now: number) => void): void {
    while (this.times.length && this.times[0]! <= now) {
      const key = this.pop();
      fn(key, now);
    }
  }

  private pop(): string {
    const t = this.times;
    const k = this.keys;
    const top = k[0]!;
    const lastT = t.pop()!;
    const lastK = k.pop()!;
    const n = t.length;
    if (n) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && t[r]! < t[l]! ? r : l;
        if (t[c]! >= lastT) break;
        t[i] = t[c]!;
        k[i] = k[c]!;
        i = c;
      }
      t[i] = lastT;
      k[i] = lastK;
    }
    return top;
  }
}
