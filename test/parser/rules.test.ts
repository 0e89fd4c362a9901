import { describe, expect, it } from 'vitest';
import { parseRules } from '../../src/parser/rules.js';
import { ALL_ROWS, type Row } from './rules-cases.js';

function measured(text: string) {
  const r = parseRules(text);
  return {
    result: r,
    fields: [r.intent, r.codeService, r.amount, r.recipient, r.account, r.language] as const,
  };
}

describe('parseRules: the table', () => {
  it('has at least 150 messages', () => {
    expect(ALL_ROWS.length).toBeGreaterThanOrEqual(150);
  });

  it.each(ALL_ROWS)('%s', (...row: Row) => {
    const [text, intent, code, amount, recipient, account, language, extra] = row;
    const { result, fields } = measured(text);
    expect(fields).toEqual([intent, code, amount, recipient, account, language]);
    if (extra) expect(result.extra).toMatchObject(extra);
  });

  it('gets every field right on at least 95% of the table', () => {
    let right = 0;
    for (const [text, ...want] of ALL_ROWS) {
      const { fields } = measured(text);
      if (JSON.stringify(fields) === JSON.stringify(want.slice(0, 6))) right++;
    }
    expect(right / ALL_ROWS.length).toBeGreaterThanOrEqual(0.95);
  });
});

describe('parseRules: a bill service we do not know is named, as typed', () => {
  it.each([
    ['payer ma facture Sonatel', 'Sonatel'],
    ['facture de la sonatel 123456789', 'sonatel'],
    ['pay my Canal bill', 'Canal'],
    ['fey sama facture Sonatel', 'Sonatel'],
  ])('%s -> %s', (text, name) => {
    const r = parseRules(text);
    expect(r.intent).toBe('bill');
    expect(r.codeService).toBeNull();
    expect(r.extra.unknownService).toBe(name);
  });

  it.each([
    'facture senelec',
    'je veux payer ma facture',
    'facture maman',
    'woyofal 5000',
    'credit 1000 sonatel',
  ])('none in "%s"', (text) => {
    expect(parseRules(text).extra.unknownService).toBeUndefined();
  });
});
