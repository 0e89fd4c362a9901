// Child process for the kill test: an instance holding the reconciler singleton on PostgreSQL.
// argv: <database url> <ttl ms>. Prints "acting" once it holds the lease, then renews until killed.
import { createSingleton } from '../../src/cluster/singleton.js';
import { openPostgresStore } from '../../src/store/postgres/index.js';

const [url, ttl] = [process.argv[2]!, Number(process.argv[3])];
const store = await openPostgresStore({ url, poolSize: 2 });
const s = createSingleton(
  { leases: store.leases, owner: `child-${process.pid}`, ttlMs: ttl },
  'singleton:reconciler',
  {
    onAcquire: () => void process.stdout.write('acting\n'),
    onLose: () => void process.stdout.write('lost\n'),
  },
);
await s.start();
