// Sandbox mode with STORE=lowdb: the embedded Intech simulator outlives a restart of the bot, like the
// real Intech would; an order paid while the bot was down completes once, with one receipt.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { RunningBot } from '../../src/bot.js';
import { say, startTestBot, transcript, waitFor } from './helpers.js';

const CUSTOMER = '+221771234567';
let bot: RunningBot | undefined;
let dataDir: string | undefined;

afterEach(async () => {
  await bot?.stop();
  bot = undefined;
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** A port free right now: the bot keeps its URL across the restart, as a deployed one does. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

it('an order in flight when the bot stops completes after the restart, with exactly one receipt', async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'xaalis-sim-restart-'));
  const env = {
    STORE: 'lowdb',
    DATA_DIR: dataDir,
    SIM_APPROVAL_DELAY_MS: '1500',
    PORT: String(await freePort()),
  };
  bot = await startTestBot(env);
  const summary = await say(bot, CUSTOMER, 'crédit 1000 pour 78 000 11 22');
  expect(summary.replies[0]!.text).toContain('1 000 FCFA');
  const chosen = await say(bot, CUSTOMER, '1');
  expect(chosen.status).toBe(200);
  const collect = bot.simulator!.control.transactions();
  expect(collect).toHaveLength(1);
  expect(collect[0]!.status).toBe('PENDING');

  // Stopped before the customer's approval (1.5 s): nothing has been paid yet.
  await bot.stop();
  bot = undefined;
  bot = await startTestBot(env);
  const restored = bot.simulator!.control.transaction(collect[0]!.transactionId);
  expect(restored).toMatchObject({
    status: 'PENDING',
    externalTransactionId: collect[0]!.externalTransactionId,
  });

  const receipts = await waitFor(async () => {
    const r = (await transcript(bot!, CUSTOMER)).filter((e) => e.via === 'receipt');
    return r.length > 0 ? r : undefined;
  }, 15_000);
  expect(receipts[0]!.text).toContain('1 000 FCFA');
  await new Promise((r) => setTimeout(r, 700)); // a second receipt would show up by now
  expect((await transcript(bot, CUSTOMER)).filter((e) => e.via === 'receipt')).toHaveLength(1);

  const txs = bot.simulator!.control.transactions();
  const success = (code: string) => txs.filter((t) => t.codeService === code && t.status === 'SUCCESS');
  expect(success(collect[0]!.codeService)).toHaveLength(1);
  expect(txs.filter((t) => t.typeService === 'CASHOUT')).toHaveLength(1);
  expect(success('ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE')).toHaveLength(1);
  expect(txs.filter((t) => t.codeService === 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE')).toHaveLength(1);
}, 30_000);
