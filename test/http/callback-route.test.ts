// POST /intech/callback in isolation: verification on the raw body, record before answering, 200 for
// genuine callbacks (new or duplicate), 4xx for forged/stale/malformed ones, 500 when it cannot record.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createCallbackRouter } from '../../src/http/callback-route.js';
import type { CallbackBody } from '../../src/intech/types.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { Store } from '../../src/store/types.js';
import { buildCallbackBody, signCallback } from '../helpers/intech-signer.js';

const KEY = 'route-key';
let server: Server | undefined;

async function start(opts: { hmacSecret?: string; store?: Store; jsonFirst?: boolean } = {}) {
  const store = opts.store ?? createMemoryStore();
  const seen: CallbackBody[] = [];
  const app = express();
  if (opts.jsonFirst) app.use(express.json());
  app.use(
    createCallbackRouter({
      apiKey: KEY,
      ...(opts.hmacSecret ? { hmacSecret: opts.hmacSecret } : {}),
      // Records, then hands on (the order side decides what the copy changes).
      receive: async (b, _known, record, stored) => {
        if (record) await store.callbacks.record(record);
        stored();
        seen.push(b);
      },
    }),
  );
  server = await new Promise<Server>((r) => {
    const s = app.listen(0, '127.0.0.1', () => r(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/intech/callback`;
  const post = async (raw: string, headers: Record<string, string>) =>
    (await fetch(url, { method: 'POST', body: raw, headers })).status;
  return { store, seen, post };
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

const body = () => buildCallbackBody('ORDER123-DLV', { transactionId: 'TR42', status: 'SUCCESS' });
const settle = () => new Promise((r) => setTimeout(r, 30));

describe('callback route', () => {
  it('genuine: recorded, 200, then handed on; a duplicate is acknowledged and recorded once', async () => {
    const { store, seen, post } = await start();
    const cb = signCallback(body(), { apiKey: KEY });
    expect(await post(cb.rawBody, cb.headers)).toBe(200);
    expect(await post(cb.rawBody, cb.headers)).toBe(200);
    await settle();
    expect(await store.callbacks.list('ORDER123-DLV')).toHaveLength(1);
    expect(seen).toHaveLength(2); // the order side decides it is a duplicate
    expect(seen[0]!.transaction.transactionId).toBe('TR42');
  });

  it('a copy this process already recorded is acknowledged and handed on without touching the store again', async () => {
    const store = createMemoryStore();
    let records = 0;
    const record = store.callbacks.record.bind(store.callbacks);
    store.callbacks.record = async (rec) => {
      records++;
      return record(rec);
    };
    const { seen, post } = await start({ store });
    const cb = signCallback(body(), { apiKey: KEY });
    for (let i = 0; i < 3; i++) expect(await post(cb.rawBody, cb.headers)).toBe(200);
    // Another status for the same transaction is another copy: recorded.
    const failed = signCallback(
      buildCallbackBody('ORDER123-DLV', { transactionId: 'TR42', status: 'FAILLED' }),
      { apiKey: KEY },
    );
    expect(await post(failed.rawBody, failed.headers)).toBe(200);
    await settle();
    expect(records).toBe(2);
    expect((await store.callbacks.list('ORDER123-DLV')).map((c) => c.status)).toEqual(['SUCCESS', 'FAILLED']);
    expect(seen.map((b) => b.status)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS', 'FAILLED']);
  });

  it('forged hash, tampered body, malformed JSON: 4xx, nothing recorded or handed on', async () => {
    const { store, seen, post } = await start();
    const forged = signCallback(body(), { apiKey: 'someone-else' });
    expect(await post(forged.rawBody, forged.headers)).toBe(401);
    const good = signCallback(body(), { apiKey: KEY });
    expect(await post(good.rawBody.replace('TR42', 'TR43'), good.headers)).toBe(401);
    expect(await post('{"status":', { 'content-type': 'application/json' })).toBe(400);
    expect(await post('', { 'content-type': 'application/json' })).toBe(400);
    await settle();
    expect(await store.callbacks.list('ORDER123-DLV')).toHaveLength(0);
    expect(seen).toHaveLength(0);
  });

  it('HMAC: stale, missing or wrong signatures are rejected; fresh ones pass, even behind a JSON parser', async () => {
    const secret = 's3cret';
    const { seen, post } = await start({ hmacSecret: secret, jsonFirst: true });
    const stale = signCallback(body(), {
      apiKey: KEY,
      hmacSecret: secret,
      timestamp: Date.now() - 6 * 60_000,
    });
    expect(await post(stale.rawBody, stale.headers)).toBe(401);
    const unsigned = signCallback(body(), { apiKey: KEY });
    expect(await post(unsigned.rawBody, unsigned.headers)).toBe(401);
    const wrong = signCallback(body(), { apiKey: KEY, hmacSecret: 'nope' });
    expect(await post(wrong.rawBody, wrong.headers)).toBe(401);
    const fresh = signCallback(body(), { apiKey: KEY, hmacSecret: secret });
    expect(await post(fresh.rawBody, fresh.headers)).toBe(200);
    await settle();
    expect(seen).toHaveLength(1);
  });

  it('cannot record: 500 so that Intech retries, nothing handed on', async () => {
    const store = createMemoryStore();
    store.callbacks.record = async () => {
      throw new Error('disk full');
    };
    const { seen, post } = await start({ store });
    const cb = signCallback(body(), { apiKey: KEY });
    expect(await post(cb.rawBody, cb.headers)).toBe(500);
    await settle();
    expect(seen).toHaveLength(0);
  });

  it('receive: the answer waits until the copy is stored; a failure before that is a 500, after it a 200', async () => {
    const store = createMemoryStore();
    const calls: { record: unknown; at: number }[] = [];
    let mode: 'fail-before' | 'fail-after' | 'slow' = 'fail-before';
    const app = express();
    app.use(
      createCallbackRouter({
        apiKey: KEY,
        async receive(_b, _known, record, stored) {
          calls.push({ record, at: Date.now() });
          if (mode === 'fail-before') throw new Error('order write refused');
          if (mode === 'slow') await new Promise((r) => setTimeout(r, 150));
          if (record) await store.callbacks.record(record);
          stored();
          if (mode === 'fail-after') throw new Error('the delivery request failed');
        },
      }),
    );
    server = await new Promise<Server>((r) => {
      const s = app.listen(0, '127.0.0.1', () => r(s));
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/intech/callback`;
    const post = async (cb: { rawBody: string; headers: Record<string, string> }) => {
      const res = await fetch(url, { method: 'POST', body: cb.rawBody, headers: cb.headers });
      return { status: res.status, at: Date.now() };
    };
    const cb = signCallback(body(), { apiKey: KEY });
    expect((await post(cb)).status).toBe(500);
    expect(await store.callbacks.list('ORDER123-DLV')).toHaveLength(0);
    mode = 'slow';
    const slow = await post(cb);
    expect(slow.status).toBe(200);
    // Answered after the slow store step, not before.
    expect(slow.at - calls.at(-1)!.at).toBeGreaterThanOrEqual(140);
    expect(await store.callbacks.list('ORDER123-DLV')).toHaveLength(1);
    // A copy already recorded by this process is answered at once and handed on with nothing to store.
    mode = 'fail-after';
    expect((await post(cb)).status).toBe(200);
    await settle();
    expect(calls.at(-1)!.record).toBeUndefined();
    // A new copy whose effects fail after it was stored: acknowledged (the failure is only logged).
    const failed = signCallback(
      buildCallbackBody('ORDER123-DLV', { transactionId: 'TR42', status: 'FAILLED' }),
      { apiKey: KEY },
    );
    expect((await post(failed)).status).toBe(200);
    expect((await store.callbacks.list('ORDER123-DLV')).map((c) => c.status)).toEqual(['SUCCESS', 'FAILLED']);
  });
});
