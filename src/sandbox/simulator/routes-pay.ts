// Customer-side pages: the Wave payment link (deepLinkUrl) and the card 3-D Secure link (authLinkUrl).
import express, { type Request, type Response, type Router } from 'express';
import type { SimContext } from './context.js';
import { approve, decline, sweep } from './engine.js';
import { pushLog } from './state.js';
import { groupThousands } from './tokens.js';
import type { SimTransaction } from './types.js';

const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const fcfa = (n: number): string => `${groupThousands(n)} FCFA`;

const KINDS = { wave: 'WAVE_SN_API_CASH_OUT', card: 'BANK_CARD_API_CASH_OUT' } as const;

export function payRouter(ctx: SimContext): Router {
  const r = express.Router();
  r.use(express.urlencoded({ extended: false }));

  const find = (req: Request): SimTransaction | undefined => {
    const kind = req.params.kind as keyof typeof KINDS;
    const tx = ctx.state.transactions[String(req.params.id)];
    return tx && KINDS[kind] === tx.codeService ? tx : undefined;
  };
  const log = (req: Request) =>
    pushLog(ctx.state, { kind: 'request', at: ctx.opts.now(), method: req.method, path: `/pay${req.path}` });

  r.get('/:kind/:id', (req: Request, res: Response) => {
    log(req);
    sweep(ctx);
    const tx = find(req);
    if (!tx) return notFound(res);
    if (req.query.auto === '1' && tx.status === 'PENDING' && !tx.approved) approve(ctx, tx.transactionId);
    return res.type('html').send(render(tx, String(req.params.id)));
  });

  r.post('/:kind/:id/approve', (req: Request, res: Response) => {
    log(req);
    sweep(ctx);
    const tx = find(req);
    if (!tx) return notFound(res);
    const approved = approve(ctx, tx.transactionId);
    const to = tx.extras.successRedirectUrl;
    if (approved && typeof to === 'string') return res.redirect(303, to);
    return res.type('html').send(render(tx, String(req.params.id)));
  });

  r.post('/:kind/:id/decline', (req: Request, res: Response) => {
    log(req);
    const tx = find(req);
    if (!tx) return notFound(res);
    const declined = !tx.approved && decline(ctx, tx.transactionId, null);
    const to = tx.extras.errorRedirectUrl;
    if (declined && typeof to === 'string') return res.redirect(303, to);
    return res.type('html').send(render(tx, String(req.params.id)));
  });
  return r;
}

function notFound(res: Response): Response {
  return res
    .status(404)
    .type('html')
    .send(page('Lien de paiement introuvable', '<p>Ce lien de paiement est invalide.</p>'));
}

function render(tx: SimTransaction, id: string): string {
  const sender =
    typeof tx.extras.sender === 'string' ? tx.extras.sender : (tx.extras.merchantName as string | undefined);
  const who = sender ? ` à ${esc(sender)}` : '';
  const head = `<p class="amount">${esc(fcfa(tx.amount))}</p><p>Paiement${who} depuis le ${esc(tx.phone)}</p>`;
  if (tx.status === 'PENDING' && !tx.approved) {
    // Relative actions: the page works wherever the simulator is mounted.
    const id_ = encodeURIComponent(id);
    return page(
      `Payer ${fcfa(tx.amount)}`,
      `${head}
<form method="post" action="${id_}/approve"><button type="submit" id="pay">Payer ${esc(fcfa(tx.amount))}</button></form>
<form method="post" action="${id_}/decline"><button type="submit" id="cancel" class="secondary">Annuler</button></form>`,
    );
  }
  const state =
    tx.status === 'SUCCESS' || (tx.status === 'PENDING' && tx.approved)
      ? '<p class="ok" id="status">Paiement validé. Vous pouvez revenir sur WhatsApp.</p>'
      : `<p class="ko" id="status">Paiement non effectué (${esc(tx.status)}).</p>`;
  return page(`Paiement ${fcfa(tx.amount)}`, `${head}${state}`);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:24rem;margin:2rem auto;padding:0 1rem;text-align:center}
.amount{font-size:2rem;font-weight:700}button{width:100%;padding:.9rem;font-size:1.1rem;border:0;border-radius:.6rem;
background:#1dc4ff;color:#fff;margin:.4rem 0;cursor:pointer}.secondary{background:#ddd;color:#333}
.ok{color:#0a7a2f}.ko{color:#b00020}small{color:#888}</style></head>
<body><h1>${esc(title)}</h1>${body}<small>Simulateur Intech (sandbox)</small></body></html>`;
}
