// What a Wolof-speaking customer reads stays Wolof, with the same word for the same thing everywhere:
// kredi (airtime), operatëer, nimero, équipe; no French label ("Récapitulatif", "Opérateur", "crédit").
import { describe, expect, it } from 'vitest';
import { messages } from '../../src/conversation/messages/index.js';

const wo = messages('wo');
/** French (or other-spelling) words that must not show in a Wolof message. */
const FOREIGN =
  /Récapitulatif|[Oo]pérateur|[Cc]rédit|Montant|Résumé|Kompaañi|\bekip\b|\bnuméro\b|Quel|Votre|\bpour\b/;

function rendered(): string[] {
  const item = wo.item({
    kind: 'airtime',
    service: 'Orange',
    amount: '1 000 FCFA',
    recipient: '77 123 45 67',
  });
  return [
    ...Object.values(wo).filter((v): v is string => typeof v === 'string'),
    ...Object.values(wo.stateLabel),
    item,
    wo.item({ kind: 'bill_pay', service: 'Senelec', amount: '9 875 FCFA', account: '21050176023' }),
    wo.summary({
      item,
      details: [],
      operatorHint: { detected: 'Orange', others: ['free', 'expresso'] },
      wallets: ['Wave', 'Orange Money'],
      payer: '77 999 88 77',
    }),
    wo.noAirtimeFor('99 123 45 67', ['orange', 'free']),
    ...(['incomplete', 'too_long', 'unknown_prefix'] as const).map((r) => wo.phoneNotRead('77 123', r)),
    wo.operatorUnavailable('Expresso'),
    wo.askAmount('Orange', '500, 1 000'),
    wo.menu(),
  ];
}

describe('Wolof messages', () => {
  it('show no French label and one spelling for operator and airtime', () => {
    for (const text of rendered()) expect(text).not.toMatch(FOREIGN);
    const all = rendered().join('\n');
    expect(all).toContain('Operatëer : Orange');
    expect(all).toMatch(/Kredi Orange 1 000 FCFA/);
  });
});
