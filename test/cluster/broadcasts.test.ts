// A broadcast on two instances sharing one PostgreSQL database: it runs on the broadcast lease holder
// only (even when started on the other instance), continues on the other instance after the holder dies,
// and every recipient is messaged once overall. The runner queues into the shared outbox; one drainer
// then delivers what the customers get.
import { describe, expect, it } from 'vitest';
import { createBroadcastService } from '../../src/admin/broadcasts.js';
import { createClusterRoles } from '../../src/cluster/roles.js';
import { silentLogger } from '../../src/logger.js';
import type { Outbox } from '../../src/outbox/outbox.js';
import type { Store } from '../../src/store/types.js';
import { recordingChannel, seedSubscribers } from '../admin/helpers.js';
import { recordingChannel as deliveries, wireOutbox } from '../helpers/outbox.js';
import { storesOnOneDatabase } from '../store/pg-db.js';
import { freezable } from './freeze.js';

const TTL = 1_500;
const db = storesOnOneDatabase(2, { poolSize: 4 });
const { stores } = db;

/** This instance's outbox: queues in the shared store and records what this instance queued. */
function queueing(store: Store, channel: ReturnType<typeof recordingChannel>): Outbox {
  return {
    async send(messages) {
      await store.outbox.enqueue(messages, Date.now());
      for (const m of messages) await channel.deliver(m.chat, m.payload); // "queued by this instance"
    },
    kick() {},
  };
}

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
    outbox: queueing(store, channel),
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

    // Started from B (an admin on the instance without the lease): A runs it.
    let sentByBWhileAAlive = -1;
    a.channel.afterSend = async (n) => {
      if (n === 15) {
        sentByBWhileAAlive = b.channel.sent.length;
        // A dies: it queues nothing more and never gives its leases back.
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
    const p = (await a.broadcasts.progress(draft.id))!;
    // Whoever A was claiming when it died is queued again by B under the same outbox id: stored once.
    expect(p).toMatchObject({ sent: ids.length, unknown: 0, left: 0 });
    // What the customers get: one drainer delivers the shared outbox, each recipient once.
    const got = deliveries();
    const wired = wireOutbox(stores[0]!, got);
    expect(await wired.drainer.flush(10_000)).toBe(true);
    await wired.stop();
    expect(got.sent.map((m) => m.customerId).sort()).toEqual([...ids].sort());
    a.frozen.thaw();
    await a.roles.stop();
    await b.roles.stop();
  });
});
