// Seeds a lowdb data directory with N customers (and their conversations) through the store's snapshot
// format: `tsx bench/seed-store.ts <dir> <customers>`. Used by bench:chat and bench:rss.
import { mkdir } from 'node:fs/promises';
import { seedTables } from './store-tables.js';

export async function seedStore(dir: string, customers: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  await seedTables(dir, { customers, dedupe: customers });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [dir, n] = process.argv.slice(2);
  if (!dir) throw new Error('usage: tsx bench/seed-store.ts <dir> <customers>');
  await seedStore(dir, Number(n ?? 10_000));
}
