// Raw body capture (HMAC is computed over the exact bytes) and JSON parsing, also when mounted in an app
// that already parsed the body.
import express, { type NextFunction, type Request, type Response } from 'express';

export interface ParsedBody {
  raw: string;
  json: Record<string, unknown> | null;
  /** True when the body was not valid JSON (or not an object). */
  invalid: boolean;
}

export const rawBody = express.raw({ type: () => true, limit: '25mb' });

export function parseBody(req: Request, res: Response, next: NextFunction): void {
  let parsed: ParsedBody;
  if (Buffer.isBuffer(req.body)) {
    parsed = fromRaw(req.body.toString('utf8'));
  } else if (req.body && typeof req.body === 'object') {
    // A parent app parsed it already: the best we can do is its canonical serialisation.
    parsed = { raw: JSON.stringify(req.body), json: req.body as Record<string, unknown>, invalid: false };
  } else if (typeof req.body === 'string') {
    parsed = fromRaw(req.body);
  } else {
    parsed = { raw: '', json: {}, invalid: false };
  }
  res.locals.body = parsed;
  next();
}

function fromRaw(raw: string): ParsedBody {
  if (raw.trim() === '') return { raw, json: {}, invalid: false };
  try {
    const v: unknown = JSON.parse(raw);
    if (v && typeof v === 'object' && !Array.isArray(v))
      return { raw, json: v as Record<string, unknown>, invalid: false };
  } catch {
    // fall through
  }
  return { raw, json: null, invalid: true };
}

export const bodyOf = (res: Response): ParsedBody => res.locals.body as ParsedBody;

/** apiKey hidden, media shortened: what the request log keeps. */
export function redactBody(body: Record<string, unknown> | null): Record<string, unknown> | null {
  if (!body) return body;
  const out: Record<string, unknown> = { ...body };
  if ('apiKey' in out) out.apiKey = '[redacted]';
  if (typeof out.attachedMedia === 'string') out.attachedMedia = `[base64 ${out.attachedMedia.length} chars]`;
  return out;
}
