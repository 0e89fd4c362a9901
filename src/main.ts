// Composition root: reads the configuration once, builds every part, starts the bot.
// With no configuration it is a complete local sandbox: Intech simulator + sandbox chat.
import 'dotenv/config';
import { randomBytes } from 'node:crypto';
import { startBot } from './bot.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(2);
  }
  throw err;
}

const logger = createLogger({ level: config.LOG_LEVEL });
// The built-in simulator plays an Intech account with advanced security (HMAC) unless a secret is given:
// without HMAC a callback's details are not covered by its hash, so a Woyofal code could only reach the
// customer through the team (src/orders/transitions.ts). Both sides are this process: a fresh secret is enough.
if (config.SANDBOX_INTECH && !config.INTECH_HMAC_SECRET && config.SIM_SIGN_CALLBACKS) {
  config = { ...config, INTECH_HMAC_SECRET: randomBytes(32).toString('hex') };
}
const bot = await startBot(config, logger);
if (bot.sandbox) {
  // Plain words for a newcomer, beside the JSON logs.
  const url = config.PORT === 0 ? bot.url : config.PUBLIC_URL;
  process.stdout.write(
    [
      '',
      `  Xaalis Bot sandbox is running (Intech: ${bot.simulator ? 'built-in simulator, no real money' : 'live'}).`,
      `  Chat in your browser:  ${url}`,
      '  Chat in a terminal:    npm run chat',
      `  Or: curl -s ${url}/sandbox/messages -H 'content-type: application/json' -d '{"from":"+221771234567","text":"crédit 1000 pour 77 123 45 67"}'`,
      `  Health: ${url}/healthz${config.ADMIN_TOKEN ? `   Dashboard: ${url}/admin` : ''}`,
      '',
    ].join('\n') + '\n',
  );
}

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down: finishing in-flight work');
  const force = setTimeout(() => {
    logger.error('shutdown took too long, exiting');
    process.exit(1);
  }, 30_000);
  force.unref();
  try {
    await bot.stop();
    process.exit(0);
  } catch (err) {
    logger.error({ err }, 'error during shutdown');
    process.exit(1);
  }
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
