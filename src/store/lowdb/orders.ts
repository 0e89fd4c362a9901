// Orders on disk: open orders in a small lowdb file (rewritten on each write, but it only holds work in
// progress), finished orders appended to a JSON Lines archive and indexed in memory. A write therefore
// costs the same with 1 000 or 100 000 orders in the history.
//
// Archival is crash safe: the order is appended (fsync'd) to the archive first, then removed from the open
// file. A crash in between leaves it in both; the higher version wins on open (the archive on a tie).
//
// The in-memory index of the archive (summary, external ids, line position per order) is saved now and
// then as a checkpoint (orders-archive.idx) with the archive length and CRC it covers: opening then reads
// the index and parses only the archive lines written after it, instead of 100 000 orders.
import { join } from 'node:path';
import type { Logger } from '../../logger.js';
import type { Order } from '../../orders/types.js';
import {
  copy,
  DuplicateOrderError,
  externalIds,
  isTerminal,
  matchesQuery,
  newestFirst,
  type OrderSummary,
  pageOrders,
  summarize,
} from '../query.js';
import type { OrderQuery, OrderRepo, Page } from '../types.js';
import { ORDER_STATES, type OrderState } from '../../orders/types.js';
import { AppendLog, type LineRef, type Resume } from './append-log.js';
import { crc32 } from './checksum.js';
import { readCheckpoint, writeCheckpoint } from './checkpoint.js';
import { type ArchiveLine, FILES } from './format.js';
import { CorruptFileError } from './durable-file.js';
import { MapFile } from './map-file.js';
import { describeIssues, orderSchema } from './schemas.js';

interface ArchivedEntry {
  ref: LineRef;
  version: number;
  summary: OrderSummary;
  ext: string[];
}

type Located = { where: 'hot'; order: Order } | { where: 'archive'; entry: ArchivedEntry };

/** A new checkpoint once this many archive bytes were written since the last one. */
const CHECKPOINT_EVERY_BYTES = 16 << 20;

/** Checkpoint row: [id, version, offset, length, customerId, state, createdAt, recipient, account, payer, ext]. */
type EntryRow = [
  string,
  number,
  number,
  number,
  string,
  string,
  number,
  string | null,
  string | null,
  string | null,
  string[],
];

function entryRow(id: string, e: ArchivedEntry): EntryRow {
  const s = e.summary;
  return [
    id,
    e.version,
    e.ref.offset,
    e.ref.length,
    s.customerId,
    s.state,
    s.createdAt,
    s.recipient ?? null,
    s.account ?? null,
    s.payment?.payer ?? null,
    e.ext,
  ];
}

const str = (v: unknown): v is string => typeof v === 'string';
const strOrNull = (v: unknown): v is string | null => v === null || typeof v === 'string';
const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The checkpoint's entries, or undefined if any row is not what entryRow writes. */
function parseEntries(rows: unknown, archiveBytes: number): [string, ArchivedEntry][] | undefined {
  if (!Array.isArray(rows)) return undefined;
  const out: [string, ArchivedEntry][] = [];
  for (const r of rows as unknown[]) {
    if (!Array.isArray(r) || r.length !== 11) return undefined;
    const [id, version, offset, length, customerId, state, createdAt, recipient, account, payer, ext] = r;
    if (!str(id) || !num(version) || !num(offset) || !num(length) || !str(customerId) || !num(createdAt))
      return undefined;
    if (!ORDER_STATES.includes(state as OrderState) || !strOrNull(recipient) || !strOrNull(account))
      return undefined;
    if (!strOrNull(payer) || !Array.isArray(ext) || !ext.every(str)) return undefined;
    if (offset < 0 || length <= 0 || offset + length > archiveBytes) return undefined;
    const summary: OrderSummary = { id, customerId, state: state as OrderState, createdAt };
    if (recipient !== null) summary.recipient = recipient;
    if (account !== null) summary.account = account;
    if (payer !== null) summary.payment = { payer };
    out.push([id, { ref: { offset, length }, version, summary, ext }]);
  }
  return out;
}

export class LowdbOrderRepo implements OrderRepo {
  /** Archive bytes covered by the last checkpoint written (or read). */
  private checkpointAt = 0;
  private checkpointing: Promise<void> | undefined;

  private constructor(
    private readonly hot: MapFile<Order>,
    private readonly archive: AppendLog,
    private readonly archived: Map<string, ArchivedEntry>,
    private readonly byExt: Map<string, string>,
    /** customerId -> order ids: a customer's history without scanning the whole archive. */
    private readonly byCustomer: Map<string, Set<string>>,
    private readonly guard: () => void,
    private readonly checkpointFile: string,
    private readonly logger: Logger,
  ) {}

