// A broadcast on two instances sharing one PostgreSQL database: it runs on the broadcast lease holder
// only (even when started on the other instance), continues on the other instance after the holder dies,
// and every recipient is messaged once overall.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBroadcastService } from '../../src/admin/broadcasts.js';
import { createClusterRoles } from '../../src/cluster/roles.js';
import { silentLogger } from '../../src/logger.js';
import { openPostgresStore } from '../../src/store/postgres/index.js';
import type { Store } from '../../src/store/types.js';
import { recordingChannel, seedSubscribers } from '../admin/helpers.js';
import { dropDatabase, freshDatabase } from '../store/pg-db.js';
import { freezable } from './freeze.js';

const TTL = 1_500;
let url: string;
const stores: Store[] = [];
beforeAll(async () => {
  url = await freshDatabase();
  for (let i = 0; i < 2; i++) stores.push(await openPostgresStore({ url, poolSize: 4 }));
});
afterAll(async () => {
  for (const s of stores) await s.close();
  await dropDatabase(url);
});

function instance(store: Store, owner: string) {
  const channel = recordingChannel();
  const frozen = freezable(store.leases);
  const roles = createClusterRoles({
    leases: frozen.repo,
    owner,
    ttlMs: TTL,
    broadcastPollMs: 50,
    logger: silentLogger,
  });
  const broadcasts = createBroadcastService({
    store,
    channel,
    via: 'chat',
    perMinute: 3000,
    jitter: 0,
    canRun: roles.runsBroadcasts,
  });
  const idle = { start() {}, stop() {} };
  const start = () =>
    roles.start({
      catalogSync: { syncNow: async () => undefined, ...idle },
      catalogSyncMinutes: 0,
      balanceWatch: idle,
      broadcasts,
      reconciler: { startLoop() {}, stopLoop() {} },
    });
  return { channel, frozen, roles, broadcasts, start };
}

describe('broadcast runner on two instances', () => {
  it('runs on the holder only, survives the holder dying, messages every recipient once overall', async () => {
    const ids = await seedSubscribers(stores[0]!, 40);
    const a = instance(stores[0]!, 'inst-a');
    const b = instance(stores[1]!, 'inst-b');
    await a.start();
    await b.start();
    expect(a.roles.runsBroadcasts()).toBe(true);
    expect(b.roles.runsBroadcasts()).toBe(false);

    // Started from B (an admin on the instance without the lease): A sends it.
    let sentByBWhileAAlive = -1;
    a.channel.afterSend = async (n) => {
      if (n === 15) {
        sentByBWhileAAlive = b.channel.sent.length;
        // A dies: it sends nothing more and never gives its leases back.
        a.frozen.freeze();
        void a.broadcasts.stop();
      }
    };
    const draft = await b.broadcasts.create('Promo', 'admin');
    await b.broadcasts.start(draft.id);
    const deadline = Date.now() + 15_000;
    for (;;) {
      const p = await b.broadcasts.progress(draft.id);
      if (p?.state === 'done') break;
      if (Date.now() > deadline) throw new Error(`broadcast not done: ${JSON.stringify(p)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await a.broadcasts.settled(draft.id);
    expect(a.channel.sent).toHaveLength(15);
    expect(sentByBWhileAAlive).toBe(0);
    expect(b.channel.sent.length).toBeGreaterThan(0);
    const all = [...a.channel.sent, ...b.channel.sent].map((m) => m.to);
    expect(new Set(all).size).toBe(all.length); // nobody twice
    const p = (await a.broadcasts.progress(draft.id))!;
    // Whoever A was sending to when it died is 'unknown' (never resent); everyone else got it once.
    expect(p.sent + p.unknown).toBe(ids.length);
    expect(p.sent).toBe(all.length);
    expect(p.unknown).toBeLessThanOrEqual(1);
    a.frozen.thaw();
    await a.roles.stop();
    await b.roles.stop();
  });
});
