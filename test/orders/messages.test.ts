// What the order desk says to a customer: one message per step, in their language, saying what was bought
// the way it is done (airtime sent, bill paid, meter topped up), and a cancel on the payment page as a cancel.
import { describe, expect, it } from 'vitest';
import type { Lang } from '../../src/i18n/lang.js';
import { customerErrorMessage } from '../../src/i18n/intech-errors.js';
import { cancelledOnPaymentPage, describeOrder, orderMessages as M } from '../../src/orders/messages.js';
import type { IntechErrorType } from '../../src/intech/types.js';
import type { Order } from '../../src/orders/types.js';
import { makeOperation, makeOrder, makeSenelecOrder, makeWoyofalOrder } from '../helpers/orders.js';

const LINK = 'https://pay.wave.com/c/cos-18k_a*b';

/** A Wave order whose collect Intech ended with this error (after handing out the payment link or not). */
function failedWave(errorType: IntechErrorType, link = true): Order {
  return makeOrder({
    state: 'collect_failed',
    operations: {
      collect: makeOperation({
        step: 'collect',
        codeService: 'WAVE_SN_API_CASH_OUT',
        status: 'failed',
        intechStatus: 'FAILLED',
        errorType,
        ...(link ? { deepLinkUrl: LINK } : {}),
      }),
    },
  });
}
const reason = (o: Order) =>
  customerErrorMessage(o.operations.collect?.errorType, o.lang, { amount: o.amount, charged: false });

describe('order messages', () => {
  it('no doubled brackets: "(n° …) (commande …)" never happens', () => {
    for (const lang of ['fr', 'en', 'wo'] as Lang[]) {
      for (const o of [
        makeOrder({ lang }),
        makeWoyofalOrder(undefined, { lang }),
        makeSenelecOrder({ lang }),
      ]) {
        const all = [
          describeOrder(o, lang),
          M.delivered(o),
          M.collected(o),
          M.refunded(o),
          M.payWithLink(o, LINK),
        ];
        for (const t of all) expect(t).not.toMatch(/\)\s*\(/);
        expect(describeOrder(o, lang)).not.toContain('(');
      }
    }
    expect(M.delivered(makeWoyofalOrder())).toBe(
      "C'est fait ✅ recharge Woyofal de 5 000 FCFA, n° de compteur 14256987412. Commande XB7K2M9Q : votre reçu suit.",
    );
  });

  it('a bill is paid, a meter topped up, airtime sent', () => {
    expect(M.collected(makeSenelecOrder())).toBe(
      'Paiement de 23 450 FCFA reçu, merci ! Nous réglons votre facture Senelec de 23 450 FCFA, n° de contrat 21050176023…',
    );
    expect(M.collected(makeWoyofalOrder())).toContain('Nous effectuons votre recharge Woyofal');
    expect(M.collected(makeOrder())).toContain(
      'Nous envoyons votre crédit Orange de 1 000 FCFA pour le 77 123 45 67',
    );
    expect(M.collected(makeSenelecOrder({ lang: 'en' }))).toContain(
      'Paying your Senelec bill of 23 450 FCFA, contract no.',
    );
    expect(M.collected(makeSenelecOrder({ lang: 'wo' }))).toContain('Nu ngi fey sa facture Senelec');
    for (const o of [makeSenelecOrder(), makeWoyofalOrder()])
      expect(M.collected(o)).not.toMatch(/envoyons votre (facture|recharge)/);
  });

  it('the payment link comes in one message: what is bought, the link, how long, what follows', () => {
    const t = M.payWithLink(makeOrder(), LINK);
    expect(t).toBe(
      `Commande XB7K2M9Q : crédit Orange de 1 000 FCFA pour le 77 123 45 67.\nPour payer 1 000 FCFA avec Wave, ouvrez ce lien (valable 15 minutes) :\n${LINK}\nDès que le paiement est validé, nous nous occupons du reste et vous envoyons le reçu ici.`,
    );
    // The link stands on its own line: nothing glued to it that a phone would take as part of the URL.
    expect(t.split('\n')).toContain(LINK);
    const om = M.validateOnPhone(
      makeOrder({ payment: { codeService: 'ORANGE_SN_API_CASH_OUT', payer: '+221781234567' } }),
    );
    expect(om).toContain('crédit Orange de 1 000 FCFA pour le 77 123 45 67');
    expect(om).toContain('#144#');
    expect(om).toContain('78 123 45 67');
    expect(om).toContain('nous nous occupons du reste et vous envoyons le reçu ici');
  });

  it('Wolof order messages say "kredi", like the conversation', () => {
    const o = makeOrder({ lang: 'wo' });
    for (const t of [M.payWithLink(o, LINK), M.collected(o), M.delivered(o), M.refunded(o)]) {
      expect(t).toContain('kredi Orange');
      expect(t).not.toMatch(/crédit/i);
    }
  });

  it('"Annuler" on the Wave page: a cancel, nothing charged, how to start again — not "try again later"', () => {
    const cancelled = failedWave({
      id: null,
      code: 'unknown_error',
      message: 'cancelled',
      codeService: 'WAVE_SN_API_CASH_OUT',
    });
    expect(cancelledOnPaymentPage(cancelled)).toBe(true);
    const fr = M.collectFailed(cancelled, reason(cancelled));
    expect(fr).toBe(
      "Commande XB7K2M9Q : vous avez annulé le paiement Wave, rien n'a été débité. Pour la refaire, écrivez *encore* ; pour autre chose, écrivez *menu*.",
    );
    expect(fr).not.toMatch(/n'a pas pu être traitée|Réessayez dans quelques minutes/);
    expect(M.collectFailed({ ...cancelled, lang: 'en' }, '')).toContain(
      'you cancelled the Wave payment; nothing was charged',
    );
    expect(M.collectFailed({ ...cancelled, lang: 'wo' }, '')).toContain(
      'neenal nga fey Wave bi, jëluñu sa xaalis',
    );
  });

  it('other Wave failures keep their own explanation', () => {
    const poor = failedWave({
      id: 2,
      code: 'insufficient_balance',
      message: 'solde',
      codeService: 'WAVE_SN_API_CASH_OUT',
    });
    expect(cancelledOnPaymentPage(poor)).toBe(false);
    expect(M.collectFailed(poor, reason(poor))).toContain('est insuffisant');
    // Refused before any link was handed out: the customer never saw a page to cancel on.
    const refused = failedWave(
      { id: null, code: 'unknown_error', message: 'x', codeService: 'WAVE_SN_API_CASH_OUT' },
      false,
    );
    expect(cancelledOnPaymentPage(refused)).toBe(false);
    expect(M.collectFailed(refused, reason(refused))).toContain("n'a pas pu être traitée");
  });
});
