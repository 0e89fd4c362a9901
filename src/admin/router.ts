// /admin (dashboard page) and /admin/api (JSON), behind Authorization: Bearer ADMIN_TOKEN.
// No token configured: every /admin route answers 404 (disabled, never open).
import { randomBytes } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { Catalog } from '../catalog/types.js';
import type { IntechApi } from '../intech/api.js';
import { type Logger, silentLogger } from '../logger.js';
import { ORDER_STATES, type OrderState } from '../orders/types.js';
import type { Store } from '../store/types.js';
import { createTokenGate, refuse } from './auth.js';
import type { BalanceWatch } from './balance-watch.js';
import { type BroadcastService, countAudience } from './broadcasts.js';
import type { CatalogSync } from './catalog-sync.js';
import { dashboardHtml } from './dashboard.js';
import { loadDayStats } from './stats.js';
import { orderTimeline } from './timeline.js';
import { createLinkViewer, type WhatsAppLink } from './whatsapp-link.js';

export interface AdminRouterDeps {
  token?: string | undefined;
  store: Store;
  catalog: Catalog;
  broadcasts: BroadcastService;
  intech: Pick<IntechApi, 'getBalance'>;
  sync: CatalogSync;
  balanceWatch?: BalanceWatch;
  /** The WhatsApp channel's link (QR, pairing code, relink); absent with the sandbox channel. */
  whatsapp?: WhatsAppLink | undefined;
  logger?: Logger;
  now?: () => number;
  /** Requests per minute per IP (default 120). */
  perMinute?: number;
  /** Failed authentications per 15 minutes per IP before refusing everything from it (default 10). */
  maxAuthFailures?: number;
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const langText = z.string().trim().min(1).max(2000);
const broadcastBody = z.object({
  text: z.union([langText, z.object({ fr: langText, en: langText.optional(), wo: langText.optional() })]),
  send: z.boolean().optional(),
});
const rulesBody = z
  .object({
    min: z.number().int().min(0).optional(),
    max: z.number().int().min(0).optional(),
    multiple: z.number().int().min(1).optional(),
  })
  .strict();
const catalogBody = z.object({ enabled: z.boolean().optional(), rules: rulesBody.optional() }).strict();

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body);
  if (!r.success)
    throw new ApiError(
      400,
      'invalid_body',
      r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    );
  return r.data;
}

