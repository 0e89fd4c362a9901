// Test orders. Defaults describe a delivered Orange airtime order paid with Wave; override what matters.
import type { Operation, Order } from '../../src/orders/types.js';

/** 2026-11-29 12:52 UTC (= Dakar time). */
export const T0 = Date.UTC(2026, 10, 29, 12, 52, 0);

export function makeOperation(over: Partial<Operation> & Pick<Operation, 'step'>): Operation {
  return {
    externalTransactionId: `XB7K2M9Q-${over.step}`,
    codeService: 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE',
    amount: 1000,
    status: 'success',
    intechStatus: 'SUCCESS',
    recordedAt: T0 - 60_000,
    sentAt: T0 - 59_000,
    settledAt: T0,
    ...over,
  };
}

export function makeOrder(over: Partial<Order> = {}): Order {
  const id = over.id ?? 'XB7K2M9Q';
  const codeService = over.codeService ?? 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE';
  const amount = over.amount ?? 1000;
  const payment = over.payment ?? { codeService: 'WAVE_SN_API_CASH_OUT', payer: '+221771234567' };
  return {
    id,
    version: 5,
    customerId: 'wa:+221771234567',
    lang: 'fr',
    kind: 'airtime',
    codeService,
    amount,
    recipient: '+221771234567',
    payment,
    state: 'delivered',
    operations: {
      collect: makeOperation({
        step: 'collect',
        externalTransactionId: `${id}-collect`,
        codeService: payment.codeService,
        amount,
        transactionId: 'TXC-20261129-0001',
        settledAt: T0 - 30_000,
      }),
      deliver: makeOperation({
        step: 'deliver',
        externalTransactionId: `${id}-deliver`,
        codeService,
        amount,
        transactionId: 'TXD-20261129-0002',
        sousServiceTransactionId: 'OSN-884512',
      }),
    },
    events: [],
    createdAt: T0 - 120_000,
    updatedAt: T0,
    ...over,
  };
}

export const TOKEN_A = '12345678901234567890';
export const TOKENS_3 = ['11112222333344445555', '66667777888899990000', '12121212343434345656'];

/** A delivered Woyofal reload with one or three tokens. */
export function makeWoyofalOrder(tokens: string[] = [TOKEN_A], over: Partial<Order> = {}): Order {
  return makeOrder({
    kind: 'bill_reload',
    codeService: 'WOYOFAL_SN_BILL_RELOAD',
    amount: 5000,
    recipient: undefined,
    account: '14256987412',
    tokens,
    ...over,
  });
}

/** A delivered Senelec bill with Intech's bill infos. */
export function makeSenelecOrder(over: Partial<Order> = {}): Order {
  return makeOrder({
    kind: 'bill_pay',
    codeService: 'SENELEC_SN_BILL_PAY',
    amount: 23450,
    recipient: undefined,
    account: '21050176023',
    billReference: 'FAC-2026-11-000123',
    billInfo: [
      { label: 'Nom client', value: 'Awa Ndiaye' },
      { label: "Date d'échéance", value: '15/12/2026' },
    ],
    payment: { codeService: 'ORANGE_SN_API_CASH_OUT', payer: '+221781234567' },
    ...over,
  });
}
