// Child process for the crash test: writes orders as fast as it can and reports each acknowledged one.
import { openLowdbStore } from '../../src/store/lowdb/index.js';
import { finish, makeOrder } from './fixtures.js';

const dir = process.argv[2]!;
const store = await openLowdbStore({ dir });
process.stdout.write('ready\n');
for (let i = 0; ; i++) {
  const id = `K${i}`;
  const o = await store.orders.create(makeOrder(id, { createdAt: 1_000 + i }));
  const o2 = (await store.orders.update({ ...o, state: 'collecting' }, 1))!;
  await store.callbacks.record({
    externalTransactionId: `${id}-C`,
    transactionId: `T${i}`,
    status: 'SUCCESS',
    receivedAt: i,
    body: {},
  });
  await store.kv.set('auth', `key-${i % 7}`, { i });
  await store.orders.update(finish(o2), 2);
  process.stdout.write(`ack ${i}\n`);
}
