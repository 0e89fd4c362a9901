// The yardstick for bench:chat: a bare express 5 server answering the same route with a small JSON body.
import express from 'express';

const app = express();
app.post('/sandbox/messages', express.json({ limit: '64kb' }), (req, res) => {
  res.json({ replies: [{ text: `ok ${(req.body as { from?: string }).from ?? ''}` }] });
});
const server = app.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  process.stdout.write(`listening http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}\n`);
});
