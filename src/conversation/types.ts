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
  /** A recipient typed that we could not read ("77 123 45"): ask the number, never "for you?". */
  badRecipient?: string;
}

/** The question the bot is waiting an answer to, with what it showed (numbered options). */
export type Pending =
  | { q: 'menu' }
  | { q: 'language' }
  /** Numbered bill services (codes). */
  | { q: 'bill_service'; options: string[] }
  | { q: 'recipient_self' }
  | { q: 'recipient' }
  /** Numbered airtime operators (codes) for a number whose operator we could not find. */
  | { q: 'operator'; options: string[] }
  | { q: 'amount' }
  | { q: 'account' }
  /** Waiting for a bill lookup result (never seen by the customer). */
  | { q: 'bills' }
  /** Numbered pending bills: the draft's `bills`, in order. */
  | { q: 'bill_pick' }
  | { q: 'payer' }
  /**
   * The summary: wallets numbered in one fixed order (stable across orders), `suggested` the one a
   * plain *yes* confirms (the remembered wallet), when any.
   */
  | { q: 'confirm'; wallets: string[]; suggested?: string }
  /** Waiting for the order desk (never seen by the customer). */
  | { q: 'placing' }
  /** "Save it under a name?" — asked only when nothing else is pending; any other answer is a new message. */
  | { q: 'save_offer'; offer: SaveOffer }
  | { q: 'save_name'; offer: SaveOffer };

export type Question = Pending['q'];

export interface SaveOffer {
  kind: 'phone' | 'account';
  value: string;
  codeService?: string;
  /** The order it came from: offered once that order no longer waits for its payment. */
  orderId?: string;
}

export interface Conversation {
  v: 2;
  pending: Pending | null;
  draft: Draft | null;
  /** A save offer waiting for a quiet moment (never asked with payment instructions). */
  saveLater?: SaveOffer;
  /** Last time the machine changed or asked something (epoch ms). */
  updatedAt: number;
}

export type ConvEvent =
  /** `text` is what the customer sent, for the record; the machine reads `parsed` only. */
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
