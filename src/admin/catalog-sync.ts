// Catalog sync: on a schedule and on demand, fetch Intech's service list, diff it against the catalog,
// apply it, and keep the diff and a ready announcement (per language) for admins to broadcast.
import { refreshCatalog } from '../catalog/catalog.js';
import type { Catalog } from '../catalog/types.js';
import type { Lang } from '../i18n/lang.js';
import type { IntechApi } from '../intech/api.js';
import type { IntechService } from '../intech/types.js';
import { type Logger, silentLogger } from '../logger.js';
import type { KvRepo } from '../store/types.js';
import { announcement, type CatalogDiff, diffCatalog } from './catalog-diff.js';

export const ADMIN_NS = 'admin';
const LAST_SYNC_KEY = 'catalog:lastSync';

export type SyncResult =
  | { ok: true; at: number; diff: CatalogDiff; announcement: Record<Lang, string> | null }
  | { ok: false; at: number; error: string };

export interface CatalogSync {
  syncNow(): Promise<SyncResult>;
  /** The last result (survives restarts: kept in kv). */
  last(): Promise<SyncResult | undefined>;
  /** minutes = 0 disables the schedule. */
  start(minutes: number): void;
  stop(): void;
}

function servicesOf(catalog: Catalog): IntechService[] {
  return catalog.all().map(({ name, codeService, typeOperation, typeService }) => ({
    name,
    codeService,
    typeOperation,
    typeService,
  }));
}

export function createCatalogSync(deps: {
  catalog: Catalog;
  intech: Pick<IntechApi, 'listServices'>;
  kv: KvRepo;
  now?: () => number;
  logger?: Logger;
}): CatalogSync {
  const now = deps.now ?? Date.now;
  const logger = deps.logger ?? silentLogger;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<SyncResult> | undefined;

  async function run(): Promise<SyncResult> {
    const at = now();
    let result: SyncResult;
    try {
      const fresh = await deps.intech.listServices();
      const before = servicesOf(deps.catalog);
      // refreshCatalog validates (non-empty), caches in kv and applies: one code path for boot and sync.
      const applied = await refreshCatalog(deps.catalog, { listServices: async () => fresh }, deps.kv, {
        now,
        logger,
      });
      if (!applied.ok) result = { ok: false, at, error: applied.error };
      else {
        const diff = diffCatalog(before, fresh);
        result = { ok: true, at, diff, announcement: announcement(diff) };
      }
    } catch (err) {
      result = { ok: false, at, error: err instanceof Error ? err.message : String(err) };
    }
    if (result.ok)
      logger.info(
        {
          added: result.diff.added.length,
          removed: result.diff.removed.length,
          renamed: result.diff.renamed.length,
        },
        'catalog synced',
      );
    else logger.warn({ error: result.error }, 'catalog sync failed');
    await deps.kv.set(ADMIN_NS, LAST_SYNC_KEY, result);
    return result;
  }

  return {
    syncNow() {
      // Two admins asking at once share one fetch.
      running ??= run().finally(() => {
        running = undefined;
      });
      return running;
    },
    last: () => deps.kv.get<SyncResult>(ADMIN_NS, LAST_SYNC_KEY),
    start(minutes) {
      if (timer || minutes <= 0) return;
      timer = setInterval(() => void this.syncNow().catch(() => undefined), minutes * 60_000);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
