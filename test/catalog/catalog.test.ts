import { describe, expect, it } from 'vitest';
import {
  CATALOG_NS,
  createCatalog,
  documentedServices,
  loadCatalog,
  refreshCatalog,
  startCatalogSync,
} from '../../src/catalog/catalog.js';
import type { IntechService } from '../../src/intech/types.js';
import type { KvRepo } from '../../src/store/types.js';

/** A Map-based KvRepo stand-in (the real stores are tested in test/store). */
function memoryKv(): KvRepo & { data: Map<string, Map<string, unknown>>; writes: number } {
  const data = new Map<string, Map<string, unknown>>();
  const ns = (n: string) => {
    let m = data.get(n);
    if (!m) {
      m = new Map();
      data.set(n, m);
    }
    return m;
  };
  const kv = {
    data,
    writes: 0,
    async get<T>(n: string, key: string) {
      const v = ns(n).get(key);
      return v === undefined ? undefined : (structuredClone(v) as T);
    },
    async setMany(n: string, entries: Record<string, unknown>) {
      kv.writes++;
      for (const [k, v] of Object.entries(entries)) {
        if (v === null) ns(n).delete(k);
        else ns(n).set(k, structuredClone(v));
      }
    },
    async set(n: string, key: string, value: unknown) {
      await kv.setMany(n, { [key]: value });
    },
    async getMany<T>(n: string, keys: string[]) {
      const out: Record<string, T> = {};
      for (const k of keys) if (ns(n).has(k)) out[k] = structuredClone(ns(n).get(k)) as T;
      return out;
    },
    async list<T>(n: string) {
      return Object.fromEntries([...ns(n)].map(([k, v]) => [k, structuredClone(v)])) as Record<string, T>;
    },
    async clear(n: string) {
      data.delete(n);
    },
  };
  return kv;
}

const svc = (
  codeService: string,
  typeService: IntechService['typeService'],
  name = codeService,
): IntechService => ({
  name,
  codeService,
  typeService,
  typeOperation: typeService === 'CASHOUT' ? 'CREDIT' : 'DEBIT',
});

describe('createCatalog: families and labels', () => {
  it('falls back to the documented list and groups it', async () => {
    const cat = await createCatalog({ kv: memoryKv() });
    expect(cat.source()).toBe('documented');
    expect(cat.all()).toHaveLength(documentedServices().length);
    const airtime = cat.byFamily('airtime').map((e) => e.codeService);
    expect(airtime.sort()).toEqual(
      [
        'EXPRESSO_SN_AIRTIME_CREDIT_TELEPHONIQUE',
        'FREE_SN_AIRTIME_CREDIT_TELEPHONIQUE',
        'MOOV_CI_AIRTIME_CREDIT_TELEPHONIQUE',
        'MTN_CI_AIRTIME_CREDIT_TELEPHONIQUE',
        'ORANGE_CI_AIRTIME_CREDIT_TELEPHONIQUE',
        'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE',
      ].sort(),
    );
    expect(cat.byFamily('airtime', 'CI')).toHaveLength(3);
    expect(
      cat
        .byFamily('bill_pay')
        .map((e) => e.brand)
        .sort(),
    ).toEqual(['aquatech', 'seneau', 'senelec', 'ucad', 'uvs']);
    expect(
      cat
        .byFamily('bill_reload')
        .map((e) => e.label)
        .sort(),
    ).toEqual(['Baobab+', 'DER/FJ', 'Oolu Solar', 'Rapido', 'Woyofal', 'Xeweul'].sort());
    expect(cat.byFamily('messaging').map((e) => e.codeService)).toEqual(['WHATSAPP_MESSAGING']);
    expect(cat.get('WAVE_SN_API_CASH_OUT')).toMatchObject({
      family: 'wallet_collect',
      country: 'SN',
      brand: 'wave',
      label: 'Wave',
    });
    expect(cat.get('ORANGE_SN_API_CASH_OUT')).toMatchObject({ label: 'Orange Money' });
    expect(cat.get('MTN_CI_API_CASH_OUT')).toMatchObject({
      family: 'wallet_collect',
      country: 'CI',
      brand: 'mtn',
    });
    expect(cat.get('FREE_SN_WALLET_CASH_IN')).toMatchObject({ family: 'wallet_send' });
    expect(cat.get('SENELEC_SN_BILL_PAY')).toMatchObject({
      family: 'bill_pay',
      label: 'Senelec',
      enabled: true,
    });
  });

  it('lists the wallets a customer may pay from, per country, without the duplicate MTN route nor the card (no card data in a chat)', async () => {
    const cat = await createCatalog({ kv: memoryKv() });
    expect(
      cat
        .wallets('SN')
        .map((e) => e.codeService)
        .sort(),
    ).toEqual(
      [
        'EXPRESSO_SN_WALLET_CASH_OUT',
        'FREE_SN_WALLET_CASH_OUT',
        'ORANGE_SN_API_CASH_OUT',
        'WAVE_SN_API_CASH_OUT',
        'WIZALL_SN_API_CASH_OUT',
      ].sort(),
    );
    expect(
      cat
        .wallets('CI')
        .map((e) => e.codeService)
        .sort(),
    ).toEqual(['MOOV_CI_API_CASH_OUT', 'MTN_CI_API_CASH_OUT', 'ORANGE_CI_API_CASH_OUT'].sort());
    // When the first MTN route is out, the second one is offered.
    await cat.setEnabled('MTN_CI_API_CASH_OUT', false);
    expect(cat.wallets('CI').map((e) => e.codeService)).toContain('MTN_CI_API_CASH_OUT_2');
  });
});

