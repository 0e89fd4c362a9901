// The whole-message choice reader (src/parser/choice.ts) and what the parser does with the pending
// question's options (src/parser/parser.ts withContext): a pick only when the whole message is one.
import { describe, expect, it } from 'vitest';
import { MENU_LABELS } from '../../src/conversation/messages/index.js';
import { expecting, initialConversation } from '../../src/conversation/machine.js';
import type { Conversation } from '../../src/conversation/types.js';
import { type ChoiceOption, readChoice } from '../../src/parser/choice.js';
import { withContext } from '../../src/parser/parser.js';
import { parseRules } from '../../src/parser/rules.js';
import type { Expecting } from '../../src/parser/types.js';

const WALLETS: ChoiceOption[] = [
  { n: 1, names: ['Wave'] },
  { n: 2, names: ['Orange Money', 'om'] },
  { n: 3, names: ['Free Money'] },
];

describe('readChoice', () => {
  it.each([
    ['1', 1],
    ['2', 2],
    [' 3 ', 3],
    ['le 1', 1],
    ['Le 2', 2],
    ['option 2', 2],
    ['choix 3', 3],
    ['n°2', 2],
    ['2.', 2],
    ['2)', 2],
    ['2️⃣', 2],
    ['deux', 2],
    ['trois', 3],
    ['two', 2],
    ['the 1', 1],
    ['ñaar', 2],
    ['naar', 2],
    ['ñett', 3],
    ['benn', 1],
    ['wave', 1],
    ['Wave !', 1],
    ['orange money', 2],
    ['Orange  Money', 2],
    ['om', 2],
    ['free money', 3],
    ['2 stp', 2],
    ['1 please', 1],
  ])('"%s" is option %i', (text, n) => {
    expect(readChoice(text, WALLETS)).toEqual({ kind: 'pick', n });
  });

  it.each([
    'les deux',
    'les 2',
    'deux secondes',
    '2 ou 3 ?',
    '2 ?',
    'both',
    "j'hésite entre les deux",
    'ñaar walla ñett',
    '1 ou 2',
    'le 2 ou le 3',
    'all of them',
    'tous',
    'wave ou orange money',
    'wave ?',
  ])('"%s" is not a pick', (text) => {
    expect(readChoice(text, WALLETS).kind).toBe('unclear');
  });

  it('a number outside the options is no pick', () => {
    expect(readChoice('7', WALLETS)).toEqual({ kind: 'unclear' });
  });

  it('plain words are neither a pick nor unclear', () => {
    expect(readChoice('bonjour', WALLETS)).toEqual({ kind: 'none' });
    expect(readChoice('', WALLETS)).toEqual({ kind: 'none' });
  });
});

function parseAt(text: string, exp: Expecting | undefined) {
  return withContext(text, parseRules(text, { expecting: exp?.slot, lang: 'fr' }), { expecting: exp });
}

const CONFIRM: Conversation = {
  ...initialConversation(0),
  pending: {
    q: 'confirm',
    wallets: ['WAVE_SN_API_CASH_OUT', 'ORANGE_SN_API_CASH_OUT', 'FREE_SN_WALLET_CASH_OUT'],
  },
  draft: { kind: 'airtime', amount: 1000, recipient: '+221771234567' },
};

describe('parser with the pending question (withContext)', () => {
  it('at a summary, a sentence with a number word is neither a pick nor an amount', () => {
    for (const text of ['les deux', "j'hésite entre les deux", 'deux secondes', '2 ou 3 ?']) {
      const r = parseAt(text, expecting(CONFIRM));
      expect(r.extra.choice, text).toBeUndefined();
      expect(r.amount, text).toBeNull();
      expect(r.extra.choiceUnclear, text).toBe(true);
      expect(r.extra.choiceQuote, text).toBe(text.trim().replace(/\s+/g, ' '));
      expect(r.intent, text).not.toBe('yes');
    }
  });

  it('at a summary, the wallet named alone is its option (and no operator correction)', () => {
    const r = parseAt('orange money', expecting(CONFIRM));
    expect(r.extra.choice).toBe(2);
    expect(r.extra.operator).toBeUndefined();
    expect(r.codeService).toBeNull();
  });

  it('a correction keeps its slots: "plutôt 2000", "non pour le 78 765 43 21"', () => {
    expect(parseAt('plutôt 2000', expecting(CONFIRM)).amount).toBe(2000);
    const r = parseAt('non plutôt pour le 78 765 43 21', expecting(CONFIRM));
    expect(r.recipient).toBe('+221787654321');
    expect(r.extra.choice).toBeUndefined();
  });

  it('a payer number at the summary is the payer, not the recipient', () => {
    const r = parseAt('payer avec le 76 999 88 77', expecting(CONFIRM));
    expect(r.extra.payer).toBe('+221769998877');
    expect(r.recipient).toBeNull();
  });

  it('a phone-like number we cannot read is reported as typed, never as an amount', () => {
    expect(parseAt('credit 1000 pour 77 123 45', undefined).extra.badPhone).toEqual({
      raw: '77 123 45',
      reason: 'incomplete',
    });
    expect(parseAt('credit 1000 pour 99 123 45 67', undefined).extra.badPhone).toEqual({
      raw: '99 123 45 67',
      reason: 'unknown_prefix',
    });
    const r = parseAt('non pour le 78 765 43', expecting(CONFIRM));
    expect(r.extra.badPhone?.raw).toBe('78 765 43');
    expect(r.amount).toBeNull();
    // Amounts written in groups of thousands are not phones.
    expect(parseAt('credit 10 000 pour 77 123 45 67', undefined).extra.badPhone).toBeUndefined();
    expect(parseAt('credit 500000', undefined).extra.badPhone).toBeUndefined();
  });

  it('every main-menu label, in every language, is its option at the menu', () => {
    const menu = expecting({ ...initialConversation(0), pending: { q: 'menu' } });
    for (const labels of Object.values(MENU_LABELS))
      labels.forEach((label, i) => {
        expect(parseAt(label, menu).extra.choice, label).toBe(i + 1);
        expect(parseAt(label.split(' (')[0]!.toLowerCase(), menu).extra.choice, label).toBe(i + 1);
      });
    expect(parseAt('sama commande yi', menu).extra.choice).toBe(3);
  });

  it('without options on screen, only a whole-message number is a pick', () => {
    expect(parseAt('2', undefined).extra.choice).toBe(2);
    expect(parseAt('les deux', undefined).extra.choice).toBeUndefined();
  });
});
