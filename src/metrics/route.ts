// GET /metrics (Prometheus text format): on the main port behind ADMIN_TOKEN (404 when no token is
// configured, like the admin API), or on METRICS_PORT without a token (keep that port private).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Request, type Response, Router } from 'express';
import type { Registry } from 'prom-client';
import { createTokenGate, refuse } from '../admin/auth.js';
import type { Logger } from '../logger.js';

async function scrape(registry: Registry): Promise<{ type: string; body: string }> {
  return { type: registry.contentType, body: await registry.metrics() };
}

export function createMetricsRouter(opts: {
  registry: Registry;
  /** ADMIN_TOKEN; absent = /metrics answers 404 on this app. */
  token?: string | undefined;
  logger?: Logger;
  now?: () => number;
  maxAuthFailures?: number;
}): Router {
  const r = Router();
  const token = opts.token?.trim();
  if (!token) return r;
  const gate = createTokenGate({
    token,
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.maxAuthFailures !== undefined ? { maxFailures: opts.maxAuthFailures } : {}),
    onRefused: ({ address, reason }) => opts.logger?.warn({ ip: address, reason }, '/metrics: refused token'),
  });
  r.get('/metrics', async (req: Request, res: Response) => {
    const v = gate.check(req);
    if (!v.ok) return refuse(res, v);
    const m = await scrape(opts.registry);
    res.setHeader('Cache-Control', 'no-store');
    res.type(m.type).send(m.body);
  });
  return r;
}

/** A bare HTTP server answering GET /metrics only, for METRICS_PORT. */
export async function startMetricsServer(opts: {
  registry: Registry;
  port: number;
  host: string;
  logger?: Logger;
}): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
      return;
    }
    scrape(opts.registry).then(
      (m) => res.writeHead(200, { 'content-type': m.type, 'cache-control': 'no-store' }).end(m.body),
      (err) => {
        opts.logger?.error({ err: err instanceof Error ? err.message : err }, '/metrics failed');
        res.writeHead(500).end();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
