// The sandbox chat page in real headless Chromium: a purchase from first message to receipt image.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { RunningBot } from '../../src/bot.js';
import { hasChromium, launchChromium } from './browser.js';
import { startTestBot } from './helpers.js';

if (!hasChromium)
  console.warn('chat-page test skipped: no chromium at /usr/bin/chromium (apt-get install chromium)');

describe.skipIf(!hasChromium && !process.env.CI)('sandbox chat page (Chromium)', () => {
  let bot: RunningBot;
  let browser: Browser;

  beforeAll(async () => {
    bot = await startTestBot();
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await bot?.stop();
  });

  it('buys airtime from the first message to the receipt image', async () => {
    const page = await browser.newPage();
    await page.goto(bot.url);
    await page.getByTestId('new-phone').fill('77 123 45 67');
    await page.getByTestId('add-chat').click();
    await expect.poll(() => page.getByTestId('current').textContent()).toBe('+221771234567');

    await page.getByTestId('text').fill('kredi 2000 pour 78 000 11 22');
    await page.getByTestId('send').click();
    const summary = page.getByTestId('msg-out').first();
    await summary.waitFor({ timeout: 10_000 });
    const summaryText = (await summary.textContent()) ?? '';
    expect(summaryText).toContain('2 000 FCFA');
    expect(summaryText).toContain('78 000 11 22');

    const waveOption = summaryText.match(/(\d)\W{0,3}\s*Wave/)?.[1] ?? '1';
    await page.getByTestId('text').fill(waveOption);
    await page.getByTestId('send').click();
    await page.getByTestId('link').first().waitFor({ timeout: 10_000 });

    const image = page.getByTestId('receipt-image');
    await image.waitFor({ timeout: 20_000 });
    await expect
      .poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), {
        timeout: 5000,
      })
      .toBeGreaterThan(300);
    expect(await page.getByTestId('receipt').count()).toBe(1);
    await page.screenshot({ path: '/tmp/xaalis-chat-page.png', fullPage: true });
    await page.close();
  }, 60_000);
});
