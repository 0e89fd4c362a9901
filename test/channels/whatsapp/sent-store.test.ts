import { describe, expect, it } from 'vitest';
import {
  createLruCacheStore,
  createSentMessageStore,
  LruMap,
} from '../../../src/channels/whatsapp/sent-store.js';
import { waMessage } from './fixtures.js';

describe('sent message store (getMessage)', () => {
  it('returns sent content by key id and forgets the least recently used beyond its bound', () => {
    const store = createSentMessageStore(2);
    const a = waMessage({ id: 'A', fromMe: true, message: { conversation: 'a' } });
    const b = waMessage({ id: 'B', fromMe: true, message: { conversation: 'b' } });
    const c = waMessage({ id: 'C', fromMe: true, message: { conversation: 'c' } });
    store.remember(a);
    store.remember(b);
    expect(store.get({ id: 'A' })?.conversation).toBe('a'); // A is now the most recent
    store.remember(c);
    expect(store.size).toBe(2);
    expect(store.get({ id: 'B' })).toBeUndefined();
    expect(store.get({ id: 'A' })?.conversation).toBe('a');
    expect(store.get({ id: 'C' })?.conversation).toBe('c');
    store.remember(undefined);
    store.remember(waMessage({ id: 'D', message: null }));
    expect(store.get({ id: 'D' })).toBeUndefined();
  });

  it('LruMap and the retry-counter cache stay bounded', async () => {
    const lru = new LruMap<number>(3);
    for (let i = 0; i < 10; i++) lru.set(`k${i}`, i);
    expect(lru.size).toBe(3);
    expect(lru.get('k9')).toBe(9);
    expect(lru.get('k0')).toBeUndefined();
    const cache = createLruCacheStore(2);
    cache.set('x', 1);
    expect(await cache.get<number>('x')).toBe(1);
    cache.del('x');
    expect(await cache.get('x')).toBeUndefined();
  });
});
