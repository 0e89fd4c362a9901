// The write-ahead log of the lowdb tables: one JSON line per write ({"ops":[{t,k,v}]}), appended and
// fdatasync'd before the write is acknowledged. Writes made in the same turn of the event loop, or while
// a sync is under way, share one (group commit). When the log outgrows the snapshots, the changed tables
// are written as lowdb JSON snapshots and the old log files are removed; replaying every remaining log
// over the snapshots is always correct because each op carries the whole row.
import { writeSync } from 'node:fs';
import { type FileHandle, open, readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../logger.js';
import type { Persister, Tables, Tx } from '../tables/engine.js';
import { CorruptFileError, fsyncDir } from './durable-file.js';
import { describeIssues, rowSchema } from './schemas.js';
import { snapshotFileFor, writeSnapshot } from './snapshot.js';
import { cutTornTail } from './torn.js';

const WAL_RE = /^wal-(\d+)\.jsonl$/;
export const walFileName = (gen: number): string => `wal-${String(gen).padStart(8, '0')}.jsonl`;

interface Waiting {
  tx: Tx | undefined;
  line: string;
  resolve(): void;
  reject(err: unknown): void;
}

export interface WalOptions {
  /** Compact once the log exceeds max(minCompactBytes, size of the snapshots). */
  minCompactBytes?: number;
  /** Snapshot sizes found on load, per table. */
  snapshotBytes: Map<string, number>;
  /** Tables whose snapshot is rewritten at the next compaction even if unchanged (read the slow way). */
  rewrite?: Iterable<string>;
}

function opLine(tx: Tx): string {
  const parts = tx.applied.map(
    (a) => `{"t":${JSON.stringify(a.t)},"k":${JSON.stringify(a.k)},"v":${a.next ?? 'null'}}`,
  );
  return `{"ops":[${parts.join(',')}]}\n`;
}

export class Wal implements Persister {
  private queue: Waiting[] = [];
  private flushing = false;
  private compacting: Promise<void> | undefined;
  private idleWaiters: (() => void)[] = [];
  private dirty = new Set<string>();
  /** The last write's failure, cleared by the next successful one (ping reports it). */
  lastError: unknown;

  private constructor(
    private readonly dir: string,
    private readonly db: Tables,
    private readonly logger: Logger,
    private fh: FileHandle,
    private gen: number,
    private size: number,
    private readonly opts: WalOptions,
  ) {}

  /** Replays every log file in order into `db`, then appends to the newest. */
  static async open(dir: string, db: Tables, logger: Logger, opts: WalOptions): Promise<Wal> {
    const gens = (await readdir(dir))
      .map((n) => WAL_RE.exec(n))
      .filter((m): m is RegExpExecArray => !!m)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
    const dirty = new Set<string>(opts.rewrite);
    let lastSize = 0;
    for (const gen of gens) lastSize = await replay(join(dir, walFileName(gen)), db, logger, dirty);
    const gen = gens.at(-1) ?? 1;
    const fh = await open(join(dir, walFileName(gen)), 'a');
    await fsyncDir(dir);
    const wal = new Wal(dir, db, logger, fh, gen, gens.length ? lastSize : 0, opts);
    wal.dirty = dirty;
    // Earlier generations were left by a compaction cut short: fold them into snapshots now.
    if (gens.length > 1) await wal.compact();
    // Snapshots read the slow way (no matching sum: older layout, edited) are rewritten soon, in the
    // background, so that the next start is fast even if this process never closes cleanly.
    else if (opts.rewrite && [...opts.rewrite].length) wal.compacting = wal.compact();
    return wal;
  }

  submit(tx: Tx): Promise<void> {
    return this.enqueue(tx, opLine(tx));
  }

  /** An empty write: tells whether the disk takes writes again after a failure. */
  probe(): Promise<void> {
    return this.enqueue(undefined, '{"ops":[]}\n');
  }

  private enqueue(tx: Tx | undefined, line: string): Promise<void> {
    if (tx) for (const a of tx.applied) this.dirty.add(a.t);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ tx, line, resolve, reject });
      if (!this.flushing) {
        // Flushed once this turn of the event loop is over, with every write made meanwhile.
        this.flushing = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length) {
        const batch = this.queue;
        this.queue = [];
        const buf = Buffer.from(batch.map((w) => w.line).join(''), 'utf8');
        const start = this.size;
        try {
          // The write only reaches the page cache (microseconds), so it is made in place: one trip to
          // the thread pool per batch (the sync) instead of two.
          let done = 0;
          while (done < buf.length) done += writeSync(this.fh.fd, buf, done, buf.length - done);
          await this.fh.datasync();
        } catch (err) {
          await this.fh.truncate(start).catch(() => undefined);
          this.fail([...batch, ...this.queue.splice(0)], err);
          continue;
        }
        this.size = start + buf.length;
        this.lastError = undefined;
        for (const w of batch) w.resolve();
        if (!this.compacting && this.size > this.compactAt()) this.compacting = this.compact();
      }
    } finally {
      this.flushing = false;
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  /** Every write not yet durable is undone, newest first, and rejected. */
  private fail(waiting: Waiting[], err: unknown): void {
    this.lastError = err;
    this.logger.error({ err, writes: waiting.length }, 'store: write-ahead log write failed');
    for (let i = waiting.length - 1; i >= 0; i--) waiting[i]!.tx?.undo();
    for (const w of waiting) w.reject(err);
  }

  private compactAt(): number {
    let snap = 0;
    for (const n of this.opts.snapshotBytes.values()) snap += n;
    return Math.max(this.opts.minCompactBytes ?? 16 << 20, snap);
  }

  private idle(): Promise<void> {
    if (!this.flushing && !this.queue.length) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Starts a new log file, captures the changed tables at a quiet point (every applied write durable),
   * writes them as snapshots, then removes the older log files.
   */
  async compact(): Promise<void> {
    let copies: [string, Map<string, string>][] = [];
    try {
      const nextGen = this.gen + 1;
      const nextFh = await open(join(this.dir, walFileName(nextGen)), 'a');
      await fsyncDir(this.dir);
      let release!: () => void;
      this.db.hold(new Promise<void>((r) => (release = r)));
      // Rows are immutable strings: a shallow copy of each changed table is the snapshot's content, so
      // writes are held back only for the copies, not while the text is built and written.
      try {
        await this.idle();
        copies = [...this.dirty].map((t) => [t, new Map(this.db.table(t))]);
        this.dirty = new Set();
        const oldFh = this.fh;
        this.fh = nextFh;
        this.gen = nextGen;
        this.size = 0;
        await oldFh.close().catch(() => undefined);
      } finally {
        release();
      }
      for (const [t, rows] of copies) {
        this.opts.snapshotBytes.set(t, await writeSnapshot(join(this.dir, snapshotFileFor(t)), rows));
      }
      for (const name of await readdir(this.dir)) {
        const m = WAL_RE.exec(name);
        if (m && Number(m[1]) < nextGen) await unlink(join(this.dir, name));
      }
      await fsyncDir(this.dir);
    } catch (err) {
      // The logs stay and the tables count as changed again: nothing is lost, the next compaction retries
      // (it must not remove these logs without having written these tables).
      for (const [t] of copies) this.dirty.add(t);
      this.logger.error({ err }, 'store: compaction failed');
    } finally {
      this.compacting = undefined;
    }
  }

  get bytes(): number {
    return this.size;
  }

  /** After a clean close the snapshots alone hold the whole state. */
  async close(): Promise<void> {
    await this.idle();
    await this.compacting;
    if (this.size > 0 || this.dirty.size) await this.compact();
    await this.fh.close();
  }
}

/**
 * Applies one log file; returns its valid length. An unterminated or unreadable last line is a crash
 * mid-append (never acknowledged): set aside and cut. An unreadable line before others is damage.
 */
async function replay(file: string, db: Tables, logger: Logger, dirty: Set<string>): Promise<number> {
  const buf = await readFile(file);
  let start = 0;
  let lineNo = 0;
  while (start < buf.length) {
    const nl = buf.indexOf(0x0a, start);
    const end = nl === -1 ? buf.length : nl;
    const isLast = nl === -1 || nl === buf.length - 1;
    lineNo++;
    let ops: { t: string; k: string; v: unknown }[] | undefined;
    try {
      const parsed = JSON.parse(buf.subarray(start, end).toString('utf8')) as { ops?: unknown };
      if (Array.isArray(parsed?.ops)) ops = parsed.ops as typeof ops;
    } catch {
      ops = undefined;
    }
    if (nl === -1 || (!ops && isLast)) {
      const fh = await open(file, 'r+');
      try {
        await cutTornTail(file, fh, fh, start, buf.length, logger);
      } finally {
        await fh.close();
      }
      return start;
    }
    if (!ops) throw new CorruptFileError(file, `line ${lineNo} is not a log entry`);
    for (const op of ops) {
      if (typeof op?.t !== 'string' || typeof op.k !== 'string') {
        throw new CorruptFileError(file, `line ${lineNo}: an op without table or key`);
      }
      dirty.add(op.t);
      if (op.v === null) {
        db.apply(op.t, op.k, undefined);
        continue;
      }
      const r = rowSchema(op.t).safeParse(op.v);
      if (!r.success) {
        throw new CorruptFileError(file, `line ${lineNo}, ${op.t} ${op.k}: ${describeIssues(r.error)}`);
      }
      db.apply(op.t, op.k, JSON.stringify(r.data), r.data);
    }
    start = end + 1;
  }
  return buf.length;
}
