import { describe, expect, it } from 'vitest';
import { announcement, diffCatalog, isEmptyDiff } from '../../src/admin/catalog-diff.js';
import { createCatalogSync } from '../../src/admin/catalog-sync.js';
import { CATALOG_NS, createCatalog } from '../../src/catalog/catalog.js';
import type { IntechService } from '../../src/intech/types.js';
import { createMemoryStore } from '../../src/store/index.js';
import { fakeIntech, SERVICES } from './helpers.js';

const svc = (
  code: string,
  name = code,
  typeService: IntechService['typeService'] = 'CREDIT_TELEPHONIQUE',
): IntechService => ({
  name,
  codeService: code,
  typeOperation: 'DEBIT',
  typeService,
});

describe('diffCatalog', () => {
  it('finds added, removed and renamed services', () => {
    const old = [svc('A_SN_AIRTIME_CREDIT_TELEPHONIQUE', 'A'), svc('B', 'Bee'), svc('C', 'Cee')];
    const next = [svc('B', 'Bee 2'), svc('C', 'Cee'), svc('D', 'Dee')];
    const d = diffCatalog(old, next);
    expect(d.added.map((s) => s.codeService)).toEqual(['D']);
    expect(d.removed.map((s) => s.codeService)).toEqual(['A_SN_AIRTIME_CREDIT_TELEPHONIQUE']);
    expect(d.renamed).toEqual([{ codeService: 'B', from: 'Bee', to: 'Bee 2' }]);
    expect(isEmptyDiff(d)).toBe(false);
  });

  it('is empty for the same list in another order', () => {
    const d = diffCatalog(SERVICES, [...SERVICES].reverse());
    expect(isEmptyDiff(d)).toBe(true);
    expect(announcement(d)).toBeNull();
  });
});

describe('announcement', () => {
  it('names new and removed customer services in fr, en and wo; ignores internal services and renames', () => {
    const d = diffCatalog(
      [svc('ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE', 'Orange'), svc('X_SN_WALLET_CASH_IN', 'x', 'CASHIN')],
      [
        svc('ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE', 'Orange Senegal'),
        svc('MOOV_CI_AIRTIME_CREDIT_TELEPHONIQUE', 'Moov CI'),
        svc('WOYOFAL_SN_BILL_RELOAD', 'Woyofal', 'BILL_BUY_RELOAD'),
      ],
    );
    const a = announcement(d);
    expect(a).not.toBeNull();
    expect(a!.fr).toContain('Nouveau');
    expect(a!.fr).toContain("Moov (Côte d'Ivoire)");
    expect(a!.fr).toContain('Woyofal');
    expect(a!.en).toContain('New:');
    expect(a!.wo).toContain('Woyofal');
    expect(a!.fr).toContain('STOP');
    // The CASHIN removal is internal: customers never see it.
    expect(a!.fr).not.toContain('plus disponible');
  });

  it('is null when only renames or internal services changed', () => {
    const d = diffCatalog(
      [svc('ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE', 'Orange')],
      [svc('ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE', 'Orange SN')],
    );
    expect(announcement(d)).toBeNull();
  });
});

describe('createCatalogSync', () => {
  it('fetches, diffs against the stored catalog, applies, caches and remembers the result', async () => {
    const store = createMemoryStore();
    const catalog = await createCatalog({ kv: store.kv, services: SERVICES });
    await catalog.setEnabled('FREE_SN_AIRTIME_CREDIT_TELEPHONIQUE', false);
    const intech = fakeIntech({
      services: [
        ...SERVICES.filter((s) => s.codeService !== 'RAPIDO_SN_BILL_RELOAD').map((s) =>
          s.codeService === 'WAVE_SN_API_CASH_OUT' ? { ...s, name: 'Wave Senegal' } : s,
        ),
        svc('MTN_CI_AIRTIME_CREDIT_TELEPHONIQUE', 'MTN'),
      ],
    });
    const sync = createCatalogSync({ catalog, intech, kv: store.kv, now: () => 42 });
    const r = await sync.syncNow();
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.diff.added.map((s) => s.codeService)).toEqual(['MTN_CI_AIRTIME_CREDIT_TELEPHONIQUE']);
    expect(r.diff.removed.map((s) => s.codeService)).toEqual(['RAPIDO_SN_BILL_RELOAD']);
    expect(r.diff.renamed).toEqual([
      { codeService: 'WAVE_SN_API_CASH_OUT', from: 'Wave', to: 'Wave Senegal' },
    ]);
    expect(r.announcement?.fr).toContain('MTN');
    // Applied: the catalog changed, admin settings of known codes kept, list cached for the next boot.
    expect(catalog.get('MTN_CI_AIRTIME_CREDIT_TELEPHONIQUE')).toBeDefined();
    expect(catalog.get('RAPIDO_SN_BILL_RELOAD')).toBeUndefined();
    expect(catalog.isAvailable('FREE_SN_AIRTIME_CREDIT_TELEPHONIQUE')).toBe(false);
    const cached = await store.kv.get<{ services: IntechService[] }>(CATALOG_NS, 'services');
    expect(cached?.services.map((s) => s.codeService)).toContain('MTN_CI_AIRTIME_CREDIT_TELEPHONIQUE');
    expect((await sync.last())?.at).toBe(42);

    // A second sync with the same list changes nothing.
    const again = await sync.syncNow();
    expect(again.ok && isEmptyDiff(again.diff)).toBe(true);
  });

  it('keeps the catalog when Intech fails or returns an empty list', async () => {
    const store = createMemoryStore();
    const catalog = await createCatalog({ kv: store.kv, services: SERVICES });
    const intech = fakeIntech({ services: [] });
    const sync = createCatalogSync({ catalog, intech, kv: store.kv });
    const r = await sync.syncNow();
    expect(r.ok).toBe(false);
    expect(catalog.all()).toHaveLength(SERVICES.length);
    intech.listServices = async () => {
      throw new Error('down');
    };
    expect((await sync.syncNow()).ok).toBe(false);
    expect(catalog.all()).toHaveLength(SERVICES.length);
  });
});
