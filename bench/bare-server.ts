// The yardstick for bench:chat and bench:pg: a bare express 5 server answering the same routes with a
// small JSON body (the chat turn; a callback read raw, parsed and acknowledged).
import express from 'express';

const app = express();
app.post('/sandbox/messages', express.json({ limit: '64kb' }), (req, res) => {
  res.json({ replies: [{ text: `ok ${(req.body as { from?: string }).from ?? ''}` }] });
});
app.post('/intech/callback', express.raw({ type: () => true, limit: '1mb' }), (req, res) => {
  const body = JSON.parse(String(req.body)) as { status?: string };
  res.json({ ok: body.status !== undefined });
});
const server = app.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  process.stdout.write(`listening http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}\n`);
});
