// Callbacks on disk: an append-only JSON Lines log, indexed in memory by transaction; bodies stay on
// disk and are read back on demand, so memory and write cost do not grow with their size. The index is
// checkpointed (callbacks.idx, like the order archive's) so that opening reads only the lines after it.
import { join } from 'node:path';
import type { Logger } from '../../logger.js';
import { callbackKey, copy } from '../query.js';
import type { CallbackRecord, CallbackRepo } from '../types.js';
import { AppendLog, type LineRef, type Resume } from './append-log.js';
import { crc32 } from './checksum.js';
import { readCheckpoint, writeCheckpoint } from './checkpoint.js';
import { type CallbackLine, FILES } from './format.js';
import { SerialQueue } from './queue.js';
import { callbackSchema, describeIssues } from './schemas.js';
import { CorruptFileError } from './durable-file.js';

export interface LowdbCallbacks {
  repo: CallbackRepo;
  close(): Promise<void>;
}

/** Checkpoint row: [externalTransactionId, transactionId, status, offset, length], per transaction in log order. */
type Row = [string, string, string, number, number];
const CHECKPOINT_EVERY_BYTES = 16 << 20;

function parseRows(rows: unknown, bytes: number): Row[] | undefined {
  if (!Array.isArray(rows)) return undefined;
  for (const r of rows as unknown[]) {
    if (!Array.isArray(r) || r.length !== 5) return undefined;
    const [e, t, st, off, len] = r;
    if (typeof e !== 'string' || typeof t !== 'string' || typeof st !== 'string') return undefined;
    if (typeof off !== 'number' || typeof len !== 'number' || off < 0 || len <= 0 || off + len > bytes)
      return undefined;
  }
  return rows as Row[];
}

export async function openCallbacks(dir: string, logger: Logger, guard: () => void): Promise<LowdbCallbacks> {
  const file = join(dir, FILES.callbacks);
  const idxFile = join(dir, FILES.callbacksIndex);
  const keys = new Set<string>();
  /** Per transaction, its callbacks in log order (with what the checkpoint needs to rebuild `keys`). */
  const refs = new Map<string, { ref: LineRef; tx: string; status: string }[]>();
  const queue = new SerialQueue();
  const index = (
    rec: Pick<CallbackRecord, 'externalTransactionId' | 'transactionId' | 'status'>,
    ref: LineRef,
  ) => {
    keys.add(callbackKey(rec));
    const list = refs.get(rec.externalTransactionId) ?? [];
    list.push({ ref, tx: rec.transactionId, status: rec.status });
    refs.set(rec.externalTransactionId, list);
  };
  const cp = await readCheckpoint(idxFile);
  let resume: Resume | undefined;
  if (typeof cp !== 'string') {
    const saved = parseRows(cp.entries, cp.bytes);
    if (saved) {
      resume = {
        bytes: cp.bytes,
        crc: cp.crc,
        accept: () => {
          for (const [e, t, st, offset, length] of saved) {
            index(
              { externalTransactionId: e, transactionId: t, status: st as CallbackRecord['status'] },
              {
                offset,
                length,
              },
            );
          }
        },
      };
    } else
      logger.warn({ file: FILES.callbacksIndex }, 'store: callbacks index checkpoint malformed, not used');
  }
  const log = await AppendLog.open(
    file,
    logger,
    (v, ref) => {
      const r = callbackSchema.safeParse((v as Partial<CallbackLine>)?.cb);
      if (!r.success) {
        throw new CorruptFileError(file, `line at byte ${ref.offset}: ${describeIssues(r.error, 'cb')}`);
      }
      const rec = r.data as CallbackRecord;
      if (!keys.has(callbackKey(rec))) index(rec, ref);
    },
    resume,
  );
  let checkpointAt = log.resumed ? resume!.bytes : 0;
  let checkpointing: Promise<void> | undefined;
  /** Inside the queue: the rows and the log position taken together. */
  const checkpoint = async (): Promise<void> => {
    const { at, json } = await queue.run(async () => {
      const rows: string[] = [];
      for (const [e, list] of refs) {
        for (const x of list) rows.push(JSON.stringify([e, x.tx, x.status, x.ref.offset, x.ref.length]));
      }
      return { at: log.position, json: `[${rows.join(',')}]` };
    });
    await writeCheckpoint(idxFile, at, json);
    checkpointAt = at.bytes;
  };
  const maybeCheckpoint = (): void => {
    const behind = log.bytes - checkpointAt;
    if (checkpointing || !crc32 || behind === 0) return;
    if (checkpointAt !== 0 && behind < CHECKPOINT_EVERY_BYTES) return;
    checkpointing = checkpoint()
      .catch((err: unknown) => logger.warn({ err }, 'store: callbacks index checkpoint not written'))
      .finally(() => {
        checkpointing = undefined;
      });
  };
  maybeCheckpoint();
  return {
    repo: {
      record(rec) {
        guard();
        const stored = copy(rec);
        const key = callbackKey(stored);
        return queue.run(async () => {
          if (keys.has(key)) return 'duplicate' as const;
          index(stored, await log.append({ cb: stored } satisfies CallbackLine));
          maybeCheckpoint();
          return 'new' as const;
        });
      },
      async list(ext) {
        guard();
        return Promise.all(
          (refs.get(ext) ?? []).map(async (x) => ((await log.read(x.ref)) as CallbackLine).cb),
        );
      },
    },
    async close() {
      await queue.drain();
      await checkpointing;
      if (crc32 && log.bytes !== checkpointAt) {
        await checkpoint().catch((err: unknown) =>
          logger.warn({ err }, 'store: callbacks index checkpoint not written'),
        );
      }
      await log.close();
    },
  };
}
