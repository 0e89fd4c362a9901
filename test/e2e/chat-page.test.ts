// The sandbox chat page in real headless Chromium, on a phone (390×844) and a laptop (1280×800):
// purchases from the first message to the receipt, through the simulator's Wave page ("Payer" and
// "Annuler") and back from our payment result pages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { RunningBot } from '../../src/bot.js';
import { hasChromium, launchChromium } from './browser.js';
import { startTestBot } from './helpers.js';

if (!hasChromium)
  console.warn('chat-page test skipped: no chromium at /usr/bin/chromium (apt-get install chromium)');

const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1280, height: 800 };

/** What a person would notice first on a small screen: sideways scroll, a send button they cannot press. */
async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > innerWidth)
      problems.push(`page scrolls sideways: ${doc.scrollWidth} > ${innerWidth}`);
    for (const id of ['send', 'add-chat']) {
      const el = document.getElementById(id)!;
      const r = el.getBoundingClientRect();
      const x = r.left + r.width / 2;
      const y = r.top + r.height / 2;
      const hit = document.elementFromPoint(x, y);
      if (hit !== el && !el.contains(hit)) problems.push(`#${id} covered or off screen at ${x},${y}`);
      if (r.right > innerWidth || r.bottom > innerHeight || r.left < 0 || r.top < 0)
        problems.push(`#${id} cut off: ${JSON.stringify(r)}`);
    }
    return problems;
  });
}

/** The list is scrolled to its end: the newest message's last line is visible (a receipt can be taller
 * than a phone's screen; its end is what was just said). */
async function lastMessageInView(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const list = document.getElementById('messages')!;
    const box = list.getBoundingClientRect();
    const all = list.querySelectorAll('.msg');
    const last = all[all.length - 1]?.getBoundingClientRect();
    const atEnd = list.scrollHeight - list.scrollTop - list.clientHeight < 2;
    return !!last && atEnd && last.bottom <= box.bottom + 1 && last.bottom > box.top + 20;
  });
}

/** An element is inside the visible part of the message list. */
async function inView(page: Page, selector: string): Promise<boolean> {
  return page.evaluate((sel) => {
    const box = document.getElementById('messages')!.getBoundingClientRect();
    const els = document.querySelectorAll(sel);
    const r = els[els.length - 1]?.getBoundingClientRect();
    return !!r && r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
  }, selector);
}

async function openChat(page: Page, url: string, phone: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId('new-phone').fill(phone);
  await page.getByTestId('add-chat').click();
  await expect.poll(() => page.getByTestId('current').textContent()).toMatch(/^\+22/);
  // Live updates connected: what the bot says from now on shows up.
  await page.locator('#messages[data-live="1"]').waitFor();
}

async function send(page: Page, text: string): Promise<void> {
  await page.getByTestId('text').fill(text);
  await page.getByTestId('send').click();
}

/** Answers the summary with the Wave option and returns the payment link the bot sent. */
async function payWithWave(page: Page): Promise<string> {
  const summary = page.getByTestId('msg-out').last();
  await expect.poll(() => summary.textContent(), { timeout: 10_000 }).toMatch(/Wave/);
  const option = ((await summary.textContent()) ?? '').match(/(\d)\W{0,3}\s*Wave/)?.[1] ?? '1';
  await send(page, option);
  const link = page.getByTestId('link').last();
  await link.waitFor({ timeout: 10_000 });
  return (await link.getAttribute('href'))!;
}

/** Opens the Wave page like the customer would, presses a button, returns where it ended. */
async function onWavePage(
  browser: Browser,
  viewport: typeof PHONE,
  link: string,
  button: '#pay' | '#cancel',
): Promise<{ page: Page; status: number; url: string }> {
  const wave = await browser.newPage({ viewport });
  await wave.goto(link);
  const [response] = await Promise.all([
    wave.waitForResponse((r) => /\/pay\/(done|failed)\?/.test(r.url())),
    wave.locator(button).click(),
  ]);
  await wave.waitForLoadState('domcontentloaded');
  return { page: wave, status: response.status(), url: wave.url() };
}

