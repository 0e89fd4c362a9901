// An index of an append log's first N bytes, saved beside it so opening does not parse every line again:
// line 1 = {"format":1,"bytes":N,"crc":<CRC-32 of those N bytes>,"body":<CRC-32 of line 2>}, line 2 = the
// caller's entries as JSON. It is derived data: missing, damaged or out of step with the log, it is ignored
// (the log is replayed in full, and the log itself is still checked line by line).
import { readFile } from 'node:fs/promises';
import type { LogPosition } from './append-log.js';
import { crc32 } from './checksum.js';
import { writeFileDurable } from './durable-file.js';

export interface Checkpoint extends LogPosition {
  entries: unknown;
}

/** The checkpoint, or why it cannot be used (for the log). */
export async function readCheckpoint(file: string): Promise<Checkpoint | string> {
  if (!crc32) return 'no zlib.crc32 in this Node version';
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'none yet' : String(err);
  }
  const nl = buf.indexOf(0x0a);
  try {
    if (nl === -1) throw new Error('no header line');
    const head = JSON.parse(buf.subarray(0, nl).toString('utf8')) as Record<string, unknown> | null;
    const body = buf.subarray(nl + 1);
    if (
      head?.format !== 1 ||
      typeof head.bytes !== 'number' ||
      typeof head.crc !== 'number' ||
      head.body !== crc32(body)
    ) {
      throw new Error('header does not match its content');
    }
    return { bytes: head.bytes, crc: head.crc, entries: JSON.parse(body.toString('utf8')) };
  } catch (err) {
    return `unreadable (${(err as Error).message})`;
  }
}

/** `entriesJson` is the entries already serialised (taken at the same moment as `at`). */
export async function writeCheckpoint(file: string, at: LogPosition, entriesJson: string): Promise<void> {
  if (!crc32) return;
  const body = Buffer.from(entriesJson, 'utf8');
  const head = JSON.stringify({ format: 1, bytes: at.bytes, crc: at.crc, body: crc32(body) });
  await writeFileDurable(file, Buffer.concat([Buffer.from(`${head}\n`, 'utf8'), body]));
}
