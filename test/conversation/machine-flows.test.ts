import { beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/catalog/types.js';
import { initialConversation, loadConversation, step } from '../../src/conversation/machine.js';
import type { Question } from '../../src/conversation/types.js';
import {
  customer,
  Dialog,
  ME,
  OM,
  ORANGE,
  order,
  P,
  placeOrders,
  RAPIDO,
  SENELEC,
  testCatalog,
  WAVE,
  WOYOFAL,
} from './helpers.js';
import { CASES } from './lang-table.js';

let catalog: Catalog;
beforeAll(async () => {
  catalog = await testCatalog();
});

const TO = '+221771234567';
const MUM = '+221761234567';
const oneShot = (lang: 'fr' | 'en' | 'wo' = 'fr') =>
  P({ intent: 'airtime', amount: 1000, recipient: TO, codeService: ORANGE, language: lang });

describe.each(CASES)('conversation paths in $lang', (L) => {
  it('greeting and not-understood both show the numbered menu', () => {
    const d = new Dialog(catalog, { customer: { lang: L.lang } });
    expect(d.send('salut', P({ intent: 'help' })).reply).toContain(L.menu);
    const t = d.send('blabla', P());
    expect(t.reply).toContain(L.notUnderstood);
    expect(t.reply).toContain(L.menu);
  });

  it('limits: per-order maximum, then daily total, each refused politely and asked again', () => {
    const d = new Dialog(catalog, {
      customer: { lang: L.lang },
      limits: { orderMaxXof: 50_000 },
      todayTotal: 495_000,
    });
    const t1 = d.send('x', P({ intent: 'airtime', amount: 60_000, recipient: TO }));
    expect(t1.reply).toContain(L.orderMax);
    expect(d.conv.pending?.q).toBe('amount');
    const t2 = d.send('20000', P({ amount: 20_000 }));
    expect(t2.reply).toContain(L.dailyLimit);
    expect(d.conv.pending?.q).toBe('amount');
    const t3 = d.send('5000', P({ amount: 5000 }));
    expect(t3.reply).toContain(L.summaryTitle);
    expect(placeOrders(d.send('1', P({ extra: { choice: 1 } })))[0]!.amount).toBe(5000);
  });

  it('idle timeout: a late yes does not confirm a stale summary; the customer is told', () => {
    const d = new Dialog(catalog, { customer: { lang: L.lang, wallet: { codeService: WAVE, payer: ME } } });
    d.send(L.oneShot, oneShot(L.lang));
    d.later(15 * 60_000 + 1);
    const t = d.send(L.yes, P({ intent: 'yes' }));
    expect(t.reply).toContain(L.expired);
    expect(placeOrders(t)).toEqual([]);
    expect(t.reply).toContain(L.menu);
  });

  it('just before the timeout the yes still confirms', () => {
    const d = new Dialog(catalog, { customer: { lang: L.lang, wallet: { codeService: WAVE, payer: ME } } });
    d.send(L.oneShot, oneShot(L.lang));
    d.later(15 * 60_000 - 1);
    expect(placeOrders(d.send(L.yes, P({ intent: 'yes' })))).toHaveLength(1);
  });

  it('STOP and START toggle broadcasts', () => {
    const d = new Dialog(catalog, { customer: { lang: L.lang } });
    const t1 = d.send('STOP', P({ intent: 'stop' }));
    expect(t1.commands).toContainEqual({ type: 'saveCustomer', patch: { subscribed: false } });
    expect(t1.reply).toContain(L.stopped);
    const t2 = d.send('START', P({ intent: 'start' }));
    expect(t2.commands).toContainEqual({ type: 'saveCustomer', patch: { subscribed: true } });
    expect(t2.reply).toContain(L.started);
  });

  it('language switch by name is remembered and used from then on', () => {
    const other = L.lang === 'fr' ? 'en' : 'fr';
    const d = new Dialog(catalog, { customer: { lang: other } });
    const t = d.send('langue', P({ intent: 'language', extra: { targetLanguage: L.lang } }));
    expect(t.commands).toContainEqual({ type: 'saveCustomer', patch: { lang: L.lang } });
    expect(t.reply).toContain(L.langSet);
    expect(t.reply).toContain(L.menu);
    expect(d.customer.lang).toBe(L.lang);
    expect(d.send('credit', P({ intent: 'airtime' })).reply).toContain(L.forYou);
  });

  it('language switch through the menu (4, then a number)', () => {
    const d = new Dialog(catalog, { customer: { lang: 'fr' } });
    d.send('4', P({ extra: { choice: 4 } }));
    const t = d.send(
      String(['fr', 'en', 'wo'].indexOf(L.lang) + 1),
      P({ extra: { choice: ['fr', 'en', 'wo'].indexOf(L.lang) + 1 } }),
    );
    expect(t.commands).toContainEqual({ type: 'saveCustomer', patch: { lang: L.lang } });
    expect(t.reply).toContain(L.langSet);
  });

  it('repeat the last order: summary with its wallet, then yes places the same order', () => {
    const last = order({
      lang: L.lang,
      recipient: MUM,
      codeService: 'FREE_SN_AIRTIME_CREDIT_TELEPHONIQUE',
      payment: { codeService: OM, payer: ME },
    });
    const d = new Dialog(catalog, { customer: { lang: L.lang }, recentOrders: [last] });
    const t1 = d.send('encore', P({ intent: 'repeat' }));
    expect(t1.reply).toContain('Orange Money (77 000 00 01)');
    expect(t1.reply).toContain('76 123 45 67');
    const t2 = d.send(L.yes, P({ intent: 'yes' }));
    expect(placeOrders(t2)[0]).toMatchObject({
      kind: 'airtime',
      codeService: 'FREE_SN_AIRTIME_CREDIT_TELEPHONIQUE',
      amount: 1000,
      recipient: MUM,
      payment: { codeService: OM, payer: ME },
    });
    // A repeat is already known: no "save it?" offer.
    expect(d.conv.pending).toBeNull();
  });

  it('nickname: offered after a purchase, saved, then used ("recharge maman 1000")', () => {
    const d = new Dialog(catalog, { customer: { lang: L.lang } });
    d.send('x', P({ intent: 'airtime', amount: 1000, recipient: MUM }));
    const t1 = d.send('1', P({ extra: { choice: 1 } }));
    // Never together with the payment instructions: once paid, at a quiet message.
    expect(t1.reply).not.toContain(L.saveOffer);
    expect(d.send('ok', P({ intent: 'yes' })).reply).not.toContain(L.saveOffer); // still collecting
    d.settle('collecting');
    expect(d.send('ok', P({ intent: 'yes' })).reply).not.toContain(L.saveOffer);
    d.settle('completed');
    expect(d.send('merci', P({ intent: 'help' })).reply).toContain(L.saveOffer);
    const t2 = d.send('maman', P({ extra: { name: 'maman' } }));
    expect(t2.commands).toContainEqual({
      type: 'saveCustomer',
      patch: {
        beneficiaries: [
          {
            nickname: 'maman',
            kind: 'phone',
            value: MUM,
            codeService: 'FREE_SN_AIRTIME_CREDIT_TELEPHONIQUE',
          },
        ],
      },
    });
    expect(t2.reply).toContain(L.saved);

    const t3 = d.send(
      'recharge maman 1000',
      P({ intent: 'airtime', amount: 1000, extra: { nickname: 'maman' } }),
    );
    expect(t3.reply).toContain('76 123 45 67');
    expect(t3.reply).toContain(L.summaryTitle);
    const t4 = d.send(L.yes, P({ intent: 'yes' })); // wallet remembered from the first order
    expect(placeOrders(t4)[0]).toMatchObject({ recipient: MUM, amount: 1000 });
    expect(t4.reply).not.toContain(L.saveOffer);
  });

  it('unknown phone (WhatsApp @lid): the payer number is asked before any summary', () => {
    const d = new Dialog(catalog, { customer: { lang: L.lang, phone: null, id: 'lid:42@lid' } });
    const t1 = d.send('credit', P({ intent: 'airtime' }));
    expect(t1.reply).toContain(L.askNumber); // no "for you?": we don't know the number
    d.send('77 123 45 67', P({ recipient: TO }));
    const t3 = d.send('1000', P({ amount: 1000 }));
    expect(t3.reply).toContain(L.askPayer);
    expect(t3.reply).not.toContain(L.summaryTitle);
    const t4 = d.send('77 123 45 67', P({ recipient: TO }));
    expect(t4.reply).toContain(L.summaryTitle);
    expect(t4.reply).toContain(L.payerLine);
    const t5 = d.send('1', P({ extra: { choice: 1 } }));
    expect(placeOrders(t5)[0]).toMatchObject({
      customerId: 'lid:42@lid',
      payment: { codeService: WAVE, payer: TO },
    });
  });

  it('status and history render references, states and receipt references', () => {
    const orders = [
      order({ id: 'XBOPEN01', state: 'collecting', createdAt: Date.UTC(2026, 10, 29, 9) }),
      order({
        id: 'XBDONE02',
        state: 'completed',
        kind: 'bill_reload',
        codeService: WOYOFAL,
        recipient: undefined,
        account: '12345678901',
        amount: 5000,
        tokens: ['12345678901234567890'],
        operations: {
          deliver: {
            step: 'deliver',
            externalTransactionId: 'XBDONE02-D',
            codeService: WOYOFAL,
            amount: 5000,
            status: 'success',
            sousServiceTransactionId: 'SEN-778899',
            recordedAt: 0,
          },
        },
      }),
    ];
    const d = new Dialog(catalog, { customer: { lang: L.lang }, recentOrders: orders });
    const s = d.send('où en est ma commande', P({ intent: 'status' }));
    expect(s.reply).toContain(L.statusTitle);
    expect(s.reply).toContain('*XBOPEN01*');
    expect(s.reply).toContain(L.waiting);
    expect(s.reply).not.toContain('XBDONE02');
    const h = d.send('historique', P({ intent: 'history' }));
    expect(h.reply).toContain(L.historyTitle);
    expect(h.reply).toContain('29/11 *XBOPEN01*');
    expect(h.reply).toContain('*XBDONE02* Woyofal 5 000 FCFA');
    expect(h.reply).toContain(L.delivered);
    expect(h.reply).toContain('SEN-778899');
    expect(h.reply).toContain('1234 5678 9012 3456 7890');
  });

  it('status and history with no orders say so', () => {
    const d = new Dialog(catalog, { customer: { lang: L.lang } });
    expect(d.send('statut', P({ intent: 'status' })).reply).toContain(L.noOrders);
    expect(d.send('historique', P({ intent: 'history' })).reply).toContain(L.noOrders);
  });
});

describe('cancel at every step', () => {
  const reach: Record<string, (d: Dialog) => void> = {
    menu: (d) => d.send('menu', P({ intent: 'help' })),
    bill_service: (d) => {
      d.send('menu', P({ intent: 'help' }));
      d.send('2', P({ extra: { choice: 2 } }));
    },
    recipient_self: (d) => d.send('credit', P({ intent: 'airtime' })),
    recipient: (d) => {
      d.send('credit', P({ intent: 'airtime' }));
      d.send('non', P({ intent: 'no' }));
    },
    operator: (d) => d.send('x', P({ intent: 'airtime', recipient: '+221751234567' })),
    amount: (d) => d.send('x', P({ intent: 'airtime', recipient: TO })),
    account: (d) => d.send('woyofal', P({ intent: 'bill', codeService: WOYOFAL })),
    bill_pick: (d) => d.send('senelec', P({ intent: 'bill', codeService: SENELEC, account: '1' })),
    payer: (d) => d.send('x', P({ intent: 'airtime', recipient: TO, amount: 1000 })),
    confirm: (d) => d.send('x', oneShot()),
  };
  it.each(Object.keys(reach))('at %s', (q) => {
    const d = new Dialog(catalog, {
      customer: q === 'payer' ? { phone: null, id: 'lid:1@lid' } : {},
      bills: () => ({
        ok: true,
        bills: [
          { amount: 1000, billReference: 'a', infos: [] },
          { amount: 2000, billReference: 'b', infos: [] },
        ],
      }),
    });
    reach[q]!(d);
    expect(d.conv.pending?.q).toBe(q as Question);
    const t = d.send('annuler', P({ intent: 'cancel' }));
    expect(t.reply).toContain(q === 'menu' ? "Il n'y a rien en cours" : "C'est annulé");
    expect(d.conv).toMatchObject({ pending: null, draft: null });
    expect(placeOrders(t)).toEqual([]);
    // After cancelling, a "oui" places nothing.
    expect(placeOrders(d.send('oui', P({ intent: 'yes' })))).toEqual([]);
  });
});

describe('machine details', () => {
  it('is pure: the input conversation and customer are not mutated', () => {
    const conv = initialConversation(0);
    const cust = customer();
    const frozen = JSON.stringify({ conv, cust });
    step(
      conv,
      { type: 'message', text: 'langue', parsed: P({ intent: 'language', extra: { targetLanguage: 'en' } }) },
      {
        now: 1,
        customer: cust,
        catalog,
        limits: { orderMaxXof: 1, dailyTotalXof: 1, idleMs: 1 },
        todayTotal: 0,
        recentOrders: [],
      },
    );
    expect(JSON.stringify({ conv, cust })).toBe(frozen);
  });

  it('loadConversation starts afresh on anything unknown', () => {
    expect(loadConversation(undefined, 5)).toEqual(initialConversation(5));
    expect(loadConversation({ v: 99 }, 5)).toEqual(initialConversation(5));
    const c = { ...initialConversation(1), pending: { q: 'amount' }, draft: { kind: 'airtime' } };
    expect(loadConversation(c, 5)).toBe(c);
    // An old (v1) summary is never resumed: a late "oui" must not confirm an unknown shape.
    const v1confirm = {
      v: 1,
      pending: 'confirm',
      options: ['WAVE_SN_API_CASH_OUT'],
      draft: { kind: 'airtime' },
    };
    expect(loadConversation(v1confirm, 5)).toEqual(initialConversation(5));
    // An old value question is migrated with its draft.
    const v1amount = { v: 1, pending: 'amount', options: [], draft: { kind: 'airtime' }, updatedAt: 3 };
    expect(loadConversation(v1amount, 5)).toEqual({
      v: 2,
      pending: { q: 'amount' },
      draft: { kind: 'airtime' },
      updatedAt: 3,
    });
    // A v2 confirm without its wallets is refused.
    expect(loadConversation({ v: 2, pending: { q: 'confirm' }, draft: { kind: 'airtime' } }, 5)).toEqual(
      initialConversation(5),
    );
  });

  it('the first message of a new customer sets their language', () => {
    const d = new Dialog(catalog);
    d.ctx = { ...d.ctx, isNewCustomer: true };
    const t = d.send('hello', P({ intent: 'help', language: 'en' }));
    expect(t.commands).toContainEqual({ type: 'saveCustomer', patch: { lang: 'en' } });
    expect(t.reply).toContain('What would you like to do?');
  });

  it('a known customer writing one message in another language keeps theirs', () => {
    const d = new Dialog(catalog);
    const t = d.send('hello', P({ intent: 'help', language: 'en' }));
    expect(t.commands.some((c) => c.type === 'saveCustomer')).toBe(false);
    expect(t.reply).toContain('Que voulez-vous faire');
  });

  it('an expired bill list is not picked by a late number', () => {
    const d = new Dialog(catalog, {
      bills: () => ({
        ok: true,
        bills: [
          { amount: 1000, billReference: 'a', infos: [] },
          { amount: 2000, billReference: 'b', infos: [] },
        ],
      }),
    });
    d.send('senelec', P({ intent: 'bill', codeService: SENELEC, account: '1' }));
    d.later(16 * 60_000);
    const t = d.send('2', P({ extra: { choice: 2 } }));
    expect(t.reply).toContain('a expiré');
    // "2" then falls to the menu: the bill services list, not a bill.
    expect(t.reply).toContain('Quelle facture ou recharge');
  });

  it('an order placed before the timeout is never touched by expiry', () => {
    const d = new Dialog(catalog, { recentOrders: [order({ state: 'collecting', id: 'XBPAID01' })] });
    d.send('x', P({ intent: 'airtime', amount: 1000, recipient: MUM }));
    d.send('1', P({ extra: { choice: 1 } })); // placed; save offer pending
    d.later(60 * 60_000);
    const t = d.send('statut', P({ intent: 'status' }));
    expect(t.commands.every((c) => c.type === 'reply')).toBe(true);
    expect(t.reply).toContain('XBPAID01');
  });

  it("reads the parser's result only: a saved two-word nickname is found in the parsed words, not the raw text", () => {
    const uncle = { nickname: 'tonton ali', kind: 'phone' as const, value: MUM };
    const d = new Dialog(catalog, { customer: { beneficiaries: [uncle] } });
    // The raw text names him, the parse result does not: nothing is read from the text.
    const t1 = d.send('credit 2000 tonton ali', P({ intent: 'airtime', amount: 2000 }));
    expect(t1.reply).not.toContain('76 123 45 67');
    // Through the real parser: its words carry the name.
    const d2 = new Dialog(catalog, { customer: { beneficiaries: [uncle] } });
    const t2 = d2.say('credit 2000 pour Tonton Ali !');
    expect(t2.reply).toContain('76 123 45 67');
    expect(t2.reply).toContain('2 000 FCFA');
  });

  it("an unclear choice is quoted back from the parser's quote, not from the raw text", () => {
    const d = new Dialog(catalog);
    d.say('credit 1000 pour 77 123 45 67');
    const t = d.send('ignored raw text', P({ extra: { choiceUnclear: true, choiceQuote: 'les deux' } }));
    expect(t.reply).toContain('« les deux »');
    expect(t.reply).not.toContain('ignored raw text');
  });

  it('nickname for a meter: "woyofal maison 5000"', () => {
    const d = new Dialog(catalog, {
      customer: {
        beneficiaries: [{ nickname: 'maison', kind: 'account', value: '12345678901', codeService: WOYOFAL }],
      },
    });
    const t = d.send(
      'woyofal maison 5000',
      P({ intent: 'bill', codeService: WOYOFAL, amount: 5000, extra: { nickname: 'maison' } }),
    );
    expect(t.reply).toContain('Woyofal 5 000 FCFA (n° 12345678901)');
  });

  it('a meter bought without a nickname gets the save offer', () => {
    const d = new Dialog(catalog);
    d.send('woyofal', P({ intent: 'bill', codeService: WOYOFAL, account: '12345678901', amount: 5000 }));
    const t = d.send('1', P({ extra: { choice: 1 } }));
    expect(t.reply).not.toContain('sous un nom');
    d.settle('completed');
    expect(d.send('merci', P({ intent: 'help' })).reply).toContain('Woyofal 12345678901 sous un nom');
    expect(d.send('non', P({ intent: 'no' })).commands.some((c) => c.type === 'saveCustomer')).toBe(false);
  });

  it('an unknown nickname asks for the number', () => {
    const d = new Dialog(catalog);
    const t = d.send(
      'recharge tonton 1000',
      P({ intent: 'airtime', amount: 1000, extra: { nickname: 'tonton' } }),
    );
    expect(t.reply).toContain('Je ne connais pas encore « tonton »');
    expect(t.reply).toContain('Quel numéro faut-il recharger');
  });

  it('a new request at the save offer starts it directly', () => {
    const d = new Dialog(catalog);
    d.send('x', P({ intent: 'airtime', amount: 1000, recipient: MUM }));
    d.send('1', P({ extra: { choice: 1 } }));
    d.settle('completed');
    d.send('merci', P({ intent: 'help' }));
    expect(d.conv.pending?.q).toBe('save_offer');
    const t = d.send(
      'rapido 55 5000',
      P({ intent: 'bill', codeService: RAPIDO, account: '55', amount: 5000 }),
    );
    expect(t.reply).toContain('Rapido 5 000 FCFA');
  });

  it('a crash while placing leaves a state that the next message clears without re-placing', () => {
    const d = new Dialog(catalog);
    const conv = {
      ...initialConversation(d.ctx.now),
      pending: { q: 'placing' as const },
      draft: { kind: 'airtime' as const, amount: 1000 },
    };
    d.conv = conv;
    const t = d.send('oui', P({ intent: 'yes' }));
    expect(placeOrders(t)).toEqual([]);
  });

  it('the order desk throwing gives a technical message', () => {
    const d = new Dialog(catalog);
    d.send('x', oneShot());
    const [, cmds] = step(d.conv, { type: 'message', text: '1', parsed: P({ extra: { choice: 1 } }) }, d.ctx);
    const placing = cmds.find((c) => c.type === 'placeOrder');
    expect(placing).toBeDefined();
    const [conv] = step(d.conv, { type: 'message', text: '1', parsed: P({ extra: { choice: 1 } }) }, d.ctx);
    const [after, out] = step(conv, { type: 'orderError' }, d.ctx);
    expect(out).toEqual([{ type: 'reply', text: expect.stringContaining('souci technique') }]);
    expect(after.pending).toBeNull();
  });

  it('a wallet named alone at the summary is that option; inside a sentence it moves no money', () => {
    const d = new Dialog(catalog);
    d.send('x', oneShot());
    const t0 = d.say('je sais pas si orange money ou wave');
    expect(placeOrders(t0)).toEqual([]);
    const t1 = d.say('orange money');
    expect(placeOrders(t1)[0]!.payment.codeService).toBe(OM);
  });

  it('the nickname offer lapses silently (the order stands; no "nothing charged" notice)', () => {
    const d = new Dialog(catalog);
    d.send('x', P({ intent: 'airtime', amount: 1000, recipient: MUM }));
    d.send('1', P({ extra: { choice: 1 } }));
    d.settle('completed');
    d.send('merci', P({ intent: 'help' }));
    d.later(60 * 60_000);
    const t = d.send('maman', P({ extra: { name: 'maman' } }));
    expect(t.reply).not.toContain('expiré');
    expect(t.commands.some((c) => c.type === 'saveCustomer')).toBe(false);
  });

  it('cancel after the order is placed explains what happens to it instead of pretending', () => {
    const unpaid = new Dialog(catalog, { recentOrders: [order({ id: 'XBWAIT', state: 'collecting' })] });
    expect(unpaid.send('annuler', P({ intent: 'cancel' })).reply).toContain(
      "*XBWAIT* est déjà enregistrée. Si vous ne validez pas le paiement, elle s'annule",
    );
    const paid = new Dialog(catalog, { recentOrders: [order({ id: 'XBPAID', state: 'delivering' })] });
    expect(paid.send('annuler', P({ intent: 'cancel' })).reply).toContain('*XBPAID* est déjà payée');
    const done = new Dialog(catalog, { recentOrders: [order({ state: 'completed' })] });
    expect(done.send('annuler', P({ intent: 'cancel' })).reply).toContain("Il n'y a rien en cours");
  });

  it('the daily total is checked again at confirmation', () => {
    const d = new Dialog(catalog);
    d.send('x', oneShot());
    d.ctx = { ...d.ctx, todayTotal: 499_500 };
    const t = d.send('1', P({ extra: { choice: 1 } }));
    expect(placeOrders(t)).toEqual([]);
    expect(t.reply).toContain('Il vous reste 500 FCFA');
  });
});
