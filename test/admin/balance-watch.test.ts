import { describe, expect, it } from 'vitest';
import { createBalanceWatch } from '../../src/admin/balance-watch.js';
import { createCatalog } from '../../src/catalog/catalog.js';
import { createMemoryStore } from '../../src/store/index.js';
import { fakeIntech, SERVICES } from './helpers.js';

async function setup(balance: number) {
  const store = createMemoryStore();
  const catalog = await createCatalog({ kv: store.kv, services: SERVICES });
  const intech = fakeIntech({ balance });
  const alerts: { kind: string; message: string }[] = [];
  const watch = createBalanceWatch({
    intech,
    catalog,
    alerter: { alert: async (kind, message) => void alerts.push({ kind, message }) },
    thresholdXof: 50_000,
    intervalMs: 0,
  });
  return { catalog, intech, alerts, watch };
}

describe('balance watch', () => {
  it('does nothing above the threshold', async () => {
    const { catalog, alerts, watch } = await setup(200_000);
    const s = await watch.checkNow();
    expect(s).toMatchObject({ below: false, hidden: [] });
    expect(alerts).toHaveLength(0);
    expect(catalog.isAvailable('RAPIDO_SN_BILL_RELOAD')).toBe(true);
  });

  it('under the threshold hides what the balance cannot cover, alerts once per crossing, restores after', async () => {
    const { catalog, intech, alerts, watch } = await setup(3_000);
    await watch.checkNow();
    // Rapido's smallest reload is 5 000: cannot be covered; airtime (100) and Woyofal (1 000) still can.
    expect(catalog.isAvailable('RAPIDO_SN_BILL_RELOAD')).toBe(false);
    expect(catalog.isAvailable('WOYOFAL_SN_BILL_RELOAD')).toBe(true);
    expect(catalog.isAvailable('ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE')).toBe(true);
    // Collecting (CREDIT) never needs the balance.
    expect(catalog.isAvailable('WAVE_SN_API_CASH_OUT')).toBe(true);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.kind).toBe('merchant_balance_low');
    expect(alerts[0]!.message).toContain('RAPIDO_SN_BILL_RELOAD');

    intech.balance = 500;
    await watch.checkNow();
    expect(catalog.isAvailable('WOYOFAL_SN_BILL_RELOAD')).toBe(false);
    expect(alerts).toHaveLength(1); // same crossing: no second alert

    intech.balance = 80_000;
    await watch.checkNow();
    expect(catalog.isAvailable('RAPIDO_SN_BILL_RELOAD')).toBe(true);
    expect(catalog.isAvailable('WOYOFAL_SN_BILL_RELOAD')).toBe(true);
    expect(alerts.map((a) => a.kind)).toEqual(['merchant_balance_low', 'merchant_balance_ok']);

    intech.balance = 10;
    await watch.checkNow();
    expect(alerts.map((a) => a.kind)).toEqual([
      'merchant_balance_low',
      'merchant_balance_ok',
      'merchant_balance_low',
    ]);
    expect(catalog.isAvailable('ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE')).toBe(false);
  });

  it('an unknown balance changes nothing', async () => {
    const { catalog, intech, alerts, watch } = await setup(200_000);
    intech.balanceFails = true;
    await watch.checkNow();
    expect(alerts).toHaveLength(0);
    expect(catalog.all().every((e) => catalog.isAvailable(e.codeService))).toBe(true);
  });

  it('restoring the balance never re-enables a service an admin disabled', async () => {
    const { catalog, intech, watch } = await setup(10);
    await catalog.setEnabled('FREE_SN_AIRTIME_CREDIT_TELEPHONIQUE', false);
    await watch.checkNow();
    expect(catalog.isAvailable('ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE')).toBe(false);
    intech.balance = 100_000;
    await watch.checkNow();
    expect(catalog.isAvailable('ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE')).toBe(true);
    expect(catalog.isAvailable('FREE_SN_AIRTIME_CREDIT_TELEPHONIQUE')).toBe(false);
  });
});
