// The admin area in one call, for src/bot.ts: WhatsApp commands, broadcasts, catalog sync, balance watch
// and the /admin router.
import type { Router } from 'express';
import type { AdminAlerter, InboundMessage } from '../channels/channel.js';
import type { Catalog } from '../catalog/types.js';
import type { Config } from '../config.js';
import type { IntechApi } from '../intech/api.js';
import type { Logger } from '../logger.js';
import type { Outbox } from '../outbox/outbox.js';
import type { Store } from '../store/types.js';
import { type BalanceWatch, createBalanceWatch } from './balance-watch.js';
import { type BroadcastService, createBroadcastService, reportToCreator } from './broadcasts.js';
import { type CatalogSync, createCatalogSync } from './catalog-sync.js';
import { type AdminCommands, createAdminCommands } from './commands.js';
import { createAdminRouter } from './router.js';
import type { WhatsAppLink } from './whatsapp-link.js';

export { createAdminAlerter } from './alerter.js';
export { createBalanceWatch } from './balance-watch.js';
export { broadcastExtId, createBroadcastService } from './broadcasts.js';
export { announcement, diffCatalog } from './catalog-diff.js';
export { createCatalogSync } from './catalog-sync.js';
export { createAdminCommands } from './commands.js';
export { createAdminRouter } from './router.js';

export interface AdminArea {
  commands: AdminCommands;
  broadcasts: BroadcastService;
  sync: CatalogSync;
  balanceWatch: BalanceWatch;
  router: Router;
  /** The conversation runner's adminHandler. */
  handle(msg: InboundMessage): Promise<boolean>;
  /** Resumes interrupted broadcasts, starts the catalog sync schedule and the balance watch. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createAdminArea(deps: {
  config: Pick<
    Config,
    | 'ADMIN_NUMBERS'
    | 'ADMIN_TOKEN'
    | 'CATALOG_SYNC_MINUTES'
    | 'BROADCAST_VIA'
    | 'BROADCAST_PER_MINUTE'
    | 'BALANCE_ALERT_THRESHOLD_XOF'
  >;
  store: Store;
  catalog: Catalog;
  intech: IntechApi;
  /** Admin replies, broadcast messages and reports are queued here. */
  outbox: Outbox;
  alerter: AdminAlerter;
  /** The WhatsApp channel's link (dashboard QR, relink); absent with the sandbox channel. */
  whatsapp?: WhatsAppLink | undefined;
  /** Intech callback URL, for broadcasts sent through WHATSAPP_MESSAGING. */
  callbackUrl: string;
  logger: Logger;
  /** Balance poll interval (default 5 minutes). */
  balanceIntervalMs?: number;
  /** Several instances: whether this one runs broadcasts now (src/cluster/roles.ts). */
  broadcastsCanRun?: () => boolean;
  now?: () => number;
}): AdminArea {
  const { config, store, catalog, intech, outbox, logger } = deps;
  const now = deps.now ?? Date.now;
  const broadcasts = createBroadcastService({
    store,
    outbox,
    intech,
    via: config.BROADCAST_VIA,
    perMinute: config.BROADCAST_PER_MINUTE,
    callbackUrl: deps.callbackUrl,
    now,
    logger: logger.child({ part: 'broadcasts' }),
    onFinished: reportToCreator(outbox),
    ...(deps.broadcastsCanRun ? { canRun: deps.broadcastsCanRun } : {}),
  });
  const sync = createCatalogSync({
    catalog,
    intech,
    kv: store.kv,
    now,
    logger: logger.child({ part: 'catalog-sync' }),
  });
  const balanceWatch = createBalanceWatch({
    intech,
    catalog,
    alerter: deps.alerter,
    thresholdXof: config.BALANCE_ALERT_THRESHOLD_XOF,
    intervalMs: deps.balanceIntervalMs ?? 5 * 60_000,
    now,
    logger: logger.child({ part: 'balance-watch' }),
  });
  const commands = createAdminCommands({
    store,
    catalog,
    intech,
    outbox,
    adminNumbers: config.ADMIN_NUMBERS,
    broadcasts,
    sync,
    whatsapp: deps.whatsapp,
    now,
    logger: logger.child({ part: 'admin-commands' }),
  });
  const router = createAdminRouter({
    token: config.ADMIN_TOKEN,
    store,
    catalog,
    broadcasts,
    intech,
    sync,
    balanceWatch,
    whatsapp: deps.whatsapp,
    logger: logger.child({ part: 'admin-api' }),
    now,
  });
  return {
    commands,
    broadcasts,
    sync,
    balanceWatch,
    router,
    handle: (msg) => commands.handle(msg),
    async start() {
      await broadcasts.resume();
      sync.start(config.CATALOG_SYNC_MINUTES);
      balanceWatch.start();
    },
    async stop() {
      sync.stop();
      balanceWatch.stop();
      await broadcasts.stop();
    },
  };
}
