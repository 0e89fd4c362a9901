// A local OpenAI-compatible server for tests: POST /v1/chat/completions, scriptable per test.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeBehavior =
  /** A well-formed completion whose message content is JSON.stringify(answer). */
  | { kind: 'json'; answer: unknown }
  /** A well-formed completion with this raw content (e.g. malformed JSON, prose). */
  | { kind: 'content'; content: string }
  /** Never answers (until the server closes): a timeout for the client. */
  | { kind: 'hang' }
  /** An HTTP error status with an OpenAI-style error body (`error` replaces the default one). */
  | {
      kind: 'status';
      status: number;
      error?: { message: string; type?: string; param?: string; code?: string };
    };

export interface FakeRequest {
  body: {
    model?: string;
    messages?: { role: string; content: string }[];
    response_format?: unknown;
    [k: string]: unknown;
  };
  authorization: string | undefined;
}

export interface FakeOpenAi {
  /** Pass as the client's baseURL. */
  baseURL: string;
  /** Every chat.completions request received, in order. */
  requests: FakeRequest[];
  /** The answer for the following requests (a function may look at the request). */
  respond(behavior: FakeBehavior | ((req: FakeRequest) => FakeBehavior)): void;
  close(): Promise<void>;
}

export async function startFakeOpenAi(
  initial: FakeBehavior = { kind: 'status', status: 500 },
): Promise<FakeOpenAi> {
  let behavior: FakeBehavior | ((req: FakeRequest) => FakeBehavior) = initial;
  const requests: FakeRequest[] = [];

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error' } }));
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: FakeRequest['body'] = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      // keep {}: the test will see an empty body
    }
    const request: FakeRequest = { body, authorization: req.headers.authorization };
    requests.push(request);
    const b = typeof behavior === 'function' ? behavior(request) : behavior;

    switch (b.kind) {
      case 'hang':
        return; // the socket stays open until the client gives up or close() runs
      case 'status':
        res.writeHead(b.status, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ error: b.error ?? { message: 'fake failure', type: 'server_error', code: null } }),
        );
        return;
      case 'json':
      case 'content': {
        const content = b.kind === 'json' ? JSON.stringify(b.answer) : b.content;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            id: `chatcmpl-fake-${requests.length}`,
            object: 'chat.completion',
            created: Math.floor(Date.now() / 1000),
            model: body.model ?? 'fake-model',
            choices: [
              {
                index: 0,
                message: { role: 'assistant', content, refusal: null },
                logprobs: null,
                finish_reason: 'stop',
              },
            ],
            usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
          }),
        );
        return;
      }
    }
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    respond(next) {
      behavior = next;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
