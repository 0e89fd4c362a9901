// Sandbox-only HTTP routes: speak as any customer, read transcripts, and the browser chat page.
// Never mounted with CHANNEL=whatsapp: they let anyone impersonate any customer.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { type Router } from 'express';
import { z } from 'zod';
import type { SandboxChannel, TranscriptEntry } from '../channels/sandbox.js';
import { HttpError } from '../http/errors.js';
import { normalizePhone } from '../phone/phone.js';

const chatPage = readFileSync(fileURLToPath(new URL('./chat/index.html', import.meta.url)), 'utf8');

const postSchema = z.object({
  from: z.string().min(3).max(40),
  text: z.string().min(1).max(2000),
});

function customerPhone(raw: unknown): string {
  if (typeof raw !== 'string' || raw.trim() === '')
    throw new HttpError(400, 'bad_request', 'phone is required');
  const p = normalizePhone(raw.trim());
  if (!p.ok) throw new HttpError(400, 'bad_phone', `not a Senegal or Côte d'Ivoire mobile number: ${raw}`);
  return p.e164;
}

const view = (e: TranscriptEntry) => ({
  direction: e.direction,
  text: e.text,
  via: e.via,
  ...(e.media ? { media: e.media } : {}),
  at: e.at,
});

export function createSandboxRouter(deps: { channel: SandboxChannel }): Router {
  const { channel } = deps;
  const r = express.Router();

  r.get('/', (_req, res) => {
    res.type('html').send(chatPage);
  });

  r.post('/sandbox/messages', express.json({ limit: '64kb' }), async (req, res) => {
    const parsed = postSchema.safeParse(req.body);
    if (!parsed.success) throw new HttpError(400, 'bad_request', 'expected {"from": "+221…", "text": "…"}');
    const from = customerPhone(parsed.data.from);
    const replies = await channel.receive(from, parsed.data.text);
    res.json({ replies: replies.map((e) => ({ text: e.text, ...(e.media ? { media: e.media } : {}) })) });
  });

  r.get('/sandbox/messages', (req, res) => {
    const phone = customerPhone(req.query.phone);
    res.json({ phone, messages: channel.transcript(phone).map(view) });
  });

  r.get('/sandbox/chats', (_req, res) => {
    res.json({ phones: channel.phones() });
  });

  r.get('/sandbox/media/:id', (req, res) => {
    const m = channel.media(req.params.id);
    if (!m) throw new HttpError(404, 'not_found', 'no such media');
    res.type(m.mimetype).send(m.data);
  });

  // Server-sent events: the chat page shows later messages (payment link, receipt) as they come.
  r.get('/sandbox/events', (req, res) => {
    const phone = customerPhone(req.query.phone);
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    res.write(': connected\n\n');
    const unsubscribe = channel.subscribe((p, entry) => {
      if (p === phone) res.write(`data: ${JSON.stringify(view(entry))}\n\n`);
    });
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    req.on('close', () => {
      clearInterval(ping);
      unsubscribe();
    });
  });

  return r;
}
