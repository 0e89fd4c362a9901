-- Xaalis Bot store schema. PostgreSQL 13+. Every exactly-once key is a constraint.
CREATE TABLE orders (
  id text COLLATE "C" PRIMARY KEY,
  version integer NOT NULL,
  state text NOT NULL,
  open boolean NOT NULL,
  customer_id text NOT NULL,
  payer text,
  recipient text,
  account text,
  created_at bigint NOT NULL,
  body jsonb NOT NULL
);
CREATE INDEX orders_created ON orders (created_at DESC, id DESC);
CREATE INDEX orders_customer ON orders (customer_id, created_at DESC);
CREATE INDEX orders_payer ON orders (payer, created_at DESC);
CREATE INDEX orders_open ON orders (created_at, id) WHERE open;

-- One row per operation's externalTransactionId: sent once, found in one lookup.
CREATE TABLE order_ext_ids (
  ext text PRIMARY KEY,
  order_id text COLLATE "C" NOT NULL REFERENCES orders (id)
);

CREATE TABLE callbacks (
  ext text NOT NULL,
  txid text NOT NULL,
  status text NOT NULL,
  seq bigserial NOT NULL,
  received_at bigint NOT NULL,
  body jsonb,
  PRIMARY KEY (ext, txid, status)
);

CREATE TABLE status_lookups (
  ext text NOT NULL,
  at bigint NOT NULL
);
CREATE INDEX status_lookups_ext ON status_lookups (ext, at);

CREATE TABLE customers (
  id text COLLATE "C" PRIMARY KEY,
  version integer NOT NULL,
  subscribed boolean NOT NULL,
  body jsonb NOT NULL
);
CREATE INDEX customers_subscribed ON customers (subscribed, id);

CREATE TABLE conversations (
  customer_id text PRIMARY KEY,
  state jsonb NOT NULL
);

CREATE TABLE broadcasts (
  id text PRIMARY KEY,
  created_at bigint NOT NULL,
  body jsonb NOT NULL
);

CREATE TABLE broadcast_recipients (
  broadcast_id text NOT NULL,
  customer_id text COLLATE "C" NOT NULL,
  status text NOT NULL,
  reason text,
  ref text,
  at bigint NOT NULL,
  PRIMARY KEY (broadcast_id, customer_id)
);

CREATE TABLE alerts (
  id text COLLATE "C" PRIMARY KEY,
  at bigint NOT NULL,
  resolved boolean NOT NULL,
  body jsonb NOT NULL
);

CREATE TABLE kv (
  ns text NOT NULL,
  key text NOT NULL,
  value jsonb NOT NULL,
  PRIMARY KEY (ns, key)
);

CREATE TABLE dedupe (
  key text PRIMARY KEY,
  expires_at bigint NOT NULL
);
CREATE INDEX dedupe_expiry ON dedupe (expires_at);

CREATE TABLE leases (
  name text PRIMARY KEY,
  owner text NOT NULL,
  epoch integer NOT NULL,
  expires_at bigint NOT NULL
);

CREATE TABLE outbox (
  id text PRIMARY KEY,
  seq bigserial NOT NULL UNIQUE,
  chat text NOT NULL,
  state text NOT NULL,
  not_before bigint,
  lease_until bigint,
  owner text,
  wa_message_id text,
  order_id text,
  broadcast_id text,
  body jsonb NOT NULL
);
CREATE INDEX outbox_open ON outbox (chat, seq) WHERE state IN ('pending', 'sending');
CREATE INDEX outbox_wa ON outbox (wa_message_id) WHERE wa_message_id IS NOT NULL;
CREATE INDEX outbox_chat ON outbox (chat, seq DESC);
CREATE INDEX outbox_order ON outbox (order_id) WHERE order_id IS NOT NULL;
CREATE INDEX outbox_broadcast ON outbox (broadcast_id) WHERE broadcast_id IS NOT NULL;
