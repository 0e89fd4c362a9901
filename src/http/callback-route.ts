// POST /intech/callback: verify (sha256Hash, HMAC when enabled) on the raw bytes, then record and apply
// (`receive`: the copy's record and the order change it brings commit together, and the 200 waits for
// them; the effects, such as sending the delivery, run after). Forged, stale or malformed callbacks get a
// 4xx and change nothing. Duplicates get a 200; applying them is a no-op downstream (the order's
// operation is already settled).
// Bounds (finding 7 of #13): bodies over 1 MB are not read (413); a body over 64 KB or deeper than 32
// levels is verified, acknowledged (200) and recorded bounded (ids, status, error; `data` dropped, with
// its size and depth), so a genuine but bloated callback is never lost nor stored whole. Callbacks for
// ids we do not know are kept and handed on (alert + lookup), at most `unknownPerMinute` a minute; past
// that they get a 429 and the provider retries later.
import express, { type Router } from 'express';
import { verifyCallback } from '../intech/verify-callback.js';
import type { CallbackBody } from '../intech/types.js';
import { type Logger, silentLogger } from '../logger.js';
import type { CallbackRecord } from '../store/types.js';
import { LruMap } from '../util/lru-map.js';

export interface CallbackRouterDeps {
  apiKey: string;
  hmacSecret?: string;
  now?: () => number;
  /**
   * Records and applies a copy in one step (an order's compare-and-set and the copy's record in one
   * transaction), calling `stored` once both are durable: the 200 waits for it, so a copy acknowledged is
   * a copy applied. `known`: what isKnown found for this id, handed on (the order, so it is not read
   * twice). `record` is undefined for a copy this process recorded before (nothing to store). Its promise
   * settles when the effects are done.
   */
  receive: (
    body: CallbackBody,
    known: unknown,
    record: CallbackRecord | undefined,
    stored: () => void,
  ) => Promise<unknown>;
  logger?: Logger;
  /**
   * Whether an externalTransactionId belongs to one of our orders (unknown ones are rate-limited): falsy
   * when not; any truthy value (e.g. the order) is passed on to onCallback.
   */
  isKnown?: (externalTransactionId: string) => Promise<unknown>;
  /** Unknown-id callbacks recorded per minute, across ids. Default 20. */
  unknownPerMinute?: number;
}

/** Read at most this much; anything bigger is not a callback of Intech's. */
const RAW_LIMIT = '1mb';

function rawOf(body: unknown): string | Buffer | null {
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return body;
  // A JSON parser ran before us: the verifier also accepts the re-serialised body.
  if (body && typeof body === 'object') return JSON.stringify(body);
  return null;
}

export function createCallbackRouter(deps: CallbackRouterDeps): Router {
  const now = deps.now ?? Date.now;
  const log = deps.logger ?? silentLogger;
  const router = express.Router();
  const unknownMax = deps.unknownPerMinute ?? 20;
  let unknownTimes: number[] = [];
  // Copies this process has recorded (the row is durable): Intech repeats callbacks, and a repeat needs
  // neither the unknown-id check nor the insert again (the store's answer would be "duplicate").
  const recordedCopies = new LruMap<true>(10_000);

  router.post('/intech/callback', express.raw({ type: () => true, limit: RAW_LIMIT }), async (req, res) => {
    const raw = rawOf(req.body);
    if (raw === null || raw.length === 0) {
      res.status(400).json({ ok: false, error: 'empty body' });
      return;
    }
    const verdict = verifyCallback({
      rawBody: raw,
      headers: req.headers,
      apiKey: deps.apiKey,
      ...(deps.hmacSecret ? { hmacSecret: deps.hmacSecret } : {}),
      now: now(),
    });
    if (!verdict.ok) {
      log.warn({ reason: verdict.reason, detail: verdict.detail, ip: req.ip }, 'callback rejected');
      res.status(verdict.reason === 'malformed' ? 400 : 401).json({ ok: false, error: verdict.reason });
      return;
    }
    const body = verdict.body;
    const tx = body.transaction;
    const copyKey = `${tx.externalTransactionId}\n${tx.transactionId}\n${body.status}`;
    if (recordedCopies.get(copyKey)) {
      res.status(200).json({ ok: true });
      log.info({ ext: tx.externalTransactionId, status: body.status }, 'duplicate callback acknowledged');
      setImmediate(() => handle(undefined, undefined));
      return;
    }
    try {
      const known = deps.isKnown ? await deps.isKnown(tx.externalTransactionId) : undefined;
      if (deps.isKnown && !known) {
        const t = now();
        unknownTimes = unknownTimes.filter((x) => t - x < 60_000);
        if (unknownTimes.length >= unknownMax) {
          log.warn({ ext: tx.externalTransactionId }, 'unknown-id callbacks over the limit: retry later');
          res.status(429).set('Retry-After', '60').json({ ok: false, error: 'rate_limited' });
          return;
        }
        unknownTimes.push(t);
      }
      if (verdict.truncated) {
        log.warn(
          { ext: tx.externalTransactionId, ...verdict.truncated },
          'callback body bounded before storing',
        );
      }
      const record: CallbackRecord = {
        externalTransactionId: tx.externalTransactionId,
        transactionId: tx.transactionId,
        status: body.status,
        receivedAt: now(),
        body: verdict.truncated ? { ...body, truncated: verdict.truncated } : body,
      };
      // Recorded and applied together; the answer waits for both (a failure before: 500, Intech retries).
      let stored!: () => void;
      const durable = new Promise<void>((resolve) => {
        stored = resolve;
      });
      await Promise.race([durable, handle(known || undefined, record, stored)]);
    } catch (err) {
      // Not recorded: let Intech retry rather than acknowledge something we may lose.
      log.error({ err: (err as Error).message }, 'callback could not be recorded');
      res.status(500).json({ ok: false });
      return;
    }
    recordedCopies.set(copyKey, true);
    res.status(200).json({ ok: true });

    // Duplicates are handled too: if a crash came between recording and applying an earlier copy, this
    // one completes it; otherwise it is a no-op. The returned promise fails the request while nothing is
    // stored yet; later failures (effects) are only logged.
    function handle(found: unknown, rec: CallbackRecord | undefined, stored?: () => void): Promise<unknown> {
      let acknowledged = false;
      const p = deps.receive(body, found, rec, () => {
        acknowledged = true;
        stored?.();
      });
      p.catch((err) => {
        log.error(
          { ext: tx.externalTransactionId, err: (err as Error).message },
          'callback processing failed',
        );
      });
      return p.then(
        (v) => v,
        (err) => {
          if (!acknowledged && rec) throw err;
        },
      );
    }
  });

  return router;
}
