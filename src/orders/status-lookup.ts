// get-transaction-status is rate limited by Intech (more than 3 a minute per transaction can blacklist our
// IP). Every lookup goes through here: a durable reservation (the limit holds across restarts) plus our own
// spacing between lookups of the same transaction.
import type { IntechApi } from '../intech/api.js';
import { knownAtIntech } from '../intech/known.js';
import type { TransactionStatusResult } from '../intech/types.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/types.js';

export const LOOKUP_MAX = 3;
export const LOOKUP_WINDOW_MS = 60_000;

export type LookupResult =
  | { kind: 'found'; result: TransactionStatusResult }
  /** Intech does not know this externalTransactionId: the request never reached it. */
  | { kind: 'absent' }
  /** Not looked up now (spacing / limit) or the lookup itself failed: try again later. */
  | { kind: 'skipped'; why: string };

export { meansNotFound } from '../intech/known.js';

export function createStatusLookup(deps: {
  intech: IntechApi;
  store: Store;
  now: () => number;
  spacingMs: number;
  logger: Logger;
}) {
  const last = new Map<string, number>();

  /**
   * `minSpacingMs`: the caller may ask for more room between lookups (e.g. a payment the customer has 15 min
   * to validate). `urgent` (confirming a callback) skips our own spacing, never the durable 3-a-minute limit.
   */
  return async function lookup(ext: string, minSpacingMs = 0, urgent = false): Promise<LookupResult> {
    const t = deps.now();
    const prev = last.get(ext);
    if (!urgent && prev !== undefined && t - prev < Math.max(deps.spacingMs, minSpacingMs))
      return { kind: 'skipped', why: 'spacing' };
    if (!(await deps.store.statusLookups.tryAcquire(ext, t, LOOKUP_MAX, LOOKUP_WINDOW_MS))) {
      return { kind: 'skipped', why: 'rate_limit' };
    }
    last.set(ext, t);
    try {
      const result = await deps.intech.getTransactionStatus(ext);
      return { kind: 'found', result };
    } catch (err) {
      if (knownAtIntech({ ok: false, error: err }) === 'absent') return { kind: 'absent' };
      deps.logger.warn({ ext, err: (err as Error).message }, 'status lookup failed');
      return { kind: 'skipped', why: 'error' };
    }
  };
}
