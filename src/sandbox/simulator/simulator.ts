// createSimulator / startSimulator: an express app playing Intech, mountable under any prefix.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { type SimContext, Timers, resolveOptions } from './context.js';
import { createControl, dropHeld } from './control.js';
import { payRouter } from './routes-pay.js';
import { apiRouter } from './routes-api.js';
import { controlRouter } from './routes-control.js';
import { createState } from './state.js';
import type { Simulator, SimulatorOptions } from './types.js';

export function createSimulator(options: SimulatorOptions): Simulator {
  const opts = resolveOptions(options);
  const idPrefix = randomBytes(3).toString('hex').toUpperCase();
  const initial = () =>
    createState({
      balance: opts.merchantBalance,
      idPrefix,
      amountRules: options.amountRules,
      disabled: options.disabledServices,
    });
  const ctx: SimContext = { opts, state: initial(), timers: new Timers(), held: new Set(), generation: 0 };
  const control = createControl(ctx, initial);

  const app = express();
  app.disable('x-powered-by');
  // Relative routing only: the bot mounts this app at /intech-sim in sandbox mode.
  app.use('/api-services', apiRouter(ctx));
  app.use('/pay', payRouter(ctx));
  app.use('/_sim', controlRouter(control));
  app.get('/', (_req, res) => {
    res.json({ name: 'intech-simulator', api: 'api-services', control: '_sim' });
  });

  return {
    app,
    control,
    stop: async () => {
      ctx.generation += 1;
      ctx.timers.clearAll();
      dropHeld(ctx);
    },
  };
}

export async function startSimulator(
  options: SimulatorOptions & { port?: number; host?: string },
): Promise<Simulator & { url: string; close(): Promise<void> }> {
  const sim = createSimulator(options);
  const host = options.host ?? '127.0.0.1';
  const server = await new Promise<import('node:http').Server>((resolve, reject) => {
    const s = sim.app.listen(options.port ?? 0, host, (err?: Error) => (err ? reject(err) : resolve(s)));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${shown}:${port}`;
  return {
    ...sim,
    url,
    close: async () => {
      await sim.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
