// The bot's order side as a real child process for the crash test: lowdb store in DATA_DIR, the order
// service and callback server on PORT, Intech = the simulator at SIM_URL (in the parent, so it survives).
// A control endpoint places orders and arms a crash point: the process SIGKILLs itself exactly there.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import express from 'express';
import { createCallbackReceiver } from '../../src/http/callback-receiver.js';
import { createCallbackRouter } from '../../src/http/callback-route.js';
import { silentLogger } from '../../src/logger.js';
import type { IntechApi } from '../../src/intech/api.js';
import { createIntechClient } from '../../src/intech/client.js';
import { createOrderService } from '../../src/orders/service.js';
import type { Order } from '../../src/orders/types.js';
import { openLowdbStore } from '../../src/store/lowdb/index.js';
import type { CallbackRecord, Store } from '../../src/store/types.js';
import { wireOutbox } from '../helpers/outbox.js';

const DATA_DIR = process.env.DATA_DIR!;
const PORT = Number(process.env.PORT);
const SIM_URL = process.env.SIM_URL!;
const API_KEY = process.env.API_KEY!;

let crashAt: string | null = null;
function maybeCrash(point: string): void {
  if (crashAt === point) {
    appendFileSync(join(DATA_DIR, 'crashes.log'), `${point}\n`);
    process.kill(process.pid, 'SIGKILL');
  }
}

const extStep = (ext: string) => ext.slice(-3);

function crashingIntech(real: IntechApi): IntechApi {
  return {
    ...real,
    async operation(req) {
      const s = extStep(req.externalTransactionId);
      maybeCrash(`${s}:before_send`); // recorded, never sent
      const p = real.operation(req);
      if (crashAt === `${s}:after_send`) {
        // Sent: wait until Intech has it, then die before the answer is processed.
        await p.catch(() => undefined);
        maybeCrash(`${s}:after_send`);
      }
      return p;
    },
    async refundCancel(tx) {
      maybeCrash('refund:before_send');
      const r = await real.refundCancel(tx);
      maybeCrash('refund:after_send');
      return r;
    },
  };
}

function crashingStore(store: Store): Store {
  return {
    ...store,
    orders: {
      ...store.orders,
      create: async (o: Order) => {
        const r = await store.orders.create(o);
        maybeCrash('after_create');
        return r;
      },
      update: async (next: Order, v: number, cb?: CallbackRecord) => {
        const r = await store.orders.update(next, v, cb);
        if (r) maybeCrash(`state:${r.state}`);
        return r;
      },
      get: (id) => store.orders.get(id),
      findByExternalId: (e) => store.orders.findByExternalId(e),
      listOpen: () => store.orders.listOpen(),
      list: (q) => store.orders.list(q),
    },
  };
}

const base = await openLowdbStore({ dir: DATA_DIR });
const store = crashingStore(base);
const intech = crashingIntech(
  createIntechClient({
    baseUrl: SIM_URL,
    apiKey: API_KEY,
    timeoutMs: 2_000,
    retry: { attempts: 1, baseMs: 10, maxMs: 10 },
  }),
);
const log = (file: string, rec: unknown) => appendFileSync(join(DATA_DIR, file), `${JSON.stringify(rec)}\n`);

// Customer messages go through the durable outbox; the "channel" appends what the drainer delivers.
const wired = wireOutbox(store, {
  canSend: () => true,
  async deliver(customerId, payload) {
    if (payload.type === 'text') log('messages.jsonl', { customerId, kind: 'text', text: payload.text });
    else
      log('messages.jsonl', {
        customerId,
        kind: 'image',
        bytes: Buffer.from(payload.imageBase64, 'base64').length,
        caption: payload.caption,
      });
    return {};
  },
});

let nextId = 'UNSET';
const service = createOrderService({
  newId: () => nextId,
  store,
  intech,
  outbox: wired.outbox,
  alerter: {
    async alert(kind, message, orderId) {
      log('alerts.jsonl', { kind, message, orderId });
    },
  },
  config: {
    callbackUrl: `http://127.0.0.1:${PORT}/intech/callback`,
    merchantName: 'Crash Test',
    receiptVia: 'intech',
    reconcileAfterMs: 500,
    reconcileIntervalMs: 150,
    slowNoticeAfterMs: 60_000,
    balanceCacheMs: 0,
    publicUrl: `http://127.0.0.1:${PORT}`,
    apiKey: API_KEY,
    lookupSpacingMs: 1_000,
  },
});

const app = express();
app.use(
  createCallbackRouter({
    apiKey: API_KEY,
    receive: createCallbackReceiver({
      store,
      orders: service,
      broadcasts: { handleCallback: async () => false },
      logger: silentLogger,
    }),
  }),
);
app.post('/control/place', express.json(), async (req, res) => {
  crashAt = typeof req.body.crashAt === 'string' ? req.body.crashAt : null;
  nextId = String(req.body.id);
  const r = await service.place(req.body.order);
  res.json(r);
});
app.get('/control/order/:id', async (req, res) => {
  res.json((await store.orders.get(req.params.id)) ?? null);
});
app.listen(PORT, '127.0.0.1', async () => {
  await service.start();
  process.stdout.write('READY\n');
});
