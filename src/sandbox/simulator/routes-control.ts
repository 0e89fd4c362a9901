// Control API over HTTP (JSON) under /_sim: scripts, approvals, balance, log, stats, reset.
import express, { type Request, type Response, type Router } from 'express';
import { bodyOf, parseBody, rawBody } from './body.js';
import type { Script, SimulatorControl } from './types.js';

export function controlRouter(control: SimulatorControl): Router {
  const r = express.Router();
  r.use(rawBody, parseBody);
  const body = (res: Response): Record<string, unknown> => bodyOf(res).json ?? {};
  const guard =
    (fn: (req: Request, res: Response) => unknown) =>
    (req: Request, res: Response): void => {
      try {
        const out = fn(req, res);
        if (!res.headersSent) res.json(out);
      } catch (e) {
        res.status(400).json({ error: e instanceof Error ? e.message : String(e) });
      }
    };

  r.post(
    '/script',
    guard((_req, res) => control.script(body(res) as unknown as Script)),
  );
  r.post(
    '/scripts/clear',
    guard(() => {
      control.clearScripts();
      return { ok: true };
    }),
  );
  r.post(
    '/approve/:transactionId',
    guard((req) => ({ ok: control.approve(String(req.params.transactionId)) })),
  );
  r.post(
    '/approve-phone',
    guard((_req, res) => {
      const transactionId = control.approveByPhone(String(body(res).phone ?? ''));
      return { ok: transactionId !== null, transactionId };
    }),
  );
  r.post(
    '/decline/:transactionId',
    guard((req, res) => {
      const b = body(res);
      const errorId = b.errorId === undefined ? undefined : (b.errorId as number | null);
      return { ok: control.decline(String(req.params.transactionId), errorId) };
    }),
  );
  r.get(
    '/balance',
    guard(() => ({ balance: control.balance() })),
  );
  r.post(
    '/balance',
    guard((_req, res) => {
      control.setBalance(Number(body(res).balance));
      return { balance: control.balance() };
    }),
  );
  r.post(
    '/amount-rules',
    guard((_req, res) => {
      const b = body(res);
      return { rules: control.setAmountRules(String(b.codeService), (b.rules ?? {}) as object) };
    }),
  );
  r.post(
    '/services/:codeService',
    guard((req, res) => {
      control.setServiceEnabled(String(req.params.codeService), body(res).enabled !== false);
      return { ok: true };
    }),
  );
  r.get(
    '/log',
    guard(() => control.log()),
  );
  r.get(
    '/transactions',
    guard(() => control.transactions()),
  );
  r.get(
    '/transactions/:id',
    guard((req, res) => {
      const tx = control.transaction(String(req.params.id));
      if (!tx) res.status(404).json({ error: 'not found' });
      return tx;
    }),
  );
  r.get(
    '/claims',
    guard(() => control.claims()),
  );
  r.get(
    '/stats',
    guard(() => control.stats()),
  );
  r.post(
    '/sweep',
    guard(() => {
      control.sweep();
      return { ok: true };
    }),
  );
  r.post(
    '/reset',
    guard(() => {
      control.reset();
      return { ok: true };
    }),
  );
  r.get(
    '/whatsapp',
    guard((req) => {
      // An unencoded "+" in a query string arrives as a space.
      const q = typeof req.query.phone === 'string' ? req.query.phone.replace(/^ /, '+').trim() : undefined;
      return control.whatsappMessages(q || undefined);
    }),
  );
  return r;
}
