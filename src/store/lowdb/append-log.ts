// Append-only JSON Lines file: one value per line, each append fsync'd before it resolves, so write cost
// stays flat however long the history grows. A torn last line (crash mid-append) is copied aside and cut
// on open, so the next append starts clean; an unreadable line before others stops the start.
// The log keeps the CRC-32 of its valid bytes: a caller that saved an index of the first N bytes (with
// their CRC) resumes from it, and only the lines after N are parsed again.
import { type FileHandle, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '../../logger.js';
import { crc32 } from './checksum.js';
import { CorruptFileError, fsyncDir } from './durable-file.js';
import { SerialQueue } from './queue.js';
import { cutTornTail } from './torn.js';

export interface LineRef {
  offset: number;
  length: number;
}

const CHUNK = 1 << 20;
const NL = 0x0a;

/** Where the log stands: its valid length and the CRC-32 of those bytes (0 without zlib.crc32). */
export interface LogPosition {
  bytes: number;
  crc: number;
}

/** A prefix the caller has indexed already. `accept` runs once it is verified, before the rest replays. */
export interface Resume extends LogPosition {
  accept(): void;
}

export class AppendLog {
  private readonly queue = new SerialQueue();

  private constructor(
    readonly file: string,
    private readonly appendFh: FileHandle,
    private readonly readFh: FileHandle,
    private size: number,
    private crc: number,
    /** Whether the open resumed from the caller's index (false: every line was replayed). */
    readonly resumed: boolean,
  ) {}

  /**
   * Opens (creating if needed) and replays every whole line through `onLine`, in file order; with a
   * `resume` whose bytes still match, only the lines after it.
   */
  static async open(
    file: string,
    logger: Logger,
    onLine: (value: unknown, ref: LineRef) => void,
    resume?: Resume,
  ): Promise<AppendLog> {
    const appendFh = await open(file, 'a');
    await fsyncDir(dirname(file));
    const readFh = await open(file, 'r');
    try {
      let from: LogPosition = { bytes: 0, crc: 0 };
      const resumed = !!resume && (await prefixMatches(readFh, resume));
      if (resume && resumed) {
        resume.accept();
        from = { bytes: resume.bytes, crc: resume.crc };
      }
      const good = await scan(readFh, file, onLine, from);
      const { size } = await readFh.stat();
      if (good.bytes < size) await cutTornTail(file, readFh, appendFh, good.bytes, size, logger);
      return new AppendLog(file, appendFh, readFh, good.bytes, good.crc, resumed);
    } catch (err) {
      await appendFh.close();
      await readFh.close();
      throw err;
    }
  }

  /** Durable once resolved. Serialized, so offsets never interleave. */
  append(value: unknown): Promise<LineRef> {
    const buf = Buffer.from(`${JSON.stringify(value)}\n`, 'utf8');
    return this.queue.run(async () => {
      const offset = this.size;
      try {
        let done = 0;
        while (done < buf.length) {
          const { bytesWritten } = await this.appendFh.write(buf, done, buf.length - done);
          done += bytesWritten;
        }
        await this.appendFh.datasync();
      } catch (err) {
        // Never leave a partial line for the next append to glue onto.
        await this.appendFh.truncate(offset).catch(() => undefined);
        throw err;
      }
      this.size = offset + buf.length;
      if (crc32) this.crc = crc32(buf, this.crc);
      return { offset, length: buf.length };
    });
  }

  async read(ref: LineRef): Promise<unknown> {
    const buf = Buffer.alloc(ref.length);
    let done = 0;
    while (done < ref.length) {
      const { bytesRead } = await this.readFh.read(buf, done, ref.length - done, ref.offset + done);
      if (bytesRead === 0) throw new Error(`append log ${this.file}: short read at ${ref.offset}`);
      done += bytesRead;
    }
    return JSON.parse(buf.toString('utf8'));
  }

  get bytes(): number {
    return this.size;
  }

  /** Consistent only while no append is in flight (the caller's own queue). */
  get position(): LogPosition {
    return { bytes: this.size, crc: this.crc };
  }

  async close(): Promise<void> {
    await this.queue.drain();
    await this.appendFh.close();
    await this.readFh.close();
  }
}

/** Whether the file still starts with the bytes `at` describes. */
async function prefixMatches(fh: FileHandle, at: LogPosition): Promise<boolean> {
  if (!crc32) return false;
  const { size } = await fh.stat();
  if (at.bytes > size) return false;
  const chunk = Buffer.alloc(CHUNK);
  let crc = 0;
  for (let pos = 0; pos < at.bytes; ) {
    const { bytesRead } = await fh.read(chunk, 0, Math.min(CHUNK, at.bytes - pos), pos);
    if (bytesRead === 0) return false;
    crc = crc32(chunk.subarray(0, bytesRead), crc);
    pos += bytesRead;
  }
  return crc === at.crc;
}

/** Returns the valid prefix (up to and including the last parsable whole line), from `from` on. */
async function scan(
  fh: FileHandle,
  file: string,
  onLine: (value: unknown, ref: LineRef) => void,
  from: LogPosition,
): Promise<LogPosition> {
  let pos = from.bytes; // file position of buf[0]
  let pending = Buffer.alloc(0);
  let good = from.bytes;
  let crc = from.crc;
  let bad: LineRef | undefined;
  const chunk = Buffer.alloc(CHUNK);
  for (;;) {
    const { bytesRead } = await fh.read(chunk, 0, CHUNK, pos + pending.length);
    if (bytesRead === 0) break;
    const buf = pending.length
      ? Buffer.concat([pending, chunk.subarray(0, bytesRead)])
      : chunk.subarray(0, bytesRead);
    let start = 0;
    for (let nl = buf.indexOf(NL, start); nl !== -1; nl = buf.indexOf(NL, start)) {
      const line = buf.subarray(start, nl);
      const ref = { offset: pos + start, length: nl + 1 - start };
      let value: unknown;
      try {
        value = JSON.parse(line.toString('utf8'));
      } catch {
        // Unreadable and the last line: a torn append (set aside by the caller). Before others: damage.
        if (bad === undefined) bad = ref;
        start = nl + 1;
        continue;
      }
      if (bad !== undefined) {
        throw new CorruptFileError(file, `unreadable line at byte ${bad.offset}, followed by more entries`);
      }
      onLine(value, ref);
      if (crc32) crc = crc32(buf.subarray(start, nl + 1), crc);
      good = ref.offset + ref.length;
      start = nl + 1;
    }
    // Keep the unterminated remainder (copied: `chunk` is reused).
    pending = Buffer.from(buf.subarray(start));
    pos += start;
  }
  return { bytes: good, crc };
}
