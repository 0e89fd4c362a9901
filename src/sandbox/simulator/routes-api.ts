// /api-services/* exactly as documented (intech-api.md), strict about auth, fields and rate limits.
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { checkBodyKey, checkHeaderKey, checkHmac } from './auth.js';
import { bodyOf, parseBody, rawBody, redactBody } from './body.js';
import type { SimContext } from './context.js';
import { refund, startOperation, sweep } from './engine.js';
import { ERROR_TABLE } from './error-table.js';
import {
  CODE_AUTH,
  CODE_FAILED,
  CODE_NOT_FOUND,
  CODE_RATE_LIMITED,
  CODE_SIGNATURE,
  fail,
  iso,
  ok,
  operationFailure,
} from './responses.js';
import { DOCUMENTED_SERVICES, findService } from './services.js';
import { nextId, pushLog, STATUS_WINDOW_MS } from './state.js';
import type { LogEntry, SimTransaction } from './types.js';
import { validateOperation } from './validation.js';

const STATUS_MAX_PER_WINDOW = 3;
/** POST answers 201 like the provider's framework does; clients must accept 200 and 201. */
const POST_STATUS = 201;

/** Base URL of this simulator as the caller sees it, mount prefix included. */
export const baseUrlOf = (req: Request): string =>
  `${req.protocol}://${req.get('host')}${req.baseUrl.replace(/\/api-services$/, '')}`;