export function createAdminRouter(deps: AdminRouterDeps): Router {
  const router = Router();
  const logger = deps.logger ?? silentLogger;
  const now = deps.now ?? Date.now;
  const token = deps.token?.trim() ? deps.token.trim() : undefined;

  if (!token) {
    router.use('/admin', (_req, res) => {
      res.status(404).json({ error: 'not_found', message: 'no such route' });
    });
    return router;
  }

  const gate = createTokenGate({
    token,
    now,
    ...(deps.perMinute !== undefined ? { perMinute: deps.perMinute } : {}),
    ...(deps.maxAuthFailures !== undefined ? { maxFailures: deps.maxAuthFailures } : {}),
    onRefused: ({ address, reason }) => logger.warn({ ip: address, reason }, 'admin API: refused token'),
  });

  const limit = (req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    // The API checks the token itself (auth); the page carries no data and is only rate limited.
    if (req.path.startsWith('/api')) return next();
    const v = gate.anonymous(req);
    if (v.ok) return next();
    refuse(res, v);
  };

  const auth = (req: Request, res: Response, next: NextFunction) => {
    const v = gate.check(req);
    if (v.ok) return next();
    refuse(res, v);
  };

  router.use('/admin', limit);

  router.get('/admin', (_req, res) => {
    const nonce = randomBytes(16).toString('base64');
    res.setHeader(
      'Content-Security-Policy',
      `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    );
    res.type('html').send(dashboardHtml(nonce));
  });

  const api = Router();
  router.use('/admin/api', auth, express.json({ limit: '64kb' }), api);

  api.get('/orders', async (req, res) => {
    const q = req.query;
    const states =
      typeof q.state === 'string' && q.state
        ? q.state.split(',').filter((s): s is OrderState => ORDER_STATES.includes(s as OrderState))
        : undefined;
    const limitN = Math.min(500, Math.max(1, Number(q.limit) || 100));
    const since = Number(q.since);
    const orders = await deps.store.orders.list({
      ...(states?.length ? { states } : {}),
      ...(typeof q.search === 'string' && q.search.trim() ? { search: q.search.trim() } : {}),
      ...(typeof q.customer === 'string' && q.customer ? { customerId: q.customer } : {}),
      ...(Number.isFinite(since) && since > 0 ? { since } : {}),
      limit: limitN,
    });
    res.json({ orders });
  });

  api.get('/orders/:id', async (req, res) => {
    const id = String(req.params.id);
    const order = (await deps.store.orders.get(id)) ?? (await deps.store.orders.get(id.toUpperCase()));
    if (!order) throw new ApiError(404, 'not_found', 'no such order');
    const exts = [
      ...new Set(
        Object.values(order.operations)
          .map((o) => o.externalTransactionId)
          .filter(Boolean),
      ),
    ];
    const callbacks = (await Promise.all(exts.map((e) => deps.store.callbacks.list(e)))).flat();
    const messages = await deps.store.outbox.list({ orderId: order.id, limit: 50 });
    res.json({ order, callbacks, timeline: orderTimeline(order, callbacks, messages) });
  });

  api.get('/attention', async (_req, res) => {
    const orders = await deps.store.orders.list({ states: ['needs_human', 'refunding'], limit: 200 });
    const alerts = await deps.store.alerts.list({ resolved: false });
    res.json({ orders, alerts: alerts.sort((a, b) => b.at - a.at) });
  });

  api.post('/alerts/:id/resolve', async (req, res) => {
    await deps.store.alerts.resolve(String(req.params.id));
    res.json({ ok: true });
  });

  api.get('/catalog', async (_req, res) => {
    const entries = deps.catalog
      .all()
      .map((e) => ({ ...e, available: deps.catalog.isAvailable(e.codeService) }));
    res.json({ entries, lastSync: (await deps.sync.last()) ?? null });
  });

  api.post('/catalog/sync', async (_req, res) => {
    res.json(await deps.sync.syncNow());
  });

  api.patch('/catalog/:code', async (req, res) => {
    const code = String(req.params.code);
    if (!deps.catalog.get(code)) throw new ApiError(404, 'not_found', 'no such service');
    const body = parse(catalogBody, req.body);
    if (body.rules) {
      try {
        await deps.catalog.setRules(code, body.rules);
      } catch (err) {
        throw new ApiError(400, 'invalid_rules', (err as Error).message);
      }
    }
    if (body.enabled !== undefined) await deps.catalog.setEnabled(code, body.enabled);
    res.json({ entry: { ...deps.catalog.get(code), available: deps.catalog.isAvailable(code) } });
  });

  api.get('/broadcasts', async (_req, res) => {
    const subscribers = await countAudience(deps.store);
    res.json({ broadcasts: await deps.broadcasts.list(50), subscribers });
  });

  api.post('/broadcasts', async (req, res) => {
    const body = parse(broadcastBody, req.body);
    const text = typeof body.text === 'string' ? { fr: body.text } : body.text;
    const clean = Object.fromEntries(Object.entries(text).filter(([, v]) => v)) as typeof text;
    let b = await deps.broadcasts.create(clean, 'dashboard');
    if (body.send) b = await deps.broadcasts.start(b.id);
    res.status(201).json({ broadcast: await deps.broadcasts.progress(b.id) });
  });

  api.get('/broadcasts/:id', async (req, res) => {
    const p = await deps.broadcasts.progress(String(req.params.id));
    if (!p) throw new ApiError(404, 'not_found', 'no such broadcast');
    res.json({ broadcast: p });
  });

  api.post('/broadcasts/:id/send', async (req, res) => {
    const id = String(req.params.id);
    if (!(await deps.broadcasts.progress(id))) throw new ApiError(404, 'not_found', 'no such broadcast');
    await deps.broadcasts.start(id);
    res.json({ broadcast: await deps.broadcasts.progress(id) });
  });

  api.post('/broadcasts/:id/cancel', async (req, res) => {
    const b = await deps.broadcasts.cancel(String(req.params.id));
    if (!b) throw new ApiError(404, 'not_found', 'no such broadcast');
    res.json({ broadcast: await deps.broadcasts.progress(b.id) });
  });

  api.get('/balance', async (_req, res) => {
    const watch = deps.balanceWatch?.last() ?? null;
    try {
      const b = await deps.intech.getBalance();
      res.json({ balance: b.balance, currency: b.currency, watch });
    } catch {
      res.status(502).json({ error: 'balance_unavailable', message: 'Intech did not answer', watch });
    }
  });

  const linkView = createLinkViewer(deps.whatsapp);

  api.get('/whatsapp', async (_req, res) => {
    res.json(await linkView());
  });

  api.post('/whatsapp/relink', async (_req, res) => {
    if (!deps.whatsapp) throw new ApiError(404, 'not_found', 'no WhatsApp channel (CHANNEL=sandbox)');
    const result = await deps.whatsapp.relink();
    logger.info({ result }, 'admin API: WhatsApp relink');
    res.json({ result, link: await linkView() });
  });

  api.get('/stats', async (_req, res) => {
    res.json(await loadDayStats(deps.store.orders, now()));
  });

  api.use((_req, res) => {
    res.status(404).json({ error: 'not_found', message: 'no such route' });
  });

  // Errors from /admin handlers are answered here, so the router behaves the same in any app.
  router.use('/admin', (err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof ApiError) {
      res.status(err.status).json({ error: err.code, message: err.message });
      return;
    }
    const status = (err as { status?: number })?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      res.status(status).json({ error: 'bad_request', message: 'bad request' });
      return;
    }
    logger.error({ err: (err as Error)?.message }, 'admin API error');
    res.status(500).json({ error: 'internal', message: 'internal error' });
  });

  return router;
}
