// TARGET store contract for this wave (becomes src/store/types.ts). Lead's design; the store helper lands it
// first (memory + lowdb + contract tests), the PostgreSQL helper implements it too, the WhatsApp helper uses
// outbox/leases/locks. Where a detail is wrong, the store helper may adjust it and must say so in its commit.
//
// Principles: every write is durable before its promise resolves; per-write cost must not grow with how much
// is stored; every "exactly once" key is enforced by the store (not by the caller); list queries are paginated
// with a stable order; values are deep-copied (JSON semantics) in and out.
import type { Lang } from '../i18n/lang.js';
import type { IntechStatus } from '../intech/types.js';
import type { Order, OrderState } from '../orders/types.js';

/** A page of a list query; pass `next` back as `cursor` to get the following page (null = no more). */
export interface Page<T> {
  items: T[];
  next: string | null;
}

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
  /** Throws DuplicateOrderError if the id exists. Stored with version 1 whatever the input says. */
  create(order: Order): Promise<Order>;
  get(id: string): Promise<Order | undefined>;
  findByExternalId(externalTransactionId: string): Promise<Order | undefined>;
  /**
   * Compare-and-set: stores `next` with version expectedVersion + 1 only if the stored version is
   * expectedVersion. Returns the stored order, or null when another writer won (reload and retry).
   * With `callback` (the copy this change comes from), that copy is recorded too, whether or not the CAS
   * wins (a copy received is kept either way), in the same transaction as the order's write on PostgreSQL
   * and in the memory store; lowdb records it first (its callbacks are a log of their own), so a crash in
   * between leaves a recorded copy not applied, which the next copy or the reconciler applies.
   */
  update(next: Order, expectedVersion: number, callback?: CallbackRecord): Promise<Order | null>;
  /** Orders not in a terminal state (the reconciler's work list), oldest first. */
  listOpen(limit?: number): Promise<Order[]>;
  /** Bounded queries (customer's orders today, a payer's orders today…). Newest first. */
  list(query: OrderQuery): Promise<Order[]>;
  /** Newest first (createdAt desc, id desc), stable across pages. */
  page(query: Omit<OrderQuery, 'limit'> & { limit: number; cursor?: string | null }): Promise<Page<Order>>;
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
   * last `windowMs`; durable before returning true, so the limit holds across restarts and instances.
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
  /** Store-managed, like orders: 1 on create, +1 on every successful update. */
  version: number;
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
  /** Other ids this customer was known by (a WhatsApp LID merged into the phone number). */
  aliases?: string[];
}

export interface CustomerRepo {
  get(id: string): Promise<Customer | undefined>;
  /** Stores `c` (version 1) unless the id exists; either way returns the stored customer. Atomic. */
  getOrCreate(c: Customer): Promise<{ customer: Customer; created: boolean }>;
  /** Compare-and-set on version, as orders.update. null = another writer won: reload, reapply, retry. */
  update(next: Customer, expectedVersion: number): Promise<Customer | null>;
  /** Removes a customer (after merging a LID-only customer into its phone-number customer). */
  delete(id: string): Promise<void>;
  /** Ordered by id ascending, stable across pages. */
  page(query: { subscribed?: boolean; limit: number; cursor?: string | null }): Promise<Page<Customer>>;
  count(filter?: { subscribed?: boolean }): Promise<number>;
}

export interface ConversationRepo {
  /** The conversation state is the conversation module's JSON; the store does not interpret it. */
  get(customerId: string): Promise<unknown | undefined>;
  save(customerId: string, state: unknown): Promise<void>;
  delete(customerId: string): Promise<void>;
}

export type BroadcastState = 'draft' | 'sending' | 'done' | 'cancelled';

/** The broadcast header: small, rewritten rarely. Recipients live apart (BroadcastRepo.recipients). */
export interface Broadcast {
  id: string;
  createdAt: number;
  createdBy: string;
  /** Per-language text; customers get their language, French as fallback. */
  text: Partial<Record<Lang, string>> & { fr: string };
  via: 'chat' | 'intech';
  state: BroadcastState;
  /** Number of recipients snapshotted when sending started (0 for a draft). */
  total: number;
  startedAt?: number;
  finishedAt?: number;
}

/**
 * pending: snapshotted, not tried yet. attempting: claimed for sending (the exactly-once guard: a recipient
 * is only ever moved out of pending once). sent / failed / skipped (with reason) / unknown (outcome not known).
 */
