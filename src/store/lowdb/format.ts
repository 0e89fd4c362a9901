// File names and line formats of a lowdb data directory (table snapshots: <table>.json, kv-<ns>.json,
// write-ahead log: wal-<gen>.jsonl). The benchmark writes archives with these too.
import type { Order } from '../../orders/types.js';
import type { CallbackRecord } from '../types.js';

export const FILES = {
  lock: 'store.lock',
  openOrders: 'orders-open.json',
  archive: 'orders-archive.jsonl',
  /** Checkpoint of the archive's in-memory index (derived; rebuilt from the archive when unusable). */
  archiveIndex: 'orders-archive.idx',
  callbacks: 'callbacks.jsonl',
  /** Checkpoint of the callbacks' in-memory index (derived, like archiveIndex). */
  callbacksIndex: 'callbacks.idx',
  customers: 'customers.json',
  conversations: 'conversations.json',
  dedupe: 'dedupe.json',
} as const;

/** kv-<ns>.json with anything outside [A-Za-z0-9_-] hex-escaped, so any namespace name is a safe file name. */
export function kvFileName(ns: string): string {
  const safe = [...Buffer.from(ns, 'utf8')]
    .map((b) => {
      const c = String.fromCharCode(b);
      return /[A-Za-z0-9_-]/.test(c) ? c : `~${b.toString(16).padStart(2, '0')}`;
    })
    .join('');
  return `kv-${safe}.json`;
}

export interface ArchiveLine {
  order: Order;
}
export interface CallbackLine {
  cb: CallbackRecord;
}

/** One archive line, newline included: what the store appends when an order reaches a terminal state. */
export function archiveLine(order: Order): string {
  return `${JSON.stringify({ order } satisfies ArchiveLine)}\n`;
}