  static async open(dir: string, logger: Logger, guard: () => void): Promise<LowdbOrderRepo> {
    const hot = await MapFile.open<Order>(join(dir, FILES.openOrders), orderSchema);
    const archived = new Map<string, ArchivedEntry>();
    const archiveFile = join(dir, FILES.archive);
    const checkpointFile = join(dir, FILES.archiveIndex);
    const cp = await readCheckpoint(checkpointFile);
    let resume: Resume | undefined;
    if (typeof cp !== 'string') {
      const entries = parseEntries(cp.entries, cp.bytes);
      if (entries) {
        resume = {
          bytes: cp.bytes,
          crc: cp.crc,
          accept: () => {
            for (const [id, e] of entries) archived.set(id, e);
          },
        };
      } else logger.warn({ file: FILES.archiveIndex }, 'store: archive index checkpoint malformed, not used');
    } else if (cp !== 'none yet' && crc32) {
      logger.warn({ file: FILES.archiveIndex, reason: cp }, 'store: archive index checkpoint not used');
    }
    const archive = await AppendLog.open(
      archiveFile,
      logger,
      (v, ref) => {
        const r = orderSchema.safeParse((v as Partial<ArchiveLine>)?.order);
        if (!r.success) {
          throw new CorruptFileError(
            archiveFile,
            `line at byte ${ref.offset}: ${describeIssues(r.error, 'order')}`,
          );
        }
        const o = r.data as unknown as Order;
        const prev = archived.get(o.id);
        if (!prev || o.version >= prev.version) {
          archived.set(o.id, { ref, version: o.version, summary: summarize(o), ext: externalIds(o) });
        }
      },
      resume,
    );
    if (resume && !archive.resumed) {
      logger.warn(
        { file: FILES.archiveIndex },
        'store: the archive changed since its index checkpoint; every line was read again',
      );
    }
    const repo = new LowdbOrderRepo(
      hot,
      archive,
      archived,
      new Map(),
      new Map(),
      guard,
      checkpointFile,
      logger,
    );
    try {
      await repo.recover(logger);
    } catch (err) {
      await archive.close();
      throw err;
    }
    if (archive.resumed) repo.checkpointAt = resume!.bytes;
    repo.maybeCheckpoint();
    return repo;
  }

  /** Saves the archive index in the background once enough was appended since the last checkpoint. */
  private maybeCheckpoint(): void {
    const behind = this.archive.bytes - this.checkpointAt;
    if (this.checkpointing || !crc32 || behind === 0) return;
    // Right after a full read, or when the lines to re-read on open would cost more than writing it.
    if (this.checkpointAt !== 0 && behind < CHECKPOINT_EVERY_BYTES) return;
    this.checkpointing = this.checkpoint()
      .catch((err: unknown) => this.logger.warn({ err }, 'store: archive index checkpoint not written'))
      .finally(() => {
        this.checkpointing = undefined;
      });
  }

  /** Captures the index and the archive position together (inside the queue), then writes them. */
  private async checkpoint(): Promise<void> {
    const { at, json } = await this.hot.queue.run(async () => {
      const rows: string[] = [];
      for (const [id, e] of this.archived) rows.push(JSON.stringify(entryRow(id, e)));
      return { at: this.archive.position, json: `[${rows.join(',')}]` };
    });
    await writeCheckpoint(this.checkpointFile, at, json);
    this.checkpointAt = at.bytes;
  }

  /** Settles orders left in both places by a crash, and archives any finished order found in the open file. */
  private async recover(logger: Logger): Promise<void> {
    const stale: string[] = [];
    const toArchive: Order[] = [];
    for (const [id, o] of this.hot.entries()) {
      const a = this.archived.get(id);
      if (a && a.version >= o.version) stale.push(id);
      else if (isTerminal(o.state)) toArchive.push(o);
      // An older archived copy stays indexed (the index mirrors the archive for checkpoints);
      // locate() lets the open file's higher version win.
    }
    for (const o of toArchive) {
      const ref = await this.archive.append({ order: o } satisfies ArchiveLine);
      this.archived.set(o.id, { ref, version: o.version, summary: summarize(o), ext: externalIds(o) });
      stale.push(o.id);
    }
    if (stale.length) {
      logger.warn(
        { orders: stale.length },
        'store: finished orders left in the open file after a crash, archived',
      );
      await this.hot.mutate((draft) => {
        for (const id of stale) delete draft[id];
        return { result: undefined, write: true };
      });
    }
    for (const [id, a] of this.archived) this.indexIds(id, a.summary.customerId, a.ext);
    for (const o of this.hot.values()) this.index(o);
  }

  private locate(id: string): Located | undefined {
    const h = this.hot.get(id);
    const a = this.archived.get(id);
    // After a failed write between the two steps both may exist: the higher version is the truth.
    if (h && (!a || h.version > a.version)) return { where: 'hot', order: h };
    if (a) return { where: 'archive', entry: a };
    return undefined;
  }

  private async materialize(loc: Located): Promise<Order> {
    if (loc.where === 'hot') return copy(loc.order);
    const line = (await this.archive.read(loc.entry.ref)) as ArchiveLine;
    return line.order;
  }

