// Assembles a Store from the tables: the memory store as is, the lowdb store with its persister and its
// own order and callback repos.
import {
  type CallbackRepo,
  ConversationChangedError,
  type OrderRepo,
  type Store,
  type WriteUnit,
} from '../types.js';
import { openTurnFromRepos } from '../open-turn.js';
import { broadcastsRepo } from './broadcasts.js';
import { customersRepo } from './customers.js';
import { dedupeRepo } from './dedupe.js';
import type { Tables } from './engine.js';
import { kvRepo } from './kv.js';
import { localLocks } from './locks.js';
import { callbacksRepo, ordersRepo } from './orders.js';
import { outboxTables } from './outbox.js';
import {
  alertsRepo,
  CONVERSATIONS,
  conversationsRepo,
  leasesRepo,
  saveConversation,
  statusLookupsRepo,
} from './small.js';

export interface TablesStoreOptions {
  kind: Store['kind'];
  now: () => number;
  /** Status-lookup rows untouched this long are forgotten (keep above any window used). */
  lookupRetentionMs: number;
  orders?: OrderRepo;
  callbacks?: CallbackRepo;
  /**
   * A sent text message keeps its words (default: they go, like an image's bytes: these rows stay in
   * memory for the retention days, and nothing in one process reads a sent text again).
   */
  keepSentText?: boolean;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** Registers every table's indexes. Call before loading rows so the indexes see them. */
export function buildTablesStore(db: Tables, opts: TablesStoreOptions): Store {
  const outbox = outboxTables(db, { keepSentText: opts.keepSentText ?? false });
  const store: Store = {
    kind: opts.kind,
    orders: opts.orders ?? ordersRepo(db),
    callbacks: opts.callbacks ?? callbacksRepo(db),
    statusLookups: statusLookupsRepo(db, opts.lookupRetentionMs),
    customers: customersRepo(db),
    conversations: conversationsRepo(db),
    broadcasts: broadcastsRepo(db, opts.now),
    alerts: alertsRepo(db),
    kv: kvRepo(db, opts.now),
    dedupe: dedupeRepo(db),
    leases: leasesRepo(db),
    locks: localLocks(),
    outbox: outbox.repo,
    openTurn: (input) => openTurnFromRepos(store, input),
    async commit(unit: WriteUnit, at: number) {
      const claimed = await db.write((tx) => {
        const conv = unit.conversation;
        if (conv?.expected) {
          const want = conv.expected.state === undefined ? undefined : JSON.stringify(conv.expected.state);
          // The stored text is always JSON.stringify's (tx.put, and lowdb's snapshot and log loads
          // re-serialise what they parse), so the texts compare exactly.
          // Thrown inside the write: nothing of the unit stays.
          if (tx.get(CONVERSATIONS, conv.customerId) !== want)
            throw new ConversationChangedError(conv.customerId);
        }
        if (conv) saveConversation(tx, conv.customerId, conv.state);
        return unit.outbox?.length ? outbox.enqueueIn(tx, unit.outbox, at, unit.claim) : [];
      });
      return { claimed };
    },
    ping: opts.ping,
    close: opts.close,
  };
  return store;
}
