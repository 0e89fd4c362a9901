// npm run bench:chat — sandbox chat turns/s of the bot (default lowdb store) beside a bare express 5
// server, in one run, 32 keep-alive connections on loopback, a new customer per request; on a fresh
// store and with 10 000 customers stored. Also prints the bot process's resident memory. The bot runs
// as `npm start` runs it: the compiled build (npm run build), not through tsx.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { rssOf, type Started, startProcess, stopProcess } from './processes.js';
import { seedStore } from './seed-store.js';

const CONNECTIONS = 32;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const WARMUP_SECONDS = 2;
const STORED = Number(process.env.BENCH_CUSTOMERS ?? 10_000);
const root = join(import.meta.dirname, '..');
/** The node flags `npm start` runs the bot with (package.json), so the bench measures the same process. */
const START_FLAGS = (
  JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }
).scripts.start
  .split(' ')
  .filter((a) => a.startsWith('--'));

let phoneNo = 0;
/** A Senegalese mobile number never used before in this run (77 + 7 digits). */
const nextPhone = () => `+22177${String(5_000_000 + phoneNo++).padStart(7, '0')}`;

interface Load {
  perSecond: number;
  p50: number;
  errors: number;
  /** Server CPU (user + system) per answered request, ms; NaN where /proc is not there. */
  cpuMs: number;
}

/** CPU time a process has used so far, ms (Linux /proc; NaN elsewhere). */
function cpuMsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1_000) / 100; // clock ticks (USER_HZ = 100)
  } catch {
    return Number.NaN;
  }
}

async function drive(url: string, seconds: number, pid: number): Promise<Load> {
  const cpu0 = cpuMsOf(pid);
  const pool = new Pool(url, { connections: CONNECTIONS, pipelining: 1, keepAliveTimeout: 30_000 });
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + seconds * 1_000;
  const worker = async () => {
    while (performance.now() < end) {
      const t = performance.now();
      try {
        const res = await pool.request({
          path: '/sandbox/messages',
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ from: nextPhone(), text: 'bonjour' }),
          headersTimeout: 30_000,
          bodyTimeout: 30_000,
        });
        const body = await res.body.text();
        if (res.statusCode !== 200 || !body.includes('replies')) errors++;
        else latencies.push(performance.now() - t);
      } catch {
        errors++;
      }
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  const elapsed = (performance.now() - t0) / 1_000;
  await pool.close();
  latencies.sort((a, b) => a - b);
  return {
    perSecond: latencies.length / elapsed,
    p50: latencies[Math.floor(latencies.length / 2)] ?? 0,
    errors,
    cpuMs: (cpuMsOf(pid) - cpu0) / Math.max(1, latencies.length),
  };
}

const ROUNDS = 3;

/**
 * Bare and bot measured in alternating rounds, so the machine's other load hits both alike; the share is
 * the median of each round's bot/bare ratio (a burst of outside load then spoils one round, not the figure).
 */
async function measurePair(bare_: Started, bot_: Started): Promise<[Load, Load, number[]]> {
  const drive2 = (p: Started, seconds: number) => drive(p.url, seconds, p.child.pid!);
  await drive2(bare_, WARMUP_SECONDS);
  await drive2(bot_, WARMUP_SECONDS);
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
  return [sum(bare), sum(bot), shares];
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
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  const bare = await startProcess(node, [...tsx, join(root, 'bench/bare-server.ts')], {});
  const rows: string[][] = [
    ['store', 'turns/s', 'share of bare express', 'p50', 'errors', 'CPU/request', 'bot RSS (peak)'],
  ];
  try {
    for (const stored of [0, STORED]) {
      const dir = await mkdtemp(join(tmpdir(), 'xb-bench-chat-'));
      try {
        if (stored) await seedStore(dir, stored);
        const bot = await startProcess(node, [...START_FLAGS, join(root, 'dist/main.js')], botEnv(dir));
        try {
          const [bareLoad, load, shares] = await measurePair(bare, bot);
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
            mem ? `${mem.rss.toFixed(0)} MB (${mem.peak.toFixed(0)} MB)` : '?',
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
