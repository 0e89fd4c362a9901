// The payment result pages a customer lands on after the Wave (or card) page: what they read, in their
// language, and where the button leads. Served by the real router over HTTP.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPayPagesRouter, waMeLink } from '../../src/http/pay-pages.js';
import { payPhase } from '../../src/http/pay-page-view.js';
import type { Order } from '../../src/orders/types.js';
import { makeOrder, makeWoyofalOrder } from '../helpers/orders.js';

const orders = new Map<string, Order>();
let server: Server;
let base: string;

beforeAll(async () => {
  const app = express();
  app.use(
    createPayPagesRouter({
      getOrder: async (id) => orders.get(id),
      backLink: () => waMeLink('+221 70 000 00 01'),
    }),
  );
  server = createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function page(path: string): Promise<{ status: number; html: string; text: string; headers: Headers }> {
  const res = await fetch(`${base}${path}`);
  const html = await res.text();
  const text = html
    .replace(/<style>[\s\S]*?<\/style>/, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ');
  return { status: res.status, html, text, headers: res.headers };
}

describe('payment result pages', () => {
  it('after "Payer", a collecting order: payment approved, what happens next, back to WhatsApp', async () => {
    orders.set('PAYDONE1', makeOrder({ id: 'PAYDONE1', state: 'collecting' }));
    const p = await page('/pay/done?order=PAYDONE1&lang=fr');
    expect(p.status).toBe(200);
    expect(p.headers.get('content-type')).toMatch(/text\/html/);
    expect(p.html).toContain('<html lang="fr">');
    expect(p.text).toContain('Merci, paiement validé');
    expect(p.text).toContain('commande PAYDONE1');
    expect(p.text).toContain('crédit Orange de 1 000 FCFA');
    expect(p.text).toContain('reçu sur WhatsApp');
    expect(p.text).toContain('Ne payez pas une deuxième fois');
    expect(p.html).toContain('href="https://wa.me/221700000001"');
    expect(p.text).toContain('Revenir sur WhatsApp');
    // Nobody holding the link learns whose line it was.
    expect(p.text).not.toContain('77 123 45 67');
    expect(p.html).not.toMatch(/<script/i);
    expect(p.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('after "Annuler": nothing was charged, how to try again, in the order\'s language', async () => {
    orders.set('PAYFAIL1', makeOrder({ id: 'PAYFAIL1', state: 'collecting', lang: 'en' }));
    const p = await page('/pay/failed?order=PAYFAIL1&lang=fr');
    expect(p.status).toBe(200);
    expect(p.html).toContain('<html lang="en">');
    expect(p.text).toContain('Payment not made');
    expect(p.text).toContain('was cancelled or did not go through: nothing was charged');
    expect(p.text).toContain('write encore to try again');
    expect(p.text).toContain('Back to WhatsApp');
  });

  it('speaks Wolof to a Wolof customer', async () => {
    orders.set('PAYWOLO1', makeWoyofalOrder(undefined, { id: 'PAYWOLO1', state: 'completed', lang: 'wo' }));
    const p = await page('/pay/done?order=PAYWOLO1');
    expect(p.html).toContain('<html lang="wo">');
    expect(p.text).toContain('Jeex na');
    expect(p.text).toContain('Sa kayitu fey mi ngi ci WhatsApp');
    expect(p.text).toContain('Dellu ci WhatsApp');
  });

  it("the order's state wins over the redirect: a paid order is never told it failed", async () => {
    orders.set('PAIDLATE', makeOrder({ id: 'PAIDLATE', state: 'delivering' }));
    const p = await page('/pay/failed?order=PAIDLATE');
    expect(p.text).toContain('Paiement reçu');
    expect(p.text).not.toContain('rien n');
    orders.set('REFUNDED', makeOrder({ id: 'REFUNDED', state: 'refunded' }));
    expect((await page('/pay/done?order=REFUNDED')).text).toContain(
      "n'a pas pu aboutir après votre paiement",
    );
  });

  it('unknown, malformed or missing orders still get a clear page (language from the link, French by default)', async () => {
    const unknown = await page('/pay/failed?order=NOSUCH99&lang=wo');
    expect(unknown.status).toBe(200);
    expect(unknown.text).toContain('Fey bi amul');
    const bad = await page('/pay/done?order=%3Cscript%3Ealert(1)%3C%2Fscript%3E&lang=xx');
    expect(bad.status).toBe(200);
    expect(bad.html).toContain('<html lang="fr">');
    expect(bad.html).not.toContain('<script');
    expect(bad.text).toContain('Merci, paiement validé');
    expect((await page('/pay/done')).status).toBe(200);
  });

  it('phases: pending orders follow the redirect, settled ones their state', () => {
    expect(payPhase('done', 'collecting')).toBe('confirming');
    expect(payPhase('failed', 'collecting')).toBe('not_paid');
    expect(payPhase('done', 'collect_failed')).toBe('not_paid');
    expect(payPhase('failed', 'completed')).toBe('finished');
    expect(payPhase('done', 'needs_human')).toBe('problem');
    expect(payPhase('done', undefined)).toBe('confirming');
  });

  it('wa.me links carry digits only, and none without a number', () => {
    expect(waMeLink('+221 77 000 00 01')).toBe('https://wa.me/221770000001');
    expect(waMeLink(undefined)).toBeUndefined();
    expect(waMeLink('')).toBeUndefined();
  });
});

describe('payment result pages in the running bot (no browser)', () => {
  it('the Wave page\'s "Payer" and "Annuler" redirect to our pages, which answer 200 in the order\'s language', async () => {
    const { startTestBot, say } = await import('../e2e/helpers.js');
    const bot = await startTestBot({ SIM_APPROVAL_DELAY_MS: '600000' });
    try {
      for (const [phone, button, path, words] of [
        ['+221771110001', 'approve', '/pay/done', 'Merci, paiement validé'],
        ['+221771110002', 'decline', '/pay/failed', "rien n'a été débité"],
      ] as const) {
        const summary = (await say(bot, phone, 'crédit 1000 pour 78 000 11 22')).replies[0]!.text;
        const option = summary.match(/(\d)\W{0,3}\s*Wave/)?.[1] ?? '1';
        const link = (await say(bot, phone, option)).replies
          .map((r) => r.text)
          .join('\n')
          .match(/https?:\/\/\S+/)![0];
        const res = await fetch(`${link}/${button}`, { method: 'POST' });
        expect(res.status).toBe(200);
        expect(new URL(res.url).pathname).toBe(path);
        const html = (await res.text()).replace(/&#39;/g, "'");
        expect(html).toContain(words);
        // Back to this customer's conversation on the sandbox chat page.
        expect(html).toContain(`href="/?phone=${encodeURIComponent(phone)}"`);
      }
    } finally {
      await bot.stop();
    }
  }, 30_000);
});
