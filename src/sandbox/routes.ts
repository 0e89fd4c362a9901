// Sandbox-only HTTP routes: speak as any customer, read transcripts, and the browser chat page.
// Never mounted with CHANNEL=whatsapp: they let anyone impersonate any customer.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { type ErrorRequestHandler, type Router } from 'express';
import { z } from 'zod';
import type { SandboxChannel, TranscriptEntry } from '../channels/sandbox.js';
import { HttpError } from '../http/errors.js';
import { normalizePhone } from '../phone/phone.js';

const chatPage = readFileSync(fileURLToPath(new URL('./chat/index.html', import.meta.url)), 'utf8');

/** WhatsApp's own limit for one text message; longer is refused with 413, shorter always gets an answer. */
export const MAX_MESSAGE_CHARS = 65_536;
// Worst case a character is a 4-byte emoji (or a 6-byte \uXXXX escape): room for that and the envelope.
const BODY_LIMIT = `${Math.ceil((MAX_MESSAGE_CHARS * 6 + 4096) / 1024)}kb`;

const postSchema = z.object({
  from: z.string().min(3).max(40),
  text: z.string().min(1),
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

export function createSandboxRouter(deps: {
  channel: SandboxChannel;
  /** false once the bot is stopping: new messages are refused (503, retry) instead of started. */
  accepting?: () => boolean;
}): Router {
  const { channel } = deps;
  const r = express.Router();

  r.get('/', (_req, res) => {
    res.type('html').send(chatPage);
  });

  r.post('/sandbox/messages', express.json({ limit: BODY_LIMIT }), async (req, res) => {
    const parsed = postSchema.safeParse(req.body);
    if (!parsed.success) throw new HttpError(400, 'bad_request', 'expected {"from": "+221…", "text": "…"}');
    // Counted in characters (code points), as a person would; WhatsApp would not send more.
    if (parsed.data.text.length > MAX_MESSAGE_CHARS && [...parsed.data.text].length > MAX_MESSAGE_CHARS)
      throw new HttpError(
        413,
        'message_too_long',
        `message too long: at most ${MAX_MESSAGE_CHARS} characters, like WhatsApp`,
      );
    if (deps.accepting && !deps.accepting()) {
      res.setHeader('Retry-After', '5');
      throw new HttpError(503, 'stopping', 'the bot is restarting: send the message again in a few seconds');
    }
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

  // A body past the JSON limit is a message far past WhatsApp's: the same answer as above.
  r.use('/sandbox/messages', ((err, _req, _res, next) => {
    if ((err as { type?: string })?.type === 'entity.too.large')
      return next(
        new HttpError(
          413,
          'message_too_long',
          `message too long: at most ${MAX_MESSAGE_CHARS} characters, like WhatsApp`,
        ),
      );
    return next(err);
  }) as ErrorRequestHandler);

  return r;
}
