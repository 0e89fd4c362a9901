// npm run bench:chat — sandbox chat turns/s of the bot (default lowdb store) beside a bare express 5
// server, in one run, 32 keep-alive connections on loopback, a new customer per request; on a fresh
// store and with 10 000 customers stored. Also prints the bot process's resident memory. The bot runs
// as `npm start` runs it: the compiled build (npm run build), not through tsx.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuMs } from './cpu.js';
import { type Load as Answered, CONNECTIONS, drive as driveLoad, type Request } from './load.js';
import { buildNpmStartArgs, rssOf, type Started, startProcess, stopProcess } from './processes.js';
import { seedStore } from './seed-store.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const WARMUP_SECONDS = 2;
const STORED = Number(process.env.BENCH_CUSTOMERS ?? 10_000);
const root = join(import.meta.dirname, '..');

let phoneNo = 0;
/** A Senegalese mobile number never used before in this run (77 + 7 digits). */
const nextPhone = () => `+22177${String(5_000_000 + phoneNo++).padStart(7, '0')}`;

interface Load extends Answered {
  /** Server CPU (user + system) per answered request, ms; 0 where /proc is not there. */
  cpuMs: number;
}

/** A new customer says hello: a whole chat turn (customer, conversation, reply sent) per request. */
const chatTurn = (): Request => ({
  path: '/sandbox/messages',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ from: nextPhone(), text: 'bonjour' }),
  ok: (status, body) => status === 200 && body.includes('replies'),
});

async function drive(url: string, seconds: number, pid: number): Promise<Load> {
  const cpu0 = await cpuMs(pid);
  const load = await driveLoad(url, seconds, chatTurn);
  const answered = Math.max(1, load.perSecond * seconds);
  return { ...load, cpuMs: ((await cpuMs(pid)) - cpu0) / answered };
}

const ROUNDS = 3;

/**
 * Bare and bot measured in alternating rounds, so the machine's other load hits both alike; the share is
 * the median of each round's bot/bare ratio (a burst of outside load then spoils one round, not the figure).
 */
async function measurePair(bare_: Started, bot_: Started): Promise<[Load, Load, number[], number]> {
  const drive2 = (p: Started, seconds: number) => drive(p.url, seconds, p.child.pid!);
  await drive2(bare_, WARMUP_SECONDS);
  const warm = await drive2(bot_, WARMUP_SECONDS);
  const bare: Load[] = [];
  const bot: Load[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    bare.push(await drive2(bare_, SECONDS / ROUNDS));
    bot.push(await drive2(bot_, SECONDS / ROUNDS));
  }
  const sum = (xs: Load[]): Load => ({
    perSecond: xs.reduce((n, x) => n + x.perSecond, 0) / xs.length,
    p50: [...xs.map((x) => x.p50)].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!,
    errors: xs.reduce((n, x) => n + x.errors, 0),
    cpuMs: xs.reduce((n, x) => n + x.cpuMs, 0) / xs.length,
  });
  const shares = bot.map((b, i) => b.perSecond / bare[i]!.perSecond);
  // New customers the bot stored meanwhile (one per answered request).
  const created = Math.round(
    warm.perSecond * WARMUP_SECONDS + bot.reduce((n, x) => n + (x.perSecond * SECONDS) / ROUNDS, 0),
  );
  return [sum(bare), sum(bot), shares, created];
}

const botEnv = (dir: string): NodeJS.ProcessEnv => ({
  PORT: '0',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'silent',
  CHANNEL: 'sandbox',
  DATA_DIR: dir,
  NODE_ENV: 'production',
});

async function main(): Promise<void> {
  const node = process.execPath;
  const tsx = ['--import', 'tsx'];
  const botArgs = buildNpmStartArgs();
  const bare = await startProcess(node, [...tsx, join(root, 'bench/bare-server.ts')], {});
  const rows: string[][] = [
    [
      'store',
      'turns/s',
      'share of bare express',
      'p50',
      'errors',
      'CPU/request',
      'bot RSS (peak) at the end',
    ],
  ];
  try {
    for (const stored of [0, STORED]) {
      const dir = await mkdtemp(join(tmpdir(), 'xb-bench-chat-'));
      try {
        if (stored) await seedStore(dir, stored);
        const bot = await startProcess(node, botArgs, botEnv(dir));
        try {
          const [bareLoad, load, shares, created] = await measurePair(bare, bot);
          const share = [...shares].sort((x, y) => x - y)[Math.floor(shares.length / 2)]!;
          const mem = await rssOf(bot.child.pid!);
          const label = stored ? `lowdb, ${stored.toLocaleString('en')} customers stored` : 'lowdb, fresh';
          rows.push([
            'bare express 5',
            bareLoad.perSecond.toFixed(0),
            '100%',
            `${bareLoad.p50.toFixed(1)} ms`,
            String(bareLoad.errors),
            `${bareLoad.cpuMs.toFixed(3)} ms`,
            '',
          ]);
          rows.push([
            label,
            load.perSecond.toFixed(0),
            `${(100 * share).toFixed(1)}% (rounds ${shares.map((x) => (100 * x).toFixed(0)).join('/')})`,
            `${load.p50.toFixed(1)} ms`,
            String(load.errors),
            `${load.cpuMs.toFixed(3)} ms (CPU share ${((100 * bareLoad.cpuMs) / load.cpuMs).toFixed(0)}%)`,
            mem
              ? `${mem.rss.toFixed(0)} MB (${mem.peak.toFixed(0)} MB) with ${(stored + created).toLocaleString('en')} customers`
              : '?',
          ]);
        } finally {
          await stopProcess(bot.child);
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
  } finally {
    await stopProcess(bare.child);
  }
  console.log(
    `sandbox chat vs bare express: ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${(SECONDS / ROUNDS).toFixed(1)} s each after ${WARMUP_SECONDS} s warm-up, new customer per request; CPU/request = the server process's CPU time per answered request (outside load barely moves it)`,
  );
  const w = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows)
    console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(w[c]!) : cell.padStart(w[c]!))).join('  '));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
