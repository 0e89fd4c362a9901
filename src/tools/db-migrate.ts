// `npm run db:migrate`: applies the PostgreSQL store's pending migrations and exits (DATABASE_URL).
import 'dotenv/config';
import { makePool } from '../store/postgres/db.js';
import { migrate } from '../store/postgres/migrate.js';

const url = process.env.DATABASE_URL?.trim();
if (!url) {
  console.error('DATABASE_URL is not set (postgres://user:password@host:5432/xaalis)');
  process.exit(1);
}
const pool = makePool(url, 1, 0);
try {
  const applied = await migrate(pool);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
} catch (err) {
  console.error(`migration failed: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await pool.end();
}
