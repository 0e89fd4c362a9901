// The admin dashboard in real headless Chromium: log in with the token, find an order and its timeline,
// toggle a service, send a broadcast and watch its progress bar reach 100 %.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from '../e2e/browser.js';
import { seedOrder, startAdminServer, TOKEN } from './server.js';

if (!hasChromium) console.warn('admin dashboard test skipped: no chromium at /usr/bin/chromium');

describe.skipIf(!hasChromium && !process.env.CI)('admin dashboard (Chromium)', () => {
  let srv: Awaited<ReturnType<typeof startAdminServer>>;
  let browser: Browser;

  beforeAll(async () => {
    // 120 per minute = one message every 500 ms: slow enough to see the bar move, fast enough for a test.
    srv = await startAdminServer({ broadcastPerMinute: 120, subscribers: 5 });
    const now = Date.now();
    await srv.store.orders.create(seedOrder('XB7K2M9Q', { createdAt: now - 1000 }));
    await srv.store.orders.create(seedOrder('XB11111A', { createdAt: now - 2000, amount: 500 }));
    const stuck = seedOrder('XB22222B', { createdAt: now - 3000, state: 'needs_human', claimRef: 'CLM-77' });
    stuck.operations.deliver = {
      ...stuck.operations.deliver!,
      status: 'failed',
      intechStatus: 'FAILLED',
      errorType: { id: 28, code: 'operator_down_time', message: "L'opérateur est indisponible" },
    };
    await srv.store.orders.create(stuck);
    await srv.store.callbacks.record({
      externalTransactionId: 'XB7K2M9Q-DLV',
      transactionId: 'TXD-XB7K2M9Q',
      status: 'SUCCESS',
      receivedAt: now - 1000 + 8_900,
      body: {},
    });
    await srv.store.alerts.add({
      id: 'al2',
      at: now - 1,
      kind: 'xss_probe',
      message: '<img src=x onerror="window.__xss=1">',
      resolved: false,
    });
    await srv.store.alerts.add({
      id: 'al1',
      at: now,
      kind: 'refund_failed',
      message: 'Remboursement refusé',
      orderId: 'XB22222B',
      resolved: false,
    });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });

  it('logs in with the token, finds an order, sends a broadcast and follows it to 100 %', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${srv.url}/admin`);

    // A wrong token is refused and shows nothing.
    await page.getByTestId('token-input').fill('not-the-token-at-all');
    await page.getByTestId('login').click();
    await expect.poll(() => page.getByTestId('login-error').textContent()).toMatch(/refus/);
    expect(await page.getByTestId('orders-table').isVisible()).toBe(false);

    await page.getByTestId('token-input').fill(TOKEN);
    await page.getByTestId('login').click();
    await expect.poll(() => page.getByTestId('balance').textContent()).toBe('321 000 FCFA');
    await expect.poll(() => page.getByTestId('order-row').count()).toBe(3);
    await expect.poll(() => page.getByTestId('stat-volume').textContent()).toBe('2 500 FCFA');
    expect(await page.getByTestId('chart-bar').count()).toBe(24);
    // The y axis is labelled with the busiest hour's amount; each hour tells its total on hover.
    const values = await page
      .getByTestId('chart-bar')
      .evaluateAll((bars) => bars.map((b) => Number((b as HTMLElement).dataset.value)));
    const busiest = Math.max(...values);
    const axis = await page.getByTestId('volume-chart').locator('text').allTextContents();
    expect(axis).toContain(busiest.toLocaleString('fr-FR').replace(/\s/g, ' '));
    const busiestHour = values.indexOf(busiest);
    expect(
      await page
        .locator(`[data-testid="chart-bar"][data-hour="${busiestHour}"]`)
        .evaluate((b) => b.parentElement?.querySelector('title')?.textContent),
    ).toContain(`${busiest.toLocaleString('fr-FR').replace(/\s/g, ' ')} FCFA`);

    // Orders read like a person would say them: service label, local phone format, French state, payer wallet.
    const row = page.locator('[data-testid="order-row"][data-id="XB7K2M9Q"]');
    const cells = await row.locator('td').allTextContents();
    expect(cells[1]).toMatch(/^\d\d\/\d\d \d\d:\d\d$/);
    expect(cells[2]).toBe('livrée');
    expect(cells[3]).toContain('Orange');
    expect(cells[3]).toContain('ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE');
    expect(cells[4]).toBe('2 000 FCFA');
    expect(cells[5]).toContain('77 123 45 67');
    expect(cells[5]).not.toContain('+221');
    expect(cells[6]).toContain('Wave');
    expect(cells[6]).toContain('78 000 00 00');
    expect(
      await row
        .locator('td')
        .nth(4)
        .evaluate((td) => getComputedStyle(td).textAlign),
    ).toBe('right');
    expect(await page.locator('[data-testid="order-row"][data-id="XB22222B"] td').nth(2).textContent()).toBe(
      'à traiter',
    );
    const hour = new Date(Date.now() - 1000).getUTCHours();
    expect(
      Number(await page.locator(`[data-testid="chart-bar"][data-hour="${hour}"]`).getAttribute('data-value')),
    ).toBeGreaterThan(0);

    // Needs a person: the needs_human order and the open alert.
    await expect.poll(() => page.getByTestId('attention-order').count()).toBe(1);
    expect(await page.getByTestId('alert').first().textContent()).toContain('Remboursement refusé');
    // Data is shown as text, never as HTML.
    expect(await page.getByTestId('attention').textContent()).toContain('<img src=x onerror=');
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();

    // Find an order by reference and open its timeline.
    await page.getByTestId('order-search').fill('xb7k2m9q');
    await page.getByTestId('order-search-btn').click();
    await expect.poll(() => page.getByTestId('order-row').count()).toBe(1);
    await page.getByTestId('order-row').first().click();
    await expect.poll(() => page.getByTestId('drawer-title').textContent()).toContain('XB7K2M9Q');
    const timeline = (await page.getByTestId('timeline').textContent()) ?? '';
    expect(timeline).toContain('collect success');
    expect(timeline).toContain('callback SUCCESS');
    expect(timeline).toContain('receipt success');
    expect(await page.locator('[data-testid="timeline-entry"][data-kind="callback"]').count()).toBe(1);
    expect(await page.getByTestId('order-drawer').textContent()).not.toMatch(/null|undefined/);
    const deliver = page.getByTestId('op-deliver');
    expect(await deliver.textContent()).toContain('Livraison');
    expect(await deliver.textContent()).toContain('réussie');
    expect(await deliver.textContent()).toContain('TXD-XB7K2M9Q');
    expect(await page.getByTestId('op-collect').textContent()).toContain('Paiement');
    expect(await page.getByTestId('op-receipt').textContent()).toContain('Reçu');
    await page.getByTestId('drawer-close').click();
    expect(await page.getByTestId('order-drawer').isVisible()).toBe(false);

    // A failed step shows its Intech error, in red.
    await page.getByTestId('attention-order').getByRole('link', { name: 'XB22222B' }).click();
    await expect.poll(() => page.getByTestId('drawer-title').textContent()).toContain('XB22222B');
    const failedStep = page.getByTestId('op-deliver');
    expect(await failedStep.textContent()).toContain('échouée');
    const err = failedStep.locator('.operr');
    expect(await err.textContent()).toContain('operator_down_time');
    expect(await err.evaluate((e) => getComputedStyle(e).color)).toBe('rgb(180, 35, 24)');
    expect(await page.getByTestId('order-drawer').textContent()).toContain('CLM-77');
    await page.keyboard.press('Escape');
    expect(await page.getByTestId('order-drawer').isVisible()).toBe(false);

    // Filter by state.
    await page.getByTestId('order-search').fill('');
    await page.getByTestId('order-state').selectOption('needs_human');
    await expect
      .poll(() => page.locator('[data-testid="order-row"]').first().getAttribute('data-id'))
      .toBe('XB22222B');
    expect(await page.getByTestId('order-row').count()).toBe(1);

    // The catalog is grouped by family, and every row's rules editor is on screen (not clipped).
    const woyofal = page.locator('[data-testid="catalog-row"][data-code="WOYOFAL_SN_BILL_RELOAD"]');
    expect(
      await woyofal.evaluate((tr) => {
        let p = tr.previousElementSibling;
        while (p && !p.classList.contains('fam')) p = p.previousElementSibling;
        return p?.textContent;
      }),
    ).toContain('Recharges prépayées');
    expect(await page.locator('#catalog tr.fam').allTextContents()).toEqual(
      expect.arrayContaining([
        expect.stringContaining('Crédit téléphone'),
        expect.stringContaining('Messagerie'),
      ]),
    );
    await woyofal.getByTestId('rule-save').scrollIntoViewIfNeeded();
    const box = await woyofal.getByTestId('rule-save').boundingBox();
    expect(box && box.x + box.width).toBeLessThanOrEqual(page.viewportSize()!.width);

    // Disable a service from the catalog.
    await woyofal.getByTestId('catalog-toggle').uncheck();
    await expect.poll(() => srv.catalog.isAvailable('WOYOFAL_SN_BILL_RELOAD')).toBe(false);
    await expect.poll(() => woyofal.getByTestId('catalog-available').textContent()).toBe('non');
    // Amount rules edited from the page.
    await woyofal.getByTestId('rule-min').fill('2000');
    await woyofal.getByTestId('rule-save').click();
    await expect.poll(() => srv.catalog.get('WOYOFAL_SN_BILL_RELOAD')?.rules.min).toBe(2000);
    await expect.poll(() => woyofal.locator('.saved').textContent()).toBe('enregistré ✓');
    // A refused rule says why, in the row.
    await woyofal.getByTestId('rule-multiple').fill('0');
    await woyofal.getByTestId('rule-save').click();
    await expect.poll(() => woyofal.locator('.saved').textContent()).toMatch(/multiple/);
    expect(srv.catalog.get('WOYOFAL_SN_BILL_RELOAD')?.rules.multiple).not.toBe(0);

    // Catalog sync from the page: the diff is applied and its announcement can be previewed.
    srv.intech.services = [
      ...srv.intech.services,
      {
        name: 'Moov CI',
        codeService: 'MOOV_CI_AIRTIME_CREDIT_TELEPHONIQUE',
        typeOperation: 'DEBIT',
        typeService: 'CREDIT_TELEPHONIQUE',
      },
    ];
    await page.getByTestId('catalog-sync').click();
    await expect
      .poll(() =>
        page.locator('[data-testid="catalog-row"][data-code="MOOV_CI_AIRTIME_CREDIT_TELEPHONIQUE"]').count(),
      )
      .toBe(1);
    await page.getByTestId('use-announcement').click();
    expect(await page.getByTestId('bc-preview-fr').textContent()).toContain('Moov');
    expect(await page.getByTestId('bc-preview-wo').textContent()).toContain('Moov');
    await page.getByTestId('bc-wo').fill('');

    // Broadcast: preview, then send, then watch the bar.
    await page.getByTestId('bc-fr').fill('Promo ce soir : -10 % sur le crédit');
    await page.getByTestId('bc-en').fill('Tonight: 10 % off airtime');
    await page.getByTestId('bc-preview').click();
    expect(await page.getByTestId('bc-preview-fr').textContent()).toContain('Promo ce soir');
    expect(await page.getByTestId('bc-preview-en').textContent()).toContain('Tonight');
    expect(srv.channel.sent).toHaveLength(0);
    await page.getByTestId('bc-send').click();

    const bar = page.getByTestId('bc-progress').first();
    const seen = new Set<number>();
    await expect
      .poll(
        async () => {
          const v = Number(await bar.getAttribute('aria-valuenow'));
          seen.add(v);
          return v;
        },
        { timeout: 15_000, interval: 100 },
      )
      .toBe(100);
    // The bar moved through intermediate values: it is live, not just a final render.
    expect([...seen].some((v) => v > 0 && v < 100)).toBe(true);
    await expect.poll(() => page.getByTestId('bc-state').first().textContent()).toBe('done');
    expect(await page.getByTestId('bc-figures').first().textContent()).toContain('5 envoyés');
    expect(srv.channel.sent.map((m) => m.to).sort()).toEqual([...srv.subscribers].sort());
    expect(new Set(srv.channel.sent.map((m) => m.to)).size).toBe(5);

    // The token survives a reload of the tab (sessionStorage) and logout forgets it.
    await page.reload();
    await expect.poll(() => page.getByTestId('balance').textContent()).toBe('321 000 FCFA');
    await page.getByTestId('logout').click();
    expect(await page.evaluate(() => sessionStorage.getItem('adminToken'))).toBeNull();
    expect(errors).toEqual([]);
  }, 40_000);

  it('refreshes orders and figures on its own every 15 s', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.clock.install();
    await page.goto(`${srv.url}/admin`);
    await page.getByTestId('token-input').fill(TOKEN);
    await page.getByTestId('login').click();
    await expect.poll(() => page.getByTestId('order-row').count()).toBe(3);
    // Stamped once every panel has loaded: the orders may show before the "needs a person" list is in.
    await expect.poll(() => page.getByTestId('refreshed').textContent()).toMatch(/\d\d:\d\d:\d\d/);
    await srv.store.orders.create(seedOrder('XB33333C', { createdAt: Date.now(), amount: 1500 }));
    await page.clock.fastForward(5_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(await page.getByTestId('order-row').count()).toBe(3);
    await page.clock.fastForward(11_000);
    await expect.poll(() => page.getByTestId('order-row').count()).toBe(4);
    await expect.poll(() => page.getByTestId('stat-orders').textContent()).toBe('4');
    expect(errors).toEqual([]);
  }, 20_000);
});
