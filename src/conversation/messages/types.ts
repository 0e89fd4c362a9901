// The shape every language's texts follow. Values are already formatted (amounts "1 000 FCFA",
// phones "77 123 45 67") by the machine, so each language only words them.
import type { AmountRules } from '../../catalog/types.js';
import type { OrderKind, OrderState } from '../../orders/types.js';

export interface ItemView {
  kind: OrderKind;
  /** "Orange", "Senelec", "Woyofal". */
  service: string;
  /** "1 000 FCFA" (absent while unknown). */
  amount?: string;
  /** "77 123 45 67" */
  recipient?: string;
  account?: string;
}

export interface BillView {
  amount: string;
  name?: string;
  due?: string;
}

export interface SummaryView {
  /** item() already worded. */
  item: string;
  details: string[];
  /** Airtime operator found from the number's prefix, with the other operators one can write instead. */
  operatorHint?: { detected: string; others: string[] };
  /** The number the payment request goes to, shown when it is not the customer's own. */
  payer?: string;
  /** Remembered wallet: *yes* confirms it; it keeps its own number `n` in the list. */
  remembered?: { n: number; label: string; payer: string };
  /** Wallet labels numbered from 1, in one fixed order (a number always means the same wallet). */
  wallets: string[];
}

export interface OrderLineView {
  ref: string;
  date: string;
  item: string;
  state: OrderState;
  /** stateLabel[state] in the customer's language. */
  stateText: string;
  /** Operator reference / Woyofal codes of the receipt. */
  receiptRef?: string;
  tokens?: string[];
}

export type AmountProblem = 'below_min' | 'above_max' | 'not_multiple';

export interface Messages {
  menu(): string;
  notUnderstood: string;
  /** Acknowledges a detail given while another question was pending: "C'est noté : 2 000 FCFA." */
  noted(what: string): string;
  item(v: ItemView): string;
  askRecipientSelf(phone: string): string;
  askRecipient: string;
  badPhone: string;
  noAirtimeFor(phone: string, operators: string[]): string;
  /** examples: amounts the service accepts, formatted ("5 000, 10 000, 20 000"). */
  askAmount(service: string, examples: string): string;
  /** The amount typed, the service's real range (max already capped by the per-order limit), nearest valid amounts. */
  amountInvalid(
    problem: AmountProblem,
    rules: { min: string; max: string; multiple: string },
    service: string,
    suggestions: string[],
    typed: string,
  ): string;
  /** A pick we could not take: the message is not one whole option ("les deux", "2 ou 3 ?"). */
  choiceUnclear(quote: string): string;
  /** A phone-like number we could not read, quoted back with what is needed. */
  phoneNotRead(raw: string, reason: 'incomplete' | 'too_long' | 'unknown_prefix'): string;
  /** An amount typed in a form we refuse ("-500", "1000,50"). */
  amountNotRead(raw: string): string;
  /** The order was refused before any payment request (payer limit, invalid…): nothing to pay. */
  notPlaced(message: string): string;
  orderMax(max: string): string;
  dailyLimit(remaining: string, limit: string): string;
  billServices(labels: string[]): string;
  askAccount(service: string): string;
  badAccount: string;
  billsNone(service: string, account: string): string;
  billsError(message: string, retryable: boolean): string;
  billsList(service: string, bills: BillView[]): string;
  billPickHint(count: number): string;
  askPayer: string;
  summary(v: SummaryView): string;
  pickWallet(labels: string[]): string;
  placed(ref: string, item: string, wallet: string): string;
  placeFailed(message: string): string;
  technicalError: string;
  /** The message was longer than the bot reads: only its start was read. */
  tooLong(max: number): string;
  cancelled: string;
  nothingToCancel: string;
  /** The order exists but is not paid: not validating the payment request is enough. */
  cancelUnpaid(ref: string): string;
  /** The order is paid: it can no longer be cancelled. */
  cannotCancel(ref: string): string;
  stopped: string;
  started: string;
  langChoice: string;
  langSet: string;
  expired(item?: string): string;
  noOrders: string;
  status(lines: OrderLineView[]): string;
  history(lines: OrderLineView[]): string;
  saveOffer(kind: 'phone' | 'account', value: string): string;
  askSaveName: string;
  saved(nickname: string, value: string, example: string): string;
  nicknameExample(kind: 'phone' | 'account', nickname: string, service: string): string;
  unknownNickname(nickname: string): string;
  /** A bill service named that we do not pay, quoted back; the list of those we do follows. */
  unknownService(name: string): string;
  rateLimited: string;
  unavailable(service: string): string;
  noWallets: string;
  operatorUnavailable(operator: string): string;
  billLabels: { name: string; due: string; reference: string };
  stateLabel: Record<OrderState, string>;
}

export type { AmountRules };
