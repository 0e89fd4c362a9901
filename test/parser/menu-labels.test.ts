// Every menu label and keyword the bot shows (src/conversation/messages/*) is understood by the rules
// in every language, whichever language the customer reads the menu in (issue #9 item 9).
import { describe, expect, it } from 'vitest';
import { en } from '../../src/conversation/messages/en.js';
import { fr } from '../../src/conversation/messages/fr.js';
import { wo } from '../../src/conversation/messages/wo.js';
import { parseRules } from '../../src/parser/rules.js';
import type { Intent } from '../../src/parser/types.js';

const LANGS = { fr, en, wo } as const;

/** "1. Crédit téléphone" lines of a numbered menu, without the number. */
function labels(text: string): string[] {
  return text
    .split('\n')
    .map((l) => /^\s*\d+\.\s+(.+)$/.exec(l)?.[1]?.trim())
    .filter((l): l is string => Boolean(l));
}

/** The *keywords* the texts tell the customer to write, with what they must mean. */
const KEYWORD_INTENTS: Record<string, Intent> = {
  menu: 'help',
  oui: 'yes',
  yes: 'yes',
  waaw: 'yes',
  non: 'no',
  no: 'no',
  déedéet: 'no',
  stop: 'stop',
  start: 'start',
  statut: 'status',
  status: 'status',
};

describe('the menu labels the bot shows', () => {
  const MAIN_MENU: Intent[] = ['airtime', 'bill', 'history', 'language'];

  it.each(Object.entries(LANGS))('main menu in %s: each label means its option', (_lang, m) => {
    const found = labels(m.menu());
    expect(found).toHaveLength(MAIN_MENU.length);
    found.forEach((label, i) => {
      const r = parseRules(label);
      expect(r.intent, label).toBe(MAIN_MENU[i]);
      expect(r.confidence, label).toBeGreaterThanOrEqual(0.6);
      expect(r.extra.choice, label).toBeUndefined();
    });
  });

  it.each(Object.entries(LANGS))('language menu in %s: each label switches to its language', (_lang, m) => {
    const found = labels(m.langChoice);
    expect(found.length).toBeGreaterThanOrEqual(3);
    for (const label of found) {
      const r = parseRules(label);
      expect(r.intent, label).toBe('language');
      expect(r.extra.targetLanguage, label).toBeDefined();
    }
  });

  it('every *keyword* the texts ask for is understood', () => {
    const seen = new Set<string>();
    for (const m of Object.values(LANGS)) {
      for (const value of Object.values(m)) {
        const texts: string[] = [];
        if (typeof value === 'string') texts.push(value);
        else if (typeof value === 'function' && value.length === 0)
          texts.push(String((value as () => string)()));
        for (const t of texts) for (const k of t.matchAll(/\*([^*\n]+)\*/g)) seen.add(k[1]!.trim());
      }
    }
    const checked: string[] = [];
    for (const k of seen) {
      const want = KEYWORD_INTENTS[k.toLowerCase()];
      if (!want) continue;
      checked.push(k);
      expect(parseRules(k).intent, k).toBe(want);
    }
    expect(checked.length).toBeGreaterThanOrEqual(5);
  });
});
