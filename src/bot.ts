// Builds and starts every part from a Config. main.ts calls it; end-to-end tests call it in-process.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createAdminAlerter, isAlertExtId } from './admin/alerter.js';
import { createCallbackReceiver } from './http/callback-receiver.js';
import { isBroadcastExtId } from './admin/broadcasts.js';
import { createAdminArea } from './admin/index.js';
import { createOutageWatch, type OutageWatch } from './admin/outage-watch.js';
import { createClusterRoles } from './cluster/roles.js';
import { createCatalog } from './catalog/catalog.js';
import type { AdminAlerter, Channel } from './channels/channel.js';
import { createSandboxChannel, type SandboxChannel } from './channels/sandbox.js';
import type { WhatsAppChannel, WhatsAppChannelDeps } from './channels/whatsapp/channel.js';
import type { Config } from './config.js';
import { mergeLidCustomer } from './customers/merge.js';
import { createConversationRunner } from './conversation/runner.js';
import { createApp } from './http/app.js';
import { createCallbackRouter } from './http/callback-route.js';
import { createHealthCheck, createReadyCheck } from './http/health.js';
import { createPayPagesRouter, waMeLink } from './http/pay-pages.js';
import { createSandboxGate } from './http/sandbox-gate.js';
import { createIntechClient } from './intech/client.js';
import type { Logger } from './logger.js';
import { createMetrics, type BotMetrics } from './metrics/registry.js';
import { createMetricsRouter, startMetricsServer } from './metrics/route.js';
import { instrumentStore } from './metrics/store.js';
import { createOrderClaims } from './orders/claims.js';
import { createOrderService } from './orders/service.js';
import { flushSentSince } from './outbox/flush-sent.js';
import { createOutboxPipeline, createOutboxRetention } from './outbox/index.js';
import { createParser } from './parser/parser.js';
import { parseRules } from './parser/rules.js';
import { createSandboxRouter } from './sandbox/routes.js';
import { createSimulator, type Simulator } from './sandbox/simulator/index.js';
import { createMemoryStore, openLowdbStore, openPostgresStore } from './store/index.js';
import type { Store } from './store/types.js';

/** bot.stop() sends what is queued for at most this long (at the rate) before closing the channel. */
const STOP_FLUSH_MS = 10_000;

export interface RunningBot {
  url: string;
  config: Config;
  channel: Channel;
  sandbox?: SandboxChannel;
  simulator?: Simulator;
  server: Server;
  metrics: BotMetrics;
  /** Set with METRICS_PORT: where GET /metrics answers (no token there). */
  metricsUrl?: string;
  stop(): Promise<void>;
}

export interface BotOverrides {
  /** Replaces the channel built from the config (tests: a fake WhatsApp channel). */
  channel?: Channel;
  /** Replaces the store built from the config (tests: a store whose disk is full). */
  store?: Store;
  /** With CHANNEL=whatsapp: deps of the real channel (tests: a fake socket factory, a pinned version). */
  whatsapp?: Partial<WhatsAppChannelDeps>;
}

