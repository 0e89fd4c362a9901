-- Outbox retention: when a message became sent or failed, indexed so pruning the oldest finished rows reads
-- only what it deletes. Rows finished before this column existed count from sentAt, else createdAt.
ALTER TABLE outbox ADD COLUMN done_at bigint;
UPDATE outbox SET done_at = coalesce((body->>'sentAt')::bigint, (body->>'createdAt')::bigint)
  WHERE state IN ('sent', 'failed');
CREATE INDEX outbox_done ON outbox (done_at) WHERE state IN ('sent', 'failed');