export type RecipientStatus =
  | 'pending'
  | 'attempting'
  | 'sent'
  | 'failed'
  | 'skipped'
  | 'unknown'
  /** A sent chat message WhatsApp reported delivered to the phone, then read (still counted as sent). */
  | 'delivered'
  | 'read';

export interface RecipientRecord {
  customerId: string;
  status: RecipientStatus;
  reason?: string;
  /** Outbox id or Intech externalTransactionId of the message sent to this recipient. */
  ref?: string;
  at: number;
}

export interface BroadcastRepo {
  /** Throws if the id exists. */
  create(b: Broadcast): Promise<void>;
  get(id: string): Promise<Broadcast | undefined>;
  /** Header only; newest first. */
  list(limit: number): Promise<Broadcast[]>;
  /** Changes header fields only; returns the stored header (undefined if unknown). */
  update(
    id: string,
    patch: Partial<Pick<Broadcast, 'state' | 'total' | 'startedAt' | 'finishedAt'>>,
  ): Promise<Broadcast | undefined>;
  /** Snapshot: adds recipients as pending; ids already present are left as they are (idempotent). */
  addRecipients(broadcastId: string, customerIds: string[], at: number): Promise<void>;
  /**
   * Sets one recipient's status. With `from`, writes only if the current status is one of them (a CAS:
   * `from: ['pending']` claims a recipient exactly once across processes). Returns whether it wrote.
   * Cost independent of the broadcast's size.
   */
  mark(
    broadcastId: string,
    customerId: string,
    status: RecipientStatus,
    opts?: { from?: RecipientStatus[]; reason?: string; ref?: string; at?: number },
  ): Promise<boolean>;
  recipient(broadcastId: string, customerId: string): Promise<RecipientRecord | undefined>;
  /** Ordered by customerId ascending, stable across pages. */
  recipients(
    broadcastId: string,
    query: { status?: RecipientStatus[]; limit: number; cursor?: string | null },
  ): Promise<Page<RecipientRecord>>;
  counts(broadcastId: string): Promise<Partial<Record<RecipientStatus, number>>>;
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
  /** Idempotent on id (a second add with the same id changes nothing). */
  add(alert: Alert): Promise<void>;
  /** Newest first. */
  list(filter?: { resolved?: boolean; limit?: number }): Promise<Alert[]>;
  resolve(id: string): Promise<void>;
}

/** Fencing token for writes that only the holder of a lease may make (WhatsApp auth keys). */
export interface Fence {
  lease: string;
  owner: string;
  epoch: number;
}

/** Thrown by commit when the unit's conversation is no longer what it expected. Nothing is written. */
export class ConversationChangedError extends Error {
  constructor(customerId: string) {
    super(`write refused: the conversation of ${customerId} changed since the turn read it`);
    this.name = 'ConversationChangedError';
  }
}

/** Thrown by a fenced write when the lease is no longer held by that owner and epoch. Nothing is written. */
export class FencedWriteError extends Error {
  constructor(lease: string) {
    super(`write refused: lease ${lease} is not held by this owner any more`);
    this.name = 'FencedWriteError';
  }
}

/** Small key-value namespaces: catalog cache and settings, WhatsApp auth keys, LID map. */
export interface KvRepo {
  get<T = unknown>(ns: string, key: string): Promise<T | undefined>;
  /** Several keys of one namespace at once (Signal key batches); missing keys are absent from the result. */
  getMany<T = unknown>(ns: string, keys: string[]): Promise<Record<string, T>>;
  /**
   * Writes all entries atomically; a null value deletes the key. Cost proportional to the entries written,
   * not to the namespace's size. With a fence, refused (FencedWriteError) unless the lease is held.
   */
  setMany(ns: string, entries: Record<string, unknown | null>, fence?: Fence): Promise<void>;
  set(ns: string, key: string, value: unknown | null, fence?: Fence): Promise<void>;
  /** Whole namespace: only for small namespaces (settings), never on a hot path for big ones. */
  list<T = unknown>(ns: string): Promise<Record<string, T>>;
  clear(ns: string, fence?: Fence): Promise<void>;
}

export interface DedupeRepo {
  /** true the first time a key is seen within ttlMs; durable; expiry without scanning every entry. */
  firstSeen(key: string, now: number, ttlMs: number): Promise<boolean>;
}

export interface Lease {
  name: string;
  owner: string;
  /** Increases every time the lease changes owner (or is re-taken after expiry). */
  epoch: number;
  expiresAt: number;
}

