// SANDBOX_TOKEN: the sandbox chat lets anyone speak as any customer, so with a live Intech key every
// /sandbox/* request (and the chat page) needs the token: `Authorization: Bearer <token>` for scripts,
// or, for the browser page (EventSource and <img> cannot send headers), a session cookie obtained once by
// typing the token on a small sign-in page. The chat page itself needs no change.
import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import { createTokenGate, refuse } from '../admin/auth.js';

const COOKIE = 'xaalis_sandbox';

/** The cookie value: derived from the token (so it changes with it), never the token itself. */
const sessionValue = (token: string) =>
  createHash('sha256').update(`xaalis-sandbox-session\0${token}`).digest('base64url');

function cookieOf(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

function sameSecret(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

const signInPage = (failed: boolean) => `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Xaalis Bot — sandbox</title>
<style>body{font-family:system-ui,sans-serif;max-width:26rem;margin:4rem auto;padding:0 1rem}
input,button{font-size:1rem;padding:.6rem;width:100%;box-sizing:border-box;margin-top:.5rem}
.err{color:#b00020}</style></head>
<body><h1>Sandbox</h1>
<p>Ce bac à sable utilise Intech en réel : saisissez le jeton (SANDBOX_TOKEN). / This sandbox uses live Intech: enter the token.</p>
${failed ? '<p class="err" role="alert">Jeton refusé. / Wrong token.</p>' : ''}
<form method="post" action="/sandbox/session">
<input type="password" name="token" autocomplete="current-password" aria-label="token" data-testid="sandbox-token" required autofocus>
<button type="submit">Entrer / Enter</button></form></body></html>`;

export function createSandboxGate(opts: {
  token: string;
  now?: () => number;
  maxFailures?: number;
  onRefused?: (info: { address: string; reason: string }) => void;
}): Router {
  const { token } = opts;
  const session = sessionValue(token);
  const gate = createTokenGate({
    token,
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.maxFailures !== undefined ? { maxFailures: opts.maxFailures } : {}),
    ...(opts.onRefused ? { onRefused: opts.onRefused } : {}),
  });
  const hasSession = (req: Request) => {
    const c = cookieOf(req, COOKIE);
    return c !== undefined && sameSecret(c, session);
  };
  const r = Router();

  r.post(
    '/sandbox/session',
    express.urlencoded({ extended: false, limit: '4kb' }),
    express.json({ limit: '4kb' }),
    (req, res) => {
      const given = typeof req.body?.token === 'string' ? req.body.token.trim() : '';
      const v = gate.check({
        ip: req.ip,
        socket: req.socket,
        get: (n: string) => (n.toLowerCase() === 'authorization' ? `Bearer ${given}` : req.get(n)),
      });
      const form = !req.is('application/json');
      if (!v.ok) {
        if (form && v.status === 401) {
          res.status(401).type('html').setHeader('Cache-Control', 'no-store');
          res.send(signInPage(true));
          return;
        }
        refuse(res, v);
        return;
      }
      res.setHeader(
        'Set-Cookie',
        `${COOKIE}=${session}; Path=/; HttpOnly; SameSite=Strict${req.secure ? '; Secure' : ''}`,
      );
      if (form) res.redirect(303, '/');
      else res.status(204).end();
    },
  );

  const guard = (req: Request, res: Response, next: NextFunction) => {
    if (hasSession(req)) return next();
    if (req.method === 'GET' && req.path === '/' && !req.get('authorization')) {
      res.status(401).setHeader('Cache-Control', 'no-store');
      res.type('html').send(signInPage(false));
      return;
    }
    const v = gate.check(req);
    if (v.ok) return next();
    refuse(res, v);
  };
  r.get('/', guard);
  r.use('/sandbox', guard);
  return r;
}
