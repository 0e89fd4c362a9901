// An express app with the admin router on port 0, a memory store seeded with orders and subscribers.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createBroadcastService } from '../../src/admin/broadcasts.js';
import { createCatalogSync } from '../../src/admin/catalog-sync.js';
import { createAdminRouter } from '../../src/admin/router.js';
import { createCatalog } from '../../src/catalog/catalog.js';
import type { Order } from '../../src/orders/types.js';
import { createMemoryStore } from '../../src/store/index.js';
import { fakeIntech, inlineOutbox, recordingChannel, SERVICES, seedSubscribers } from './helpers.js';

export const TOKEN = 'test-admin-token-0123456789';

export function seedOrder(id: string, over: Partial<Order> = {}): Order {
  const at = over.createdAt ?? Date.now() - 60_000;
  return {
    id,
    version: 1,
    customerId: '+221780000000',
    lang: 'fr',
    kind: 'airtime',
    codeService: 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE',
    amount: 2000,
    recipient: '+221771234567',
    payment: { codeService: 'WAVE_SN_API_CASH_OUT', payer: '+221780000000' },
    state: 'completed',
    operations: {
      collect: {
        step: 'collect',
        externalTransactionId: `${id}-COL`,
        codeService: 'WAVE_SN_API_CASH_OUT',
        amount: 2000,
        status: 'success',
        intechStatus: 'SUCCESS',
        transactionId: `TXC-${id}`,
        recordedAt: at,
        sentAt: at + 100,
        settledAt: at + 5_000,
      },
      deliver: {
        step: 'deliver',
        externalTransactionId: `${id}-DLV`,
        codeService: 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE',
        amount: 2000,
        status: 'success',
        intechStatus: 'SUCCESS',
        transactionId: `TXD-${id}`,
        recordedAt: at + 5_100,
        sentAt: at + 5_200,
        settledAt: at + 9_000,
      },
      receipt: {
        step: 'receipt',
        externalTransactionId: `${id}-RCT`,
        codeService: 'WHATSAPP_MESSAGING',
        amount: 0,
        status: 'success',
        recordedAt: at + 9_100,
        settledAt: at + 9_500,
      },
    },
    events: [
      { at, type: 'created' },
      { at: at + 9_600, type: 'completed' },
    ],
    createdAt: at,
    updatedAt: at + 9_600,
    ...over,
  };
}

export async function startAdminServer(
  opts: {
    token?: string;
    perMinute?: number;
    maxAuthFailures?: number;
    broadcastPerMinute?: number;
    subscribers?: number;
  } = {},
) {
  const store = createMemoryStore();
  const catalog = await createCatalog({ kv: store.kv, services: SERVICES });
  const intech = fakeIntech({ balance: 321_000 });
  const channel = recordingChannel();
  const outbox = inlineOutbox(store, channel);
  const broadcasts = createBroadcastService({
    store,
    outbox,
    via: 'chat',
    perMinute: opts.broadcastPerMinute ?? 6000,
    jitter: 0,
  });
  const sync = createCatalogSync({ catalog, intech, kv: store.kv });
  const router = createAdminRouter({
    ...(opts.token === undefined ? { token: TOKEN } : opts.token ? { token: opts.token } : {}),
    store,
    catalog,
    broadcasts,
    intech,
    sync,
    ...(opts.perMinute ? { perMinute: opts.perMinute } : {}),
    maxAuthFailures: opts.maxAuthFailures ?? 1000,
  });
  const app = express();
  app.use(router);
  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found' });
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const subscribers = await seedSubscribers(store, opts.subscribers ?? 3);
  return {
    url,
    store,
    catalog,
    intech,
    channel,
    broadcasts,
    subscribers,
    async close() {
      await broadcasts.stop();
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
    },
  };
}
