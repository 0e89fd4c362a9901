// The HTTP surface, assembled from routers the areas provide. Tested in-process (createApp(deps)).
import express, { type Express, type Router } from 'express';
import type { Logger } from '../logger.js';
import { errorHandler } from './errors.js';
import { type HealthCheck, healthHttpStatus, type ReadyCheck } from './health.js';

export interface AppDeps {
  logger: Logger;
  health: HealthCheck;
  /** GET /readyz; absent = ready whenever /healthz is not degraded. */
  ready?: ReadyCheck;
  /**
   * Express "trust proxy" (TRUST_PROXY): false = req.ip is the socket's address and X-Forwarded-For is
   * ignored, so nobody can pick their own address for the admin lockout.
   */
  trustProxy?: false | number | string;
  /** POST /intech/callback (keeps the raw body: mount before any JSON parser). */
  callbackRouter: Router;
  /** Observes each callback's handling time and answer (metrics). */
  onCallbackHandled?: (status: number, seconds: number) => void;
  /** GET /metrics on this app (behind ADMIN_TOKEN); absent with METRICS_PORT. */
  metricsRouter?: Router;
  /** SANDBOX_TOKEN gate in front of the sandbox routes and page. */
  sandboxGate?: Router;
  /** Sandbox chat routes and page; absent with CHANNEL=whatsapp. */
  sandboxRouter?: Router;
  /** The embedded Intech simulator, mounted at /intech-sim when no real Intech key is configured. */
  simulator?: Express | Router;
  /** /admin and /admin/api. */
  adminRouter?: Router;
  /** Customer pages: /pay/done and /pay/failed (payment result pages). */
  payPagesRouter?: Router;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy ?? false);
  // Every answer here is the state of the moment (chat replies, callbacks, health, admin data): none is a
  // document to revalidate, so no body hash (express's default ETag) is computed for each one.
  app.set('etag', false);

  if (deps.onCallbackHandled) {
    const observe = deps.onCallbackHandled;
    app.use('/intech/callback', (_req, res, next) => {
      const started = process.hrtime.bigint();
      res.once('finish', () => observe(res.statusCode, Number(process.hrtime.bigint() - started) / 1e9));
      next();
    });
  }
  app.use(deps.callbackRouter);
  // The sandbox chat next, before the health, admin and pay routes: a chat request (the sandbox's busiest)
  // then walks none of their layers. Its paths (/, /sandbox/…) are the sandbox's own.
  if (deps.sandboxRouter) {
    if (deps.sandboxGate) app.use(deps.sandboxGate);
    app.use(deps.sandboxRouter);
  }

  // Liveness: answering at all is the proof the event loop turns. Use this for restarts, never /healthz.
  app.get('/livez', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json({ status: 'live' });
  });

  app.get('/readyz', async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    if (deps.ready) {
      const r = await deps.ready();
      res.status(r.ready ? 200 : 503).json(r);
      return;
    }
    const h = await deps.health();
    const ready = h.status === 'ok';
    res.status(ready ? 200 : 503).json({ ready, ...(ready ? {} : { reason: h.status }) });
  });

  app.get('/healthz', async (_req, res) => {
    const report = await deps.health();
    res.setHeader('Cache-Control', 'no-store');
    res.status(healthHttpStatus(report)).json(report);
  });

  if (deps.metricsRouter) app.use(deps.metricsRouter);
  if (deps.simulator) app.use('/intech-sim', deps.simulator);
  if (deps.adminRouter) app.use(deps.adminRouter);
  if (deps.payPagesRouter) app.use(deps.payPagesRouter);

  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found', message: 'no such route' });
  });
  app.use(errorHandler(deps.logger));
  return app;
}
