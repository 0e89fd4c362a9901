// Types of the pure conversation machine: its state, the events it consumes, the commands it emits.
import type { Catalog } from '../catalog/types.js';
import type { Lang } from '../i18n/lang.js';
import type { BillLookup, Order, OrderKind, PlaceOrderInput, PlaceOrderResult } from '../orders/types.js';
import type { ParseResult } from '../parser/types.js';
import type { Customer } from '../store/types.js';

/** The machine only reads the catalog. */
export type CatalogView = Pick<
  Catalog,
  'get' | 'isAvailable' | 'airtimeCodeFor' | 'wallets' | 'byFamily' | 'checkAmount'
>;

export interface PendingBill {
  amount: number;
  billReference: string;
  infos: { label: string; value: string }[];
}

/** What the customer is building, before any money moves. */
export interface Draft {
  kind: OrderKind;
  /** Delivery service (airtime or bill code). */
  codeService?: string;
  /** The customer named the operator (no "detected operator" hint then). */
  operatorExplicit?: boolean;
  amount?: number;
  /** E.164 airtime recipient. */
  recipient?: string;
  account?: string;
  /** Post-paid: the pending bills found, and the one picked. */
  bills?: PendingBill[];
  billReference?: string;
  billInfo?: { label: string; value: string }[];
  /** Payer number (E.164) when it is not the customer's own (unknown phone, or given). */
  payer?: string;
  /** Wallet pre-chosen (repeat of a previous order). */
  wallet?: string;
  /** Recipient/account came from a saved nickname: no "save it?" offer afterwards. */
  fromNickname?: string;
  /** A nickname the customer used that we do not know yet: ask the number, not "for you?". */
  unknownNickname?: string;
  /** Repeat of a previous order: no "save it?" offer. */
  skipSaveOffer?: boolean;
}

/** The question the bot is waiting an answer to. */
export type Question =
  | 'menu'
  | 'language'
  | 'bill_service'
  | 'recipient_self'
  | 'recipient'
  | 'operator'
  | 'amount'
  | 'account'
  | 'bills' // waiting for a bill lookup result (never seen by the customer)
  | 'bill_pick'
  | 'payer'
  | 'confirm'
  | 'placing' // waiting for the order desk (never seen by the customer)
  | 'save_offer'
  | 'save_name';

export interface SaveOffer {
  kind: 'phone' | 'account';
  value: string;
  codeService?: string;
}

export interface Conversation {
  v: 1;
  pending: Question | null;
  draft: Draft | null;
  /** Codes behind the numbered options of the current question (services, wallets, operators). */
  options: string[];
  saveOffer?: SaveOffer;
  /** Last time the machine changed or asked something (epoch ms). */
  updatedAt: number;
}

export type ConvEvent =
  | { type: 'message'; text: string; parsed: ParseResult }
  | { type: 'bills'; result: BillLookup }
  | { type: 'orderPlaced'; result: PlaceOrderResult }
  /** The order desk threw: outcome unknown to the conversation. */
  | { type: 'orderError' };

export interface ConvLimits {
  orderMaxXof: number;
  dailyTotalXof: number;
  /** A pending question older than this expires. */
  idleMs: number;
}

export interface ConvContext {
  now: number;
  customer: Customer;
  catalog: CatalogView;
  limits: ConvLimits;
  /** XOF already ordered today by this customer (orders not failed/cancelled/refunded). */
  todayTotal: number;
  /** The customer's latest orders, newest first (status, history, repeat). */
  recentOrders: Order[];
  /** First message ever from this customer: adopt the language they wrote in. */
  isNewCustomer?: boolean;
}

export type CustomerPatch = Partial<
  Pick<Customer, 'lang' | 'subscribed' | 'wallet' | 'beneficiaries' | 'phone'>
>;

export type Command =
  | { type: 'reply'; text: string }
  | { type: 'saveCustomer'; patch: CustomerPatch }
  | { type: 'lookupBills'; codeService: string; account: string }
  | { type: 'placeOrder'; input: PlaceOrderInput };

export type { Lang };
