// HTTP load for the end-to-end benchmarks: 32 keep-alive connections on loopback, each sending the next
// request as soon as the previous one is answered; throughput and median latency of the good answers.
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

export const CONNECTIONS = 32;

export interface Request {
  path: string;
  headers: Record<string, string>;
  body: string;
  ok(status: number, body: string): boolean;
}

export interface Load {
  perSecond: number;
  p50: number;
  errors: number;
}

/** Runs for `seconds`, or (seconds = 0) until `count` requests were sent. */
export async function drive(
  url: string,
  seconds: number,
  next: () => Request,
  count = Infinity,
): Promise<Load> {
  const pool = new Pool(url, { connections: CONNECTIONS, pipelining: 1, keepAliveTimeout: 30_000 });
  const latencies: number[] = [];
  let errors = 0;
  let sent = 0;
  const end = seconds > 0 ? performance.now() + seconds * 1_000 : Infinity;
  const worker = async () => {
    while (performance.now() < end && sent < count) {
      sent++;
      const r = next();
      const t = performance.now();
      try {
        const res = await pool.request({
          path: r.path,
          method: 'POST',
          headers: r.headers,
          body: r.body,
          headersTimeout: 30_000,
          bodyTimeout: 30_000,
        });
        const body = await res.body.text();
        if (!r.ok(res.statusCode, body)) errors++;
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
  };
}
