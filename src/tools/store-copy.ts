// `npm run store:copy -- --from lowdb --to postgres [--dir data] [--url postgres://…] [--kv-ns a,b]`:
// copies an existing install's data/ into an empty PostgreSQL database, verified by counts.
import 'dotenv/config';
import { parseArgs } from 'node:util';
import { openLowdbStore } from '../store/lowdb/index.js';
import { copyStoreToPostgres } from '../store/postgres/copy.js';

const { values } = parseArgs({
  options: {
    from: { type: 'string', default: 'lowdb' },
    to: { type: 'string', default: 'postgres' },
    dir: { type: 'string', default: process.env.DATA_DIR ?? 'data' },
    url: { type: 'string', default: process.env.DATABASE_URL ?? '' },
    'kv-ns': { type: 'string', default: '' },
  },
});
if (values.from !== 'lowdb' || values.to !== 'postgres') {
  console.error('only --from lowdb --to postgres is supported');
  process.exit(2);
}
if (!values.url) {
  console.error('the target database: --url postgres://… or DATABASE_URL');
  process.exit(2);
}
// Opening the lowdb store takes its lock file: the bot must be stopped while copying.
const source = await openLowdbStore({ dir: values.dir });
try {
  const kvNamespaces = values['kv-ns'].split(',').filter(Boolean);
  const { source: counts } = await copyStoreToPostgres(source, values.url, { kvNamespaces });
  console.log('copied, counts verified on both sides:');
  for (const [k, n] of Object.entries(counts)) console.log(`  ${k.padEnd(14)} ${n}`);
} catch (err) {
  console.error(`copy failed: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await source.close();
}
