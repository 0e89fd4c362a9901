import { describe, expect, it } from 'vitest';
import { findNumbers } from '../../src/parser/numbers.js';
import { parseRules } from '../../src/parser/rules.js';

// Every amount form of the issue, alone and inside an airtime request.
const AMOUNT_FORMS: [string, number][] = [
  ['1000', 1000],
  ['1 000', 1000],
  ['1.000', 1000],
  ['1,000', 1000],
  ['1000F', 1000],
  ['1000 F', 1000],
  ['1000 FCFA', 1000],
  ['1000fcfa', 1000],
  ['1000 francs', 1000],
  ['1000 F CFA', 1000],
  ['1000 francs cfa', 1000],
  ['1000 xof', 1000],
  ['5k', 5000],
  ['5 k', 5000],
  ['1.5k', 1500],
  ['2 mille', 2000],
  ['2mille', 2000],
  ['deux mille', 2000],
  ['trois mille', 3000],
  ['cinq cents', 500],
  ['cent', 100],
  ['mille', 1000],
  ['mille cinq cents', 1500],
  ['deux mille cinq cents', 2500],
  ['quatre-vingt mille', 80000],
  ['vingt-cinq mille', 25000],
  ['cent mille', 100000],
  ['10 000', 10000],
  ['100.000', 100000],
  ['two thousand', 2000],
  ['five hundred', 500],
  ['a thousand', 1000],
  ['2 thousand', 2000],
  ['junni', 1000],
  ['ñaar junni', 2000],
  ['ñaari junni', 2000],
  ['ñett junni', 3000],
  ['juróom téeméer', 500],
  ['téeméer', 100],
  ['fukk junni', 10000],
  ['ñaar junni ak juróom téeméer', 2500],
  ['juróom benn junni', 6000],
  ['téeméer dërëm', 500],
  ['junni dërëm', 5000],
];

describe('findNumbers: amounts', () => {
  it.each(AMOUNT_FORMS)('%s -> %i', (text, value) => {
    expect(findNumbers(text).amounts).toEqual([value]);
    expect(findNumbers(text).phones).toEqual([]);
  });

  it.each(AMOUNT_FORMS)('credit %s au 77 123 45 67', (form, value) => {
    const r = parseRules(`credit ${form} au 77 123 45 67`);
    expect(r.intent).toBe('airtime');
    expect(r.amount).toBe(value);
    expect(r.recipient).toBe('+221771234567');
  });
});

// Every phone form of domain.md.
const PHONE_FORMS: [string, string][] = [
  ['77 123 45 67', '+221771234567'],
  ['771234567', '+221771234567'],
  ['77.123.45.67', '+221771234567'],
  ['77-123-45-67', '+221771234567'],
  ['+221 77 123 45 67', '+221771234567'],
  ['+221771234567', '+221771234567'],
  ['00221771234567', '+221771234567'],
  ['00 221 77 123 45 67', '+221771234567'],
  ['221771234567', '+221771234567'],
  ['221 77 123 45 67', '+221771234567'],
  ['07 07 07 07 07', '+2250707070707'],
  ['0707070707', '+2250707070707'],
  ['+225 07 07 07 07 07', '+2250707070707'],
  ['002250707070707', '+2250707070707'],
  ['+2250544332211', '+2250544332211'],
  ['01 02 03 04 05', '+2250102030405'],
];

describe('findNumbers: phones are never amounts', () => {
  it.each(PHONE_FORMS)('%s', (text, e164) => {
    const r = findNumbers(text);
    expect(r.phones).toEqual([e164]);
    expect(r.amounts).toEqual([]);
  });

  it.each(PHONE_FORMS)('recharge 1000 pour %s', (form, e164) => {
    const r = parseRules(`recharge 1000 pour ${form}`);
    expect([r.amount, r.recipient]).toEqual([1000, e164]);
  });

  it('splits an amount typed right before a phone', () => {
    expect(findNumbers('2000 771234567')).toMatchObject({ amounts: [2000], phones: ['+221771234567'] });
    expect(findNumbers('1 000 77 123 45 67')).toMatchObject({ amounts: [1000], phones: ['+221771234567'] });
    expect(findNumbers('78 000 11 22')).toMatchObject({ amounts: [], phones: ['+221780001122'] });
  });

  it('keeps meter and contract numbers whole as digit runs, not amounts', () => {
    const r = findNumbers('compteur 141 2345 6789 et contrat 210 501 760 23');
    expect(r.digitRuns).toEqual(expect.arrayContaining(['14123456789', '21050176023']));
    expect(r.amounts).toEqual([]);
  });

  it('gives foreign numbers in E.164 and never reads them as amounts', () => {
    expect(findNumbers('+33 6 12 34 56 78')).toMatchObject({ phones: ['+33612345678'], amounts: [] });
  });

  it('does not read articles as numbers', () => {
    expect(findNumbers('je veux une recharge').amounts).toEqual([]);
    expect(findNumbers('a top up please').amounts).toEqual([]);
    expect(findNumbers('du mil pour le repas').amounts).toEqual([]);
  });
});
