import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, expect, it } from 'vitest';
import { runCli } from '../../../src/sandbox/intech-sim-cli.js';
import { get } from './helpers.js';

let child: ChildProcess | undefined;
/** npx -> tsx -> node: signal the whole process group we created. */
const killGroup = () => {
  if (child?.pid && child.exitCode === null) {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
};
afterAll(killGroup);

it('runCli starts a simulator with the given key and prints its URL', async () => {
  const lines: string[] = [];
  const sim = await runCli(
    ['--port', '0', '--api-key', 'cli-key', '--callback-delay-ms', '5', '--approval-delay-ms', '0'],
    (l) => lines.push(l),
  );
  try {
    expect(lines[0]).toBe(`Intech simulator listening on ${sim!.url}`);
    expect((await get(sim!.url, '/api-services/balance', 'cli-key')).body.code).toBe(2000);
    expect((await get(sim!.url, '/api-services/balance', 'other')).body.code).not.toBe(2000);
  } finally {
    await sim!.close();
  }
  await expect(runCli(['--port', '0'], () => {})).rejects.toThrow(/api-key/);
});

it('`npx tsx src/sandbox/intech-sim-cli.ts --port 0 …` starts and answers', async () => {
  child = spawn('npx', ['tsx', 'src/sandbox/intech-sim-cli.ts', '--port', '0', '--api-key', 'spawned-key'], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    env: { ...process.env, LOG_LEVEL: 'silent' },
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 15_000);
    child!.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child!.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  const r = await get(url, '/api-services/services', 'spawned-key');
  expect(r.body.success).toBe(true);
  const exited = new Promise((r) => child!.once('exit', r));
  killGroup();
  await exited;
}, 20_000);
