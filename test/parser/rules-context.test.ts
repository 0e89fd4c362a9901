import { describe, expect, it } from 'vitest';
import { parseRules } from '../../src/parser/rules.js';

describe('parseRules: answers to the bot question (ctx.expecting)', () => {
  it('reads a bare number as the amount when the bot asked for one', () => {
    const r = parseRules('2000', { expecting: 'amount' });
    expect(r.amount).toBe(2000);
    expect(r.confidence).toBeGreaterThanOrEqual(0.6);
    expect(parseRules('cinq cents', { expecting: 'amount' }).amount).toBe(500);
    expect(parseRules('ñaar junni', { expecting: 'amount' }).amount).toBe(2000);
  });

  it('reads a small bare number as a choice, and as an amount only when asked', () => {
    const plain = parseRules('2');
    expect(plain.extra.choice).toBe(2);
    expect(plain.amount).toBeNull();
    expect(parseRules('2', { expecting: 'choice' }).extra.choice).toBe(2);
    expect(parseRules('le 2', { expecting: 'choice' }).extra.choice).toBe(2);
    expect(parseRules('2', { expecting: 'choice' }).confidence).toBeGreaterThanOrEqual(0.6);
    expect(parseRules('500', { expecting: 'amount' }).amount).toBe(500);
  });

  it('reads a phone number as the recipient', () => {
    const r = parseRules('77 123 45 67', { expecting: 'recipient' });
    expect(r.recipient).toBe('+221771234567');
    expect(r.amount).toBeNull();
  });

  it('reads a digit run as the account when the bot asked for one', () => {
    const r = parseRules('14123456789', { expecting: 'account' });
    expect(r.account).toBe('14123456789');
    expect(r.amount).toBeNull();
    expect(r.confidence).toBeGreaterThanOrEqual(0.6);
    expect(parseRules('141 2345 6789', { expecting: 'account' }).account).toBe('14123456789');
    expect(parseRules('21050176023', {}).account).toBeNull();
  });

  it('reads a wallet name when the bot asked how to pay', () => {
    expect(parseRules('wave', { expecting: 'wallet' }).codeService).toBe('WAVE_SN_API_CASH_OUT');
    expect(parseRules('orange money', { expecting: 'wallet' }).codeService).toBe('ORANGE_SN_API_CASH_OUT');
    expect(parseRules('avec free money', { expecting: 'wallet' }).codeService).toBe(
      'FREE_SN_WALLET_CASH_OUT',
    );
    expect(parseRules('wizall', { expecting: 'wallet' }).codeService).toBe('WIZALL_SN_API_CASH_OUT');
  });

  it('reads yes / no at a confirmation', () => {
    expect(parseRules('waaw', { expecting: 'confirm' }).intent).toBe('yes');
    expect(parseRules('déedéet', { expecting: 'confirm' }).intent).toBe('no');
    expect(parseRules('1', { expecting: 'confirm' }).extra.choice).toBe(1);
    // A no-word wins over a yes-word, with a low confidence so the LLM may look.
    const mixed = parseRules("non c'est bon");
    expect(mixed.intent).toBe('no');
    expect(mixed.confidence).toBeLessThan(0.6);
  });
});

describe('parseRules: confidence tells when the LLM may help', () => {
  it('is high for clear messages', () => {
    for (const t of ['kredi 2000 pour 78 000 11 22', 'facture senelec', 'waaw', 'STOP', 'historique']) {
      expect(parseRules(t).confidence, t).toBeGreaterThanOrEqual(0.6);
    }
  });

  it('is low for messages the rules do not understand', () => {
    for (const t of ['asdfgh', 'tey dafa tàng lool', 'quelle heure est-il à Dakar maintenant', 'xyz 123']) {
      expect(parseRules(t).confidence, t).toBeLessThan(0.6);
    }
  });
});

describe('parseRules: extras', () => {
  it('names the operator only when the customer did', () => {
    expect(parseRules('credit orange 1000').extra.operator).toBe('orange');
    expect(parseRules('credit 1000 au 77 123 45 67').extra.operator).toBeUndefined();
    // "orange money" is a wallet, not the airtime operator.
    expect(parseRules('credit 1000 au 76 123 45 67 avec orange money').codeService).toBe(
      'FREE_SN_AIRTIME_CREDIT_TELEPHONIQUE',
    );
  });

  it('finds nicknames where a number would be', () => {
    expect(parseRules('recharge maman 1000').extra.nickname).toBe('maman');
    expect(parseRules('woyofal maison 5000').extra.nickname).toBe('maison');
    expect(parseRules('woyofal pour maman 5000').extra.nickname).toBe('maman');
    expect(parseRules('recharge 1000 au 77 123 45 67').extra.nickname).toBeUndefined();
    expect(parseRules('recharge svp 1000').extra.nickname).toBeUndefined();
  });

  it('gives the language asked for', () => {
    expect(parseRules('en français').extra.targetLanguage).toBe('fr');
    expect(parseRules('can you speak wolof').extra.targetLanguage).toBe('wo');
    expect(parseRules('je veux parler en wolof').extra.targetLanguage).toBe('wo');
  });

  it('leaves the language null when nothing tells', () => {
    expect(parseRules('1000').language).toBeNull();
    expect(parseRules('771234567').language).toBeNull();
  });

  it('is deterministic and never throws on odd input', () => {
    for (const t of [
      '',
      '   ',
      '🙂',
      '+',
      '00',
      '1'.repeat(40),
      'é'.repeat(500),
      '77 77 77 77 77 77 77 77',
    ]) {
      expect(() => parseRules(t)).not.toThrow();
      expect(parseRules(t)).toEqual(parseRules(t));
    }
  });
});