describe.skipIf(!hasChromium && !process.env.CI)('sandbox chat page (Chromium)', () => {
  let bot: RunningBot;
  let browser: Browser;

  beforeAll(async () => {
    // The customer pays on the Wave page themselves: no automatic approval. Signed callbacks (HMAC): only
    // then is a Woyofal code in a callback Intech's word, shown on the receipt.
    bot = await startTestBot({
      SIM_APPROVAL_DELAY_MS: '600000',
      INTECH_HMAC_SECRET: 'sandbox-hmac-secret-0123456789',
    });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await bot?.stop();
  });

  it('on a phone: Woyofal paid on the Wave page, our result page, the code readable and in view', async () => {
    const page = await browser.newPage({ viewport: PHONE });
    await openChat(page, bot.url, '77 123 45 67');
    expect(await page.getByTestId('send').textContent()).toBe('Envoyer');
    expect(await layoutProblems(page)).toEqual([]);

    await send(page, 'woyofal 5000 compteur 14123456789');
    const link = await payWithWave(page);
    expect(await layoutProblems(page)).toEqual([]);

    const wave = await onWavePage(browser, PHONE, link, '#pay');
    expect(wave.status).toBe(200);
    expect(new URL(wave.url).pathname).toBe('/pay/done');
    // Confirming until Intech's callback lands, received once it has: the simulator may be first either way.
    expect(await wave.page.getByTestId('pay-result').textContent()).toMatch(
      /Merci, paiement validé[\s\S]*Ne payez pas une deuxième fois|Paiement reçu[\s\S]*est bien reçu/,
    );
    expect(await wave.page.evaluate(() => document.documentElement.scrollWidth <= innerWidth)).toBe(true);
    await wave.page.screenshot({ path: '/tmp/xaalis-pay-done-phone.png' });
    // "Revenir sur WhatsApp" in the sandbox leads back to this customer's chat.
    await wave.page.getByTestId('back').click();
    await expect.poll(() => wave.page.getByTestId('current').textContent()).toBe('+221771234567');
    await wave.page.close();

    const image = page.getByTestId('receipt-image');
    await image.waitFor({ timeout: 20_000 });
    await expect
      .poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), {
        timeout: 5000,
      })
      .toBeGreaterThan(300);
    // Readable: the receipt takes most of the screen's width, not a thumbnail.
    const shown = await image.boundingBox();
    expect(shown!.width).toBeGreaterThan(PHONE.width * 0.75);
    await expect.poll(() => lastMessageInView(page)).toBe(true);
    expect(await inView(page, '[data-testid="receipt"] [data-testid="mono"]')).toBe(true);
    expect(await layoutProblems(page)).toEqual([]);

    // The Woyofal code as WhatsApp shows it: monospace, without the ``` marks.
    const receipt = page.getByTestId('receipt').last();
    const code = receipt.getByTestId('mono').first();
    expect(await code.textContent()).toMatch(/^\d{4}( \d{4}){4}$/);
    expect(await receipt.textContent()).not.toContain('```');
    // 24-hour clock.
    expect(await receipt.locator('time').textContent()).toMatch(/^\d{2}:\d{2}$/);
    await page.screenshot({ path: '/tmp/xaalis-chat-phone.png' });

    // Tapping the receipt shows it full size; tapping again closes it.
    await page.getByTestId('receipt-open').last().click();
    const full = page.getByTestId('viewer-image');
    await expect
      .poll(() => full.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
      .toBe(720);
    expect((await full.boundingBox())!.width).toBe(720);
    await page.screenshot({ path: '/tmp/xaalis-chat-phone-receipt.png' });
    await page.getByTestId('viewer').click();
    expect(await page.getByTestId('viewer').isVisible()).toBe(false);
    await page.close();
  }, 60_000);

  it('on a laptop: "Annuler" on the Wave page ends on our page and the chat says nothing was charged', async () => {
    const page = await browser.newPage({ viewport: LAPTOP });
    await openChat(page, bot.url, '+221 78 111 22 33');
    expect(await layoutProblems(page)).toEqual([]);
    await send(page, 'crédit 1000 pour 78 000 11 22');
    const link = await payWithWave(page);

    const wave = await onWavePage(browser, LAPTOP, link, '#cancel');
    expect(wave.status).toBe(200);
    expect(new URL(wave.url).pathname).toBe('/pay/failed');
    const result = (await wave.page.getByTestId('pay-result').textContent()) ?? '';
    expect(result).toContain('Paiement non effectué');
    expect(result).toContain("rien n'a été débité");
    await wave.page.close();

    const last = page.getByTestId('msg-out').last();
    await expect
      .poll(() => last.textContent(), { timeout: 10_000 })
      .toContain('vous avez annulé le paiement Wave');
    expect(await last.textContent()).toContain("rien n'a été débité");
    expect(await last.textContent()).not.toMatch(/n'a pas pu être traitée|Réessayez dans quelques minutes/);
    expect(await lastMessageInView(page)).toBe(true);
    expect(await layoutProblems(page)).toEqual([]);
    await page.screenshot({ path: '/tmp/xaalis-chat-laptop.png' });
    await page.close();
  }, 60_000);

  for (const [name, viewport] of [
    ['phone', PHONE],
    ['laptop', LAPTOP],
  ] as const) {
    it(`on a ${name}: formatting, links with _ and *, long words, language switch, 413 shown`, async () => {
      const page = await browser.newPage({ viewport });
      const phone = name === 'phone' ? '+221760000001' : '+221760000002';
      await openChat(page, bot.url, phone);
      const url = 'https://example.test/pay_now/a*b*c_d_?x=1&y=2';
      await bot.sandbox!.deliver(phone, {
        type: 'text',
        text: `*Gras* et _italique_ ~barré~, code \`\`\`1234 5678\`\`\`, lien ${url}. Mot ${'x'.repeat(300)}`,
      });
      const msg = page.getByTestId('msg-out').last();
      await msg.waitFor();
      expect(await msg.locator('b').textContent()).toBe('Gras');
      expect(await msg.locator('i').textContent()).toBe('italique');
      expect(await msg.locator('s').textContent()).toBe('barré');
      expect(await msg.getByTestId('mono').textContent()).toBe('1234 5678');
      expect(await msg.getByTestId('link').getAttribute('href')).toBe(url);
      expect(await msg.getByTestId('link').textContent()).toBe(url);
      expect(await layoutProblems(page)).toEqual([]);

      await page.getByTestId('lang').selectOption('en');
      expect(await page.getByTestId('send').textContent()).toBe('Send');
      expect(await page.getByTestId('add-chat').textContent()).toBe('Chat');
      expect(await msg.locator('time').textContent()).toMatch(/^\d{2}:\d{2}$/);
      await page.getByTestId('lang').selectOption('wo');
      expect(await page.getByTestId('send').textContent()).toBe('Yónnee');
      expect(await layoutProblems(page)).toEqual([]);
      await page.getByTestId('lang').selectOption('fr');

      // Past WhatsApp's limit: the page says so, and keeps the text to shorten.
      await send(page, 'a'.repeat(65_537));
      await expect.poll(() => page.getByTestId('status').textContent()).toContain('Message trop long');
      expect((await page.getByTestId('text').inputValue()).length).toBe(65_537);
      expect(await layoutProblems(page)).toEqual([]);
      // Long but allowed: an answer comes back.
      const before = await page.getByTestId('msg-out').count();
      await send(page, `bonjour ${'très '.repeat(800)}`);
      await expect
        .poll(() => page.getByTestId('msg-out').count(), { timeout: 10_000 })
        .toBeGreaterThan(before);
      expect(await page.getByTestId('status').textContent()).toBe('');
      expect(await lastMessageInView(page)).toBe(true);
      await page.screenshot({ path: `/tmp/xaalis-chat-format-${name}.png` });
      await page.close();
    }, 60_000);
  }
});
