// createSimulator / startSimulator: an express app playing Intech, mountable under any prefix.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { type SimContext, Timers, resolveOptions } from './context.js';
import { createControl, dropHeld } from './control.js';
import { resume } from './engine.js';
import { createPersister, loadState, type Persister } from './persistence.js';
import { payRouter } from './routes-pay.js';
import { apiRouter } from './routes-api.js';
import { controlRouter } from './routes-control.js';
import { createState } from './state.js';
import type { Simulator, SimulatorControl, SimulatorOptions } from './types.js';

/** Control calls that change the state (saved after them). */
const MUTATING: readonly (keyof SimulatorControl)[] = [
  'script',
  'clearScripts',
  'approve',
  'approveByPhone',
  'decline',
  'setBalance',
  'setAmountRules',
  'setServiceEnabled',
  'sweep',
  'reset',
];

function savingAfter(control: SimulatorControl, changed: () => void): SimulatorControl {
  const wrapped = { ...control };
  for (const name of MUTATING) {
    const fn = control[name] as (...a: unknown[]) => unknown;
    const saving = (...a: unknown[]) => {
      try {
        return fn(...a);
      } finally {
        changed();
      }
    };
    Object.assign(wrapped, { [name]: saving });
  }
  return wrapped;
}

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
  let persister: Persister | undefined;
  const changed = () => persister?.changed();
  const fresh = initial();
  const saved = options.statePath ? loadState(options.statePath, fresh, opts.now(), opts.logger) : undefined;
  const ctx: SimContext = {
    opts,
    state: saved ?? fresh,
    timers: new Timers(changed),
    held: new Set(),
    generation: 0,
    changed,
  };
  const control = savingAfter(createControl(ctx, initial), changed);
  if (options.statePath) {
    persister = createPersister({
      path: options.statePath,
      state: () => ctx.state,
      now: opts.now,
      logger: opts.logger,
    });
    if (saved) {
      opts.logger.info(
        { path: options.statePath, transactions: Object.keys(saved.transactions).length },
        'intech-sim: state restored',
      );
      resume(ctx);
    }
  }

  const app = express();
  app.disable('x-powered-by');
  // Any request may change the state; the debounced save runs after the handler (held ones included).
  app.use((_req, res, next) => {
    changed();
    res.once('finish', changed);
    next();
  });
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
      persister?.close();
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
