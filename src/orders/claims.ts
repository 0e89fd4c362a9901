// Per-order claims across instances: an open order is reconciled (its status looked up, its operation
// resent) by one instance at a time. A claim is a store lease `order:<id>` held for one reconcile of that
// order; it expires by itself if the instance dies mid-way, so the order is never stuck.
import type { LeaseRepo } from '../store/types.js';

export interface OrderClaims {
  /** true = this instance may work on the order now; false = another instance holds it. */
  take(orderId: string): Promise<boolean>;
  release(orderId: string): Promise<void>;
}

/** One process alone (memory, lowdb): the saga's own busy set is enough. */
export const localClaims: OrderClaims = {
  take: async () => true,
  release: async () => undefined,
};

export const orderClaimName = (orderId: string): string => `order:${orderId}`;

export function createOrderClaims(deps: {
  leases: LeaseRepo;
  owner: string;
  /** Longer than one reconcile can take (a status lookup plus a resend, each up to Intech's 60 s). */
  ttlMs: number;
  now?: () => number;
}): OrderClaims {
  const now = deps.now ?? Date.now;
  const held = new Map<string, number>();
  return {
    async take(id) {
      const lease = await deps.leases.acquire(orderClaimName(id), deps.owner, now(), deps.ttlMs);
      if (!lease) return false;
      held.set(id, lease.epoch);
      return true;
    },
    async release(id) {
      const epoch = held.get(id);
      if (epoch === undefined) return;
      held.delete(id);
      await deps.leases.release(orderClaimName(id), deps.owner, epoch);
    },
  };
}
