// npm run intech-sim -- --port 4010 --api-key KEY [--hmac-secret S] [--callback-delay-ms N] [--state-file PATH] …
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createLogger } from '../logger.js';
import { startSimulator } from './simulator/index.js';

const USAGE = `Usage: npm run intech-sim -- --port 4010 --api-key KEY [options]
  --host H                 listen address (default 127.0.0.1)
  --hmac-secret S          require HMAC-signed POSTs and sign callbacks
  --callback-delay-ms N    processing time before outcome + callback (default 300)
  --callback-retry-ms N    retry delay for a callback not answered 200 (default 60000)
  --approval-delay-ms N    cash-outs auto-approved after N ms (default 3000; 0 = manual only)
  --balance N              merchant balance in XOF (default 1000000)
  --public-url URL         base for payment links (default: as the caller reaches the simulator)
  --state-file PATH        keep the simulator's memory in this JSON file across restarts`;

function int(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer`);
  return n;
}

export async function runCli(argv: string[], print: (line: string) => void = console.log) {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '4010' },
      host: { type: 'string', default: '127.0.0.1' },
      'api-key': { type: 'string' },
      'hmac-secret': { type: 'string' },
      'callback-delay-ms': { type: 'string' },
      'callback-retry-ms': { type: 'string' },
      'approval-delay-ms': { type: 'string' },
      balance: { type: 'string' },
      'public-url': { type: 'string' },
      'state-file': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    print(USAGE);
    return undefined;
  }
  const apiKey = values['api-key'] ?? process.env.SIM_API_KEY;
  if (!apiKey) throw new Error(`--api-key is required\n${USAGE}`);
  const sim = await startSimulator({
    port: int('port', values.port),
    host: values.host,
    apiKey,
    hmacSecret: values['hmac-secret'],
    callbackDelayMs: int('callback-delay-ms', values['callback-delay-ms']),
    callbackRetryMs: int('callback-retry-ms', values['callback-retry-ms']),
    approvalDelayMs: int('approval-delay-ms', values['approval-delay-ms']),
    merchantBalance: int('balance', values.balance),
    publicUrl: values['public-url'],
    ...(values['state-file'] ? { statePath: values['state-file'] } : {}),
    logger: createLogger({ level: process.env.LOG_LEVEL ?? 'info' }),
  });
  print(`Intech simulator listening on ${sim.url}`);
  print(`  API:     ${sim.url}/api-services  (HMAC ${values['hmac-secret'] ? 'required' : 'off'})`);
  print(`  Control: ${sim.url}/_sim/stats, /_sim/log, /_sim/transactions`);
  if (values['state-file']) print(`  State:   ${values['state-file']}`);
  return sim;
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  runCli(process.argv.slice(2))
    .then((sim) => {
      if (!sim) return;
      const shutdown = () => void sim.close().then(() => process.exit(0));
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    })
    .catch((e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    });
}
