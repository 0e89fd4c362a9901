// The work that must run on one instance at a time when several share a PostgreSQL database, each behind
// its own lease: catalog sync, balance watch, the broadcast runner and the reconciler loop. Each part
// keeps its own logic; a role only starts it when this instance takes the lease and stops it when the
// lease is lost (renewal refused or not possible before expiry) or the bot stops.
import type { Logger } from '../logger.js';
import type { LeaseRepo } from '../store/types.js';
import { createSingleton, type Singleton, type SingletonRole } from './singleton.js';

export interface ClusterParts {
  catalogSync: { syncNow(): Promise<unknown>; start(minutes: number): void; stop(): void };
  catalogSyncMinutes: number;
  balanceWatch: { start(): void; stop(): void };
  broadcasts: { resume(): Promise<void>; pickUp(): Promise<void>; stop(): Promise<void> };
  reconciler: { startLoop(): void; stopLoop(): void };
  /** Every instance re-reads the catalog the sync holder or an admin elsewhere changed. */
  catalog?: { reload(): Promise<void> };
}

export interface ClusterRoles {
  /** Whether this instance runs broadcasts now (gate for broadcasts started here). */
  runsBroadcasts(): boolean;
  start(parts: ClusterParts): Promise<void>;
  stop(): Promise<void>;
  singletons(): Singleton[];
}

export const ROLE_LEASES = {
  catalogSync: 'singleton:catalog-sync',
  balanceWatch: 'singleton:balance-watch',
  broadcasts: 'singleton:broadcasts',
  reconciler: 'singleton:reconciler',
} as const;

export function createClusterRoles(deps: {
  leases: LeaseRepo;
  owner: string;
  ttlMs: number;
  /** How often the broadcast holder looks for broadcasts started on other instances. */
  broadcastPollMs?: number;
  /** How often every instance re-reads the catalog from the store (default 1 minute). */
  catalogReloadMs?: number;
  now?: () => number;
  logger: Logger;
}): ClusterRoles {
  const log = deps.logger;
  let list: Singleton[] = [];
  let broadcastsHeld = false;
  let follow: NodeJS.Timeout | undefined;
  const make = (name: string, role: SingletonRole) =>
    createSingleton(
      {
        leases: deps.leases,
        owner: deps.owner,
        ttlMs: deps.ttlMs,
        ...(deps.now ? { now: deps.now } : {}),
        logger: log,
      },
      name,
      role,
    );

  return {
    runsBroadcasts: () => broadcastsHeld,
    singletons: () => list,
    async start(p) {
      let poll: NodeJS.Timeout | undefined;
      list = [
        make(ROLE_LEASES.catalogSync, {
          onAcquire() {
            // The first sync must not block: the cached or shipped list serves meanwhile.
            void p.catalogSync.syncNow().catch(() => undefined);
            p.catalogSync.start(p.catalogSyncMinutes);
          },
          onLose: () => p.catalogSync.stop(),
        }),
        make(ROLE_LEASES.balanceWatch, {
          onAcquire: () => p.balanceWatch.start(),
          onLose: () => p.balanceWatch.stop(),
        }),
        make(ROLE_LEASES.broadcasts, {
          async onAcquire() {
            broadcastsHeld = true;
            await p.broadcasts.resume();
            poll = setInterval(
              () => void p.broadcasts.pickUp().catch(() => undefined),
              deps.broadcastPollMs ?? 5_000,
            );
            poll.unref();
          },
          async onLose() {
            broadcastsHeld = false;
            if (poll) clearInterval(poll);
            poll = undefined;
            await p.broadcasts.stop();
          },
        }),
        make(ROLE_LEASES.reconciler, {
          onAcquire: () => p.reconciler.startLoop(),
          onLose: () => p.reconciler.stopLoop(),
        }),
      ];
      for (const s of list) await s.start();
      const catalog = p.catalog;
      if (catalog) {
        follow = setInterval(
          () =>
            void catalog
              .reload()
              .catch((err) => log.warn({ err: (err as Error).message }, 'catalog reload failed')),
          deps.catalogReloadMs ?? 60_000,
        );
        follow.unref();
      }
    },
    async stop() {
      if (follow) clearInterval(follow);
      follow = undefined;
      for (const s of list) await s.stop();
    },
  };
}
