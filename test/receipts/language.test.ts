// A receipt is entirely in the customer's language: no label of another language leaks into the text
// or the image (brand names, numbers and Intech's own bill details aside).
import { describe, expect, it } from 'vitest';
import type { Lang } from '../../src/i18n/lang.js';
import { receiptSvg, receiptText, buildReceiptView } from '../../src/receipts/index.js';
import { accountLabel, receiptServiceLabel, WORDS } from '../../src/receipts/labels.js';
import { makeOrder, makeSenelecOrder, makeWoyofalOrder, TOKENS_3 } from '../helpers/orders.js';

const LANGS: Lang[] = ['fr', 'en', 'wo'];
const ORDERS = {
  airtime: makeOrder(),
  woyofal: makeWoyofalOrder(TOKENS_3),
  senelec: makeSenelecOrder({ billInfo: [] }),
};

/** Every word a receipt of `lang` shows on its own: labels, service and account names. */
function wordsOf(lang: Lang): string[] {
  return [
    ...Object.values(WORDS[lang]),
    ...Object.values(ORDERS).flatMap((o) => [
      receiptServiceLabel(o.codeService, lang),
      accountLabel(o.codeService, lang),
    ]),
  ];
}

describe('receipts speak one language', () => {
  for (const lang of LANGS) {
    for (const other of LANGS.filter((l) => l !== lang)) {
      // Words both languages share (brand-only labels such as "Service" in fr and en) are not a leak.
      const foreign = wordsOf(other).filter((w) => !wordsOf(lang).includes(w) && w.length > 3);
      for (const [name, order] of Object.entries(ORDERS)) {
        it(`${lang} ${name}: nothing in ${other}`, () => {
          const text = receiptText(order, lang);
          const svg = receiptSvg(buildReceiptView(order, lang));
          for (const w of foreign) {
            expect(text, `text shows "${w}"`).not.toContain(w);
            expect(svg.toLowerCase(), `image shows "${w}"`).not.toContain(w.toLowerCase());
          }
        });
      }
    }
  }

  it('every Wolof label is its own, not the French one', () => {
    const same = (Object.keys(WORDS.fr) as (keyof typeof WORDS.fr)[]).filter(
      (k) => WORDS.wo[k] === WORDS.fr[k],
    );
    expect(same).toEqual([]);
  });
});
