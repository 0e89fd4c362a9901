// Table snapshots: one lowdb JSON file per table ({ key: row }), the same files the store always had
// (customers.json, conversations.json, kv-<ns>.json…), read through lowdb and validated row by row.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { KV_PREFIX } from '../tables/kv.js';
import type { Tables } from '../tables/engine.js';
import { CorruptFileError, DurableJSONFile, writeFileDurable } from './durable-file.js';
import { kvFileName } from './format.js';
import { describeIssues, rowSchema } from './schemas.js';

/** Tables kept in snapshots besides the kv namespaces (orders and callbacks have their own files). */
export const SNAPSHOT_TABLES = [
  'customers',
  'conversations',
  'broadcasts',
  'broadcast-recipients',
  'alerts',
  'status-lookups',
  'dedupe',
  'leases',
  'outbox',
] as const;

export function snapshotFileFor(table: string): string {
  return table.startsWith(KV_PREFIX) ? kvFileName(table.slice(KV_PREFIX.length)) : `${table}.json`;
}

/** kv-<escaped>.json back to its namespace. */
export function namespaceOf(file: string): string | undefined {
  const m = /^kv-(.*)\.json$/.exec(file);
  if (!m) return undefined;
  const bytes: number[] = [];
  const s = m[1]!;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '~') {
      bytes.push(Number.parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(s.charCodeAt(i));
  }
  return Buffer.from(bytes).toString('utf8');
}

export async function writeSnapshot(file: string, text: string): Promise<void> {
  await writeFileDurable(file, text);
}

/** Loads every snapshot into `db`; returns each table's file size (the compaction threshold). */
export async function loadSnapshots(dir: string, db: Tables): Promise<Map<string, number>> {
  const tables: string[] = [...SNAPSHOT_TABLES];
  for (const name of await readdir(dir)) {
    const ns = namespaceOf(name);
    if (ns !== undefined) tables.push(`${KV_PREFIX}${ns}`);
  }
  const sizes = new Map<string, number>();
  for (const table of tables) {
    const file = join(dir, snapshotFileFor(table));
    const low = new Low<unknown>(new DurableJSONFile<unknown>(file), null);
    await low.read();
    if (low.data === null) {
      // Missing file (new table), unless it exists and holds `null`.
      const exists = await stat(file).then(
        () => true,
        () => false,
      );
      if (exists) throw new CorruptFileError(file, 'expected an object of rows, found null');
      continue;
    }
    const data = low.data;
    if (typeof data !== 'object' || Array.isArray(data)) {
      const found = Array.isArray(data) ? 'an array' : typeof data;
      throw new CorruptFileError(file, `expected an object of rows, found ${found}`);
    }
    const schema = rowSchema(table);
    for (const [k, v] of Object.entries(data as Record<string, unknown>)) {
      const r = schema.safeParse(v);
      if (!r.success) throw new CorruptFileError(file, `${k}: ${describeIssues(r.error)}`);
      db.apply(table, k, JSON.stringify(r.data), r.data);
    }
    sizes.set(table, (await stat(file)).size);
  }
  return sizes;
}