describe('airtimeCodeFor', () => {
  it('answers from the prefix table for both countries', async () => {
    const cat = await createCatalog({ kv: memoryKv() });
    expect(cat.airtimeCodeFor('+221771234567')).toBe('ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE');
    expect(cat.airtimeCodeFor('+221761234567')).toBe('FREE_SN_AIRTIME_CREDIT_TELEPHONIQUE');
    expect(cat.airtimeCodeFor('+221701234567')).toBe('EXPRESSO_SN_AIRTIME_CREDIT_TELEPHONIQUE');
    expect(cat.airtimeCodeFor('+2250544332211')).toBe('MTN_CI_AIRTIME_CREDIT_TELEPHONIQUE');
    expect(cat.airtimeCodeFor('+2250102030405')).toBe('MOOV_CI_AIRTIME_CREDIT_TELEPHONIQUE');
    expect(cat.airtimeCodeFor('+2250707070707')).toBe('ORANGE_CI_AIRTIME_CREDIT_TELEPHONIQUE');
  });

  it('returns null for fixed lines, Promobile, foreign numbers and services Intech does not list', async () => {
    const cat = await createCatalog({
      kv: memoryKv(),
      services: [svc('ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE', 'CREDIT_TELEPHONIQUE')],
    });
    expect(cat.airtimeCodeFor('+221338211234')).toBeNull();
    expect(cat.airtimeCodeFor('+221751234567')).toBeNull();
    expect(cat.airtimeCodeFor('+33612345678')).toBeNull();
    expect(cat.airtimeCodeFor('+221761234567')).toBeNull();
    expect(cat.airtimeCodeFor('+221771234567')).toBe('ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE');
  });
});

describe('admin settings persist in kv namespace catalog', () => {
  it('disables and re-enables a service, surviving a restart', async () => {
    const kv = memoryKv();
    const cat = await createCatalog({ kv });
    expect(cat.isAvailable('WAVE_SN_API_CASH_OUT')).toBe(true);
    await cat.setEnabled('WAVE_SN_API_CASH_OUT', false);
    expect(cat.isAvailable('WAVE_SN_API_CASH_OUT')).toBe(false);
    expect(cat.get('WAVE_SN_API_CASH_OUT')?.enabled).toBe(false);
    expect(cat.wallets('SN').map((e) => e.codeService)).not.toContain('WAVE_SN_API_CASH_OUT');
    expect(Object.keys(await kv.list(CATALOG_NS))).toContain('settings:WAVE_SN_API_CASH_OUT');

    const again = await createCatalog({ kv });
    expect(again.isAvailable('WAVE_SN_API_CASH_OUT')).toBe(false);
    await again.setEnabled('WAVE_SN_API_CASH_OUT', true);
    expect((await createCatalog({ kv })).isAvailable('WAVE_SN_API_CASH_OUT')).toBe(true);
  });

  it('hides for balance watch without persisting it as an admin decision', async () => {
    const kv = memoryKv();
    const cat = await createCatalog({ kv });
    cat.setHidden('SENELEC_SN_BILL_PAY', true);
    expect(cat.isAvailable('SENELEC_SN_BILL_PAY')).toBe(false);
    expect(cat.get('SENELEC_SN_BILL_PAY')?.enabled).toBe(true);
    expect((await createCatalog({ kv })).isAvailable('SENELEC_SN_BILL_PAY')).toBe(true);
    cat.setHidden('SENELEC_SN_BILL_PAY', false);
    expect(cat.isAvailable('SENELEC_SN_BILL_PAY')).toBe(true);
  });

  it('unknown codes are never available', async () => {
    const cat = await createCatalog({ kv: memoryKv() });
    expect(cat.isAvailable('NOPE_SN_AIRTIME_CREDIT_TELEPHONIQUE')).toBe(false);
    expect(cat.get('NOPE')).toBeUndefined();
  });
});

