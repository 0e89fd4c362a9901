// Two instances reconciling one PostgreSQL database: a transaction is looked up by one instance at a
// time (per-order claims), and the 3-lookups-a-minute limit holds across instances and a restart.
import { describe, expect, it } from 'vitest';
import type { IntechApi } from '../../src/intech/api.js';
import { createOrderClaims } from '../../src/orders/claims.js';
import { createOrderService, type OrderService } from '../../src/orders/service.js';
import type { Order } from '../../src/orders/types.js';
import type { Store } from '../../src/store/types.js';
import { storesOnOneDatabase } from '../store/pg-db.js';
import { createOutbox } from '../../src/outbox/outbox.js';
import { recordingAlerter } from './harness.js';
import { collectingOrder, intechWith } from './order-fixture.js';

const T0 = Date.UTC(2026, 11, 2, 10, 0, 0);
const db = storesOnOneDatabase(3, { poolSize: 4 });
const { stores } = db;

/** Intech that answers status lookups slowly with PENDING (the orders stay open) and counts them. */
function slowIntech(lookups: Map<string, number>): IntechApi {
  return intechWith({
    async getTransactionStatus(ext) {
      lookups.set(ext, (lookups.get(ext) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 150));
      return { transactionId: `T-${ext}`, externalTransactionId: ext, status: 'PENDING', errorType: null };
    },
  });
}

const collecting = (id: string): Order => collectingOrder(id, T0 - 600_000);

function instance(
  store: Store,
  owner: string,
  lookups: Map<string, number>,
  clock: () => number,
  over: { hmacSecret?: string; intech?: IntechApi } = {},
): OrderService {
  return createOrderService({
    store,
    intech: over.intech ?? slowIntech(lookups),
    // Messages are only queued here (the test is about lookups and claims).
    outbox: createOutbox({ store, kick: () => {} }),
    alerter: recordingAlerter(),
    config: {
      callbackUrl: 'http://127.0.0.1:1/intech/callback',
      merchantName: 'Test',
      receiptVia: 'chat',
      reconcileAfterMs: 1_000,
      reconcileIntervalMs: 60_000,
      slowNoticeAfterMs: 24 * 3_600_000,
      balanceCacheMs: 0,
      publicUrl: 'http://127.0.0.1:1',
      apiKey: 'k',
      lookupSpacingMs: 1_000,
      ...(over.hmacSecret ? { hmacSecret: over.hmacSecret } : {}),
    },
    now: clock,
    cluster: { claims: createOrderClaims({ leases: store.leases, owner, ttlMs: 300_000, now: clock }) },
  });
}

describe('reconciler on two instances', () => {
  it('each transaction is looked up by one instance at a time, at most 3 a minute across instances and a restart', async () => {
    const ids = Array.from({ length: 8 }, (_, i) => `CL${i}`);
    for (const id of ids) await stores[0]!.orders.create(collecting(id));
    let t = T0;
    const clock = () => t;
    const lookups = new Map<string, number>();
    const a = instance(stores[0]!, 'inst-a', lookups, clock);
    const b = instance(stores[1]!, 'inst-b', lookups, clock);

    // Both instances pass at the same moment: every transaction is looked up once, not twice.
    await Promise.all([a.reconcileOnce(), b.reconcileOnce()]);
    expect([...lookups.values()]).toEqual(ids.map(() => 1));

    // Passes keep coming from both (each instance's own spacing is 1 s); the durable limit caps them.
    for (let round = 0; round < 6; round++) {
      t += 2_000;
      await Promise.all([a.reconcileOnce(), b.reconcileOnce()]);
    }
    // A restart: a new instance (fresh process memory) on the same database.
    const c = instance(stores[2]!, 'inst-c', lookups, clock);
    t += 2_000;
    await Promise.all([a.reconcileOnce(), c.reconcileOnce()]);
    for (const id of ids) {
      expect(lookups.get(`${id}-collect`)).toBe(3);
      expect(await stores[2]!.statusLookups.count(`${id}-collect`, t, 60_000)).toBe(3);
    }
    // A minute later lookups resume.
    t += 60_000;
    await Promise.all([b.reconcileOnce(), c.reconcileOnce()]);
    for (const id of ids) expect(lookups.get(`${id}-collect`)).toBe(4);
    for (const s of [a, b, c]) await s.stop();
  });

  it('an order claimed by an instance that died is reconciled by another once the claim expires', async () => {
    await stores[0]!.orders.create(collecting('DEAD1'));
    let t = T0 + 10 * 60_000;
    const clock = () => t;
    // The dead instance took the claim and never gave it back.
    await stores[0]!.leases.acquire('order:DEAD1', 'inst-dead', t, 300_000);
    const lookups = new Map<string, number>();
    const b = instance(stores[1]!, 'inst-b', lookups, clock);
    await b.reconcileOnce();
    expect(lookups.get('DEAD1-collect')).toBeUndefined();
    t += 300_000;
    await b.reconcileOnce();
    expect(lookups.get('DEAD1-collect')).toBe(1);
    await b.stop();
  });

  it('a callback recorded by an instance that crashed before applying it is applied by another', async () => {
    await stores[0]!.orders.create(collecting('CBCRASH'));
    const t = T0 + 20 * 60_000;
    // Instance A recorded the signed callback (and answered 200), then died before applying it.
    expect(
      await stores[0]!.callbacks.record({
        externalTransactionId: 'CBCRASH-collect',
        transactionId: 'T-CBCRASH-collect',
        status: 'SUCCESS',
        receivedAt: t,
        body: { status: 'SUCCESS', transaction: { externalTransactionId: 'CBCRASH-collect' } },
      }),
    ).toBe('new');
    const sent: string[] = [];
    const lookups = new Map<string, number>();
    const intech: IntechApi = {
      ...slowIntech(lookups),
      async operation(req) {
        sent.push(req.externalTransactionId);
        return {
          transactionId: `T-${req.externalTransactionId}`,
          externalTransactionId: req.externalTransactionId,
          status: 'PENDING',
          raw: {},
        };
      },
    };
    const b = instance(stores[1]!, 'inst-b', lookups, () => t, { hmacSecret: 'x'.repeat(32), intech });
    await b.reconcileOnce();
    const o = (await stores[1]!.orders.get('CBCRASH'))!;
    expect(o.operations.collect?.status).toBe('success');
    expect(o.state).toBe('delivering');
    // Applied from the record: no status lookup was spent, and the delivery went out once.
    expect(lookups.get('CBCRASH-collect')).toBeUndefined();
    expect(sent).toEqual([o.operations.deliver!.externalTransactionId]);
    await b.stop();
  });

  it('an order with nothing due is not claimed (no lease write per open order per pass)', async () => {
    const t = T0 + 30 * 60_000;
    const fresh = collecting('FRESH1');
    fresh.operations.collect = { ...fresh.operations.collect!, recordedAt: t - 100, sentAt: t - 50 };
    fresh.createdAt = t - 200;
    await stores[0]!.orders.create(fresh);
    const lookups = new Map<string, number>();
    const b = instance(stores[1]!, 'inst-b', lookups, () => t);
    await b.reconcileOnce();
    expect(await stores[0]!.leases.get('order:FRESH1')).toBeUndefined();
    expect(lookups.get('FRESH1-collect')).toBeUndefined();
    // The orders that were due were claimed (and handed back).
    expect((await stores[0]!.leases.get('order:CL0'))?.owner).toBe('inst-b');
    await b.stop();
  });
});
