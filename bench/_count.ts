import pg from 'pg';
import { startBot } from '../src/bot.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { openPostgresStore } from '../src/store/postgres/index.js';
import { signCallback } from '../test/helpers/intech-signer.js';
import { startEmbeddedPostgres } from '../test/setup/postgres.js';
import { seedSettledOrders } from './pg-seed.js';

const log: string[] = [];
let on = false;
const orig = pg.Client.prototype.query;
// biome-ignore lint/suspicious/noExplicitAny: probe
(pg.Client.prototype as any).query = function (this: unknown, ...a: any[]) {
  if (on)
    log.push(
      String(typeof a[0] === 'string' ? a[0] : a[0]?.text)
        .replace(/\s+/g, ' ')
        .slice(0, 110),
    );
  // biome-ignore lint/suspicious/noExplicitAny: probe
  return (orig as any).apply(this, a);
};
const emb = await startEmbeddedPostgres();
const store = await openPostgresStore({ url: emb.url });
const bodies = await seedSettledOrders(store, 3);
await store.close();
const config = loadConfig({
  STORE: 'postgres',
  DATABASE_URL: emb.url,
  PORT: '0',
  LOG_LEVEL: 'silent',
  SIM_API_KEY: 'k',
  INTECH_HMAC_SECRET: 'bench-hmac-secret-0123456789',
  DATA_DIR: '/tmp/pgs',
});
const bot = await startBot(config, createLogger({ level: 'silent' }));
await new Promise((r) => setTimeout(r, 1500));
const post = async (path: string, body: string, headers: Record<string, string>) => {
  const r = await fetch(bot.url + path, { method: 'POST', body, headers });
  await r.text();
};
const cb = (i: number) =>
  signCallback(bodies[i]!, {
    apiKey: 'k',
    hmacSecret: 'bench-hmac-secret-0123456789',
    timestamp: Date.now(),
  });
await post('/intech/callback', cb(0).rawBody, cb(0).headers);
await new Promise((r) => setTimeout(r, 300));
for (const [name, fn] of [
  [
    'chat',
    () =>
      post('/sandbox/messages', JSON.stringify({ from: '+221771110000', text: 'bonjour' }), {
        'content-type': 'application/json',
      }),
  ],
  [
    'chat2',
    () =>
      post('/sandbox/messages', JSON.stringify({ from: '+221771110001', text: 'bonjour' }), {
        'content-type': 'application/json',
      }),
  ],
  ['dup callback', () => post('/intech/callback', cb(0).rawBody, cb(0).headers)],
] as const) {
  log.length = 0;
  on = true;
  await fn();
  await new Promise((r) => setTimeout(r, 300));
  on = false;
  console.log(`== ${name}: ${log.length}`);
  for (const l of log) console.log('  ', l);
}
await bot.stop();
await emb.stop();
