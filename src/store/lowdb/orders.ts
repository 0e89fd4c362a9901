// Orders on disk: open orders in a small lowdb file (rewritten on each write, but it only holds work in
// progress), finished orders appended to a JSON Lines archive and indexed in memory. A write therefore
// costs the same with 1 000 or 100 000 orders in the history.
//
// Archival is crash safe: the order is appended (fsync'd) to the archive first, then removed from the open
// file. A crash in between leaves it in both; the higher version wins on open (the archive on a tie).
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
import { AppendLog, type LineRef } from './append-log.js';
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

export class LowdbOrderRepo implements OrderRepo {
  private constructor(
    private readonly hot: MapFile<Order>,
    private readonly archive: AppendLog,
    private readonly archived: Map<string, ArchivedEntry>,
    private readonly byExt: Map<string, string>,
    /** customerId -> order ids: a customer's history without scanning the whole archive. */
    private readonly byCustomer: Map<string, Set<string>>,
    private readonly guard: () => void,
  ) {}

  static async open(dir: string, logger: Logger, guard: () => void): Promise<LowdbOrderRepo> {
    const hot = await MapFile.open<Order>(join(dir, FILES.openOrders), orderSchema);
    const archived = new Map<string, ArchivedEntry>();
    const archiveFile = join(dir, FILES.archive);
    const archive = await AppendLog.open(archiveFile, logger, (v, ref) => {
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
    });
    const repo = new LowdbOrderRepo(hot, archive, archived, new Map(), new Map(), guard);
    try {
      await repo.recover(logger);
    } catch (err) {
      await archive.close();
      throw err;
    }
    return repo;
  }

  /** Settles orders left in both places by a crash, and archives any finished order found in the open file. */
  private async recover(logger: Logger): Promise<void> {
    const stale: string[] = [];
    const toArchive: Order[] = [];
    for (const [id, o] of this.hot.entries()) {
      const a = this.archived.get(id);
      if (a && a.version >= o.version) stale.push(id);
      else if (isTerminal(o.state)) toArchive.push(o);
      else if (a) this.archived.delete(id);
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
    await this.archive.close();
  }
}
