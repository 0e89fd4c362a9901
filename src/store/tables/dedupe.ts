// Inbound message dedupe: one row per key holding its expiry; expired keys leave memory through a heap,
// never by scanning every entry.
import type { DedupeRepo } from '../types.js';
import type { Tables } from './engine.js';
import { ExpiryHeap } from './expiry.js';

export const DEDUPE = 'dedupe';

export function dedupeRepo(db: Tables): DedupeRepo {
  const expiry = new ExpiryHeap();
  db.onChange(DEDUPE, (key, next, _prev, parsed) => {
    if (next !== undefined) expiry.push((parsed ?? JSON.parse(next)) as number, key);
  });
  return {
    firstSeen(key, now, ttlMs) {
      return db.write((tx) => {
        expiry.popExpired(now, (k) => {
          const exp = db.read<number>(DEDUPE, k);
          if (exp !== undefined && exp <= now) db.forget(DEDUPE, k);
        });
        const exp = db.read<number>(DEDUPE, key);
        if (exp !== undefined && exp > now) return false;
        tx.put(DEDUPE, key, now + ttlMs);
        return true;
      });
    },
  };
}
