// Storage contract. lowdb (embedded default) and memory implement it; a PostgreSQL one can follow:
// nothing here assumes a whole-file database. Order writes are compare-and-set on `version`.
import type { Lang } from '../i18n/lang.js';
import type { IntechStatus } from '../intech/types.js';
import type { Order, OrderState } from '../orders/types.js';

export interface OrderQuery {
  customerId?: string;
  /** The wallet number the money is collected from (order.payment.payer). */
  payer?: string;
  states?: OrderState[];
  /** epoch ms, createdAt >= since */
  since?: number;
  /** Free-text on id / recipient / account. */
  search?: string;
  /** Newest first. */
  limit?: number;
}

export interface OrderRepo {
  /** Throws if the id exists. Stored with version 1 whatever the input says. */
  create(order: Order): Promise<Order>;
  get(id: string): Promise<Order | undefined>;
  findByExternalId(externalTransactionId: string): Promise<Order | undefined>;
  /**
   * Compare-and-set: stores `next` with version expectedVersion + 1 only if the stored version is
   * expectedVersion. Returns the stored order, or null when another writer won (reload and retry).
   */
  update(next: Order, expectedVersion: number): Promise<Order | null>;
  /** Orders not in a terminal state (the reconciler's work list). */
  listOpen(): Promise<Order[]>;
  list(query: OrderQuery): Promise<Order[]>;
}

export interface CallbackRecord {
  externalTransactionId: string;
  transactionId: string;
  status: IntechStatus;
  receivedAt: number;
  body: unknown;
}

export interface CallbackRepo {
  /** 'duplicate' when the same (externalTransactionId, transactionId, status) was recorded before. */
  record(rec: CallbackRecord): Promise<'new' | 'duplicate'>;
  list(externalTransactionId: string): Promise<CallbackRecord[]>;
}

export interface StatusLookupRepo {
  /**
   * Reserves one get-transaction-status call for this transaction if fewer than `max` were made in the
   * last `windowMs`; durable before returning true, so the limit holds across restarts.
   */
  tryAcquire(externalTransactionId: string, now: number, max: number, windowMs: number): Promise<boolean>;
  count(externalTransactionId: string, now: number, windowMs: number): Promise<number>;
}

export interface Beneficiary {
  nickname: string;
  kind: 'phone' | 'account';
  value: string;
  codeService?: string;
}

export interface Customer {
  /** E.164 when known, else the channel's id (e.g. "lid:123@lid"). */
  id: string;
  phone: string | null;
  lang: Lang;
  /** Receives broadcasts; STOP clears, START sets. */
  subscribed: boolean;
  /** Human handoff: the bot stays silent. */
  paused: boolean;
  wallet?: { codeService: string; payer: string };
  beneficiaries: Beneficiary[];
  firstSeenAt: number;
  lastSeenAt: number;
}

export interface CustomerRepo {
  get(id: string): Promise<Customer | undefined>;
  save(customer: Customer): Promise<void>;
  list(filter?: { subscribed?: boolean }): Promise<Customer[]>;
}

export interface ConversationRepo {
  /** The conversation state is the conversation module's JSON; the store does not interpret it. */
  get(customerId: string): Promise<unknown | undefined>;
  save(customerId: string, state: unknown): Promise<void>;
  delete(customerId: string): Promise<void>;
}

export type BroadcastState = 'draft' | 'sending' | 'done' | 'cancelled';

export interface Broadcast {
  id: string;
  createdAt: number;
  createdBy: string;
  /** Per-language text; customers get their language, French as fallback. */
  text: Partial<Record<Lang, string>> & { fr: string };
  via: 'chat' | 'intech';
  state: BroadcastState;
  /** Snapshot of subscribers taken when sending starts. */
  recipients: string[];
  sent: number;
  failed: number;
  startedAt?: number;
  finishedAt?: number;
}

export type RecipientMark = 'attempting' | 'sent' | 'failed';

export interface BroadcastRepo {
  create(b: Broadcast): Promise<void>;
  get(id: string): Promise<Broadcast | undefined>;
  save(b: Broadcast): Promise<void>;
  list(limit?: number): Promise<Broadcast[]>;
  /** Durable per-recipient mark. With `onlyIfAbsent`, returns false and writes nothing if any mark exists. */
  mark(
    broadcastId: string,
    customerId: string,
    mark: RecipientMark,
    onlyIfAbsent?: boolean,
  ): Promise<boolean>;
  marks(broadcastId: string): Promise<Record<string, RecipientMark>>;
}

export interface Alert {
  id: string;
  at: number;
  kind: string;
  message: string;
  orderId?: string;
  resolved: boolean;
}

export interface AlertRepo {
  add(alert: Alert): Promise<void>;
  list(filter?: { resolved?: boolean }): Promise<Alert[]>;
  resolve(id: string): Promise<void>;
}

/** Small key-value namespaces: catalog cache and settings, WhatsApp auth keys, message dedupe. */
export interface KvRepo {
  get<T = unknown>(ns: string, key: string): Promise<T | undefined>;
  /** Writes all entries atomically; a null value deletes the key. */
  setMany(ns: string, entries: Record<string, unknown | null>): Promise<void>;
  set(ns: string, key: string, value: unknown | null): Promise<void>;
  list<T = unknown>(ns: string): Promise<Record<string, T>>;
  clear(ns: string): Promise<void>;
}

export interface DedupeRepo {
  /** true the first time a key is seen within ttlMs; durable. */
  firstSeen(key: string, now: number, ttlMs: number): Promise<boolean>;
}

export interface Store {
  orders: OrderRepo;
  callbacks: CallbackRepo;
  statusLookups: StatusLookupRepo;
  customers: CustomerRepo;
  conversations: ConversationRepo;
  broadcasts: BroadcastRepo;
  alerts: AlertRepo;
  kv: KvRepo;
  dedupe: DedupeRepo;
  /** Cheap liveness check for /healthz. */
  ping(): Promise<boolean>;
  /** Flush pending writes and release files. */
  close(): Promise<void>;
}
