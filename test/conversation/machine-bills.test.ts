import { beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/catalog/types.js';
import type { BillLookup } from '../../src/orders/types.js';
import { Dialog, P, placeOrders, RAPIDO, SENELEC, testCatalog, WAVE, WOYOFAL } from './helpers.js';
import { CASES } from './lang-table.js';

let catalog: Catalog;
beforeAll(async () => {
  catalog = await testCatalog();
});

const ACCOUNT = '21050176023';
const TWO_BILLS: BillLookup = {
  ok: true,
  bills: [
    {
      amount: 12_500,
      billReference: 'F-001',
      infos: [
        { label: 'Nom client', value: 'DIOP MODOU' },
        { label: "Date d'échéance", value: '15/12/2026' },
      ],
    },
    {
      amount: 8_000,
      billReference: 'F-002',
      infos: [
        { label: 'Nom client', value: 'DIOP MODOU' },
        { label: "Date d'échéance", value: '15/01/2027' },
      ],
    },
  ],
};

describe.each(CASES)('bills in $lang', (L) => {
  it('post-paid: looks the bills up, lists them (amount, name, due date), the pick goes to the summary', () => {
    const lookups: string[] = [];
    const d = new Dialog(catalog, {
      customer: { lang: L.lang },
      bills: (code, account) => {
        lookups.push(`${code}:${account}`);
        return TWO_BILLS;
      },
    });
    const t1 = d.send(`senelec ${ACCOUNT}`, P({ intent: 'bill', codeService: SENELEC, account: ACCOUNT }));
    expect(t1.commands).toContainEqual({ type: 'lookupBills', codeService: SENELEC, account: ACCOUNT });
    expect(lookups).toEqual([`${SENELEC}:${ACCOUNT}`]);
    expect(d.all.filter((c) => c.type === 'reply').at(-1)).toMatchObject({
      text: expect.stringContaining(L.bills),
    });

    const t2 = d.send('2', P({ extra: { choice: 2 } }));
    expect(t2.reply).toContain(L.summaryTitle);
    expect(t2.reply).toContain('8 000 FCFA');
    expect(t2.reply).toContain(L.billName);
    expect(placeOrders(t2)).toEqual([]);

    const t3 = d.send('1', P({ extra: { choice: 1 } }));
    expect(placeOrders(t3)).toEqual([
      expect.objectContaining({
        kind: 'bill_pay',
        codeService: SENELEC,
        amount: 8_000,
        account: ACCOUNT,
        billReference: 'F-002',
        recipient: undefined,
        payment: { codeService: WAVE, payer: d.customer.phone },
      }),
    ]);
  });

  it('prepaid (Woyofal): account and amount, then the summary', () => {
    const d = new Dialog(catalog, { customer: { lang: L.lang } });
    const t1 = d.send('woyofal', P({ intent: 'bill', codeService: WOYOFAL }));
    expect(t1.reply).toContain('Woyofal');
    expect(d.conv.pending?.q).toBe('account');
    d.send('12345678901', P({ account: '12345678901' }));
    expect(d.conv.pending?.q).toBe('amount');
    const t3 = d.send('5000', P({ amount: 5000 }));
    expect(t3.reply).toContain('Woyofal 5 000 FCFA');
    expect(t3.reply).toContain('12345678901');
    const t4 = d.send('1', P({ extra: { choice: 1 } }));
    expect(placeOrders(t4)[0]).toMatchObject({
      kind: 'bill_reload',
      codeService: WOYOFAL,
      account: '12345678901',
      amount: 5000,
    });
  });

  it('amount rules are checked before the summary, with the nearest valid amounts', () => {
    const d = new Dialog(catalog, { customer: { lang: L.lang } });
    const t = d.send(
      'rapido 1234 7000',
      P({ intent: 'bill', codeService: RAPIDO, account: '1234', amount: 7000 }),
    );
    expect(t.reply).toContain(L.notMultiple);
    expect(t.reply).not.toContain(L.summaryTitle);
    expect(d.conv.pending?.q).toBe('amount');
    expect(d.send('10000', P({ amount: 10_000 })).reply).toContain(L.summaryTitle);
  });
});

describe('bills details', () => {
  it('the menu leads to the list of bill services; a number picks one', () => {
    const d = new Dialog(catalog);
    d.send('menu', P({ intent: 'help' }));
    const t = d.send('2', P({ extra: { choice: 2 } }));
    expect(t.reply).toMatch(/1\. Senelec\n2\. Woyofal\n3\. SenEau\n4\. Rapido/);
    const t2 = d.send('2', P({ extra: { choice: 2 } }));
    expect(t2.reply).toContain('Quel est votre numéro Woyofal');
  });

  it('a single pending bill goes straight to the summary (two turns to the payment)', () => {
    const d = new Dialog(catalog, {
      bills: () => ({ ok: true, bills: [TWO_BILLS.ok ? TWO_BILLS.bills[0]! : never()] }),
    });
    d.send('senelec', P({ intent: 'bill', codeService: SENELEC, account: ACCOUNT }));
    const last = d.all.filter((c) => c.type === 'reply').at(-1);
    expect(last).toMatchObject({
      text: expect.stringContaining('*Récapitulatif*\nFacture Senelec 12 500 FCFA (n° 21050176023)'),
    });
    expect(placeOrders(d.send('1', P({ extra: { choice: 1 } })))[0]).toMatchObject({
      billReference: 'F-001',
      amount: 12_500,
    });
  });

  it('no pending bill: says so and ends', () => {
    const d = new Dialog(catalog, { bills: () => ({ ok: true, bills: [] }) });
    d.send('senelec', P({ intent: 'bill', codeService: SENELEC, account: ACCOUNT }));
    expect(d.all.at(-1)).toMatchObject({
      text: expect.stringContaining('Aucune facture Senelec en attente'),
    });
    expect(d.conv.pending).toBeNull();
  });

  it('a lookup failure is explained; a wrong account is asked again', () => {
    const d = new Dialog(catalog, {
      bills: () => ({ ok: false, message: 'Contrat inconnu.', retryable: false }),
    });
    d.send('senelec 999', P({ intent: 'bill', codeService: SENELEC, account: '999' }));
    expect(d.all.at(-1)).toMatchObject({
      text: expect.stringContaining('Contrat inconnu.\nVérifiez le numéro'),
    });
    expect(d.conv.pending?.q).toBe('account');
  });

  it('an invalid pick is answered with the hint, not an order', () => {
    const d = new Dialog(catalog, { bills: () => TWO_BILLS });
    d.send('senelec', P({ intent: 'bill', codeService: SENELEC, account: ACCOUNT }));
    const t = d.send('7', P({ extra: { choice: 7 } }));
    expect(t.reply).toContain('1 à 2');
    expect(placeOrders(t)).toEqual([]);
  });

  it('a bill above the per-order maximum is refused politely', () => {
    const d = new Dialog(catalog, { limits: { orderMaxXof: 10_000 }, bills: () => TWO_BILLS });
    d.send('senelec', P({ intent: 'bill', codeService: SENELEC, account: ACCOUNT }));
    const t = d.send('1', P({ extra: { choice: 1 } }));
    expect(t.reply).toContain('ne peut pas dépasser 10 000 FCFA');
    expect(placeOrders(t)).toEqual([]);
    expect(d.conv.pending).toBeNull();
  });
});

function never(): never {
  throw new Error('unreachable');
}
