// Store.openTurn from the repos, one call after the other: the embedded stores' own (they answer from
// memory), and the PostgreSQL store's for a customer its one statement could not settle.
import type { Store, TurnOpening, TurnOpenInput } from './types.js';

type Repos = Pick<Store, 'dedupe' | 'customers' | 'conversations' | 'orders'>;

/** The turn's reads once the message is known to be new and its customer is stored. */
export async function turnReads(
  store: Repos,
  customerId: string,
  recentOrders: number,
): Promise<Pick<TurnOpening, 'conversation' | 'recentOrders'>> {
  const [conversation, recent] = await Promise.all([
    store.conversations.get(customerId),
    store.orders.list({ customerId, limit: recentOrders }),
  ]);
  return { conversation, recentOrders: recent };
}

export async function openTurnFromRepos(store: Repos, input: TurnOpenInput): Promise<TurnOpening> {
  const { key, at, ttlMs } = input.dedupe;
  // Both at once, both awaited whatever happens to the other (no write left running unobserved).
  const [seen, loaded] = await Promise.allSettled([
    store.dedupe.firstSeen(key, at, ttlMs),
    store.customers.getOrCreate(input.customer),
  ]);
  if (seen.status === 'rejected') throw seen.reason;
  if (loaded.status === 'rejected') throw loaded.reason;
  const { customer, created } = loaded.value;
  if (!seen.value) return { first: false, customer, created, conversation: undefined, recentOrders: [] };
  return { first: true, customer, created, ...(await turnReads(store, customer.id, input.recentOrders)) };
}