describe('checkAmount: defaults from domain.md and admin overrides', () => {
  it('applies the airtime minimum and multiples with the nearest valid amounts', async () => {
    const cat = await createCatalog({ kv: memoryKv() });
    const code = 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE';
    expect(cat.checkAmount(code, 1000)).toEqual({ ok: true });
    expect(cat.checkAmount(code, 50)).toMatchObject({ ok: false, reason: 'below_min', suggestions: [100] });
    expect(cat.checkAmount(code, 1003)).toMatchObject({
      ok: false,
      reason: 'not_multiple',
      suggestions: [1000, 1005],
    });
    expect(cat.checkAmount(code, 250_000)).toMatchObject({
      ok: false,
      reason: 'above_max',
      suggestions: [100_000],
    });
  });

  it('knows Woyofal starts at 1 000 and Rapido goes by 5 000', async () => {
    const cat = await createCatalog({ kv: memoryKv() });
    expect(cat.checkAmount('WOYOFAL_SN_BILL_RELOAD', 500)).toMatchObject({
      reason: 'below_min',
      suggestions: [1000],
    });
    expect(cat.checkAmount('RAPIDO_SN_BILL_RELOAD', 12_000)).toMatchObject({
      reason: 'not_multiple',
      suggestions: [10_000, 15_000],
    });
    expect(cat.checkAmount('RAPIDO_SN_BILL_RELOAD', 15_000)).toEqual({ ok: true });
  });

  it('uses admin rules, persisted, and rejects nonsense rules', async () => {
    const kv = memoryKv();
    const cat = await createCatalog({ kv });
    const code = 'FREE_SN_AIRTIME_CREDIT_TELEPHONIQUE';
    await cat.setRules(code, { multiple: 100, min: 200 });
    expect(cat.get(code)?.rules).toEqual({ min: 200, max: 100_000, multiple: 100 });
    expect(cat.checkAmount(code, 150)).toMatchObject({ reason: 'below_min', suggestions: [200] });
    expect(cat.checkAmount(code, 1050)).toMatchObject({ reason: 'not_multiple', suggestions: [1000, 1100] });
    const again = await createCatalog({ kv });
    expect(again.get(code)?.rules).toEqual({ min: 200, max: 100_000, multiple: 100 });
    await expect(again.setRules(code, { min: 5000, max: 1000 })).rejects.toThrow();
    await expect(again.setRules(code, { multiple: 0 })).rejects.toThrow();
    expect(again.get(code)?.rules).toEqual({ min: 200, max: 100_000, multiple: 100 });
  });
});

