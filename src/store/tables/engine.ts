// The store's in-memory tables: rows held as JSON text (a copy in and out for free, compact in memory).
// A write runs its whole read-check-write synchronously inside `write()` (linearizable in this process),
// is applied at once, then handed to the persister (nothing for memory, the write-ahead log for lowdb);
// the caller's promise resolves only once it is durable. A failed persist undoes every write not yet
// durable, newest first, so memory never holds what the disk refused.
import { StoreClosedError } from '../query.js';

/** One row change: v = the row's JSON text, null = deleted. */
export interface Op {
  t: string;
  k: string;
  v: string | null;
}

/** Index maintenance: called on every change (writes, undo, load), with the parsed row when at hand. */
export type Hook = (
  key: string,
  next: string | undefined,
  prev: string | undefined,
  parsed?: unknown,
) => void;

export interface Persister {
  /** Resolves once `ops` are durable; on failure the engine undoes them (and everything after). */
  submit(tx: Tx): Promise<void>;
}

export const noPersist: Persister = {
  submit: () => Promise.resolve(),
};

interface Applied {
  t: string;
  k: string;
  prev: string | undefined;
  next: string | undefined;
}

export class Tx {
  readonly applied: Applied[] = [];
  constructor(private readonly tables: Tables) {}

  get(t: string, k: string): string | undefined {
    return this.tables.get(t, k);
  }

  /** Stores a copy of `value` (JSON semantics). Throws before changing anything if JSON refuses it. */
  put(t: string, k: string, value: unknown): void {
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError(`cannot store ${typeof value} in ${t}`);
    this.putText(t, k, text, value);
  }

  putText(t: string, k: string, text: string, parsed?: unknown): void {
    const prev = this.tables.get(t, k);
    this.applied.push({ t, k, prev, next: text });
    this.tables.apply(t, k, text, parsed);
  }

  del(t: string, k: string): boolean {
    const prev = this.tables.get(t, k);
    if (prev === undefined) return false;
    this.applied.push({ t, k, prev, next: undefined });
    this.tables.apply(t, k, undefined);
    return true;
  }

  get ops(): Op[] {
    return this.applied.map((a) => ({ t: a.t, k: a.k, v: a.next ?? null }));
  }

  undo(): void {
    for (let i = this.applied.length - 1; i >= 0; i--) {
      const a = this.applied[i]!;
      this.tables.apply(a.t, a.k, a.prev);
    }
    this.applied.length = 0;
  }
}

export class Tables {
  private readonly data = new Map<string, Map<string, string>>();
  private readonly hooks = new Map<string, Hook[]>();
  private gate: Promise<void> | undefined;
  closed = false;
  persister: Persister = noPersist;

  guard(): void {
    if (this.closed) throw new StoreClosedError();
  }

  table(t: string): Map<string, string> {
    let m = this.data.get(t);
    if (!m) {
      m = new Map();
      this.data.set(t, m);
    }
    return m;
  }

  /** Names of the tables holding rows (for snapshots). */
  names(): string[] {
    return [...this.data.keys()];
  }

  get(t: string, k: string): string | undefined {
    return this.data.get(t)?.get(k);
  }

  /** Parsed copy of a row. */
  read<T>(t: string, k: string): T | undefined {
    const text = this.get(t, k);
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }

  onChange(t: string, hook: Hook): void {
    const list = this.hooks.get(t) ?? [];
    list.push(hook);
    this.hooks.set(t, list);
  }

  /** Raw change with hooks, no persistence: for transactions, undo and loading from disk. */
  apply(t: string, k: string, next: string | undefined, parsed?: unknown): void {
    const m = this.table(t);
    const prev = m.get(k);
    if (next === undefined) m.delete(k);
    else m.set(k, next);
    const hooks = this.hooks.get(t);
    if (hooks) for (const h of hooks) h(k, next, prev, parsed);
  }

  /** apply() for many rows of one table (loading a snapshot): the table and its hooks looked up once. */
  loader(t: string): (k: string, next: string) => void {
    const m = this.table(t);
    const hooks = this.hooks.get(t) ?? [];
    return (k, next) => {
      const prev = m.get(k);
      m.set(k, next);
      for (const h of hooks) h(k, next, prev);
    };
  }

  /** Drops a row from memory without logging it (expired dedupe keys): replaying it later is harmless. */
  forget(t: string, k: string): void {
    this.apply(t, k, undefined);
  }

  /** Holds new writes back until `p` settles (a compaction that must see a quiet state). */
  hold(p: Promise<void>): void {
    const gate = p.finally(() => {
      if (this.gate === gate) this.gate = undefined;
    });
    this.gate = gate;
  }

  /**
   * Runs `fn` (synchronous: read, check, write) as one all-or-nothing write, durable before resolving.
   * A throw inside `fn` undoes what it did.
   */
  async write<R>(fn: (tx: Tx) => R): Promise<R> {
    this.guard();
    while (this.gate) await this.gate.catch(() => undefined);
    this.guard();
    const tx = new Tx(this);
    let result: R;
    try {
      result = fn(tx);
    } catch (err) {
      tx.undo();
      throw err;
    }
    if (tx.applied.length) await this.persister.submit(tx);
    return result;
  }
}
