import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/store/memory.js';
import { runStoreContract } from './contract.js';

runStoreContract(
  'memory',
  async () => {
    const store = createMemoryStore();
    return { store, cleanup: () => store.close() };
  },
  { durable: false },
);

describe('memory store', () => {
  it('refuses calls after close', async () => {
    const store = createMemoryStore();
    await store.close();
    expect(await store.ping()).toBe(false);
    await expect(store.orders.get('A1')).rejects.toThrow(/closed/);
  });
});
