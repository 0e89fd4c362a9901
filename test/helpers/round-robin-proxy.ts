// A small HTTP load balancer in front of several bot instances, as a deployment would have, that also
// plays the worst network Intech can give us: every callback is delivered to every instance at once.
// - POST /sandbox/messages: each customer's messages rotate over the instances (consecutive messages of
//   one customer never land on the same instance while more than one is up); a refused connection moves
//   on to the next instance (nothing was read there, so nothing can have been applied).
// - POST /intech/callback: the same bytes and headers go to every instance concurrently; the sender gets
//   200 when any instance acknowledged, else the first answer (502 when none could be reached).
// - anything else: plain round robin.
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Routed {
  customer: string;
  instance: number;
  at: number;
}

export interface CallbackFanOut {
  /** Instance index -> HTTP status (null = not reachable). */
  answers: (number | null)[];
  externalTransactionId?: string;
}

export interface RoundRobinProxy {
  url: string;
  /** Where each chat message went, in arrival order. */
  routed: Routed[];
  callbacks: CallbackFanOut[];
  close(): Promise<void>;
}

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/** Forwards one request; rejects with the socket error (ECONNREFUSED for an instance that is down). */
function forward(target: string, req: IncomingMessage, body: Buffer): Promise<Answer> {
  const url = new URL(req.url ?? '/', target);
  const headers = { ...req.headers, host: url.host, 'content-length': String(body.length) };
  delete headers.connection;
  return new Promise((resolve, reject) => {
    const out = request(url, { method: req.method, headers, agent: false }, (res) => {
      readAll(res).then(
        (b) => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: b }),
        reject,
      );
    });
    out.setTimeout(30_000, () => out.destroy(new Error('proxy: instance timed out')));
    out.on('error', reject);
    out.end(body);
  });
}

const refused = (err: unknown) => (err as { code?: string })?.code === 'ECONNREFUSED';

export async function startRoundRobinProxy(targets: () => string[]): Promise<RoundRobinProxy> {
  const routed: Routed[] = [];
  const callbacks: CallbackFanOut[] = [];
  const turns = new Map<string, number>();
  let rr = 0;

  /** Tries instances from `first` on, skipping the ones that refuse the connection. */
  async function toOne(first: number, req: IncomingMessage, body: Buffer): Promise<[Answer, number]> {
    const list = targets();
    let last: unknown;
    for (let k = 0; k < list.length; k++) {
      const i = (first + k) % list.length;
      try {
        return [await forward(list[i]!, req, body), i];
      } catch (err) {
        last = err;
        if (!refused(err)) throw err;
      }
    }
    throw last;
  }

  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readAll(req);
      const list = targets();
      try {
        if (req.method === 'POST' && req.url === '/intech/callback') {
          const answers = await Promise.all(
            list.map((t) =>
              forward(t, req, body).then(
                (a) => a,
                () => null,
              ),
            ),
          );
          let ext: string | undefined;
          try {
            ext = (JSON.parse(body.toString()) as { transaction?: { externalTransactionId?: string } })
              .transaction?.externalTransactionId;
          } catch {}
          callbacks.push({ answers: answers.map((a) => a?.status ?? null), externalTransactionId: ext });
          const best = answers.find((a) => a?.status === 200) ?? answers.find((a) => a !== null);
          if (!best) {
            res.writeHead(502).end();
            return;
          }
          res.writeHead(best.status, { 'content-type': best.headers['content-type'] ?? 'application/json' });
          res.end(best.body);
          return;
        }
        let first: number;
        let customer: string | undefined;
        if (req.method === 'POST' && req.url === '/sandbox/messages') {
          try {
            customer = (JSON.parse(body.toString()) as { from?: string }).from;
          } catch {}
          const n = turns.get(customer ?? '') ?? 0;
          turns.set(customer ?? '', n + 1);
          // Each customer starts on a different instance and moves on by one per message.
          first = (n + [...turns.keys()].indexOf(customer ?? '')) % list.length;
        } else {
          first = rr++ % list.length;
        }
        const [a, i] = await toOne(first, req, body);
        if (customer !== undefined) routed.push({ customer, instance: i, at: Date.now() });
        res.writeHead(a.status, { 'content-type': a.headers['content-type'] ?? 'application/json' });
        res.end(a.body);
      } catch (err) {
        res.writeHead(502, { 'content-type': 'text/plain' }).end(String(err));
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    routed,
    callbacks,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
