// `npm start` as a real process: the banner, graceful shutdown on SIGTERM (store flushed, lock released),
// a restart on the same data directory that picks the conversation up, and `npm run chat` against it.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const dataDir = mkdtempSync(join(tmpdir(), 'xaalis-process-'));
const CUSTOMER = '+221771234567';

function startMain(): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  // node itself (tsx as a loader, not its CLI wrapper): the signals reach the bot, as with `npm start`.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      SIM_APPROVAL_DELAY_MS: '100',
      SIM_CALLBACK_DELAY_MS: '30',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 20 s:\n${out}`)), 20_000);
    const check = () => {
      const m = /Chat in your browser:\s+(http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, output: () => out });
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => reject(new Error(`exited early (${code}):\n${out}`)));
  });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function say(url: string, text: string): Promise<string> {
  const res = await fetch(`${url}/sandbox/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from: CUSTOMER, text }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { replies: { text: string }[] }).replies.map((r) => r.text).join('\n');
}

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('npm start as a process', () => {
  it('sells Woyofal out of the box: the code reaches the customer (the sandbox signs its callbacks)', async () => {
    const bot = await startMain();
    const woyofal = '+221775550101';
    const post = async (text: string) => {
      const res = await fetch(`${bot.url}/sandbox/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from: woyofal, text }),
      });
      return ((await res.json()) as { replies: { text: string }[] }).replies.map((r) => r.text).join('\n');
    };
    try {
      expect(await post('woyofal 5000 compteur 14123456789')).toContain('5 000 FCFA');
      expect(await post('1')).toMatch(/https?:\/\/\S+\/pay\/wave\//);
      // The simulated customer approves the Wave payment; the code arrives with the receipt.
      let transcript = '';
      for (let i = 0; i < 100 && !/\d{4}[ -]?\d{4}[ -]?\d{4}[ -]?\d{4}[ -]?\d{4}/.test(transcript); i++) {
        await new Promise((r) => setTimeout(r, 150));
        const res = await fetch(`${bot.url}/sandbox/messages?phone=${encodeURIComponent(woyofal)}`);
        transcript = ((await res.json()) as { messages: { text: string }[] }).messages
          .map((m) => m.text)
          .join('\n');
      }
      expect(transcript).toMatch(/\d{4}[ -]?\d{4}[ -]?\d{4}[ -]?\d{4}[ -]?\d{4}/);
      expect(transcript).not.toMatch(/équipe|team/i);
    } finally {
      const done = exitOf(bot.child);
      bot.child.kill('SIGTERM');
      expect(await done).toBe(0);
    }
  }, 60_000);

  it('shuts down cleanly on SIGTERM and resumes the conversation after a restart', async () => {
    const first = await startMain();
    expect(first.output()).toContain('npm run chat');
    const summary = await say(first.url, 'crédit 1000 pour 78 000 11 22');
    expect(summary).toContain('1 000 FCFA');
    const exited = exitOf(first.child);
    first.child.kill('SIGTERM');
    expect(await exited).toBe(0);

    // Same data directory: the lock was released and the pending summary is still there.
    const second = await startMain();
    try {
      const answer = await say(second.url, '1');
      expect(answer).toMatch(/Wave/);
      expect(answer).toMatch(/https?:\/\/\S+\/pay\/wave\//);
    } finally {
      const done = exitOf(second.child);
      second.child.kill('SIGINT');
      expect(await done).toBe(0);
    }
  }, 60_000);

  it('npm run chat talks to the running bot from a terminal', async () => {
    const bot = await startMain();
    const chat = spawn(TSX, ['src/sandbox/terminal-chat.ts', '--url', bot.url, '--from', '77 999 88 77'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    chat.stdout!.on('data', (d) => (out += d));
    chat.stderr!.on('data', (d) => (out += d));
    try {
      await expect.poll(() => out, { timeout: 15_000 }).toContain('Chatting as +221779998877');
      chat.stdin!.write('kredi 500 pour 76 123 45 67\n');
      await expect.poll(() => out, { timeout: 15_000 }).toContain('500 FCFA');
      expect(out).toContain('76 123 45 67');
    } finally {
      chat.kill('SIGTERM');
      const done = exitOf(bot.child);
      bot.child.kill('SIGTERM');
      await done;
    }
  }, 60_000);
});
