// The HTTP surface, assembled from routers the areas provide. Tested in-process (createApp(deps)).
import express, { type Express, type Router } from 'express';
import type { Logger } from '../logger.js';
import { errorHandler } from './errors.js';
import type { HealthCheck } from './health.js';

export interface AppDeps {
  logger: Logger;
  health: HealthCheck;
  /** POST /intech/callback (keeps the raw body: mount before any JSON parser). */
  callbackRouter: Router;
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
  app.set('trust proxy', 'loopback');

  app.use(deps.callbackRouter);

  app.get('/healthz', async (_req, res) => {
    const report = await deps.health();
    res.status(report.status === 'ok' ? 200 : 503).json(report);
  });

  if (deps.simulator) app.use('/intech-sim', deps.simulator);
  if (deps.adminRouter) app.use(deps.adminRouter);
  if (deps.payPagesRouter) app.use(deps.payPagesRouter);
  if (deps.sandboxRouter) app.use(deps.sandboxRouter);

  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found', message: 'no such route' });
  });
  app.use(errorHandler(deps.logger));
  return app;
}
