// npm run bench:rss — resident memory of `npm start` (sandbox, default lowdb store) with 10 000
// customers stored: seeds the data directory, starts `npm start`, sends a few chat turns, then reads the
// RSS of every process npm started (npm, sh, node) and prints the biggest; then puts it under load (32
// connections), first from the stored customers, then from new ones (one per request), and prints the
// biggest process's RSS sampled meanwhile.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { descendants, rssOf } from './processes.js';
import { seedStore } from './seed-store.js';

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 10_000);
const TURNS = 200;
const LOAD_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 32;

/** Chat turns as fast as 32 connections go, for `seconds`, from `phone(n)`; returns the turns answered. */
async function load(url: string, seconds: number, phone: (n: number) => string): Promise<number> {
  const pool = new Pool(url, { connections: CONNECTIONS });
  const end = performance.now() + seconds * 1_000;
  let n = 0;
  let ok = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < end) {
        const res = await pool.request({
          path: '/sandbox/messages',
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ from: phone(n++), text: 'bonjour' }),
        });
        await res.body.text();
        if (res.statusCode === 200) ok++;
      }
    }),
  );
  await pool.close();
  return ok;
}
const root = join(import.meta.dirname, '..');

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'xb-bench-rss-'));
  await seedStore(dir, CUSTOMERS);
  const npm = spawn('npm', ['start', '--silent'], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DATA_DIR: dir },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const t = setTimeout(() => reject(new Error(`no URL from npm start:\n${out}`)), 90_000);
      npm.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
        if (m) {
          clearTimeout(t);
          resolve(`http://127.0.0.1:${m[1]}`);
        }
      });
      npm.on('exit', (code) => reject(new Error(`npm start exited ${code}:\n${out}`)));
    });
    // A few turns from existing and new customers, as a quiet bot would see.
    for (let i = 0; i < TURNS; i++) {
      const phone = `+22177${String(1_000_000 + ((i * 37) % (2 * CUSTOMERS))).slice(-7)}`;
      const res = await fetch(`${url}/sandbox/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from: phone, text: i % 2 ? 'bonjour' : 'crédit 1000' }),
      });
      if (!res.ok) throw new Error(`turn ${i}: HTTP ${res.status}`);
      await res.text();
    }
    await new Promise((r) => setTimeout(r, 2_000));
    const rows: { pid: number; rss: number; peak: number }[] = [];
    for (const pid of [npm.pid!, ...(await descendants(npm.pid!))]) {
      const m = await rssOf(pid);
      if (m) rows.push({ pid, ...m });
    }
    rows.sort((a, b) => b.rss - a.rss);
    console.log(
      `npm start with ${CUSTOMERS.toLocaleString('en')} customers stored, after ${TURNS} chat turns:`,
    );
    for (const r of rows)
      console.log(`  pid ${r.pid}: ${r.rss.toFixed(0)} MB RSS (peak ${r.peak.toFixed(0)} MB)`);
    console.log(`biggest process: ${rows[0]?.rss.toFixed(0)} MB (target <= 200 MB)`);
    const biggest = rows[0]!.pid;
    /** The biggest process's RSS sampled every 100 ms while `run` goes. */
    const sampled = async (run: () => Promise<number>) => {
      let max = 0;
      const sampler = setInterval(() => {
        void rssOf(biggest).then((m) => {
          if (m) max = Math.max(max, m.rss);
        });
      }, 100);
      const turns = await run();
      clearInterval(sampler);
      return { turns, max, after: await rssOf(biggest) };
    };
    // The stored customers chatting (the store keeps holding 10 000 of them), then new customers (each
    // request adds one: the store grows by thousands a second).
    const stored = await sampled(() =>
      load(url, LOAD_SECONDS, (n) => `+22177${String(1_000_000 + (n % CUSTOMERS)).slice(-7)}`),
    );
    console.log(
      `under load from the stored customers (${CONNECTIONS} connections, ${LOAD_SECONDS} s, ${stored.turns} turns, ` +
        `${CUSTOMERS.toLocaleString('en')} customers stored): biggest process ${stored.max.toFixed(0)} MB RSS at most ` +
        `(sampled every 100 ms), ${stored.after?.rss.toFixed(0)} MB after, peak since start ${stored.after?.peak.toFixed(0)} MB (target <= 200 MB)`,
    );
    const fresh = await sampled(() =>
      load(url, LOAD_SECONDS, (n) => `+22176${String(1_000_000 + n).slice(-7)}`),
    );
    console.log(
      `under load from new customers (${LOAD_SECONDS} s, ${fresh.turns} new customers: ` +
        `${(CUSTOMERS + fresh.turns).toLocaleString('en')} stored by the end): biggest process ${fresh.max.toFixed(0)} MB RSS at most, ` +
        `${fresh.after?.rss.toFixed(0)} MB after, peak since start ${fresh.after?.peak.toFixed(0)} MB`,
    );
  } finally {
    try {
      process.kill(-npm.pid!, 'SIGTERM');
    } catch {}
    await new Promise((r) => setTimeout(r, 1_500));
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