export function apiRouter(ctx: SimContext): Router {
  const r = express.Router();
  const { opts } = ctx;
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

  // Log every request (apiKey redacted) with the code sent back; settle expired cash-outs first.
  r.use(rawBody, parseBody, (req: Request, res: Response, next: NextFunction) => {
    ctx.state.stats.requests += 1;
    const entry: LogEntry = {
      kind: 'request',
      at: opts.now(),
      method: req.method,
      path: `/api-services${req.path}`,
    };
    if (req.method === 'POST') entry.body = redactBody(bodyOf(res).json);
    pushLog(ctx.state, entry);
    res.locals.logEntry = entry;
    const json = res.json.bind(res);
    res.json = (b: unknown) => {
      const o = (b ?? {}) as Record<string, unknown>;
      entry.response = o.code ?? o.statutTreatment ?? o.success ?? null;
      return json(b);
    };
    sweep(ctx);
    next();
  });

  // Auth (+ HMAC for POST) before anything else.
  r.use((req: Request, res: Response, next: NextFunction) => {
    const isRefund = req.path === '/transaction/refund-cancel';
    const refuse = (code: number, msg: string) => {
      const status = req.method === 'POST' ? POST_STATUS : 200;
      if (isRefund) return res.status(status).json({ message: msg, statutTreatment: 'FAILLED' });
      if (req.method === 'GET') return res.status(status).json({ success: false, ...fail(code, msg) });
      return res.status(status).json(fail(code, msg));
    };
    if (req.method === 'GET') {
      if (!checkHeaderKey(opts, req.get('secretkey')))
        return refuse(CODE_AUTH, 'Clé API (Secretkey) invalide ou absente');
      return next();
    }
    const body = bodyOf(res);
    const hmacProblem = checkHmac(
      opts,
      { signature: req.get('hmac-signature'), timestamp: req.get('timestamp') },
      body.raw,
    );
    if (hmacProblem) return refuse(CODE_SIGNATURE, hmacProblem);
    if (body.invalid) return refuse(CODE_FAILED, 'Corps de requête JSON invalide');
    if (!checkBodyKey(opts, body.json)) return refuse(CODE_AUTH, 'apiKey invalide ou absente');
    next();
  });

  r.get('/services', (_req, res) => {
    const services = DOCUMENTED_SERVICES.filter((s) => !ctx.state.disabled.includes(s.codeService));
    res.json({ success: true, services });
  });

  r.get('/errors', (_req, res) => {
    res.json({ success: true, services: ERROR_TABLE });
  });

  r.get('/balance', (_req, res) => {
    res.json(ok('Solde récupéré avec succès', { currency: 'XOF', balance: ctx.state.balance }));
  });

  r.post('/list-pending-bills', (_req, res) => {
    const body = bodyOf(res).json!;
    const codeService = str(body.codeService);
    const account = str(body.billAccountNumber);
    const failure = (msg: string) =>
      res
        .status(POST_STATUS)
        .json(
          fail(CODE_FAILED, msg, { status: 'FAILLED', pendingBills: { success: false, pendingBills: [] } }),
        );
    if (!codeService || !account) {
      return failure(
        `Champ(s) obligatoire(s) manquant(s): ${[!codeService && 'codeService', !account && 'billAccountNumber'].filter(Boolean).join(', ')}`,
      );
    }
    const service = findService(codeService);
    if (service?.typeService !== 'BILL_PAY') return failure(`Service de facture inconnu: ${codeService}`);
    if (ctx.state.disabled.includes(codeService))
      return failure(`Le service ${codeService} n'est pas activé`);
    const acc = ctx.state.bills[codeService]?.[account];
    if (!acc) return failure(`Numéro de compte ${account} introuvable`);
    if (acc.kind === 'blocked') return failure(acc.msg);
    const pendingBills = acc.bills
      .filter((b) => !b.paid)
      .map((b) => ({
        amount: b.amount,
        billReference: b.billReference,
        infos: b.infos.map((i) => ({ ...i })),
      }));
    return res.status(POST_STATUS).json(
      ok(pendingBills.length ? 'Factures en attente récupérées avec succès' : 'Aucune facture en attente', {
        status: 'SUCCESS',
        pendingBills: { success: true, pendingBills },
      }),
    );
  });

  r.post('/operation', async (req, res) => {
    const body = bodyOf(res).json!;
    const v = validateOperation(ctx.state, body, baseUrlOf(req));
    if (!v.ok) {
      return res.status(POST_STATUS).json(
        operationFailure(v.code, v.msg, {
          phone: body.phone,
          amount: body.amount,
          codeService: body.codeService,
          externalTransactionId: body.externalTransactionId,
          transactionId: null,
          errorType: v.errorType,
        }),
      );
    }
    const started = startOperation(ctx, v.input);
    const { tx } = started;
    if (started.kind === 'held') {
      // Never answered: the client must give up and treat the outcome as unknown.
      ctx.held.add(res);
      res.on('close', () => ctx.held.delete(res));
      (res.locals.logEntry as { response?: unknown }).response = 'held';
      return;
    }
    if (started.kind === 'rejected') {
      return res.status(POST_STATUS).json(
        operationFailure(CODE_FAILED, tx.errorType?.message || 'Transaction échouée', {
          phone: tx.phone,
          amount: tx.amount,
          codeService: tx.codeService,
          externalTransactionId: tx.externalTransactionId,
          transactionId: tx.transactionId,
          errorType: tx.errorType,
        }),
      );
    }
    if (started.beforeResponse) await started.beforeResponse;
    return res.status(POST_STATUS).json(ok(acceptedMsg(tx), acceptedData(tx)));
  });

  r.post('/get-transaction-status', (_req, res) => {
    const body = bodyOf(res).json!;
    const ext = str(body.externalTransactionId);
    if (!ext)
      return res
        .status(POST_STATUS)
        .json(fail(CODE_FAILED, 'Champ obligatoire manquant: externalTransactionId'));
    const now = opts.now();
    const calls = (ctx.state.statusCalls[ext] ?? []).filter((t) => now - t < STATUS_WINDOW_MS);
    if (calls.length >= STATUS_MAX_PER_WINDOW) {
      ctx.state.statusCalls[ext] = calls;
      ctx.state.stats.statusLookupViolations += 1;
      opts.logger.warn({ externalTransactionId: ext }, 'intech-sim: status lookup rate limit exceeded');
      return res
        .status(POST_STATUS)
        .json(
          fail(
            CODE_RATE_LIMITED,
            "Trop de requêtes de statut pour cette transaction (plus de 3 par minute). Votre adresse IP risque d'être blacklistée.",
          ),
        );
    }
    ctx.state.statusCalls[ext] = [...calls, now];
    ctx.state.stats.statusLookups += 1;
    const tx = ctx.state.transactions[ctx.state.byExternalId[ext] ?? ''];
    if (!tx) return res.status(POST_STATUS).json(fail(CODE_FAILED, `Transaction ${ext} introuvable`));
    return res.status(POST_STATUS).json(
      ok('Statut de la transaction récupéré avec succès', {
        transactionId: tx.transactionId,
        createdAt: iso(tx.createdAt),
        updatedAt: iso(tx.updatedAt),
        externalTransactionId: tx.externalTransactionId,
        status: tx.status,
        errorType: tx.errorType,
      }),
    );
  });

  r.post('/transaction/refund-cancel', (_req, res) => {
    const id = str(bodyOf(res).json!.transactionId);
    if (!id)
      return res
        .status(POST_STATUS)
        .json({ message: 'Champ obligatoire manquant: transactionId', statutTreatment: 'FAILLED' });
    return res.status(POST_STATUS).json(refund(ctx, id));
  });

  r.post('/new-claim', (_req, res) => {
    const body = bodyOf(res).json!;
    const transactionId = str(body.transactionId);
    const subject = str(body.subject);
    const message = str(body.message);
    const missing = [!transactionId && 'transactionId', !subject && 'subject', !message && 'message'].filter(
      Boolean,
    );
    if (missing.length) {
      return res
        .status(POST_STATUS)
        .json(fail(CODE_FAILED, `Champ(s) obligatoire(s) manquant(s): ${missing.join(', ')}`));
    }
    if (!ctx.state.transactions[transactionId!]) {
      return res.status(POST_STATUS).json(fail(CODE_FAILED, `Transaction ${transactionId} introuvable`));
    }
    const claim = {
      claimRef: nextId(ctx.state, 'CLM'),
      transactionId: transactionId!,
      subject: subject!,
      message: message!,
      statut: 'OPENED' as const,
      createdAt: opts.now(),
    };
    ctx.state.claims.push(claim);
    return res
      .status(POST_STATUS)
      .json(
        ok('Réclamation enregistrée avec succès', { claim: { ...claim, createdAt: iso(claim.createdAt) } }),
      );
  });

  // Unknown route: what the provider's framework answers.
  r.use((req: Request, res: Response) => {
    res.status(404).json({
      statusCode: 404,
      message: `Cannot ${req.method} /api-services${req.path}`,
      error: 'Not Found',
      code: CODE_NOT_FOUND,
    });
  });
  return r;
}

function acceptedMsg(tx: SimTransaction): string {
  if (tx.codeService === 'WAVE_SN_API_CASH_OUT')
    return 'Veuillez ouvrir le lien de paiement Wave pour valider la transaction';
  if (tx.typeService === 'CASHOUT') return 'Veuillez valider le paiement sur votre téléphone';
  return 'Transaction initiée avec succès';
}

function acceptedData(tx: SimTransaction): Record<string, unknown> {
  return {
    phone: tx.phone,
    amount: tx.amount,
    codeService: tx.codeService,
    transactionId: tx.transactionId,
    // Always PENDING here, even when the callback already went (callback_before_response).
    status: 'PENDING',
    externalTransactionId: tx.externalTransactionId,
    callbackUrl: tx.callbackUrl ?? null,
    ...tx.extras,
  };
}
