// Real processes for the multi-instance tests: bot instances (`src/main.ts`) and a standalone Intech
// simulator (`src/sandbox/intech-sim-cli.ts`), with their output kept for the failure message.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

export interface Child {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string | null>;
}

export function spawnChild(script: string, args: string[], env: Record<string, string>): Child {
  // node itself with tsx's loader, not the tsx CLI (which runs the script in a child of its own): the
  // pid we signal is the process that runs the bot, so a SIGKILL really kills it.
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  return { child, output: () => out, exited };
}

/** Waits for a line of output matching `re`; rejects if the process exits or `timeoutMs` passes. */
export function waitForOutput(c: Child, re: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no ${re} within ${timeoutMs} ms:\n${c.output()}`)),
      timeoutMs,
    );
    const check = () => {
      const m = re.exec(c.output());
      if (m) {
        clearTimeout(timer);
        c.child.stdout!.off('data', check);
        resolve(m);
      }
    };
    c.child.stdout!.on('data', check);
    void c.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited (${code}) before ${re}:\n${c.output()}`));
    });
    check();
  });
}

/** Polls GET url until it answers 200. */
export async function waitForHttp(url: string, c: Child, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: unknown;
  void c.exited.then((code) => {
    exited = code;
  });
  for (;;) {
    if (exited !== undefined) throw new Error(`exited (${String(exited)}) before ready:\n${c.output()}`);
    const ok = await fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${url} not ready within ${timeoutMs} ms:\n${c.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function stopChild(c: Child, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (c.child.exitCode !== null || c.child.signalCode !== null) return;
  c.child.kill(signal);
  const t = setTimeout(() => c.child.kill('SIGKILL'), 15_000);
  await c.exited;
  clearTimeout(t);
}

/** A port free right now (an instance keeps its address across a restart, as a deployed one does). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
