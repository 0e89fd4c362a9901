// Money rule 5: a number word inside a sentence is neither a pick nor an amount; a sign or decimals make
// an amount we refuse and name back (issue #9 item 1, issue #13 finding 8).
import { describe, expect, it } from 'vitest';
import { findNumbers } from '../../src/parser/numbers.js';
import { parseRules } from '../../src/parser/rules.js';

const CONTEXTS = [undefined, 'choice', 'confirm', 'wallet', 'amount', 'recipient', 'account'] as const;

describe('a number inside a sentence is not a choice, nor an amount', () => {
  const sentences = [
    'les deux',
    'Les deux !',
    'deux secondes',
    'attends deux secondes',
    '2 ou 3 ?',
    '1 ou 2',
    'both',
    'both of them',
    "j'hésite entre les deux",
    'les 2',
    'les trois',
    'je prends les deux',
    'ñaar yi',
    'ñaari yeneen yi',
    'un instant',
    'une minute',
    'deux minutes stp',
    'give me two minutes',
    'one sec',
    'le 2 ou le 3',
    'pas le 2',
    'pourquoi 2 ?',
    "c'est quoi le 1",
    'mon fils a 5 ans',
    'il est 2 heures',
    'dans 3 jours',
    '2 fois',
    'je suis au 3e étage',
  ];

  it.each(sentences)('%s: no choice and no small amount, whatever the bot asked', (text) => {
    for (const expecting of CONTEXTS) {
      const r = parseRules(text, expecting ? { expecting } : {});
      expect(r.extra.choice, `${text} @${expecting}`).toBeUndefined();
      if (expecting !== 'amount') expect(r.amount, `${text} @${expecting}`).toBeNull();
      else expect(r.amount === null || r.amount >= 100, `${text} @amount`).toBe(true);
    }
  });

  it.each([
    ['1', 1],
    ['2', 2],
    ['3', 3],
    ['12', 12],
    ['le 2', 2],
    ['Le 1', 1],
    ['option 2', 2],
    ['numéro 3', 3],
    ['choix 1', 1],
    ['2️⃣', 2],
    ['2.', 2],
    ['3)', 3],
    ['deux', 2],
    ['Trois', 3],
    ['un', 1],
    ['one', 1],
    ['two', 2],
    ['three', 3],
    ['benn', 1],
    ['ñaar', 2],
    ['ñett', 3],
    ['ñeent', 4],
  ] as const)('%s alone is the choice %i', (text, n) => {
    expect(parseRules(text).extra.choice).toBe(n);
    expect(parseRules(text, { expecting: 'choice' }).extra.choice).toBe(n);
    expect(parseRules(text).amount).toBeNull();
  });

  it('a bare number is an amount only when the bot asked for one', () => {
    expect(parseRules('2', { expecting: 'amount' }).amount).toBe(2);
    expect(parseRules('2').amount).toBeNull();
    expect(parseRules('2000').amount).toBe(2000);
    expect(parseRules('2000').extra.choice).toBeUndefined();
    expect(parseRules('00').extra.choice).toBeUndefined();
    expect(parseRules('-2').extra.choice).toBeUndefined();
  });

  it('small amounts typed in an order are kept, so the bot can explain the limits', () => {
    expect(parseRules('credit 50').amount).toBe(50);
    expect(parseRules('credit 50 au 77 123 45 67').amount).toBe(50);
    expect(parseRules('woyofal 20').amount).toBe(20);
    expect(parseRules('credit 1000 deux fois').amount).toBe(1000);
    expect(parseRules('deux mille').amount).toBe(2000);
    expect(parseRules('ñaar junni').amount).toBe(2000);
  });
});

describe('signs and decimals: refused and quoted back', () => {
  it.each([
    ['-500', '-500', 'negative'],
    ['−500', '-500', 'negative'],
    ['credit -500', '-500', 'negative'],
    ['credit -500 au 77 123 45 67', '-500', 'negative'],
    ['-1000 f', '-1000', 'negative'],
    ['1000,50', '1000,50', 'decimal'],
    ['1000.50', '1000.50', 'decimal'],
    ['credit 1000,50 au 77 123 45 67', '1000,50', 'decimal'],
    ['recharge 2500.5 F', '2500.5', 'decimal'],
    ['1.000,50', '1.000,50', 'decimal'],
    ['1 000,50 fcfa', '1 000,50', 'decimal'],
    ['woyofal 5000,75 compteur 14123456789', '5000,75', 'decimal'],
  ] as const)('%s: no amount, invalidAmount %s (%s)', (text, raw, reason) => {
    for (const expecting of [undefined, 'amount'] as const) {
      const r = parseRules(text, expecting ? { expecting } : {});
      expect(r.amount, text).toBeNull();
      expect(r.extra.invalidAmount, text).toEqual({ raw, reason });
      expect(r.extra.choice).toBeUndefined();
    }
    expect(findNumbers(text).amounts).not.toContain(500);
    expect(findNumbers(text).amounts).not.toContain(1000);
  });

  it('keeps what is not an amount sign or decimal', () => {
    for (const [text, amount] of [
      ['credit 1.5k', 1500],
      ['2,5 millions', 2_500_000],
      ['credit 1.000 au 77 123 45 67', 1000],
      ['credit 1,000', 1000],
      ['recharge 1000 - 77 123 45 67', 1000],
      ['1000-77 123 45 67', 1000],
    ] as const) {
      const r = parseRules(text);
      expect(r.amount, text).toBe(amount);
      expect(r.extra.invalidAmount, text).toBeUndefined();
    }
    const phone = parseRules('credit 1000 au 77-123-45-67');
    expect(phone).toMatchObject({ amount: 1000, recipient: '+221771234567' });
    expect(phone.extra.invalidAmount).toBeUndefined();
    // A time or a version is no amount at all: nothing to refuse.
    expect(parseRules('à 14.30').extra.invalidAmount).toBeUndefined();
  });
});
