// A tiny scripted HTTP server on port 0 that records every request as it arrived (raw bytes).
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  json: unknown;
}

export type Reply =
  | { status?: number; json: unknown }
  | { status?: number; text: string; contentType?: string }
  | { hang: true }
  | { destroy: true };

export type Handler = (req: RecordedRequest, n: number) => Reply;

export interface FakeServer {
  url: string;
  requests: RecordedRequest[];
  /** Requests to one path. */
  to(path: string): RecordedRequest[];
  handle(h: Handler): void;
  close(): Promise<void>;
}

export async function startFakeIntech(initial: Handler = () => ({ json: {} })): Promise<FakeServer> {
  let handler = initial;
  const requests: RecordedRequest[] = [];
  const hanging: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = rawBody ? JSON.parse(rawBody) : undefined;
      } catch {
        json = undefined;
      }
      const rec: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        rawBody,
        json,
      };
      requests.push(rec);
      const reply = handler(rec, requests.length);
      if ('hang' in reply) {
        hanging.push(res);
        return;
      }
      if ('destroy' in reply) {
        req.socket.destroy();
        return;
      }
      const status = reply.status ?? 200;
      if ('json' in reply) {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.json));
      } else {
        res.writeHead(status, { 'content-type': reply.contentType ?? 'text/html' }).end(reply.text);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    to: (path) => requests.filter((r) => r.url === path),
    handle: (h) => {
      handler = h;
    },
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
