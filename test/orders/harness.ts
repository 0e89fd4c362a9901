// Test harness: the Intech simulator + an express app with the callback router on port 0 + the order
// service wired to the real Intech client, with a recording notifier and alerter.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createCallbackReceiver } from '../../src/http/callback-receiver.js';
import { createCallbackRouter } from '../../src/http/callback-route.js';
import { silentLogger } from '../../src/logger.js';
import type { IntechApi } from '../../src/intech/api.js';
import { createIntechClient } from '../../src/intech/client.js';
import type { CallbackBody } from '../../src/intech/types.js';
import { createOrderService, type OrderService, type OrderServiceConfig } from '../../src/orders/service.js';
import type { Order, OrderState, PlaceOrderInput } from '../../src/orders/types.js';
import { startSimulator } from '../../src/sandbox/simulator/index.js';
import type { SimulatorOptions } from '../../src/sandbox/simulator/types.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { Store } from '../../src/store/types.js';
import type { SendTarget } from '../../src/outbox/drainer.js';
import { recordingChannel, wireOutbox } from '../helpers/outbox.js';

export const API_KEY = 'test-api-key';

export { recordingChannel as recordingNotifier, type SentMessage } from '../helpers/outbox.js';

export function recordingAlerter() {
  const alerts: { kind: string; message: string; orderId?: string }[] = [];
  return {
    alerts,
    async alert(kind: string, message: string, orderId?: string) {
      alerts.push({ kind, message, ...(orderId ? { orderId } : {}) });
    },
  };
}

export interface HarnessOptions {
  sim?: Partial<SimulatorOptions>;
  config?: Partial<OrderServiceConfig>;
  clientTimeoutMs?: number;
  hmacSecret?: string;
  store?: Store;
  /** Do not start the reconciler timer (tests call reconcileOnce themselves). */
  manualReconcile?: boolean;
  /** Unknown-id callbacks recorded per minute by the route (default 20). */
  unknownPerMinute?: number;
  /** Where the outbox delivers (default: a recording channel, `notifier`), e.g. a real WhatsApp channel. */
  channel?: SendTarget;
  /** Wraps the real client, e.g. to lose an answer after the request reached the simulator. */
  wrapIntech?: (api: IntechApi) => IntechApi;
}

export async function startHarness(opts: HarnessOptions = {}) {
  const sim = await startSimulator({
    apiKey: API_KEY,
    ...(opts.hmacSecret ? { hmacSecret: opts.hmacSecret } : {}),
    callbackDelayMs: 30,
    callbackRetryMs: 200,
    approvalDelayMs: 60,
    autoApprove: true,
    ...opts.sim,
  });
  const store = opts.store ?? createMemoryStore();
  // What the customer sees: what the outbox drainer delivered.
  const notifier = recordingChannel();
  const wired = wireOutbox(store, opts.channel ?? notifier);
  const alerter = recordingAlerter();
  const callbacks: { body: CallbackBody; result: unknown }[] = [];

  const app = express();
  let service: OrderService | null = null;
  app.use(
    createCallbackRouter({
      apiKey: API_KEY,
      ...(opts.hmacSecret ? { hmacSecret: opts.hmacSecret } : {}),
      isKnown: async (ext) => (await store.orders.findByExternalId(ext)) !== undefined,
      ...(opts.unknownPerMinute ? { unknownPerMinute: opts.unknownPerMinute } : {}),
      // As the bot does: the copy recorded with the order change it brings.
      receive: createCallbackReceiver({
        store,
        orders: {
          async handleCallback(body, found, via) {
            // Not built yet: nothing recorded, a 500, and Intech sends the copy again.
            if (!service) throw new Error('order service not ready');
            const result = await service.handleCallback(body, found, via);
            callbacks.push({ body, result });
            return result;
          },
        },
        broadcasts: { handleCallback: async () => false },
        logger: silentLogger,
      }),
    }),
  );
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const client = createIntechClient({
    baseUrl: sim.url,
    apiKey: API_KEY,
    ...(opts.hmacSecret ? { hmacSecret: opts.hmacSecret } : {}),
    timeoutMs: opts.clientTimeoutMs ?? 1_000,
    retry: { attempts: 1, baseMs: 10, maxMs: 10 },
  });
  const intech = opts.wrapIntech ? opts.wrapIntech(client) : client;

  const config: OrderServiceConfig = {
    callbackUrl: `${appUrl}/intech/callback`,
    merchantName: 'Xaalis Test',
    receiptVia: 'intech',
    reconcileAfterMs: 400,
    reconcileIntervalMs: 100,
    slowNoticeAfterMs: 60_000,
    balanceCacheMs: 0,
    publicUrl: appUrl,
    apiKey: API_KEY,
    lookupSpacingMs: 500,
    ...(opts.hmacSecret ? { hmacSecret: opts.hmacSecret } : {}),
    ...opts.config,
  };
  service = createOrderService({ store, intech, outbox: wired.outbox, alerter, config });
  if (!opts.manualReconcile) await service.start();

  async function waitFor<T>(
    fn: () => Promise<T | undefined | null | false> | T | undefined | null | false,
    what: string,
    timeoutMs = 8_000,
  ): Promise<T> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const v = await fn();
      if (v) return v;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async function waitForState(
    id: string,
    states: OrderState | OrderState[],
    timeoutMs = 8_000,
  ): Promise<Order> {
    const wanted = Array.isArray(states) ? states : [states];
    let last: Order | undefined;
    try {
      return await waitFor(
        async () => {
          last = await store.orders.get(id);
          return last && wanted.includes(last.state) ? last : undefined;
        },
        `order ${id} in ${wanted.join('|')}`,
        timeoutMs,
      );
    } catch (err) {
      throw new Error(
        `${(err as Error).message}; last state ${last?.state}; events ${JSON.stringify(last?.events.map((e) => e.type))}`,
      );
    }
  }

  async function placeOk(input: PlaceOrderInput): Promise<Order> {
    const r = await service!.place(input);
    if (!r.ok) throw new Error(`place refused: ${r.reason} ${r.message}`);
    return r.order;
  }

  /** Simulator transactions for one of our externalTransactionIds prefix (an order id). */
  function simTxs(orderId: string) {
    return sim.control.transactions().filter((t) => t.externalTransactionId.startsWith(`${orderId}-`));
  }

  return {
    sim,
    store,
    notifier,
    outbox: wired.outbox,
    drainer: wired.drainer,
    alerter,
    callbacks,
    service,
    appUrl,
    config,
    waitFor,
    waitForState,
    placeOk,
    simTxs,
    async close() {
      await service?.stop();
      await wired.stop();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await sim.close();
    },
  };
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;

export const CUSTOMER = '+221771234567';

export function airtime(overrides: Partial<PlaceOrderInput> = {}): PlaceOrderInput {
  return {
    customerId: CUSTOMER,
    lang: 'fr',
    kind: 'airtime',
    codeService: 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE',
    amount: 1000,
    recipient: '+221771112233',
    payment: { codeService: 'ORANGE_SN_API_CASH_OUT', payer: '+221771234567' },
    ...overrides,
  };
}
