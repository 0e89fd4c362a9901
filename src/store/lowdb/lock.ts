// One process per data directory: two bots writing the same files would break compare-and-set and could
// act on an outcome twice. The lock file holds our pid and host; it is refreshed while held so a lock left
// by a crashed process on another host (a recreated container) can be recognised as stale.
import { open, readFile, unlink, utimes, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { Logger } from '../../logger.js';

const HEARTBEAT_MS = 10_000;
const STALE_MS = 60_000;
/** Dirs locked by this process: a lock carrying our own pid but not in here is a previous incarnation's. */
const heldHere = new Set<string>();

export class StoreLockedError extends Error {
  constructor(file: string, holder: string) {
    super(`store directory is in use (lock ${file} held by ${holder}); stop the other process first`);
    this.name = 'StoreLockedError';
  }
}

export interface DirLock {
  release(): Promise<void>;
}

interface LockInfo {
  pid: number;
  host: string;
  at: number;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function isStale(file: string, info: LockInfo | undefined, logger: Logger): Promise<boolean> {
  if (!info || !Number.isInteger(info.pid)) {
    // Unreadable lock (crash while creating it): stale unless it is fresh enough to be mid-creation.
    const st = await stat(file).catch(() => undefined);
    return !st || Date.now() - st.mtimeMs > STALE_MS / 10;
  }
  if (info.host === hostname()) {
    if (info.pid === process.pid) return !heldHere.has(resolve(file));
    return !pidAlive(info.pid);
  }
  // Another host: cannot probe the pid, rely on the heartbeat.
  const st = await stat(file).catch(() => undefined);
  const stale = !st || Date.now() - st.mtimeMs > STALE_MS;
  if (!stale) logger.warn({ file, host: info.host }, 'store: lock held by another host');
  return stale;
}

export async function lockDir(file: string, logger: Logger): Promise<DirLock> {
  const key = resolve(file);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await open(file, 'wx');
      try {
        const info: LockInfo = { pid: process.pid, host: hostname(), at: Date.now() };
        await fh.writeFile(JSON.stringify(info));
        await fh.sync();
      } finally {
        await fh.close();
      }
      heldHere.add(key);
      const timer = setInterval(() => {
        const t = new Date();
        utimes(file, t, t).catch(() => undefined);
      }, HEARTBEAT_MS);
      timer.unref();
      return {
        async release() {
          clearInterval(timer);
          heldHere.delete(key);
          await unlink(file).catch(() => undefined);
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let info: LockInfo | undefined;
    try {
      info = JSON.parse(await readFile(file, 'utf8')) as LockInfo;
    } catch {
      info = undefined;
    }
    if (!(await isStale(file, info, logger))) {
      throw new StoreLockedError(file, info ? `pid ${info.pid} on ${info.host}` : 'another process');
    }
    logger.warn({ file, stalePid: info?.pid }, 'store: taking over a stale lock');
    await unlink(file).catch(() => undefined);
  }
  throw new StoreLockedError(file, 'a process racing for it');
}
