// Sorted string arrays for stable pagination (cursor = the last key returned).

/** Index of the first element strictly greater than `key` in an ascending array. */
export function pageAfter(sorted: readonly string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** String comparison by code unit, the order every backend uses (PostgreSQL with COLLATE "C"). */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
