// What a receipt says, independent of how it is drawn: the text and the image both render this. Pure and
// plain data (JSON-safe): it can be decided and stored when the receipt is due, and drawn when it is sent.
import { formatXof, type Lang } from '../i18n/lang.js';
import type { Order } from '../orders/types.js';
import { displayPhone } from '../phone/phone.js';
import { formatDateTime, formatToken } from './format.js';
import { accountLabel, type ReceiptWords, receiptServiceLabel, WORDS, walletLabel } from './labels.js';

export interface ReceiptOptions {
  /** Brand shown on the receipt (config MERCHANT_NAME). */
  merchantName?: string;
  /** IANA zone for the date; Africa/Dakar by default (Abidjan is also GMT+0). */
  timeZone?: string;
}

export type RowKey =
  | 'service'
  | 'recipient'
  | 'account'
  | 'billInfo'
  | 'billReference'
  | 'amount'
  | 'paidWith'
  | 'paymentRef'
  | 'intechTx'
  | 'operatorRef'
  | 'date'
  | 'reference';

export interface ReceiptRow {
  key: RowKey;
  label: string;
  value: string;
}

export interface ReceiptView {
  lang: Lang;
  merchant: string;
  words: ReceiptWords;
  service: string;
  amount: string;
  rows: ReceiptRow[];
  /** Formatted tokens ("1234 5678 …"), in the order they must be typed. */
  tokens: string[];
  reference: string;
  date: string;
}

export function buildReceiptView(order: Order, lang: Lang, opts: ReceiptOptions = {}): ReceiptView {
  const words = WORDS[lang] ?? WORDS.fr;
  const deliver = order.operations.deliver;
  const collect = order.operations.collect;
  const service = receiptServiceLabel(order.codeService, lang);
  const amount = formatXof(order.amount);
  const date = formatDateTime(deliver?.settledAt ?? order.updatedAt, opts.timeZone ?? 'Africa/Dakar');
  const rows: ReceiptRow[] = [];
  const add = (key: RowKey, label: string, value: string | undefined | null) => {
    if (value !== undefined && value !== null && String(value).trim() !== '') {
      rows.push({ key, label, value: String(value).trim() });
    }
  };

  add('service', words.service, service);
  if (order.recipient) add('recipient', words.recipient, displayPhone(order.recipient));
  if (order.account) add('account', accountLabel(order.codeService, lang), order.account);
  for (const info of order.billInfo ?? []) add('billInfo', info.label, info.value);
  add('billReference', words.billReference, order.billReference);
  add('amount', words.amount, amount);
  add('paidWith', words.paidWith, walletLabel(order.payment.codeService, lang));
  add('paymentRef', words.paymentRef, collect?.transactionId);
  add('intechTx', words.intechTx, deliver?.transactionId);
  add('operatorRef', words.operatorRef, deliver?.sousServiceTransactionId);
  add('date', words.date, date);
  add('reference', words.reference, order.id);

  return {
    lang,
    merchant: opts.merchantName?.trim() || 'Xaalis Bot',
    words,
    service,
    amount,
    rows,
    tokens: (order.tokens ?? []).map(formatToken),
    reference: order.id,
    date,
  };
}
