// POST /intech/callback: verify (sha256Hash, HMAC when enabled) on the raw bytes, record, answer 200 at
// once, then apply. Forged, stale or malformed callbacks get a 4xx and change nothing. Duplicates and
// unknown ids get a 200; applying them is a no-op downstream (the order's operation is already settled).
import express, { type Router } from 'express';
import { verifyCallback } from '../intech/verify-callback.js';
import type { CallbackBody } from '../intech/types.js';
import { type Logger, silentLogger } from '../logger.js';
import type { Store } from '../store/types.js';

export interface CallbackRouterDeps {
  apiKey: string;
  hmacSecret?: string;
  now?: () => number;
  store: Store;
  onCallback: (body: CallbackBody) => Promise<unknown>;
  logger?: Logger;
}

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

  router.post('/intech/callback', express.raw({ type: () => true, limit: '2mb' }), async (req, res) => {
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
    let recorded: 'new' | 'duplicate';
    try {
      recorded = await deps.store.callbacks.record({
        externalTransactionId: tx.externalTransactionId,
        transactionId: tx.transactionId,
        status: body.status,
        receivedAt: now(),
        body,
      });
    } catch (err) {
      // Not recorded: let Intech retry rather than acknowledge something we may lose.
      log.error({ err: (err as Error).message }, 'callback could not be recorded');
      res.status(500).json({ ok: false });
      return;
    }
    res.status(200).json({ ok: true });
    if (recorded === 'duplicate') {
      log.info({ ext: tx.externalTransactionId, status: body.status }, 'duplicate callback acknowledged');
    }
    // After the answer. Duplicates are passed on too: if a crash came between recording and applying the
    // first copy, this one completes it; otherwise it is a no-op.
    setImmediate(() => {
      deps
        .onCallback(body)
        .catch((err) =>
          log.error(
            { ext: tx.externalTransactionId, err: (err as Error).message },
            'callback processing failed',
          ),
        );
    });
  });

  return router;
}
