// The rules alone on the held-out tables (issue #9 "Understanding": ≥ 97% exact). Every field must be
// right: intent, service code, amount, recipient, account, language (and the extras a row names).
import { describe, expect, it } from 'vitest';
import { parseRules } from '../../src/parser/rules.js';
import { HELDOUT_CI } from './heldout-ci.js';
import { HELDOUT_EN } from './heldout-en.js';
import { HELDOUT_FR } from './heldout-fr.js';
import { HELDOUT_MIXED } from './heldout-mixed.js';
import type { Row } from './heldout-rows.js';
import { HELDOUT_SMS } from './heldout-sms.js';
import { HELDOUT_WO } from './heldout-wo.js';

const HELDOUT: Record<string, Row[]> = {
  french: HELDOUT_FR,
  english: HELDOUT_EN,
  wolof: HELDOUT_WO,
  'code-switching': HELDOUT_MIXED,
  'sms spellings': HELDOUT_SMS,
  "côte d'ivoire + number forms": HELDOUT_CI,
};

function exact(row: Row): boolean {
  const [text, ...want] = row;
  const r = parseRules(text);
  const got = [r.intent, r.codeService, r.amount, r.recipient, r.account, r.language];
  if (JSON.stringify(got) !== JSON.stringify(want.slice(0, 6))) return false;
  const extra = want[6];
  if (extra)
    for (const [k, v] of Object.entries(extra))
      if ((r.extra as Record<string, unknown>)[k] !== v) return false;
  return true;
}

describe('held-out tables: the rules alone', () => {
  const all = Object.values(HELDOUT).flat();

  it('has several hundred rows, no duplicates', () => {
    expect(all.length).toBeGreaterThanOrEqual(300);
    expect(new Set(all.map((r) => r[0])).size).toBe(all.length);
  });

  it('is ≥ 97% exact overall and ≥ 95% in every category', () => {
    const lines: string[] = [];
    const misses: string[] = [];
    let right = 0;
    for (const [name, rows] of Object.entries(HELDOUT)) {
      const ok = rows.filter(exact).length;
      right += ok;
      lines.push(`${name}: ${ok}/${rows.length} = ${((ok / rows.length) * 100).toFixed(1)}%`);
      for (const row of rows) {
        if (exact(row)) continue;
        const r = parseRules(row[0]);
        misses.push(
          `${JSON.stringify(row[0])} want ${JSON.stringify(row.slice(1))} got ${JSON.stringify([r.intent, r.codeService, r.amount, r.recipient, r.account, r.language, r.extra])}`,
        );
      }
    }
    lines.push(`all: ${right}/${all.length} = ${((right / all.length) * 100).toFixed(1)}%`);
    console.log(
      `held-out accuracy (rules alone)\n  ${lines.join('\n  ')}${misses.length ? `\nmisses:\n  ${misses.join('\n  ')}` : ''}`,
    );
    expect(right / all.length).toBeGreaterThanOrEqual(0.97);
    for (const rows of Object.values(HELDOUT))
      expect(rows.filter(exact).length / rows.length).toBeGreaterThanOrEqual(0.95);
  });
});
