// The receipt is decided once (a plain, JSON-safe view) and drawn when it is sent: a view stored with a
// message still to send draws exactly the receipt the order gave when it was due.
import { describe, expect, it } from 'vitest';
import type { Lang } from '../../src/i18n/lang.js';
import {
  buildReceiptView,
  receiptText,
  renderReceiptPng,
  renderReceiptText,
  renderViewPng,
} from '../../src/receipts/index.js';
import { makeOrder, makeWoyofalOrder, TOKENS_3 } from '../helpers/orders.js';

describe('receipt view: decided once, drawn later', () => {
  for (const lang of ['fr', 'en', 'wo'] as Lang[]) {
    it(`${lang}: a stored view (JSON round trip) draws the same text and image as the order`, async () => {
      const order = makeWoyofalOrder(TOKENS_3, { lang });
      const opts = { merchantName: 'Xaalis Test' };
      const stored = JSON.parse(JSON.stringify(buildReceiptView(order, lang, opts)));
      expect(renderReceiptText(stored)).toBe(receiptText(order, lang, opts));
      const [fromView, fromOrder] = await Promise.all([
        renderViewPng(stored),
        renderReceiptPng(order, lang, opts),
      ]);
      expect(fromView.equals(fromOrder)).toBe(true);
    });
  }

  it('a later change to the order does not change a receipt already decided', () => {
    const order = makeOrder();
    const view = buildReceiptView(order, 'fr');
    const text = renderReceiptText(structuredClone(view));
    order.amount = 99_000;
    order.updatedAt += 3_600_000;
    expect(renderReceiptText(view)).toBe(text);
    expect(text).not.toContain('99 000');
  });
});
