// Callbacks: the primary key (ext, txid, status) records each copy once, whichever instance receives it.
import type { CallbackRecord, CallbackRepo } from '../types.js';
import { type Db, json } from './db.js';

/** One copy, once (the primary key): RETURNING says whether it was new. */
export const INSERT_CALLBACK = `INSERT INTO callbacks (ext, txid, status, received_at, body) VALUES ($1, $2, $3, $4, $5)
  ON CONFLICT DO NOTHING RETURNING 1`;

export const callbackParams = (rec: CallbackRecord): unknown[] => [
  rec.externalTransactionId,
  rec.transactionId,
  rec.status,
  rec.receivedAt,
  json(rec.body ?? null),
];

export function callbacksRepo(db: Db): CallbackRepo {
  return {
    async record(rec) {
      // Intech repeats callbacks and every instance may get each copy: most records are duplicates.
      const rows = await db.qMostlyNoop(INSERT_CALLBACK, callbackParams(rec));
      return rows.length ? 'new' : 'duplicate';
    },
    async list(ext) {
      const rows = await db.q<{
        txid: string;
        status: CallbackRecord['status'];
        received_at: number;
        body: unknown;
      }>('SELECT txid, status, received_at, body FROM callbacks WHERE ext = $1 ORDER BY seq', [ext]);
      return rows.map((r) => ({
        externalTransactionId: ext,
        transactionId: r.txid,
        status: r.status,
        receivedAt: r.received_at,
        body: r.body,
      }));
    },
  };
}
