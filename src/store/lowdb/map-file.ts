// A small JSON object file (id -> value) held by lowdb. Reads see the last committed state; every change
// goes through one queue, is applied to a shallow copy, written durably, and only then becomes visible,
// so a failed write changes nothing.
import { stat } from 'node:fs/promises';
import { Low } from 'lowdb';
import type { z } from 'zod';
import { CorruptFileError, DurableJSONFile } from './durable-file.js';
import { describeIssues } from './schemas.js';
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

  /** Every row is checked against `schema`; a file of another shape stops the start (CorruptFileError). */
  static async open<T>(file: string, schema: z.ZodType): Promise<MapFile<T>> {
    const adapter = new DurableJSONFile<unknown>(file);
    const raw = await adapter.read();
    if (raw === null) {
      const exists = await stat(file).then(
        () => true,
        () => false,
      );
      if (exists) throw new CorruptFileError(file, 'expected an object of rows, found null');
    } else if (typeof raw !== 'object' || Array.isArray(raw)) {
      const found = Array.isArray(raw) ? 'an array' : typeof raw;
      throw new CorruptFileError(file, `expected an object of rows, found ${found}`);
    }
    const rows: Record<string, T> = {};
    for (const [k, v] of Object.entries((raw ?? {}) as Record<string, unknown>)) {
      const r = schema.safeParse(v);
      if (!r.success) throw new CorruptFileError(file, `${k}: ${describeIssues(r.error)}`);
      rows[k] = r.data as T;
    }
    const db = new Low<Record<string, T>>(new DurableJSONFile<Record<string, T>>(file), rows);
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
