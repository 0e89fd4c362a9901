// Intech's memory on disk: load (loosely validated) at creation, atomic debounced saves, a final flush.
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from '../../logger.js';
import { type SimState, STATUS_WINDOW_MS } from './state.js';
import type { WhatsappMessage } from './types.js';

export const SAVE_DEBOUNCE_MS = 200;
/** Saved WhatsApp messages (the newest), and how many of them keep their media (receipts are images). */
const WHATSAPP_LIMIT = 100;
const WHATSAPP_MEDIA_LIMIT = 10;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Loose shape check: enough for the engine to run on it; anything else is treated as corrupt. */
function asState(v: unknown, fresh: SimState): SimState | undefined {
  if (!isObject(v)) return undefined;
  if (typeof v.balance !== 'number' || typeof v.seq !== 'number' || typeof v.idPrefix !== 'string') {
    return undefined;
  }
  if (!isObject(v.transactions) || !isObject(v.byExternalId)) return undefined;
  for (const tx of Object.values(v.transactions)) {
    if (
      !isObject(tx) ||
      typeof tx.transactionId !== 'string' ||
      typeof tx.externalTransactionId !== 'string' ||
      typeof tx.status !== 'string' ||
      typeof tx.createdAt !== 'number' ||
      typeof tx.typeService !== 'string' ||
      !isObject(tx.plan)
    ) {
      return undefined;
    }
  }
  const arrays = ['scripts', 'disabled', 'log', 'whatsapp', 'claims'] as const;
  const objects = ['bills', 'amountRules', 'statusCalls', 'stats'] as const;
  if (arrays.some((k) => k in v && !Array.isArray(v[k]))) return undefined;
  if (objects.some((k) => k in v && !isObject(v[k]))) return undefined;
  // Fields added in later versions fall back to a fresh state's.
  const loaded = { ...fresh, ...v } as SimState;
  loaded.stats = { ...fresh.stats, ...(loaded.stats ?? {}) };
  return loaded;
}

/**
 * The saved state, or undefined when there is none. A file that is not a valid state is moved aside
 * to `<path>.corrupt-<now>` (never overwritten) and the simulator starts fresh.
 */
export function loadState(path: string, fresh: SimState, now: number, logger: Logger): SimState | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const state = asState(parsed, fresh);
  if (state) return state;
  const aside = `${path}.corrupt-${now}`;
  renameSync(path, aside);
  logger.warn({ path, movedTo: aside }, 'intech-sim: saved state unreadable; set aside, starting fresh');
  return undefined;
}

/** What is written: bounded (log already capped; old rate-limit windows, media and old messages dropped). */
export function snapshot(state: SimState, now: number): SimState {
  const statusCalls: Record<string, number[]> = {};
  for (const [ext, times] of Object.entries(state.statusCalls)) {
    const recent = times.filter((t) => now - t < STATUS_WINDOW_MS);
    if (recent.length) statusCalls[ext] = recent;
  }
  const noMedia = <T extends WhatsappMessage>(m: T): T =>
    m.media ? { ...m, media: { ...m.media, base64: '' } } : m;
  const transactions: SimState['transactions'] = {};
  for (const [id, tx] of Object.entries(state.transactions)) {
    // Once sent, a message's media is not needed any more (and would be the bulk of the file).
    transactions[id] =
      tx.whatsapp && tx.status !== 'PENDING' ? { ...tx, whatsapp: noMedia(tx.whatsapp) } : tx;
  }
  const whatsapp = state.whatsapp.slice(-WHATSAPP_LIMIT);
  return {
    ...state,
    transactions,
    statusCalls,
    whatsapp: whatsapp.map((m, i) => (i < whatsapp.length - WHATSAPP_MEDIA_LIMIT ? noMedia(m) : m)),
  };
}

/** Write to a temp file, fsync, rename: a crash leaves either the old or the new file, never half of one. */
export function writeAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export interface Persister {
  /** Something changed: save within SAVE_DEBOUNCE_MS (at most one save per period). */
  changed(): void;
  /** Saves now (synchronously) and stops saving: the final flush of stop(). */
  close(): void;
}

export function createPersister(deps: {
  path: string;
  state: () => SimState;
  now: () => number;
  logger: Logger;
}): Persister {
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const save = () => {
    timer = undefined;
    try {
      writeAtomic(deps.path, JSON.stringify(snapshot(deps.state(), deps.now())));
    } catch (e) {
      deps.logger.error({ err: e, path: deps.path }, 'intech-sim: could not save state');
    }
  };
  return {
    changed() {
      if (closed || timer) return;
      timer = setTimeout(save, SAVE_DEBOUNCE_MS);
      timer.unref();
    },
    close() {
      if (closed) return;
      closed = true;
      if (timer) clearTimeout(timer);
      save();
    },
  };
}