  private index(o: Order): void {
    this.indexIds(o.id, o.customerId, externalIds(o));
  }

  private indexIds(id: string, customerId: string, ext: string[]): void {
    for (const e of ext) this.byExt.set(e, id);
    let ids = this.byCustomer.get(customerId);
    if (!ids) {
      ids = new Set();
      this.byCustomer.set(customerId, ids);
    }
    ids.add(id);
  }

  private summaryOf(loc: Located): OrderSummary {
    return loc.where === 'hot' ? loc.order : loc.entry.summary;
  }

  /** Stores `o` (already a private copy with its final version) where its state says. Inside the queue. */
  private async put(o: Order, draft: Record<string, Order>): Promise<boolean> {
    if (isTerminal(o.state)) {
      const ref = await this.archive.append({ order: o } satisfies ArchiveLine);
      this.archived.set(o.id, { ref, version: o.version, summary: summarize(o), ext: externalIds(o) });
      this.index(o);
      this.maybeCheckpoint();
      if (!Object.hasOwn(draft, o.id)) return false;
      delete draft[o.id];
      return true;
    }
    // A stale archive entry may stay in memory: locate() lets the higher version win.
    draft[o.id] = o;
    this.index(o);
    return true;
  }

  async create(order: Order): Promise<Order> {
    this.guard();
    const stored: Order = { ...copy(order), version: 1 };
    await this.hot.mutate(async (draft) => {
      if (this.locate(stored.id)) throw new DuplicateOrderError(stored.id);
      return { result: undefined, write: await this.put(stored, draft) };
    });
    return copy(stored);
  }

  async update(next: Order, expectedVersion: number): Promise<Order | null> {
    this.guard();
    const stored: Order = { ...copy(next), version: expectedVersion + 1 };
    const ok = await this.hot.mutate(async (draft) => {
      const cur = this.locate(stored.id);
      const version = cur?.where === 'hot' ? cur.order.version : cur?.entry.version;
      if (version !== expectedVersion) return { result: false, write: false };
      return { result: true, write: await this.put(stored, draft) };
    });
    return ok ? copy(stored) : null;
  }

  async get(id: string): Promise<Order | undefined> {
    this.guard();
    const loc = this.locate(id);
    return loc ? this.materialize(loc) : undefined;
  }

  async findByExternalId(ext: string): Promise<Order | undefined> {
    this.guard();
    const id = ext ? this.byExt.get(ext) : undefined;
    const o = id ? await this.get(id) : undefined;
    // The index can be stale if an update dropped an operation: confirm on the order itself.
    return o && externalIds(o).includes(ext) ? o : undefined;
  }

  async listOpen(limit?: number): Promise<Order[]> {
    this.guard();
    const open = this.hot
      .values()
      .filter((o) => !isTerminal(o.state) && this.locate(o.id)?.where === 'hot')
      .sort((a, b) => -newestFirst(a, b));
    return (limit !== undefined ? open.slice(0, Math.max(0, limit)) : open).map(copy);
  }

  async list(q: OrderQuery): Promise<Order[]> {
    this.guard();
    const hits = this.hits(q);
    const page = q.limit !== undefined ? hits.slice(0, Math.max(0, q.limit)) : hits;
    return Promise.all(page.map((h) => this.materialize(h.loc)));
  }

  async page(q: Omit<OrderQuery, 'limit'> & { limit: number; cursor?: string | null }): Promise<Page<Order>> {
    this.guard();
    const hits = this.hits(q).map((h) => ({ ...h.s, loc: h.loc }));
    const { items, next } = pageOrders(hits, q.limit, q.cursor);
    return { items: await Promise.all(items.map((h) => this.materialize(h.loc))), next };
  }

  /** Matching orders' summaries, newest first. */
  private hits(q: OrderQuery): { s: OrderSummary; loc: Located }[] {
    const hits: { s: OrderSummary; loc: Located }[] = [];
    const consider = (id: string): void => {
      const loc = this.locate(id);
      if (!loc) return;
      const s = this.summaryOf(loc);
      if (matchesQuery(s, q)) hits.push({ s, loc });
    };
    if (q.customerId !== undefined) {
      // Index entries can be stale (an order moved to another customer); matchesQuery re-checks.
      for (const id of this.byCustomer.get(q.customerId) ?? []) consider(id);
    } else {
      for (const id of this.hot.keys()) consider(id);
      for (const id of this.archived.keys()) if (!this.hot.has(id)) consider(id);
    }
    hits.sort((a, b) => newestFirst(a.s, b.s));
    return hits;
  }

  get counts(): { open: number; archived: number } {
    return { open: this.hot.size, archived: this.archived.size };
  }

  async close(): Promise<void> {
    await this.hot.queue.drain();
    await this.checkpointing;
    if (crc32 && this.archive.bytes !== this.checkpointAt) {
      await this.checkpoint().catch((err: unknown) =>
        this.logger.warn({ err }, 'store: archive index checkpoint not written'),
      );
    }
    await this.archive.close();
  }
}
