// A lowdb adapter that survives crashes and power loss: write a temp file, fsync it, rename it over the
// target, fsync the directory. steno (lowdb's JSONFile writer) renames without fsync, so after a power
// cut the renamed file could be empty; this adapter closes that gap.
import { type FileHandle, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';

export function tempPathFor(file: string): string {
  return join(dirname(file), `.${basename(file)}.tmp`);
}

/** Makes a rename or a file creation in `dir` durable. Best effort where directories cannot be opened. */
export async function fsyncDir(dir: string): Promise<void> {
  let fh: Awaited<ReturnType<typeof open>> | undefined;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch {
    // Some platforms (Windows) cannot fsync a directory; the rename is still atomic there.
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

/**
 * Replaces `file` durably with what `write` puts in an open temp file (in pieces if it likes): temp file,
 * fsync, rename over the target, fsync the directory. A failure leaves the target as it was.
 */
export async function writeDurable(file: string, write: (fh: FileHandle) => Promise<void>): Promise<void> {
  const tmp = tempPathFor(file);
  const fh = await open(tmp, 'w');
  try {
    try {
      await write(fh);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fsyncDir(dirname(file));
}

export function writeFileDurable(file: string, data: string | Buffer): Promise<void> {
  return writeDurable(file, (fh) => fh.writeFile(data));
}

export class CorruptFileError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
    cause?: unknown,
  ) {
    super(`store file ${file}: ${problem}; refusing to start rather than lose data`, { cause });
    this.name = 'CorruptFileError';
  }
}

/** JSON file adapter for lowdb's `Low`. A missing file reads as null (lowdb then keeps its default). */
export class DurableJSONFile<T> implements Adapter<T> {
  constructor(readonly file: string) {}

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      // Writes are atomic, so this means outside damage: stop instead of silently starting empty.
      throw new CorruptFileError(this.file, `not valid JSON (${(err as Error).message})`, err);
    }
  }

  async write(data: T): Promise<void> {
    await writeFileDurable(this.file, JSON.stringify(data));
  }
}