/** Named leases across processes/instances: the WhatsApp socket, singletons (catalog sync, broadcasts…). */
export interface LeaseRepo {
  /**
   * Takes the lease when it is free, expired, or already held by `owner` (then it is extended, same epoch).
   * Returns the lease held, or null when another owner holds an unexpired one.
   */
  acquire(name: string, owner: string, now: number, ttlMs: number): Promise<Lease | null>;
  /** Extends only if still held by owner with that epoch; null = lost (stop acting as the holder). */
  renew(name: string, owner: string, epoch: number, now: number, ttlMs: number): Promise<Lease | null>;
  /** Gives it up if still held (expiresAt set to the past). */
  release(name: string, owner: string, epoch: number): Promise<void>;
  get(name: string): Promise<Lease | undefined>;
}

/** Per-key mutual exclusion across every process on this store (one customer's turns in order). */
export interface LockRepo {
  /**
   * Runs fn while holding `key`; callers for the same key run one after the other, in arrival order.
   * `held()` turns false once this process knows the lock is gone (on PostgreSQL, its connection closed:
   * another instance may hold the key now); fn checks it before writing what the lock protects.
   */
  run<T>(key: string, fn: (held: () => boolean) => Promise<T>): Promise<T>;
}

export type OutboxKind = 'reply' | 'receipt' | 'payment_link' | 'notice' | 'broadcast' | 'alert';

export type OutboxPayload =
  | { type: 'text'; text: string }
  /** imageBase64 is emptied ('') once the message is sent: the receipt's PNG is not kept (see markSent). */
  | { type: 'image'; imageBase64: string; caption?: string };

export type OutboxState = 'pending' | 'sending' | 'sent' | 'failed';

/** WhatsApp's own acknowledgements of a sent message (messages.update). */
export type DeliveryStatus = 'server_ack' | 'delivered' | 'read' | 'played' | 'error';

export interface OutboxInput {
  /** Idempotency key: enqueueing an id twice stores it once (deterministic ids: `${orderId}:receipt`). */
  id: string;
  /** Recipient chat: a customer id (E.164 or LID id) or an admin number. */
  chat: string;
  kind: OutboxKind;
  payload: OutboxPayload;
  orderId?: string;
  broadcastId?: string;
  /** Not sent before this time (epoch ms). */
  notBefore?: number;
}

export interface OutboxMessage extends OutboxInput {
  /** Store-assigned, increasing in enqueue order: per chat, messages leave in seq order. */
  seq: number;
  createdAt: number;
  state: OutboxState;
  attempts: number;
  /** While state = sending: who claimed it and until when (an expired claim may be taken again). */
  owner?: string;
  leaseUntil?: number;
  lastError?: string;
  /** WhatsApp message id once sent (idempotency: a message with one is never sent again). */
  waMessageId?: string;
  sentAt?: number;
  /** When it became sent or failed: retention (prune) counts from here. */
  doneAt?: number;
  delivery?: DeliveryStatus;
  deliveryAt?: number;
  deliveryError?: string;
}

export interface OutboxRepo {
  /** Durable before resolving; idempotent per id; the array order is the send order. */
  enqueue(messages: OutboxInput[], at: number): Promise<void>;
  /**
   * Claims up to `limit` messages, at most one per chat: for each chat, its lowest-seq message that is not
   * sent/failed, if that message is pending (or sending with an expired claim) and due (notBefore <= now).
   * A chat whose head is claimed by someone else yields nothing (per-chat order). Oldest seq first.
   * With `chat`: that chat's head only (a sandbox turn sends its own replies; its cost follows one chat).
   */
  claim(owner: string, now: number, leaseMs: number, limit: number, chat?: string): Promise<OutboxMessage[]>;
  /**
   * Only while claimed by owner. Records the WhatsApp id; an image's bytes are dropped (imageBase64 ''). The
   * embedded stores also drop a text's words (text ''): their rows live in memory; PostgreSQL keeps them
   * (a sandbox on several instances reads back what another one sent).
   */
  markSent(id: string, owner: string, result: { waMessageId?: string; at: number }): Promise<boolean>;
  /**
   * markSent, then `list(view)` as it answers once the mark is made: a flush sending a chat's row and
   * reading the chat back (is anything left? what went?). One statement on PostgreSQL.
   */
  markSentThenList(
    id: string,
    owner: string,
    result: { waMessageId?: string; at: number },
    view: OutboxChatView,
  ): Promise<{ marked: boolean; rows: OutboxMessage[] }>;
  /** Back to pending, attempts + 1, not before `notBefore`. Only while claimed by owner. */
  retry(id: string, owner: string, notBefore: number, error: string): Promise<boolean>;
  /** Gives up on it (no more attempts); it no longer blocks its chat. Only while claimed by owner. */
  markFailed(id: string, owner: string, error: string, at: number): Promise<boolean>;
  /**
   * Records a WhatsApp acknowledgement by message id; never goes backwards (read stays read when a late
   * delivered arrives), except 'error' which always wins. Returns the updated message.
   */
  setDelivery(
    waMessageId: string,
    status: DeliveryStatus,
    at: number,
    error?: string,
  ): Promise<OutboxMessage | undefined>;
  get(id: string): Promise<OutboxMessage | undefined>;
  /** Bounded listing, newest first. */
  list(query: {
    chat?: string;
    orderId?: string;
    broadcastId?: string;
    states?: OutboxState[];
    limit: number;
  }): Promise<OutboxMessage[]>;
  /**
   * Retention: deletes up to `limit` sent/failed messages whose doneAt is before `before` (never a pending or
   * sending one), oldest first; returns how many. Its cost follows `limit`, not the rows stored. A later
   * setDelivery for a deleted message finds nothing (undefined).
   */
  prune(before: number, limit: number): Promise<number>;
  /** Messages not yet sent or failed (metrics, graceful stop). */
  depth(): Promise<{ pending: number; sending: number }>;
}

