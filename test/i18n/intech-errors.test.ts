import { describe, expect, it } from 'vitest';
import { INTECH_ERROR_TABLE } from '../../src/intech/error-codes.js';
import { customerErrorMessage } from '../../src/i18n/intech-errors.js';
import { LANGS } from '../../src/i18n/lang.js';

const generic = (lang: (typeof LANGS)[number]) =>
  customerErrorMessage({ id: 999, code: 'never_documented' }, lang);

describe('customerErrorMessage', () => {
  it('has a specific, non-empty message for every documented code in fr, en and wo', () => {
    for (const entry of INTECH_ERROR_TABLE) {
      for (const id of entry.ids) {
        const seen = new Set<string>();
        for (const lang of LANGS) {
          const text = customerErrorMessage({ id, code: entry.code }, lang, { amount: 1025 });
          expect(text.length, `${entry.code} ${lang}`).toBeGreaterThan(20);
          expect(text, `${entry.code} ${lang}`).not.toBe(generic(lang));
          expect(text).not.toMatch(/undefined|NaN|\$\{/);
          seen.add(text);
        }
        // fr and en at least differ (wo may fall back to French wording in places).
        expect(seen.size, entry.code).toBeGreaterThanOrEqual(2);
      }
    }
  });

  it('customer balance: says the amount, what to do, and that nothing was taken', () => {
    const et = { id: 2, code: 'insufficient_balance', codeService: 'WAVE_SN_API_CASH_OUT' };
    const en = customerErrorMessage(et, 'en', { amount: 1000 });
    expect(en).toContain('Wave');
    expect(en).toContain('1 000 FCFA');
    expect(en).toMatch(/top up/i);
    expect(en).toContain('*encore*');
    expect(en).toMatch(/not charged/i);
    const fr = customerErrorMessage(et, 'fr', { amount: 1000 });
    expect(fr).toContain('1 000 FCFA');
    expect(fr).toMatch(/Rechargez/);
  });

  it('merchant balance: our side, temporarily, you were not charged (or refunded when charged)', () => {
    const et = { id: 26, code: 'insufficient_balance' };
    const en = customerErrorMessage(et, 'en');
    expect(en).toMatch(/temporarily unavailable/);
    expect(en).toMatch(/not charged/);
    expect(customerErrorMessage(et, 'fr')).toMatch(/Aucun montant/);
    const charged = customerErrorMessage(et, 'en', { charged: true });
    expect(charged).toMatch(/refunded/);
    expect(charged).not.toMatch(/not charged/);
  });

  it('payment-timeout: 15 minutes, nothing taken, *encore* to retry', () => {
    for (const lang of LANGS) {
      const t = customerErrorMessage({ id: 4, code: 'payment-timeout' }, lang);
      expect(t).toContain('15');
      expect(t).toContain('*encore*');
    }
    expect(customerErrorMessage({ id: 4, code: 'payment-timeout' }, 'en')).toMatch(/not charged/);
  });

  it('bad amounts name the multiple and suggest the nearest valid amounts', () => {
    const en = customerErrorMessage({ id: 15, code: 'bad_amount_50' }, 'en', { amount: 1020 });
    expect(en).toContain('50 FCFA');
    expect(en).toContain('1 000 FCFA');
    expect(en).toContain('1 050 FCFA');
    const fr = customerErrorMessage({ id: 16, code: 'bad_amount_100' }, 'fr', { amount: 250 });
    expect(fr).toContain('100 FCFA');
    expect(fr).toMatch(/200 FCFA ou 300 FCFA/);
    expect(customerErrorMessage({ id: 38, code: 'bad_amount_5' }, 'wo', { amount: 3 })).toContain('5 FCFA');
  });

  it('unknown_error and unknown codes ask to retry later; no money claim unless told', () => {
    const u = customerErrorMessage(null, 'en');
    expect(u).toMatch(/try again/i);
    expect(u).not.toMatch(/charged|refund/);
    expect(generic('fr')).toMatch(/Réessayez plus tard/);
    expect(customerErrorMessage({ id: 1, code: 'invalid_phone_number' }, 'fr', { charged: true })).toMatch(
      /remboursé/,
    );
    expect(customerErrorMessage({ id: 28, code: 'operator_down_time' }, 'wo', { charged: false })).toContain(
      'Jëlunu sa xaalis',
    );
  });
});
