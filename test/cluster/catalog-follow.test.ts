// Several instances: the catalog sync runs on one, admins change services on any; every instance's
// catalog follows the store (reload), so customers see the same services whichever instance answers.
import { describe, expect, it } from 'vitest';
import { createCatalog, documentedServices, refreshCatalog } from '../../src/catalog/catalog.js';
import { storesOnOneDatabase } from '../store/pg-db.js';

const db = storesOnOneDatabase(2, { poolSize: 2 });
const { stores } = db;

describe('catalog on two instances', () => {
  it('a service disabled or a list synced on one instance reaches the other on reload', async () => {
    const a = await createCatalog({ kv: stores[0]!.kv });
    const b = await createCatalog({ kv: stores[1]!.kv });
    const code = 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE';
    expect(b.isAvailable(code)).toBe(true);
    await a.setEnabled(code, false);
    await a.setRules(code, { min: 500 });
    expect(b.isAvailable(code)).toBe(true); // not yet: b has not re-read the store
    await b.reload();
    expect(b.isAvailable(code)).toBe(false);
    expect(b.get(code)?.rules.min).toBe(500);

    // The sync holder fetched a list without one service: the other instance drops it too.
    const without = documentedServices().filter((s) => s.codeService !== 'WAVE_SN_API_CASH_OUT');
    expect((await refreshCatalog(a, { listServices: async () => without }, stores[0]!.kv)).ok).toBe(true);
    expect(b.get('WAVE_SN_API_CASH_OUT')).toBeDefined();
    await b.reload();
    expect(b.get('WAVE_SN_API_CASH_OUT')).toBeUndefined();
    expect(b.all()).toHaveLength(without.length);
    expect(b.isAvailable(code)).toBe(false);
  });
});