/** One chat's newest rows in some states (OutboxRepo.list with these three fields). */
export interface OutboxChatView {
  chat: string;
  states: OutboxState[];
  limit: number;
}

/** What one conversation turn writes, all or nothing. */
export interface WriteUnit {
  /**
   * state null = delete the conversation. With `expected`: compare-and-set on the conversation, written
   * only while it is still `expected.state` (undefined: none stored), as get() answered it. Otherwise the
   * unit writes nothing at all (neither state nor replies) and commit throws ConversationChangedError: a
   * turn that lost its customer's lock never overwrites what the next turn (on any instance) wrote.
   */
  conversation?: { customerId: string; state: unknown | null; expected?: { state: unknown } };
  outbox?: OutboxInput[];
  /**
   * The rows for `chat` are written already claimed by `owner` (as claim() would: state 'sending', lease
   * until `leaseUntil`) when none of the chat's messages is unsent before them; else pending as usual.
   * For a sender that will send them right after (the sandbox answering its own chat): one write per row
   * fewer. Units at once claim as one after the other would (the later finds the earlier's rows).
   */
  claim?: { chat: string; owner: string; leaseUntil: number };
}

export interface CommitResult {
  /** The unit's rows written claimed (WriteUnit.claim), in send order. */
  claimed: OutboxMessage[];
}

/** What a conversation turn reads first (Store.openTurn). */
export interface TurnOpenInput {
  /** The message's dedupe key (DedupeRepo.firstSeen): a redelivered message is not handled twice. */
  dedupe: { key: string; at: number; ttlMs: number };
  /** The customer as created when absent (CustomerRepo.getOrCreate). */
  customer: Customer;
  /** How many of the customer's latest orders to read, newest first. */
  recentOrders: number;
}

export interface TurnOpening {
  /** false: the message was seen before (the rest may then be left unread: empty). */
  first: boolean;
  customer: Customer;
  created: boolean;
  /** As ConversationRepo.get answers it. */
  conversation: unknown | undefined;
  /** As orders.list({ customerId, limit: recentOrders }) answers it. */
  recentOrders: Order[];
}

export interface Store {
  readonly kind: 'memory' | 'lowdb' | 'postgres';
  orders: OrderRepo;
  callbacks: CallbackRepo;
  statusLookups: StatusLookupRepo;
  customers: CustomerRepo;
  conversations: ConversationRepo;
  broadcasts: BroadcastRepo;
  alerts: AlertRepo;
  kv: KvRepo;
  dedupe: DedupeRepo;
  leases: LeaseRepo;
  locks: LockRepo;
  outbox: OutboxRepo;
  /**
   * A turn's opening at once: the message's dedupe, its customer (created when absent), the conversation
   * and the latest orders. As firstSeen and getOrCreate, then the two reads, would answer; a networked
   * store makes it one round trip.
   */
  openTurn(input: TurnOpenInput): Promise<TurnOpening>;
  /** Applies a conversation turn's writes atomically and durably. */
  commit(unit: WriteUnit, at: number): Promise<CommitResult>;
  /** Cheap liveness check for /readyz and /healthz (false when writes fail, e.g. a full disk). */
  ping(): Promise<boolean>;
  /** Flush pending writes and release files/connections. */
  close(): Promise<void>;
}
