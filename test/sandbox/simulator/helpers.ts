// Test helpers: a running simulator, a callback receiver, plain fetch calls.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSimulator } from '../../../src/sandbox/simulator/index.js';
import type { SimulatorOptions } from '../../../src/sandbox/simulator/index.js';

export const API_KEY = 'test-api-key';

/** Wire JSON as the tests read it. */
// biome-ignore lint/suspicious/noExplicitAny: tests assert on arbitrary provider JSON
export type Json = any;

export type RunningSim = Awaited<ReturnType<typeof startSimulator>>;

export function startSim(opts: Partial<SimulatorOptions> = {}): Promise<RunningSim> {
  return startSimulator({
    apiKey: API_KEY,
    callbackDelayMs: 20,
    callbackRetryMs: 50,
    approvalDelayMs: 0,
    ...opts,
  });
}

export interface ReceivedCallback {
  body: Record<string, Json>;
  raw: string;
  headers: IncomingHttpHeaders;
  at: number;
}

/** A callback receiver; `statuses` are answered in order (then 200). */
export async function startReceiver(statuses: number[] = []) {
  const received: ReceivedCallback[] = [];
  const queue = [...statuses];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      received.push({ body: JSON.parse(raw), raw, headers: req.headers, at: Date.now() });
      res.statusCode = queue.shift() ?? 200;
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ipn`;
  return {
    url,
    received,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export async function post(
  base: string,
  path: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

export async function get(base: string, path: string, key: string | null = API_KEY) {
  const res = await fetch(`${base}${path}`, { headers: key === null ? {} : { Secretkey: key } });
  return { status: res.status, body: (await res.json()) as Json };
}

export async function waitFor<T>(fn: () => T | undefined | false, timeoutMs = 3000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() - start > timeoutMs) throw new Error('waitFor: timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let seq = 0;
export const extId = (p = 'ext') => `${p}-${Date.now()}-${++seq}`;

export function op(callbackUrl: string, fields: Record<string, unknown>) {
  return {
    apiKey: API_KEY,
    externalTransactionId: extId(),
    callbackUrl,
    ...fields,
  };
}
