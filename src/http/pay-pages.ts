// GET /pay/done and /pay/failed: where Wave (or the card page) sends the customer after "Payer" or
// "Annuler" (the success and error redirect URLs of src/orders/requests.ts). Always HTTP 200, in the
// customer's language, with what happens next and a way back to the chat. No script on the page.
import express, { type Request, type Response, type Router } from 'express';
import { DEFAULT_LANG, LANGS, type Lang } from '../i18n/lang.js';
import type { Order } from '../orders/types.js';
import { type PayPageView, type PayRedirect, payPageView } from './pay-page-view.js';

export interface PayPagesDeps {
  getOrder(id: string): Promise<Order | undefined>;
  /** Where "back to WhatsApp" leads (wa.me/<bot number>, or the sandbox chat); undefined: no button. */
  backLink(order: Order | undefined): string | undefined;
}

/** Order references are short upper-case letters and digits; anything else is not looked up. */
const ORDER_ID = /^[A-Z0-9]{4,32}$/;

const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
/** The texts use WhatsApp's *bold* for the keyword to write back; render it the same way. */
const rich = (s: string): string =>
  esc(s)
    .replace(/\*([^*\n]+)\*/g, '<b>$1</b>')
    // "5 000 FCFA" stays on one line.
    .replace(/(\d) (?=\d{3}\b|FCFA)/g, '$1&nbsp;');

function queryLang(raw: unknown): Lang | undefined {
  return typeof raw === 'string' && (LANGS as readonly string[]).includes(raw) ? (raw as Lang) : undefined;
}

/** wa.me wants the international number without "+" or spaces. */
export function waMeLink(number: string | undefined): string | undefined {
  const digits = number?.replace(/\D/g, '') ?? '';
  return digits.length >= 8 ? `https://wa.me/${digits}` : undefined;
}

export function renderPayPage(v: PayPageView, back: string | undefined): string {
  const button = back
    ? `<a class="back" href="${esc(back)}" data-testid="back">${esc(v.back)}</a>`
    : `<p class="hint">${esc(v.backHint)}</p>`;
  return `<!doctype html>
<html lang="${v.lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex">
<title>${esc(v.title)}</title>
<style>
*{box-sizing:border-box}
body{margin:0;font:17px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111b21;background:#f0f2f5}
main{max-width:28rem;margin:0 auto;padding:2.5rem 1.25rem;text-align:center}
.icon{width:4rem;height:4rem;margin:0 auto .75rem;border-radius:50%;display:grid;place-items:center;
font-size:2.2rem;font-weight:700;color:#fff;background:#8a5a00}
.ok .icon{background:#0a7a2f}.ko .icon{background:#b00020}
h1{font-size:1.5rem;margin:.25rem 0 1rem}
p{margin:.6rem 0;overflow-wrap:anywhere}
.ok h1{color:#0a7a2f}.ko h1{color:#b00020}.wait h1{color:#8a5a00}
.back{display:block;margin:1.75rem 0 .5rem;padding:1rem;border-radius:.75rem;background:#008069;color:#fff;
text-decoration:none;font-weight:600;font-size:1.1rem}
.hint{color:#667781;margin-top:1.5rem}
</style></head>
<body><main class="${v.tone}" data-testid="pay-result" data-phase="${v.phase}">
<div class="icon" aria-hidden="true">${v.tone === 'ko' ? '✕' : '✓'}</div>
<h1>${esc(v.title)}</h1>
${v.lines.map((l) => `<p>${rich(l)}</p>`).join('\n')}
${button}
</main></body></html>`;
}

export function createPayPagesRouter(deps: PayPagesDeps): Router {
  const r = express.Router();
  const handle = (redirect: PayRedirect) => async (req: Request, res: Response) => {
    const id = typeof req.query.order === 'string' ? req.query.order.trim().toUpperCase() : '';
    const order = ORDER_ID.test(id) ? await deps.getOrder(id).catch(() => undefined) : undefined;
    const lang = order?.lang ?? queryLang(req.query.lang) ?? DEFAULT_LANG;
    const view = payPageView(redirect, order, lang);
    res
      .status(200)
      .set({
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
        'x-content-type-options': 'nosniff',
        // Styles only: the page runs no script and loads nothing.
        'content-security-policy':
          "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'",
      })
      .type('html')
      .send(renderPayPage(view, deps.backLink(order)));
  };
  r.get('/pay/done', handle('done'));
  r.get('/pay/failed', handle('failed'));
  return r;
}
