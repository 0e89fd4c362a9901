// A callback copy and the order change it brings commit in one PostgreSQL transaction, before the 200:
// a copy acknowledged is a copy applied, and a copy whose order change fails is neither recorded nor
// acknowledged (Intech gets a 500 and sends it again).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createCallbackReceiver } from '../../src/http/callback-receiver.js';
import { createCallbackRouter } from '../../src/http/callback-route.js';
import type { IntechApi } from '../../src/intech/api.js';
import { silentLogger } from '../../src/logger.js';
import { createOrderService, type OrderService } from '../../src/orders/service.js';
import { createOutbox } from '../../src/outbox/outbox.js';
import type { Store } from '../../src/store/types.js';
import { signedCallbackFor } from '../helpers/intech-signer.js';
import { storesOnOneDatabase } from '../store/pg-db.js';
import { recordingAlerter } from './harness.js';
import { collectingOrder, intechWith } from './order-fixture.js';

const KEY = 'tx-key';
const HMAC = 'h'.repeat(32);
const db = storesOnOneDatabase(1, { poolSize: 4 });

/** Intech whose operations (the delivery) wait until released, and are counted. */
function heldIntech() {
  const sent: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const intech = intechWith({
    async operation(req) {
      sent.push(req.externalTransactionId);
      await gate;
      return {
        transactionId: `T-${req.externalTransactionId}`,
        externalTransactionId: req.externalTransactionId,
        status: 'PENDING',
        raw: {},
      };
    },
  });
  return { intech, sent, release };
}

let server: Server | undefined;
let service: OrderService | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  await service?.stop();
  server = undefined;
  service = undefined;
});

async function start(store: Store, intech: IntechApi) {
  service = createOrderService({
    store,
    intech,
    outbox: createOutbox({ store, kick: () => {} }),
    alerter: recordingAlerter(),
    config: {
      callbackUrl: 'http://127.0.0.1:1/intech/callback',
      merchantName: 'Test',
      receiptVia: 'chat',
      reconcileAfterMs: 60_000,
      reconcileIntervalMs: 60_000,
      slowNoticeAfterMs: 24 * 3_600_000,
      balanceCacheMs: 0,
      publicUrl: 'http://127.0.0.1:1',
      apiKey: KEY,
      hmacSecret: HMAC,
    },
  });
  const orders = service;
  const app = express();
  app.use(
    createCallbackRouter({
      apiKey: KEY,
      hmacSecret: HMAC,
      receive: createCallbackReceiver({
        store,
        orders,
        broadcasts: { handleCallback: async () => true },
        logger: silentLogger,
      }),
      isKnown: (ext) => store.orders.findByExternalId(ext),
    }),
  );
  server = await new Promise<Server>((r) => {
    const s = app.listen(0, '127.0.0.1', () => r(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/intech/callback`;
  return async (id: string) => {
    const cb = signedCallbackFor(
      `${id}-collect`,
      { apiKey: KEY, hmacSecret: HMAC },
      { transactionId: `T-${id}-collect`, codeService: 'ORANGE_SN_API_CASH_OUT', data: null },
    );
    return (await fetch(url, { method: 'POST', body: cb.rawBody, headers: cb.headers })).status;
  };
}

/** Makes every write to this order fail inside PostgreSQL (as a lost connection or a full disk would). */
async function breakWritesTo(url: string, id: string | null): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`CREATE OR REPLACE FUNCTION xb_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'write refused by the test'; END $$`);
    await c.query('DROP TRIGGER IF EXISTS xb_test_refuse ON orders');
    if (id)
      await c.query(
        `CREATE TRIGGER xb_test_refuse BEFORE UPDATE ON orders FOR EACH ROW
         WHEN (OLD.id = '${id}') EXECUTE FUNCTION xb_test_refuse()`,
      );
  } finally {
    await c.end();
  }
}

describe('a callback and its order change in one transaction (PostgreSQL)', () => {
  it('a copy answered 200 is already applied, while the delivery it starts is still on its way', async () => {
    const store = db.stores[0]!;
    await store.orders.create(collectingOrder('ONETX1', Date.now() - 60_000));
    const held = heldIntech();
    // A slow order write: an answer that did not wait for it would come before it.
    const slow: Store = {
      ...store,
      orders: {
        ...store.orders,
        update: async (...args) => {
          await new Promise((r) => setTimeout(r, 200));
          return store.orders.update(...args);
        },
      },
    };
    const post = await start(slow, held.intech);
    expect(await post('ONETX1')).toBe(200);
    // Right after the answer, from the database: the collect settled, and the copy recorded with it.
    const o = (await store.orders.get('ONETX1'))!;
    expect(o.operations.collect?.status).toBe('success');
    expect(await store.callbacks.list('ONETX1-collect')).toMatchObject([{ status: 'SUCCESS' }]);
    // The answer did not wait for the delivery (Intech still holds it).
    await expect.poll(() => held.sent.length).toBe(1);
    held.release();
    await expect
      .poll(async () => (await store.orders.get('ONETX1'))?.operations.deliver?.status)
      .toBe('sent');
  });

  it('when the order change fails, the copy is not recorded and gets a 500; the copy sent again applies', async () => {
    const store = db.stores[0]!;
    await store.orders.create(collectingOrder('ONETX2', Date.now() - 60_000));
    const held = heldIntech();
    held.release();
    const post = await start(store, held.intech);
    await breakWritesTo(db.url, 'ONETX2');
    try {
      expect(await post('ONETX2')).toBe(500);
      expect(await store.callbacks.list('ONETX2-collect')).toEqual([]);
      expect((await store.orders.get('ONETX2'))?.operations.collect?.status).toBe('sent');
      expect(held.sent).toEqual([]);
    } finally {
      await breakWritesTo(db.url, null);
    }
    // Intech retries: recorded and applied once, one delivery.
    expect(await post('ONETX2')).toBe(200);
    expect((await store.orders.get('ONETX2'))?.operations.collect?.status).toBe('success');
    expect(await store.callbacks.list('ONETX2-collect')).toHaveLength(1);
    expect(await post('ONETX2')).toBe(200);
    await expect.poll(() => held.sent).toEqual(['ONETX2-DLV']);
    await new Promise((r) => setTimeout(r, 100));
    expect(held.sent).toHaveLength(1);
  });
});
