// Table snapshots: one lowdb JSON file per table ({ key: row }, one row per line), the same files the store
// always had (customers.json, conversations.json, kv-<ns>.json…). A snapshot whose sum file (size + CRC-32)
// matches is exactly what the store wrote and loads without re-validating; any other file (older layout,
// edited, damaged) is read through lowdb and validated row by row, stopping the start on the first problem.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { KV_PREFIX } from '../tables/kv.js';
import type { Tables } from '../tables/engine.js';
import { crc32 } from './checksum.js';
import { CorruptFileError, DurableJSONFile, writeDurable, writeFileDurable } from './durable-file.js';
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

/** `<snapshot>.sum`: size and CRC-32 of the snapshot as the store wrote it. */
export const sumFileFor = (file: string): string => `${file}.sum`;

interface SnapshotSum {
  format: 1;
  bytes: number;
  crc32: number;
}

/** Characters per chunk written: a big table's snapshot never exists whole in memory. */
const CHUNK_CHARS = 256 * 1024;

/**
 * The snapshot of `rows`, one row per line (still one JSON object, as lowdb reads it, so loading needs no
 * re-serialising), written in chunks, then its sum; returns its size. A crash between leaves a sum that
 * does not match: the rows get validated.
 */
export async function writeSnapshot(file: string, rows: Map<string, string>): Promise<number> {
  let bytes = 0;
  let sum = 0;
  await writeDurable(file, async (fh) => {
    const write = async (text: string) => {
      const buf = Buffer.from(text, 'utf8');
      await fh.write(buf, 0, buf.length);
      bytes += buf.length;
      if (crc32) sum = crc32(buf, sum);
    };
    if (rows.size === 0) return write('{}\n');
    let chunk = '{\n';
    let first = true;
    for (const [k, v] of rows) {
      chunk += `${first ? '' : ',\n'}${JSON.stringify(k)}:${v}`;
      first = false;
      if (chunk.length >= CHUNK_CHARS) {
        await write(chunk);
        chunk = '';
      }
    }
    await write(`${chunk}\n}\n`);
  });
  if (crc32) {
    const s: SnapshotSum = { format: 1, bytes, crc32: sum };
    await writeFileDurable(sumFileFor(file), JSON.stringify(s));
  }
  return bytes;
}

async function readSum(file: string): Promise<SnapshotSum | undefined> {
  try {
    const v = JSON.parse(await readFile(sumFileFor(file), 'utf8')) as Partial<SnapshotSum> | null;
    return v?.format === 1 && typeof v.bytes === 'number' && typeof v.crc32 === 'number'
      ? (v as SnapshotSum)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Loads a snapshot the store wrote itself (its sum matches): each line is `"key":row`, taken as text without
 * parsing or validating. false if the text is not in that shape (then the slow path reads the whole file
 * again, replacing whatever was loaded here).
 */
function loadTrusted(text: string, put: (k: string, row: string) => void): boolean {
  if (text === '{}\n') return true;
  if (!text.startsWith('{\n') || !text.endsWith('\n}\n')) return false;
  const last = text.length - 3;
  let pos = 2;
  while (pos <= last) {
    let end = text.indexOf('\n', pos);
    if (end === -1 || end > last) end = last;
    if (text.charCodeAt(pos) !== 0x22) return false;
    // End of the key: the first quote not escaped.
    let i = pos + 1;
    let escaped = false;
    for (; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x5c) {
        escaped = true;
        i++;
      } else if (c === 0x22) break;
    }
    if (i >= end || text.charCodeAt(i + 1) !== 0x3a) return false;
    const key = escaped ? (JSON.parse(text.slice(pos, i + 1)) as string) : text.slice(pos + 1, i);
    const rowEnd = end < last ? end - 1 : end; // every line but the last ends with a comma
    if ((end < last && text.charCodeAt(rowEnd) !== 0x2c) || rowEnd <= i + 2) return false;
    put(key, text.slice(i + 2, rowEnd));
    pos = end + 1;
  }
  return true;
}

export interface LoadedSnapshots {
  /** Each table's file size (the compaction threshold). */
  sizes: Map<string, number>;
  /** Tables read the slow way (no matching sum): rewritten at the next compaction so the next open is fast. */
  validated: Set<string>;
}

/** Loads every snapshot into `db`. A file the store wrote loads as is; any other file is validated row by row. */
export async function loadSnapshots(dir: string, db: Tables): Promise<LoadedSnapshots> {
  const tables: string[] = [...SNAPSHOT_TABLES];
  for (const name of await readdir(dir)) {
    const ns = namespaceOf(name);
    if (ns !== undefined) tables.push(`${KV_PREFIX}${ns}`);
  }
  const sizes = new Map<string, number>();
  const validated = new Set<string>();
  for (const table of tables) {
    const file = join(dir, snapshotFileFor(table));
    let buf: Buffer;
    try {
      buf = await readFile(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // a table not written yet
      throw err;
    }
    sizes.set(table, buf.length);
    const sum = crc32 ? await readSum(file) : undefined;
    const trusted = !!sum && !!crc32 && sum.bytes === buf.length && sum.crc32 === crc32(buf);
    if (trusted && loadTrusted(buf.toString('utf8'), db.loader(table))) continue;
    await loadValidated(file, table, db);
    validated.add(table);
  }
  return { sizes, validated };
}

/** Through lowdb, every row checked against its table's schema. */
async function loadValidated(file: string, table: string, db: Tables): Promise<void> {
  const low = new Low<unknown>(new DurableJSONFile<unknown>(file), null);
  await low.read();
  const data = low.data;
  if (data === null) throw new CorruptFileError(file, 'expected an object of rows, found null');
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
}
