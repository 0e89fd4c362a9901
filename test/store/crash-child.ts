// Child process for the crash test: writes as fast as it can and reports each acknowledged step.
// argv: <dir> <first index>. Each index writes an order lifecycle, a callback, a customer (created then
// changed through CAS), a conversation turn with outbox rows, a dedupe key and Signal-like auth keys.
import { updateCustomer } from '../../src/store/cas.js';
import { openLowdbStore } from '../../src/store/lowdb/index.js';
import { finish, makeCustomer, makeOrder } from './fixtures.js';

const dir = process.argv[2]!;
const first = Number(process.argv[3] ?? 0);
const store = await openLowdbStore({ dir, minCompactBytes: 64 * 1024 });
process.stdout.write('ready\n');
for (let i = first; ; i++) {
  const id = `K${i}`;
  // Idempotent steps: the first index of a restart may have been half written before the kill.
  let o =
    (await store.orders.get(id)) ?? (await store.orders.create(makeOrder(id, { createdAt: 1_000 + i })));
  if (o.version === 1) o = (await store.orders.update({ ...o, state: 'collecting' }, 1))!;
  await store.callbacks.record({
    externalTransactionId: `${id}-C`,
    transactionId: `T${i}`,
    status: 'SUCCESS',
    receivedAt: i,
    body: {},
  });
  await store.kv.set('auth', `key-${i % 7}`, { i });
  if (o.version === 2) await store.orders.update(finish(o), 2);
  const cid = `+22177${String(1_000_000 + i).slice(-7)}`;
  await store.customers.getOrCreate(makeCustomer(cid));
  await updateCustomer(store.customers, cid, (c) =>
    c.lang === 'wo' && c.lastSeenAt === i ? null : { ...c, lang: 'wo', lastSeenAt: i },
  );
  await Promise.all([
    store.dedupe.firstSeen(`msg-${i}`, Date.now(), 3_600_000),
    store.commit(
      {
        conversation: { customerId: cid, state: { step: 'menu', i } },
        outbox: [
          { id: `${id}:r1`, chat: cid, kind: 'reply', payload: { type: 'text', text: `a${i}` } },
          { id: `${id}:r2`, chat: cid, kind: 'reply', payload: { type: 'text', text: `b${i}` } },
        ],
      },
      i,
    ),
    store.kv.setMany('wa-auth', { [`session-${i}`]: { s: i, blob: 'x'.repeat(2_000) }, creds: { i } }),
  ]);
  process.stdout.write(`ack ${i}\n`);
}
