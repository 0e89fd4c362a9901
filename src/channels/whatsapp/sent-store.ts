// Bounded memory of what the bot sent: Baileys' getMessage needs it to re-encrypt a message
// when the recipient's phone asks for a retry. Also a small cache for the retry counters,
// kept outside the socket so it survives reconnects.
import type { CacheStore, proto, WAMessage, WAMessageKey } from '@whiskeysockets/baileys';
import { LruMap } from '../../util/lru-map.js';

export { LruMap };

export interface SentMessageStore {
  remember(msg: WAMessage | undefined): void;
  /** For `getMessage`: the content of a message the bot sent, by key id. */
  get(key: WAMessageKey): proto.IMessage | undefined;
  readonly size: number;
}

export function createSentMessageStore(max = 1000): SentMessageStore {
  const lru = new LruMap<proto.IMessage>(max);
  return {
    remember(msg) {
      if (msg?.key?.id && msg.message) lru.set(msg.key.id, msg.message);
    },
    get(key) {
      return key.id ? lru.get(key.id) : undefined;
    },
    get size() {
      return lru.size;
    },
  };
}

/** Minimal CacheStore (msgRetryCounterCache) on an LRU. */
export function createLruCacheStore(max = 5000): CacheStore {
  const lru = new LruMap<unknown>(max);
  return {
    get: <T>(key: string) => lru.get(key) as T | undefined,
    set: <T>(key: string, value: T) => {
      lru.set(key, value);
    },
    del: (key: string) => {
      lru.delete(key);
    },
    flushAll: () => {
      lru.clear();
    },
  };
}
