import { beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/catalog/types.js';
import { Dialog, FREE, ME, OM, ORANGE, P, placeOrders, testCatalog, WAVE } from './helpers.js';
import { CASES } from './lang-table.js';

let catalog: Catalog;
beforeAll(async () => {
  catalog = await testCatalog();
});

const TO = '+221771234567';

describe.each(CASES)('airtime in $lang', (L) => {
  const oneShot = () =>
    P({ intent: 'airtime', amount: 1000, recipient: TO, codeService: ORANGE, language: L.lang });

  it('one-shot request: the summary in ONE reply, then the option number places the exact order', () => {
    const d = new Dialog(catalog, { customer: { lang: L.lang } });
    const t1 = d.send(L.oneShot, oneShot());
    expect(t1.commands.filter((c) => c.type === 'reply')).toHaveLength(1);
    expect(t1.reply).toContain(L.summaryTitle);
    expect(t1.reply).toContain(L.item);
    expect(t1.reply).toContain(L.detected);
    expect(t1.reply).toContain(L.walletList);
    expect(t1.reply).toContain(L.confirmHint);
    expect(placeOrders(t1)).toEqual([]);

    const t2 = d.send('2', P({ extra: { choice: 2 } }));
    expect(placeOrders(t2)).toEqual([
      {
        customerId: ME,
        lang: L.lang,
        kind: 'airtime',
        codeService: ORANGE,
        amount: 1000,
        recipient: TO,
        account: undefined,
        billReference: undefined,
        billInfo: undefined,
        payment: { codeService: OM, payer: ME },
      },
    ]);
    expect(t2.reply).not.toContain('*XB1*'); // the order desk's payment message says it, once
    // The wallet choice is remembered for next time.
    expect(t2.commands).toContainEqual({
      type: 'saveCustomer',
      patch: { wallet: { codeService: OM, payer: ME } },
    });
  });

  it('returning customer with a remembered wallet: the request, then just yes', () => {
    const d = new Dialog(catalog, { customer: { lang: L.lang, wallet: { codeService: WAVE, payer: ME } } });
    const t1 = d.send(L.oneShot, oneShot());
    expect(t1.reply).toContain(L.remembered);
    const t2 = d.send(L.yes, P({ intent: 'yes' }));
    expect(placeOrders(t2)).toHaveLength(1);
    expect(placeOrders(t2)[0]!.payment).toEqual({ codeService: WAVE, payer: ME });
    expect(t2.reply).not.toContain(L.placed); // the order desk's payment message says it, once
    // Nothing new to remember.
    expect(t2.commands.some((c) => c.type === 'saveCustomer')).toBe(false);
  });

  it('returning customer may pick another wallet by number', () => {
    const d = new Dialog(catalog, { customer: { lang: L.lang, wallet: { codeService: WAVE, payer: ME } } });
    d.send(L.oneShot, oneShot());
    const t2 = d.send('2', P({ extra: { choice: 2 } }));
    expect(placeOrders(t2)[0]!.payment.codeService).toBe(OM);
  });

  it('a bare yes with several wallets and none remembered asks which wallet, and moves no money', () => {
    const d = new Dialog(catalog, { customer: { lang: L.lang } });
    d.send(L.oneShot, oneShot());
    const t2 = d.send(L.yes, P({ intent: 'yes' }));
    expect(placeOrders(t2)).toEqual([]);
    expect(t2.reply).toContain('1. Wave');
    const t3 = d.send('1', P({ extra: { choice: 1 } }));
    expect(placeOrders(t3)[0]!.payment.codeService).toBe(WAVE);
  });

  it('missing slots are asked one by one: recipient (defaulting to the customer), then amount', () => {
    const d = new Dialog(catalog, { customer: { lang: L.lang } });
    const t1 = d.send('credit', P({ intent: 'airtime' }));
    expect(t1.reply).toContain(L.forYou);
    const t2 = d.send(L.yes, P({ intent: 'yes' }));
    expect(t2.reply).toContain(L.askAmount);
    const t3 = d.send('500', P({ amount: 500 }));
    expect(t3.reply).toContain(L.summaryTitle);
    expect(t3.reply).toContain('500 FCFA');
    expect(t3.reply).toContain('77 000 00 01');
    const t4 = d.send('1', P({ extra: { choice: 1 } }));
    expect(placeOrders(t4)[0]).toMatchObject({ recipient: ME, amount: 500, codeService: ORANGE });
  });

  it('"no" to "for you?" asks the number; the number picks the operator from its prefix', () => {
    const d = new Dialog(catalog, { customer: { lang: L.lang } });
    d.send('credit 1000', P({ intent: 'airtime', amount: 1000 }));
    const t2 = d.send(L.no, P({ intent: 'no' }));
    expect(t2.reply).toContain(L.askNumber);
    const t3 = d.send('76 123 45 67', P({ recipient: '+221761234567' }));
    expect(t3.reply).toContain('Free');
    expect(t3.reply).toContain('76 123 45 67');
    expect(placeOrders(d.send('1', P({ extra: { choice: 1 } })))[0]!.codeService).toBe(FREE);
  });

  it('the detected operator can be corrected (ported numbers)', () => {
    const d = new Dialog(catalog, { customer: { lang: L.lang } });
    d.send(L.oneShot, oneShot());
    const t2 = d.send('free', P({ extra: { operator: 'free' } }));
    expect(t2.reply).toContain(L.freeItem);
    expect(t2.reply).not.toContain(L.detected);
    const t3 = d.send('1', P({ extra: { choice: 1 } }));
    expect(placeOrders(t3)[0]).toMatchObject({ codeService: FREE, recipient: TO, amount: 1000 });
  });

  it('a new amount at the summary changes the order instead of confirming it', () => {
    const d = new Dialog(catalog, { customer: { lang: L.lang } });
    d.send(L.oneShot, oneShot());
    const t2 = d.send('2000', P({ amount: 2000 }));
    expect(placeOrders(t2)).toEqual([]);
    expect(t2.reply).toContain('2 000 FCFA');
    expect(placeOrders(d.send('1', P({ extra: { choice: 1 } })))[0]!.amount).toBe(2000);
  });

  it('"no" at the summary cancels; nothing is placed', () => {
    const d = new Dialog(catalog, { customer: { lang: L.lang } });
    d.send(L.oneShot, oneShot());
    const t2 = d.send(L.no, P({ intent: 'no' }));
    expect(t2.reply).toContain(L.cancelled);
    expect(placeOrders(t2)).toEqual([]);
    expect(d.conv.pending).toBeNull();
    // A later "1" is a menu pick, not a confirmation.
    expect(placeOrders(d.send('1', P({ extra: { choice: 1 } })))).toEqual([]);
  });

  it('an unsupported number (Promobile 75) asks for the operator', () => {
    const d = new Dialog(catalog, { customer: { lang: L.lang } });
    const t1 = d.send(
      'credit 1000 75 123 45 67',
      P({ intent: 'airtime', amount: 1000, recipient: '+221751234567' }),
    );
    expect(t1.reply).toContain('75 123 45 67');
    expect(t1.reply).toContain('*orange*');
    const t2 = d.send('1', P({ extra: { choice: 1 } }));
    expect(t2.reply).toContain(L.summaryTitle);
    expect(placeOrders(d.send('1', P({ extra: { choice: 1 } })))[0]!.codeService).toBe(ORANGE);
  });

  it('the order desk refusing the order reaches the customer, nothing charged', () => {
    const d = new Dialog(catalog, {
      customer: { lang: L.lang },
      place: () => ({
        ok: false,
        reason: 'merchant_balance',
        message: 'Service momentanément indisponible.',
      }),
    });
    d.send(L.oneShot, oneShot());
    const t2 = d.send('1', P({ extra: { choice: 1 } }));
    expect(t2.reply).toContain('Service momentanément indisponible.');
    expect(d.conv.pending).toBeNull();
    expect(t2.commands.some((c) => c.type === 'saveCustomer')).toBe(false);
  });
});

describe('airtime details', () => {
  it('amounts below the airtime minimum are refused with the nearest valid amount', () => {
    const d = new Dialog(catalog);
    const t = d.send('credit 50 77 123 45 67', P({ intent: 'airtime', amount: 50, recipient: TO }));
    expect(t.reply).toContain('Le montant minimum est de 100 FCFA (Orange). Montants possibles : 100 FCFA.');
    expect(d.conv.pending).toBe('amount');
    expect(d.send('100', P({ amount: 100 })).reply).toContain('Crédit Orange 100 FCFA');
  });

  it('free text at a question fills several slots at once', () => {
    const d = new Dialog(catalog);
    d.send('credit', P({ intent: 'airtime' }));
    const t = d.send(
      '2000 pour le 76 123 45 67',
      P({ intent: 'airtime', amount: 2000, recipient: '+221761234567' }),
    );
    expect(t.reply).toContain('Crédit Free 2 000 FCFA pour 76 123 45 67');
  });

  it('no acknowledgement repeats the payment message (the order desk sends the one message)', () => {
    const d = new Dialog(catalog);
    d.send('x', P({ intent: 'airtime', amount: 1000, recipient: TO }));
    const t = d.send('1', P({ extra: { choice: 1 } }));
    expect(placeOrders(t)).toHaveLength(1);
    expect(t.reply).not.toMatch(/Commande|à payer avec|instructions/);
  });
});