export async function startBot(
  config: Config,
  logger: Logger,
  overrides: BotOverrides = {},
): Promise<RunningBot> {
  // Listen first: with PORT=0 the real port is only known now, and the sandbox's Intech base URL needs it.
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const localUrl = `http://127.0.0.1:${port}`;
  const publicUrl = config.PORT === 0 ? localUrl : config.PUBLIC_URL;

  // One registry per bot (tests run several bots in one process); every part records into it.
  const metrics = createMetrics();
  const instrumented = instrumentStore(
    overrides.store ??
      (config.STORE === 'memory'
        ? createMemoryStore()
        : config.STORE === 'postgres'
          ? await openPostgresStore({
              url: config.DATABASE_URL!,
              poolSize: config.DATABASE_POOL_SIZE,
              statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
              logger,
            })
          : await openLowdbStore({ dir: config.DATA_DIR, logger })),
    metrics,
  );
  const store = instrumented.store;
  // Several instances share a PostgreSQL store: singletons and the WhatsApp socket go through leases.
  const owner = config.INSTANCE_ID;
  const cluster =
    store.kind === 'postgres'
      ? createClusterRoles({
          leases: store.leases,
          owner,
          ttlMs: config.LEASE_TTL_MS,
          logger: logger.child({ area: 'cluster', instance: owner }),
        })
      : undefined;

  // Every message leaves through the durable outbox; its drainer is attached once the channel exists.
  const pipeline = createOutboxPipeline({ store, logger: logger.child({ area: 'outbox' }) });
  const { outbox } = pipeline;

  const sandbox =
    config.CHANNEL === 'sandbox' && !overrides.channel
      ? createSandboxChannel({
          flushChat: pipeline.flushChat,
          holdChat: pipeline.holdChat,
          // Several instances on one database: another instance's drainer may send this turn's replies.
          ...(store.kind === 'postgres'
            ? {
                flushSentSince: flushSentSince(pipeline.flushChat),
              }
            : {}),
        })
      : undefined;
  const openWhatsApp = async (): Promise<Channel> => {
    // Baileys (and libsignal) load only for CHANNEL=whatsapp: the sandbox never pays their memory.
    const wa = await import('./channels/whatsapp/index.js');
    const make = (kv: Store['kv']) =>
      wa.createWhatsAppChannel({
        kv,
        dedupe: store.dedupe,
        logger: logger.child({ area: 'whatsapp' }),
        ...(config.WHATSAPP_PAIRING_NUMBER ? { pairingNumber: config.WHATSAPP_PAIRING_NUMBER } : {}),
        onAlert: (kind, message) => void alerter.alert(kind, message),
        onDelivery: pipeline.onDelivery,
        // One person, one customer: a LID-only customer folds into the phone one when the number is known.
        onLidMapped: async (lid, phone) => {
          await mergeLidCustomer(store, lid, phone, logger.child({ area: 'customers' }));
        },
        ...overrides.whatsapp,
      });
    if (!cluster) return make(store.kv);
    const { createLeasedWhatsAppChannel } = await import('./channels/whatsapp/lease.js');
    return createLeasedWhatsAppChannel({
      leases: store.leases,
      kv: store.kv,
      owner,
      number: config.WHATSAPP_PAIRING_NUMBER ?? config.WHATSAPP_BOT_NUMBER,
      ttlMs: config.LEASE_TTL_MS,
      logger: logger.child({ area: 'whatsapp', instance: owner }),
      make,
    });
  };
  const channel: Channel = overrides.channel ?? sandbox ?? (await openWhatsApp());
  const whatsapp =
    channel.kind === 'whatsapp' && 'relink' in channel ? (channel as WhatsAppChannel) : undefined;

  const drainer = pipeline.attach({
    channel,
    // The rate applies when a message leaves (WhatsApp only; the sandbox has none).
    ...(channel.kind === 'whatsapp' ? { perMinute: config.WHATSAPP_SEND_PER_MINUTE } : {}),
    alert: (kind, message) => void alerter.alert(kind, message),
    onSendError: (kind) => metrics.outboxSendError(kind),
    onFailed: async (m, error) => {
      if (m.broadcastId) await admin.broadcasts.messageFailed(m.broadcastId, m.chat, error);
      // An order's message the customer will never get: a person has to tell them.
      else if (m.orderId)
        await alerter.alert('message_failed', `A ${m.kind} message could not be sent: ${error}`, m.orderId);
    },
    onReceiptUndelivered: (orderId, chat, error) => orders.receiptNotDelivered(orderId, chat, error),
  });

  // The simulator never starts when a real Intech key is configured.
  const apiKey = config.INTECH_API_KEY ?? config.SIM_API_KEY;
  const simulator = config.SANDBOX_INTECH
    ? createSimulator({
        apiKey,
        ...(config.INTECH_HMAC_SECRET ? { hmacSecret: config.INTECH_HMAC_SECRET } : {}),
        callbackDelayMs: config.SIM_CALLBACK_DELAY_MS,
        approvalDelayMs: config.SIM_APPROVAL_DELAY_MS,
        callbackRetryMs: 5_000,
        merchantBalance: config.SIM_MERCHANT_BALANCE,
        publicUrl: `${publicUrl}/intech-sim`,
        ...(config.STORE === 'lowdb' ? { statePath: join(config.DATA_DIR, 'intech-sim.json') } : {}),
        logger: logger.child({ area: 'intech-sim' }),
        onWhatsappMessage: (m) => sandbox?.recordReceipt(m.phone, m.message, m.media),
      })
    : undefined;

  const intech = createIntechClient({
    baseUrl: simulator ? `${localUrl}/intech-sim` : config.INTECH_BASE_URL,
    apiKey,
    ...(config.INTECH_HMAC_SECRET ? { hmacSecret: config.INTECH_HMAC_SECRET } : {}),
    timeoutMs: config.INTECH_TIMEOUT_MS,
    logger: logger.child({ area: 'intech' }),
    onCall: (c) => metrics.intechCall(c.endpoint, c.ms / 1000, c.error),
  });

  const catalog = await createCatalog({ kv: store.kv, logger: logger.child({ area: 'catalog' }) });

  const parser = createParser({
    rules: parseRules,
    // The OpenAI SDK loads only with a key: without one, its ~60 modules would only cost memory.
    ...(config.OPENAI_API_KEY
      ? {
          llm: (await import('./parser/llm.js')).createLlmParser({
            apiKey: config.OPENAI_API_KEY,
            model: config.OPENAI_MODEL,
            ...(config.OPENAI_BASE_URL ? { baseURL: config.OPENAI_BASE_URL } : {}),
            timeoutMs: config.OPENAI_TIMEOUT_MS,
            logger: logger.child({ area: 'llm' }),
          }),
        }
      : {}),
  });

  const callbackUrl = `${simulator ? localUrl : publicUrl}/intech/callback`;
  // Assigned before anything can alert: the channel starts last.
  const alerter: AdminAlerter = createAdminAlerter({
    store,
    channel: () => channel,
    adminNumbers: config.ADMIN_NUMBERS,
    // The second path, for when the chat channel is down (and always for "WhatsApp is down").
    intech,
    callbackUrl,
    logger: logger.child({ area: 'alerts' }),
  });
  const outageWatch: OutageWatch | undefined = whatsapp
    ? createOutageWatch({
        channel: whatsapp,
        kv: store.kv,
        alerts: store.alerts,
        alerter,
        afterMs: config.WHATSAPP_DOWN_ALERT_SECONDS * 1000,
        // Looks often enough that the alert leaves at most a few seconds after the threshold.
        intervalMs: Math.min(5_000, Math.max(250, (config.WHATSAPP_DOWN_ALERT_SECONDS * 1000) / 4)),
        logger: logger.child({ area: 'alerts' }),
      })
    : undefined;
  const admin = createAdminArea({
    config,
    store,
    catalog,
    intech,
    outbox,
    alerter,
    whatsapp,
    callbackUrl,
    logger: logger.child({ area: 'admin' }),
    ...(cluster ? { broadcastsCanRun: cluster.runsBroadcasts } : {}),
  });

  const orders = createOrderService({
    store,
    intech,
    outbox,
    alerter,
    config: {
      callbackUrl,
      merchantName: config.MERCHANT_NAME,
      receiptVia: config.RECEIPT_VIA,
      reconcileAfterMs: config.RECONCILE_AFTER_MS,
      reconcileIntervalMs: config.RECONCILE_INTERVAL_MS,
      slowNoticeAfterMs: config.SLOW_NOTICE_AFTER_MS,
      balanceCacheMs: config.BALANCE_CACHE_MS,
      publicUrl,
      apiKey,
      ...(config.INTECH_HMAC_SECRET ? { hmacSecret: config.INTECH_HMAC_SECRET } : {}),
      payerLimits: {
        distinctPerDay: config.PAYER_MAX_NUMBERS_PER_DAY,
        pendingPerPayer: config.PAYER_MAX_PENDING,
        dailyTotalXof: config.LIMIT_DAILY_TOTAL_XOF,
      },
    },
    logger: logger.child({ area: 'orders' }),
    ...(cluster
      ? {
          cluster: {
            claims: createOrderClaims({ leases: store.leases, owner, ttlMs: config.ORDER_CLAIM_TTL_MS }),
          },
        }
      : {}),
  });

  const runner = createConversationRunner({
    store,
    parser,
    catalog,
    orders,
    channel,
    outbox,
    limits: {
      messagesPerMinute: config.LIMIT_MESSAGES_PER_MINUTE,
      orderMaxXof: config.LIMIT_ORDER_MAX_XOF,
      dailyTotalXof: config.LIMIT_DAILY_TOTAL_XOF,
      idleMinutes: config.CONVERSATION_IDLE_MINUTES,
    },
    adminHandler: (msg) => admin.handle(msg),
    logger: logger.child({ area: 'conversation' }),
  });

  metrics.setSources({
    channel,
    llm: () => parser.metrics,
    // Bounded: the reconciler's work list; more than this many open orders is an incident anyway.
    openOrders: async () =>
      (await store.orders.listOpen(10_000)).map((o) => ({ state: o.state, service: o.codeService })),
    // The durable outbox (contract): messages waiting to leave.
    outboxDepth: () => store.outbox.depth(),
  });

  const metricsServer =
    config.METRICS_PORT !== undefined
      ? await startMetricsServer({
          registry: metrics.registry,
          port: config.METRICS_PORT,
          host: config.HOST,
          logger: logger.child({ area: 'metrics' }),
        })
      : undefined;

  let accepting = true;
  const app = createApp({
    logger,
    trustProxy: config.TRUST_PROXY,
    onCallbackHandled: (status, seconds) => metrics.callbackHandled(status, seconds),
    ...(metricsServer
      ? {}
      : {
          metricsRouter: createMetricsRouter({
            registry: metrics.registry,
            token: config.ADMIN_TOKEN,
            logger: logger.child({ area: 'metrics' }),
          }),
        }),
    ...(config.SANDBOX_TOKEN
      ? {
          sandboxGate: createSandboxGate({
            token: config.SANDBOX_TOKEN,
            onRefused: ({ address, reason }) =>
              logger.warn({ ip: address, reason }, 'sandbox: refused token'),
          }),
        }
      : {}),
    ready: createReadyCheck({
      channel,
      storePing: () => store.ping(),
      writeHealth: instrumented.writeHealth,
      accepting: () => accepting,
    }),
    health: createHealthCheck({
      channel,
      storePing: () => store.ping(),
      writeHealth: instrumented.writeHealth,
      intechPing: () => intech.getBalance(),
      intechMode: simulator ? 'simulator' : 'live',
      metrics: () => ({ ...parser.metrics }),
    }),
    callbackRouter: createCallbackRouter({
      apiKey,
      ...(config.INTECH_HMAC_SECRET ? { hmacSecret: config.INTECH_HMAC_SECRET } : {}),
      receive: createCallbackReceiver({
        store,
        orders,
        broadcasts: admin.broadcasts,
        logger,
      }),
      // The order found here goes on to its handler (one read of it per callback, not two).
      isKnown: async (ext) =>
        isAlertExtId(ext) || isBroadcastExtId(ext) || (await store.orders.findByExternalId(ext)),
      unknownPerMinute: config.CALLBACK_UNKNOWN_PER_MINUTE,
      logger: logger.child({ area: 'callback' }),
    }),
    ...(sandbox
      ? { sandboxRouter: createSandboxRouter({ channel: sandbox, accepting: () => accepting }) }
      : {}),
    ...(simulator ? { simulator: simulator.app } : {}),
    adminRouter: admin.router,
    payPagesRouter: createPayPagesRouter({
      getOrder: (id) => store.orders.get(id),
      // The sandbox has no WhatsApp: back to the customer's conversation on the chat page.
      backLink: (o) =>
        sandbox
          ? `/${o ? `?phone=${encodeURIComponent(o.customerId)}` : ''}`
          : waMeLink(config.WHATSAPP_BOT_NUMBER ?? config.WHATSAPP_PAIRING_NUMBER),
    }),
  });
  server.on('request', app);

  // The first catalog sync must not block start-up: the cached or shipped list serves meanwhile.
  if (!cluster)
    void admin.sync
      .syncNow()
      .catch((err) =>
        logger.warn(
          { err: err instanceof Error ? err.message : err },
          'catalog sync failed; using cached list',
        ),
      );
  await orders.start();
  if (cluster) {
    await cluster.start({
      catalogSync: admin.sync,
      catalogSyncMinutes: config.CATALOG_SYNC_MINUTES,
      balanceWatch: admin.balanceWatch,
      broadcasts: admin.broadcasts,
      reconciler: orders,
      catalog,
    });
  } else await admin.start();
  // Messages left by the previous run leave as soon as the channel can send (the socket's holder only).
  drainer.start();
  // Finished messages older than the retention go; on every instance (deleting what is gone is a no-op).
  const retention = createOutboxRetention({
    outbox: store.outbox,
    keepMs: config.OUTBOX_RETENTION_DAYS * 86_400_000,
    logger: logger.child({ area: 'outbox' }),
  });
  retention.start();
  // One customer's turns one after the other, in arrival order, whichever instance each message reaches.
  // Tracked from arrival (a turn may wait for the lock before the runner sees it): stop() waits for them.
  const turns = new Set<Promise<void>>();
  const turnsIdle = async () => {
    while (turns.size > 0) await Promise.allSettled([...turns]);
    await runner.idle();
  };
  await channel.start((msg) => {
    const t = store.locks.run(`customer:${msg.customerId}`, (held) => {
      msg.onTurnStart?.();
      return runner.handle(msg, held);
    });
    turns.add(t);
    void t.finally(() => turns.delete(t)).catch(() => undefined);
    return t;
  });
  outageWatch?.start();

  logger.info(
    { url: publicUrl, channel: channel.kind, intech: simulator ? 'simulator' : 'live', store: config.STORE },
    'Xaalis Bot is running',
  );

  return {
    url: localUrl,
    config,
    channel,
    ...(sandbox ? { sandbox } : {}),
    ...(simulator ? { simulator } : {}),
    server,
    metrics,
    ...(metricsServer ? { metricsUrl: metricsServer.url } : {}),
    async stop() {
      accepting = false;
      // No new sandbox message from now (503, retry); finish the conversations and order steps under way,
      // send what they queued within the deadline, then close the channel. The WhatsApp socket stays open
      // meanwhile (WhatsApp has already acknowledged what it delivers, so a message arriving now is still
      // handled: its replies are queued durably and sent now or after the restart).
      outageWatch?.stop();
      await retention.stop();
      await cluster?.stop();
      await admin.stop();
      await turnsIdle();
      await orders.stop();
      await drainer.flush(STOP_FLUSH_MS);
      await channel.stop();
      await turnsIdle();
      // What is left is sent after the restart: the drainer takes pending rows when it starts.
      await drainer.stop();
      await simulator?.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await metricsServer?.close();
      await store.close();
    },
  };
}
