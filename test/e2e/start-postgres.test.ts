// `npm run start:postgres` (the README's start for an instance on PostgreSQL) as a real process: it builds,
// runs the compiled bot with the script's node flags, keeps its state in the database and stops on SIGTERM.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort } from '../helpers/child-processes.js';
import { dropDatabase, freshDatabase } from '../store/pg-db.js';

let dbUrl: string;
const dataDir = mkdtempSync(join(tmpdir(), 'xaalis-start-pg-'));
beforeAll(async () => {
  dbUrl = await freshDatabase();
});
afterAll(async () => {
  await dropDatabase(dbUrl);
  rmSync(dataDir, { recursive: true, force: true });
});

const exited = (c: ChildProcess) =>
  new Promise<number | string | null>((r) => c.once('exit', (code, sig) => r(code ?? sig)));

describe('npm run start:postgres as a process', () => {
  it('answers the sandbox chat with its state in PostgreSQL, with the script flags, and stops on SIGTERM', async () => {
    const port = await freePort();
    // Its own process group: npm, its shell and node are signalled together, as a service manager does.
    const child = spawn('npm', ['run', '--silent', 'start:postgres'], {
      env: {
        ...process.env,
        STORE: 'postgres',
        DATABASE_URL: dbUrl,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        CHANNEL: 'sandbox',
      },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const done = exited(child);
    const url = `http://127.0.0.1:${port}`;
    try {
      const deadline = Date.now() + 45_000;
      for (;;) {
        // Each look with a timeout: a connection made while the process starts may never be answered.
        const ok = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) break;
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`not ready:\n${out}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      const res = await fetch(`${url}/sandbox/messages`, {
        signal: AbortSignal.timeout(20_000),
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from: '+221771234567', text: 'crédit 1000 pour 77 123 45 67' }),
      });
      expect(res.status).toBe(200);
      const replies = ((await res.json()) as { replies: { text: string }[] }).replies.map((r) => r.text);
      expect(replies.join('\n')).toContain('1 000 FCFA');
      // The turn's state and reply are the database's, not data/'s.
      const c = new pg.Client({ connectionString: dbUrl });
      await c.connect();
      try {
        // The sent marks are stored just after the answer (it does not wait for them).
        await vi.waitFor(
          async () => {
            const rows = await c.query(
              "SELECT (SELECT count(*) FROM conversations WHERE customer_id = '+221771234567')::int AS conv, (SELECT count(*) FROM outbox WHERE chat = '+221771234567' AND state = 'sent')::int AS sent, (SELECT count(*) FROM outbox WHERE chat = '+221771234567' AND state <> 'sent')::int AS unsent",
            );
            expect(rows.rows[0]).toMatchObject({ conv: 1, unsent: 0 });
            expect(rows.rows[0].sent).toBe(replies.length);
          },
          { timeout: 5_000 },
        );
      } finally {
        await c.end();
      }
      // The compiled bot runs with the script's node flags (the young generation sized for PostgreSQL).
      const procs = execFileSync('ps', ['-o', 'args=', '-g', String(child.pid)], { encoding: 'utf8' });
      const bot = procs.split('\n').find((l) => l.includes('dist/main.js') && l.startsWith('node'));
      expect(bot, procs).toMatch(/--max-semi-space-size=32/);
    } finally {
      process.kill(-child.pid!, 'SIGTERM');
      const t = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 15_000);
      await done;
      clearTimeout(t);
    }
  }, 90_000);
});
