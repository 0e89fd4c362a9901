import { describe, expect, it } from 'vitest';
import { receiptText } from '../../src/receipts/text.js';
import {
  makeOperation,
  makeOrder,
  makeSenelecOrder,
  makeWoyofalOrder,
  TOKEN_A,
  TOKENS_3,
} from '../helpers/orders.js';

describe('receiptText: airtime', () => {
  const text = receiptText(makeOrder(), 'fr');

  it('names the service, amount, recipient and date in Dakar time', () => {
    expect(text).toContain('Service : Crédit Orange');
    expect(text).toContain('Montant : *1 000 FCFA*');
    expect(text).toContain('Numéro rechargé : 77 123 45 67');
    expect(text).toContain('Date : 29/11/2026 12:52 GMT');
  });

  it('gives our reference, Intech transaction, operator reference and the payment', () => {
    expect(text).toContain('Notre référence : *XB7K2M9Q*');
    expect(text).toContain('Transaction Intech : TXD-20261129-0002');
    expect(text).toContain('Réf. opérateur : OSN-884512');
    expect(text).toContain('Payé avec : Wave');
    expect(text).toContain('Réf. paiement : TXC-20261129-0001');
    expect(text.startsWith('*Xaalis Bot — Reçu de paiement*')).toBe(true);
  });

  it('has no token section and never prints "undefined"', () => {
    expect(text).not.toMatch(/code.*recharge/i);
    expect(text).not.toContain('undefined');
    expect(text).not.toContain('null');
  });

  it('omits rows whose value is not known (no operator reference yet)', () => {
    const order = makeOrder();
    order.operations.deliver = makeOperation({ step: 'deliver', transactionId: 'TXD-9' });
    const t = receiptText(order, 'fr');
    expect(t).toContain('Transaction Intech : TXD-9');
    expect(t).not.toContain('Réf. opérateur');
    expect(t).not.toContain('undefined');
  });

  it('shows an Ivorian recipient in pairs', () => {
    const t = receiptText(
      makeOrder({ codeService: 'MTN_CI_AIRTIME_CREDIT_TELEPHONIQUE', recipient: '+2250505050505' }),
      'fr',
    );
    expect(t).toContain('Crédit MTN CI');
    expect(t).toContain('05 05 05 05 05');
  });

  it('uses the merchant name when given', () => {
    expect(receiptText(makeOrder(), 'fr', { merchantName: 'Boutique Fatou' })).toContain(
      '*Boutique Fatou — Reçu de paiement*',
    );
  });
});

describe('receiptText: languages', () => {
  it('speaks English with English punctuation', () => {
    const t = receiptText(makeOrder(), 'en');
    expect(t).toContain('Service: Orange airtime');
    expect(t).toContain('Our reference: *XB7K2M9Q*');
    expect(t).toContain('Operator ref.: OSN-884512');
    expect(t).toContain('Thank you');
  });

  it('speaks Wolof', () => {
    const t = receiptText(makeOrder(), 'wo');
    expect(t).toContain('*Xaalis Bot — Kayitu fey*');
    expect(t).toContain('Li nga jënd : Kredi Orange');
    expect(t).toContain('Fey ak : Wave');
    expect(t).toContain('Jërëjëf');
    expect(t).toContain('Nimerou commande : *XB7K2M9Q*');
  });
});

describe('receiptText: Woyofal tokens', () => {
  it('shows one token grouped in fours, with the meter number', () => {
    const t = receiptText(makeWoyofalOrder([TOKEN_A]), 'fr');
    expect(t).toContain('N° de compteur : 14256987412');
    expect(t).toContain('```1234 5678 9012 3456 7890```');
    expect(t).not.toContain(TOKEN_A);
    expect(t).not.toMatch(/^1\. /m);
    expect(t).toContain('Saisissez ce code sur votre compteur.');
    expect(t).not.toContain('Numéro rechargé');
  });

  it('numbers three tokens in the order they must be typed', () => {
    const t = receiptText(makeWoyofalOrder(TOKENS_3), 'en');
    const positions = [
      '1. ```1111 2222 3333 4444 5555```',
      '2. ```6666 7777 8888 9999 0000```',
      '3. ```1212 1212 3434 3434 5656```',
    ].map((line) => t.indexOf(line));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(t).toContain('in this order');
    expect(t).toContain('Recharge codes');
  });
});

describe('receiptText: bills', () => {
  it('shows the contract, the bill infos and the bill reference', () => {
    const t = receiptText(makeSenelecOrder(), 'fr');
    expect(t).toContain('Service : Facture Senelec');
    expect(t).toContain('N° de contrat : 21050176023');
    expect(t).toContain('Nom client : Awa Ndiaye');
    expect(t).toContain("Date d'échéance : 15/12/2026");
    expect(t).toContain('Réf. facture : FAC-2026-11-000123');
    expect(t).toContain('Montant : *23 450 FCFA*');
    expect(t).toContain('Payé avec : Orange Money');
  });
});
