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
