// Append-only JSON Lines file: one value per line, each append fsync'd before it resolves, so write cost
// stays flat however long the history grows. A torn last line (crash mid-append) is copied aside and cut
// on open, so the next append starts clean; an unreadable line before others stops the start.
import { type FileHandle, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '../../logger.js';
import { CorruptFileError, fsyncDir } from './durable-file.js';
import { SerialQueue } from './queue.js';
import { cutTornTail } from './torn.js';

export interface LineRef {
  offset: number;
  length: number;
}

const CHUNK = 1 << 20;
const NL = 0x0a;

export class AppendLog {
  private readonly queue = new SerialQueue();

  private constructor(
    readonly file: string,
    private readonly appendFh: FileHandle,
    private readonly readFh: FileHandle,
    private size: number,
  ) {}

  /** Opens (creating if needed) and replays every whole line through `onLine`, in file order. */
  static async open(
    file: string,
    logger: Logger,
    onLine: (value: unknown, ref: LineRef) => void,
  ): Promise<AppendLog> {
    const appendFh = await open(file, 'a');
    await fsyncDir(dirname(file));
    const readFh = await open(file, 'r');
    try {
      const good = await scan(readFh, file, onLine);
      const { size } = await readFh.stat();
      if (good < size) await cutTornTail(file, readFh, appendFh, good, size, logger);
      return new AppendLog(file, appendFh, readFh, good);
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

  async close(): Promise<void> {
    await this.queue.drain();
    await this.appendFh.close();
    await this.readFh.close();
  }
}

/** Returns the byte length of the valid prefix (up to and including the last parsable whole line). */
async function scan(
  fh: FileHandle,
  file: string,
  onLine: (value: unknown, ref: LineRef) => void,
): Promise<number> {
  let pos = 0; // file position of buf[0]
  let pending = Buffer.alloc(0);
  let good = 0;
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
      good = ref.offset + ref.length;
      start = nl + 1;
    }
    // Keep the unterminated remainder (copied: `chunk` is reused).
    pending = Buffer.from(buf.subarray(start));
    pos += start;
  }
  return good;
}
