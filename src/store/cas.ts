// Compare-and-set loop for customers: reads the stored customer, applies `change` to that fresh copy and
// writes it only if nobody wrote in between; otherwise reads again and reapplies. An admin `pause` or a
// STOP made while a turn was running is therefore kept, never overwritten by a stale copy.
import type { Customer, CustomerRepo } from './types.js';

export class CasConflictError extends Error {
  constructor(id: string, attempts: number) {
    super(`customer ${id}: still conflicting after ${attempts} attempts`);
    this.name = 'CasConflictError';
  }
}

/**
 * `change` returns the next customer, or null to write nothing. Returns the stored customer (undefined
 * when it does not exist). `change` may run several times: keep it pure.
 */
export async function updateCustomer(
  repo: CustomerRepo,
  id: string,
  change: (current: Customer) => Customer | null,
  maxAttempts = 50,
): Promise<Customer | undefined> {
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const cur = await repo.get(id);
    if (!cur) return undefined;
    const next = change(cur);
    if (!next) return cur;
    const stored = await repo.update({ ...next, id }, cur.version);
    if (stored) return stored;
  }
  throw new CasConflictError(id, maxAttempts);
}