describe('refreshCatalog: GET services, cached in kv', () => {
  it('replaces the list, caches it, and a restart uses the cache', async () => {
    const kv = memoryKv();
    const cat = await createCatalog({ kv });
    await cat.setEnabled('ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE', false);
    const fresh = [
      svc('ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE', 'CREDIT_TELEPHONIQUE', 'Achat credit Orange'),
      svc('WAVE_SN_API_CASH_OUT', 'CASHOUT', 'CashOut Wave Money'),
      svc('NEWCO_SN_BILL_PAY', 'BILL_PAY', 'Newco'),
    ];
    const res = await refreshCatalog(cat, { listServices: async () => fresh }, kv, { now: () => 42 });
    expect(res).toEqual({ ok: true, count: 3 });
    expect(cat.all()).toHaveLength(3);
    // Admin settings of known codes are kept.
    expect(cat.isAvailable('ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE')).toBe(false);
    expect(cat.get('NEWCO_SN_BILL_PAY')).toMatchObject({
      family: 'bill_pay',
      brand: 'newco',
      label: 'Newco',
    });
    expect(cat.isAvailable('SENELEC_SN_BILL_PAY')).toBe(false);
    expect(await kv.get(CATALOG_NS, 'services')).toEqual({ services: fresh, fetchedAt: 42 });

    const restarted = await createCatalog({ kv });
    expect(restarted.source()).toBe('cache');
    expect(restarted.all().map((e) => e.codeService)).toEqual(fresh.map((s) => s.codeService));
  });

  it('keeps the current list when Intech fails or answers nothing', async () => {
    const kv = memoryKv();
    const cat = await createCatalog({ kv });
    const before = cat.all().length;
    const failing = await refreshCatalog(
      cat,
      { listServices: async () => Promise.reject(new Error('timeout')) },
      kv,
    );
    expect(failing).toEqual({ ok: false, error: 'timeout' });
    const empty = await refreshCatalog(cat, { listServices: async () => [] }, kv);
    expect(empty.ok).toBe(false);
    expect(cat.all()).toHaveLength(before);
    expect(await kv.get(CATALOG_NS, 'services')).toBeUndefined();
  });

  it('uses the services given explicitly (tests, simulator)', async () => {
    const cat = await createCatalog({ kv: memoryKv(), services: [svc('WAVE_SN_API_CASH_OUT', 'CASHOUT')] });
    expect(cat.source()).toBe('given');
    expect(cat.wallets('SN').map((e) => e.codeService)).toEqual(['WAVE_SN_API_CASH_OUT']);
  });
});

describe('loadCatalog and startCatalogSync', () => {
  it('loads from Intech at start, and falls back to the documented list when Intech is down', async () => {
    const kv = memoryKv();
    const up = await loadCatalog({
      kv,
      api: { listServices: async () => [svc('WAVE_SN_API_CASH_OUT', 'CASHOUT')] },
    });
    expect(up.source()).toBe('api');
    expect(up.all()).toHaveLength(1);
    const down = await loadCatalog({
      kv: memoryKv(),
      api: { listServices: async () => Promise.reject(new Error('down')) },
    });
    expect(down.source()).toBe('documented');
    expect(down.all().length).toBe(documentedServices().length);
  });

  it('refreshes periodically until stopped', async () => {
    const kv = memoryKv();
    const cat = await createCatalog({ kv });
    let calls = 0;
    const api = {
      listServices: async () => {
        calls++;
        return [svc('WAVE_SN_API_CASH_OUT', 'CASHOUT')];
      },
    };
    const stop = startCatalogSync(cat, api, kv, { intervalMs: 5 });
    await new Promise((r) => setTimeout(r, 40));
    stop();
    const seen = calls;
    expect(seen).toBeGreaterThanOrEqual(2);
    expect(cat.all()).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 20));
    expect(calls).toBe(seen);
    expect(startCatalogSync(cat, api, kv, { intervalMs: 0 })).toBeTypeOf('function');
  });
});

describe('serviceLabel', () => {
  it('names every documented service for customers, from its code alone', async () => {
    const { serviceLabel } = await import('../../src/catalog/derive.js');
    expect(serviceLabel('ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE')).toBe('Orange');
    expect(serviceLabel('MTN_CI_AIRTIME_CREDIT_TELEPHONIQUE')).toBe('MTN');
    expect(serviceLabel('WOYOFAL_SN_BILL_RELOAD')).toBe('Woyofal');
    expect(serviceLabel('SENEAU_SN_BILL_PAY')).toBe('SenEau');
    expect(serviceLabel('BAOBAP_PLUS_SN_BILL_RELOAD')).toBe('Baobab+');
    expect(serviceLabel('WAVE_SN_API_CASH_OUT')).toBe('Wave');
    expect(serviceLabel('ORANGE_SN_API_CASH_OUT')).toBe('Orange Money');
    expect(serviceLabel('EXPRESSO_SN_WALLET_CASH_OUT')).toBe('E-Money');
    expect(serviceLabel('MTN_CI_API_CASH_OUT_2')).toBe('MTN MoMo');
    expect(serviceLabel('WHATSAPP_MESSAGING')).toBe('WhatsApp');
    expect(serviceLabel('ACME_SN_BILL_PAY')).toBe('Acme');
  });
});
