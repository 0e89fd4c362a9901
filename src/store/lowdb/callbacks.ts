// Callbacks on disk: an append-only JSON Lines log, indexed in memory by transaction; bodies stay on
// disk and are read back on demand, so memory and write cost do not grow with their size.
import { join } from 'node:path';
import type { Logger } from '../../logger.js';
import { callbackKey, copy } from '../query.js';
import type { CallbackRecord, CallbackRepo } from '../types.js';
import { AppendLog, type LineRef } from './append-log.js';
import { type CallbackLine, FILES } from './format.js';
import { SerialQueue } from './queue.js';
import { callbackSchema, describeIssues } from './schemas.js';
import { CorruptFileError } from './durable-file.js';

export interface LowdbCallbacks {
  repo: CallbackRepo;
  close(): Promise<void>;
}

export async function openCallbacks(dir: string, logger: Logger, guard: () => void): Promise<LowdbCallbacks> {
  const file = join(dir, FILES.callbacks);
  const keys = new Set<string>();
  const refs = new Map<string, LineRef[]>();
  const queue = new SerialQueue();
  const index = (rec: CallbackRecord, ref: LineRef): void => {
    keys.add(callbackKey(rec));
    const list = refs.get(rec.externalTransactionId) ?? [];
    list.push(ref);
    refs.set(rec.externalTransactionId, list);
  };
  const log = await AppendLog.open(file, logger, (v, ref) => {
    const r = callbackSchema.safeParse((v as Partial<CallbackLine>)?.cb);
    if (!r.success) {
      throw new CorruptFileError(file, `line at byte ${ref.offset}: ${describeIssues(r.error, 'cb')}`);
    }
    const rec = r.data as CallbackRecord;
    if (!keys.has(callbackKey(rec))) index(rec, ref);
  });
  return {
    repo: {
      record(rec) {
        guard();
        const stored = copy(rec);
        const key = callbackKey(stored);
        return queue.run(async () => {
          if (keys.has(key)) return 'duplicate' as const;
          index(stored, await log.append({ cb: stored } satisfies CallbackLine));
          return 'new' as const;
        });
      },
      async list(ext) {
        guard();
        return Promise.all((refs.get(ext) ?? []).map(async (r) => ((await log.read(r)) as CallbackLine).cb));
      },
    },
    async close() {
      await queue.drain();
      await log.close();
    },
  };
}
