// A small JSON object file (id -> value) held by lowdb. Reads see the last committed state; every change
// goes through one queue, is applied to a shallow copy, written durably, and only then becomes visible,
// so a failed write changes nothing.
import { Low } from 'lowdb';
import { DurableJSONFile } from './durable-file.js';
import { SerialQueue } from './queue.js';

export type Change<R> = { result: R; write: boolean };

export class MapFile<T> {
  readonly queue = new SerialQueue();
  private committed: Record<string, T>;

  private constructor(
    private readonly db: Low<Record<string, T>>,
    readonly file: string,
  ) {
    this.committed = db.data;
  }

  static async open<T>(file: string): Promise<MapFile<T>> {
    const db = new Low<Record<string, T>>(new DurableJSONFile<Record<string, T>>(file), {});
    await db.read();
    if (!db.data || typeof db.data !== 'object' || Array.isArray(db.data)) db.data = {};
    return new MapFile(db, file);
  }

  get(key: string): T | undefined {
    return Object.hasOwn(this.committed, key) ? this.committed[key] : undefined;
  }

  has(key: string): boolean {
    return Object.hasOwn(this.committed, key);
  }

  keys(): string[] {
    return Object.keys(this.committed);
  }

  values(): T[] {
    return Object.values(this.committed);
  }

  entries(): [string, T][] {
    return Object.entries(this.committed);
  }

  get size(): number {
    return Object.keys(this.committed).length;
  }

  /**
   * Queued read-check-write. `fn` edits the draft (replace values, never mutate committed ones) and says
   * whether to write. Use `mutateLocked` instead when already inside this file's queue.
   */
  mutate<R>(fn: (draft: Record<string, T>) => Change<R> | Promise<Change<R>>): Promise<R> {
    return this.queue.run(() => this.mutateLocked(fn));
  }

  async mutateLocked<R>(fn: (draft: Record<string, T>) => Change<R> | Promise<Change<R>>): Promise<R> {
    const draft = { ...this.committed };
    const { result, write } = await fn(draft);
    if (write) {
      this.db.data = draft;
      try {
        await this.db.write();
      } catch (err) {
        this.db.data = this.committed;
        throw err;
      }
      this.committed = draft;
    }
    return result;
  }
}
