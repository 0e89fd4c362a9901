import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIntechClient, type IntechClientOptions } from '../../src/intech/client.js';
import {
  IntechRejectedError,
  IntechTransportError,
  IntechUnknownOutcomeError,
  isIntechError,
} from '../../src/intech/errors.js';
import { hmacSignature } from '../../src/intech/signing.js';
import { createLogger } from '../../src/logger.js';
import { type FakeServer, startFakeIntech } from './fake-intech-server.js';

const API_KEY = 'live-key-0123456789abcdef';
const HMAC_SECRET = 'hmac-secret-fedcba9876543210';

let server: FakeServer;
let sleeps: number[];

beforeEach(async () => {
  server = await startFakeIntech();
  sleeps = [];
});
afterEach(async () => {
  await server.close();
});

function client(extra: Partial<IntechClientOptions> = {}) {
  return createIntechClient({
    baseUrl: server.url,
    apiKey: API_KEY,
    timeoutMs: 2_000,
    retry: { attempts: 3, baseMs: 100, maxMs: 250 },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...extra,
  });
}

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

const accepted = (over: Record<string, unknown> = {}) => ({
  code: 2000,
  msg: 'Transaction initiée avec succès',
  error: false,
  data: {
    phone: '771234567',
    amount: 1000,
    codeService: 'WAVE_SN_API_CASH_OUT',
    transactionId: 'TR2511290001',
    status: 'PENDING',
    externalTransactionId: 'XB7K2M9Q-collect',
    callbackUrl: 'https://bot.example.sn/intech/callback',
    deepLinkUrl: 'https://pay.wave.com/c/cos-abc123',
    notificationMessage: 'Ouvrez le lien pour payer',
    fees: 10,
    ...over,
  },
});

const waveOperation = {
  codeService: 'WAVE_SN_API_CASH_OUT',
  phone: '771234567',
  amount: 1000,
  externalTransactionId: 'XB7K2M9Q-collect',
  callbackUrl: 'https://bot.example.sn/intech/callback',
  sender: 'Xaalis Bot',
  data: JSON.stringify({ orderId: 'XB7K2M9Q' }),
};

describe('read-only endpoints (GET with Secretkey header)', () => {
  it('lists services, sending Secretkey and no body, skipping unknown service types', async () => {
    server.handle(() => ({
      json: {
        success: true,
        services: [
          {
            name: 'Crédit Orange',
            icon: 'https://x/o.png',
            codeService: 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE',
            typeOperation: 'DEBIT',
            typeService: 'CREDIT_TELEPHONIQUE',
          },
          {
            name: 'Wave',
            codeService: 'WAVE_SN_API_CASH_OUT',
            typeOperation: 'CREDIT',
            typeService: 'CASHOUT',
            extra: 1,
          },
          { name: 'Futur', codeService: 'X_NEW', typeOperation: 'DEBIT', typeService: 'CRYPTO' },
        ],
      },
    }));
    const services = await client().listServices();
    expect(services).toEqual([
      {
        name: 'Crédit Orange',
        icon: 'https://x/o.png',
        codeService: 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE',
        typeOperation: 'DEBIT',
        typeService: 'CREDIT_TELEPHONIQUE',
      },
      { name: 'Wave', codeService: 'WAVE_SN_API_CASH_OUT', typeOperation: 'CREDIT', typeService: 'CASHOUT' },
    ]);
    const [req] = server.requests;
    expect(req?.method).toBe('GET');
    expect(req?.url).toBe('/api-services/services');
    expect(req?.headers.secretkey).toBe(API_KEY);
    expect(req?.rawBody).toBe('');
  });

  it('reads the error list from `services` (sic), tolerating a missing message', async () => {
    server.handle(() => ({
      json: {
        success: true,
        services: [
          { id: null, code: 'unknown_error', message: 'Réessayez plus tard' },
          { id: 3, code: 'logged-out-user-session', message: null },
          { id: '15', code: 'bad_amount_50', message: 'Multiple de 50' },
        ],
      },
    }));
    const errors = await client().listErrors();
    expect(errors).toEqual([
      { id: null, code: 'unknown_error', message: 'Réessayez plus tard' },
      { id: 3, code: 'logged-out-user-session', message: '' },
      { id: 15, code: 'bad_amount_50', message: 'Multiple de 50' },
    ]);
    expect(server.requests[0]?.headers.secretkey).toBe(API_KEY);
  });

  it('reads the merchant balance, even as a numeric string', async () => {
    server.handle(() => ({
      json: { code: 2000, msg: 'ok', error: false, data: { currency: 'XOF', balance: '125000' } },
    }));
    await expect(client().getBalance()).resolves.toEqual({ currency: 'XOF', balance: 125000 });
    expect(server.to('/api-services/balance')).toHaveLength(1);
  });

  it('turns a coded refusal on a GET into IntechRejectedError, not retried', async () => {
    server.handle(() => ({ json: { code: 4010, msg: 'Clé invalide', error: true, data: null } }));
    const err = await caught(client().getBalance());
    expect(err).toBeInstanceOf(IntechRejectedError);
    expect((err as IntechRejectedError).code).toBe(4010);
    expect((err as IntechRejectedError).msg).toBe('Clé invalide');
    expect(server.requests).toHaveLength(1);
  });
});

describe('list-pending-bills', () => {
  it('posts apiKey in the body and unwraps the nested pendingBills.pendingBills', async () => {
    server.handle(() => ({
      json: {
        code: 2000,
        msg: 'Factures trouvées',
        error: false,
        data: {
          status: 'SUCCESS',
          pendingBills: {
            success: true,
            pendingBills: [
              {
                amount: 15420,
                billReference: 987654,
                infos: [
                  { label: 'Nom client', value: 'AWA DIOP' },
                  { label: "Date d'échéance", value: '2026-12-05' },
                ],
              },
            ],
          },
        },
      },
    }));
    const bills = await client().listPendingBills('SENELEC_SN_BILL_PAY', '21050176023');
    expect(bills).toEqual([
      {
        amount: 15420,
        billReference: '987654',
        infos: [
          { label: 'Nom client', value: 'AWA DIOP' },
          { label: "Date d'échéance", value: '2026-12-05' },
        ],
      },
    ]);
    const [req] = server.requests;
    expect(req?.method).toBe('POST');
    expect(req?.url).toBe('/api-services/list-pending-bills');
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.json).toEqual({
      apiKey: API_KEY,
      codeService: 'SENELEC_SN_BILL_PAY',
      billAccountNumber: '21050176023',
    });
    expect(req?.headers.secretkey).toBeUndefined();
  });

  it('rejects with the provider message on code 4000 / FAILLED', async () => {
    server.handle(() => ({
      json: {
        code: 4000,
        msg: "Veuillez d'abord payer la facture la plus ancienne",
        error: true,
        data: { status: 'FAILLED', pendingBills: { success: false, pendingBills: [] } },
      },
    }));
    const err = await caught(client().listPendingBills('SENELEC_SN_BILL_PAY', '21050176023'));
    expect(err).toBeInstanceOf(IntechRejectedError);
    expect((err as IntechRejectedError).code).toBe(4000);
    expect((err as IntechRejectedError).msg).toContain('plus ancienne');
    expect((err as IntechRejectedError).data?.status).toBe('FAILLED');
  });
});

describe('operation (money: sent once)', () => {
  it('sends every field with apiKey in the body and returns the accepted transaction with the Wave link', async () => {
    server.handle(() => ({ json: accepted() }));
    const res = await client().operation(waveOperation);
    expect(res).toMatchObject({
      transactionId: 'TR2511290001',
      externalTransactionId: 'XB7K2M9Q-collect',
      status: 'PENDING',
      amount: 1000,
      deepLinkUrl: 'https://pay.wave.com/c/cos-abc123',
      notificationMessage: 'Ouvrez le lien pour payer',
    });
    expect(res.raw.fees).toBe(10);
    expect(server.requests[0]?.json).toEqual({ apiKey: API_KEY, ...waveOperation });
  });

  it('accepts a numeric transactionId and keeps it as a string', async () => {
    server.handle(() => ({ json: accepted({ transactionId: 445566, status: 'PENDING' }) }));
    expect((await client().operation(waveOperation)).transactionId).toBe('445566');
  });

  it('rejects with the parsed errorType and the FAILLED data', async () => {
    server.handle(() => ({
      json: {
        code: 4000,
        msg: 'Solde insuffisant',
        error: true,
        data: {
          transactionId: 'TR2511290002',
          status: 'FAILLED',
          errorType: {
            id: 2,
            codeService: 'WAVE_SN_API_CASH_OUT',
            code: 'insufficient_balance',
            message: 'Solde insuffisant',
          },
        },
      },
    }));
    const err = await caught(client().operation(waveOperation));
    expect(err).toBeInstanceOf(IntechRejectedError);
    const r = err as IntechRejectedError;
    expect(r.code).toBe(4000);
    expect(r.errorType).toEqual({
      id: 2,
      code: 'insufficient_balance',
      message: 'Solde insuffisant',
      codeService: 'WAVE_SN_API_CASH_OUT',
    });
    expect(r.data?.transactionId).toBe('TR2511290002');
    expect(isIntechError(err)).toBe(true);
  });

  it('a server that never answers gives IntechUnknownOutcomeError, after exactly one request', async () => {
    server.handle(() => ({ hang: true }));
    const started = Date.now();
    const err = await caught(client({ timeoutMs: 300 }).operation(waveOperation));
    expect(err).toBeInstanceOf(IntechUnknownOutcomeError);
    expect((err as IntechUnknownOutcomeError).externalTransactionId).toBe('XB7K2M9Q-collect');
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(server.to('/api-services/operation')).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('a connection dropped after sending is an unknown outcome, never retried', async () => {
    server.handle(() => ({ destroy: true }));
    const err = await caught(client().operation(waveOperation));
    expect(err).toBeInstanceOf(IntechUnknownOutcomeError);
    expect(server.requests).toHaveLength(1);
  });

  it('a 5xx, a non-JSON body or an unreadable success are unknown outcomes (the gateway may have forwarded it)', async () => {
    for (const reply of [
      { status: 502, text: 'Bad gateway' },
      { status: 200, text: '<html>maintenance</html>' },
      { status: 200, json: { code: 2000, msg: 'ok', error: false, data: { status: 'PENDING' } } },
    ]) {
      server.handle(() => reply);
      const err = await caught(client().operation(waveOperation));
      expect(err, JSON.stringify(reply)).toBeInstanceOf(IntechUnknownOutcomeError);
      expect((err as IntechUnknownOutcomeError).cause).toBeInstanceOf(IntechTransportError);
    }
    expect(server.to('/api-services/operation')).toHaveLength(3);
  });

  it('a 4xx refusal is a transport error (not executed)', async () => {
    server.handle(() => ({ status: 413, text: 'Payload too large' }));
    const err = await caught(client().operation(waveOperation));
    expect(err).toBeInstanceOf(IntechTransportError);
    expect((err as IntechTransportError).status).toBe(413);
    expect(server.requests).toHaveLength(1);
  });

  it('connection refused is a transport error (nothing was sent) and is not retried', async () => {
    const port = await closedPort();
    const c = createIntechClient({
      baseUrl: `http://127.0.0.1:${port}`,
      apiKey: API_KEY,
      timeoutMs: 2_000,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    const err = await caught(c.operation(waveOperation));
    expect(err).toBeInstanceOf(IntechTransportError);
    expect((err as IntechTransportError).kind).toBe('network');
    expect(sleeps).toEqual([]);
  });
});

describe('transport errors and retries on read-only calls', () => {
  it('retries a read-only call that fails twice, then succeeds, with capped backoff', async () => {
    server.handle((_req, n) =>
      n <= 2
        ? { status: 503, text: 'busy' }
        : { json: { code: 2000, data: { currency: 'XOF', balance: 5000 } } },
    );
    await expect(client().getBalance()).resolves.toEqual({ currency: 'XOF', balance: 5000 });
    expect(server.requests).toHaveLength(3);
    // random 0.5, base 100, cap 250: 75 then min(200,250) -> 150
    expect(sleeps).toEqual([75, 150]);
  });

  it('gives up after the configured attempts with the HTTP status', async () => {
    server.handle(() => ({ status: 500, text: 'oops' }));
    const err = await caught(client().listServices());
    expect(err).toBeInstanceOf(IntechTransportError);
    expect((err as IntechTransportError).status).toBe(500);
    expect((err as IntechTransportError).kind).toBe('http');
    expect(server.requests).toHaveLength(3);
  });

  it('a non-JSON answer is a transport error', async () => {
    server.handle(() => ({ text: 'not json at all' }));
    const err = await caught(client({ retry: { attempts: 1, baseMs: 1, maxMs: 1 } }).listErrors());
    expect(err).toBeInstanceOf(IntechTransportError);
    expect((err as IntechTransportError).kind).toBe('not_json');
  });

  it('a schema mismatch is a transport error and is not retried (it would not change)', async () => {
    server.handle(() => ({ json: { success: true, services: [{ name: 'no code' }] } }));
    const err = await caught(client().listServices());
    expect(err).toBeInstanceOf(IntechTransportError);
    expect((err as IntechTransportError).kind).toBe('schema');
    expect(server.requests).toHaveLength(1);
  });

  it('connection refused on a read-only call is a transport error after retries', async () => {
    const port = await closedPort();
    const err = await caught(client({ baseUrl: `http://127.0.0.1:${port}` }).getBalance());
    expect(err).toBeInstanceOf(IntechTransportError);
    expect((err as IntechTransportError).kind).toBe('network');
    expect(sleeps).toHaveLength(2);
  });

  it('a read-only call that times out is a transport error (timeout), never "unknown"', async () => {
    server.handle(() => ({ hang: true }));
    const err = await caught(
      client({ timeoutMs: 200, retry: { attempts: 2, baseMs: 1, maxMs: 1 } }).getBalance(),
    );
    expect(err).toBeInstanceOf(IntechTransportError);
    expect((err as IntechTransportError).kind).toBe('timeout');
    expect(server.requests).toHaveLength(2);
  });
});

describe('get-transaction-status', () => {
  it('sends {apiKey, externalTransactionId} and parses FAILLED with its errorType', async () => {
    server.handle(() => ({
      json: {
        code: 2000,
        msg: 'ok',
        error: false,
        data: {
          transactionId: 'TR1',
          createdAt: '2026-11-29T12:00:00.000Z',
          updatedAt: '2026-11-29T12:15:00.000Z',
          externalTransactionId: 'XB7K2M9Q-collect',
          status: 'FAILLED',
          errorType: {
            id: 4,
            code: 'payment-timeout',
            message: 'Délai dépassé',
            codeService: 'WAVE_SN_API_CASH_OUT',
          },
        },
      },
    }));
    const res = await client().getTransactionStatus('XB7K2M9Q-collect');
    expect(res).toEqual({
      transactionId: 'TR1',
      externalTransactionId: 'XB7K2M9Q-collect',
      status: 'FAILLED',
      errorType: {
        id: 4,
        code: 'payment-timeout',
        message: 'Délai dépassé',
        codeService: 'WAVE_SN_API_CASH_OUT',
      },
      createdAt: '2026-11-29T12:00:00.000Z',
      updatedAt: '2026-11-29T12:15:00.000Z',
    });
    expect(server.requests[0]?.url).toBe('/api-services/get-transaction-status');
    expect(server.requests[0]?.json).toEqual({ apiKey: API_KEY, externalTransactionId: 'XB7K2M9Q-collect' });
  });

  it('parses SUCCESS with errorType null and no transactionId', async () => {
    server.handle(() => ({
      json: {
        code: 2000,
        data: { transactionId: null, externalTransactionId: 'E1', status: 'SUCCESS', errorType: null },
      },
    }));
    await expect(client().getTransactionStatus('E1')).resolves.toEqual({
      transactionId: null,
      externalTransactionId: 'E1',
      status: 'SUCCESS',
      errorType: null,
    });
  });

  it('is not retried after reaching Intech (rate limit: 3 per minute per transaction)', async () => {
    server.handle(() => ({ status: 503, text: 'busy' }));
    await expect(client().getTransactionStatus('E1')).rejects.toBeInstanceOf(IntechTransportError);
    expect(server.requests).toHaveLength(1);
  });

  it('an unknown transaction comes back as a rejection', async () => {
    server.handle(() => ({ json: { code: 4004, msg: 'Transaction introuvable', error: true, data: null } }));
    const err = await caught(client().getTransactionStatus('nope'));
    expect(err).toBeInstanceOf(IntechRejectedError);
    expect((err as IntechRejectedError).errorType).toBeNull();
  });
});

describe('refund-cancel and new-claim (money: sent once)', () => {
  it('parses the code-less refund answer {message, statutTreatment}', async () => {
    server.handle(() => ({ json: { message: 'Remboursement effectué', statutTreatment: 'SUCCESS' } }));
    await expect(client().refundCancel('TR9')).resolves.toEqual({
      ok: true,
      statutTreatment: 'SUCCESS',
      message: 'Remboursement effectué',
    });
    expect(server.requests[0]?.url).toBe('/api-services/transaction/refund-cancel');
    expect(server.requests[0]?.json).toEqual({ apiKey: API_KEY, transactionId: 'TR9' });
  });

  it('a refund not treated comes back ok:false (not an exception)', async () => {
    server.handle(() => ({ json: { message: 'Transaction non remboursable', statutTreatment: 'FAILLED' } }));
    await expect(client().refundCancel('TR9')).resolves.toMatchObject({
      ok: false,
      statutTreatment: 'FAILLED',
    });
  });

  it('a coded refusal on refund is a rejection; a hang is unknown, sent once', async () => {
    server.handle(() => ({ json: { code: 4000, msg: 'Transaction introuvable', error: true } }));
    await expect(client().refundCancel('TR9')).rejects.toBeInstanceOf(IntechRejectedError);
    server.handle(() => ({ hang: true }));
    const err = await caught(client({ timeoutMs: 200 }).refundCancel('TR9'));
    expect(err).toBeInstanceOf(IntechUnknownOutcomeError);
    expect((err as IntechUnknownOutcomeError).transactionId).toBe('TR9');
    expect(server.requests).toHaveLength(2);
  });

  it('opens a claim and reads data.claim', async () => {
    server.handle(() => ({
      json: {
        code: 2000,
        msg: 'Réclamation créée',
        error: false,
        data: { claim: { claimRef: 'CLM-0042', statut: 'OPENED', subject: 'Remboursement', createdAt: 'x' } },
      },
    }));
    const res = await client().newClaim('TR9', 'Remboursement', 'Le remboursement a échoué');
    expect(res.claimRef).toBe('CLM-0042');
    expect(res.statut).toBe('OPENED');
    expect(res.raw.subject).toBe('Remboursement');
    expect(server.requests[0]?.json).toEqual({
      apiKey: API_KEY,
      transactionId: 'TR9',
      subject: 'Remboursement',
      message: 'Le remboursement a échoué',
    });
  });

  it('a claim that times out is unknown and not retried', async () => {
    server.handle(() => ({ hang: true }));
    await expect(client({ timeoutMs: 200 }).newClaim('TR9', 's', 'm')).rejects.toBeInstanceOf(
      IntechUnknownOutcomeError,
    );
    expect(server.requests).toHaveLength(1);
  });
});

describe('HMAC signing', () => {
  it('signs POST bodies byte-exact with Timestamp in unix ms', async () => {
    const now = 1_764_417_600_123;
    server.handle(() => ({ json: accepted() }));
    await client({ hmacSecret: HMAC_SECRET, now: () => now }).operation(waveOperation);
    const [req] = server.requests;
    expect(req?.headers.timestamp).toBe(String(now));
    const expected = hmacSignature(HMAC_SECRET, 'POST', String(now), req?.rawBody ?? '');
    expect(req?.headers['hmac-signature']).toBe(expected);
    // And that signature matches nothing else: a different body or timestamp would not verify.
    expect(hmacSignature(HMAC_SECRET, 'POST', String(now + 1), req?.rawBody ?? '')).not.toBe(expected);
  });

  it('signs every POST endpoint and leaves GETs unsigned', async () => {
    server.handle((req) =>
      req.method === 'GET'
        ? { json: { code: 2000, data: { currency: 'XOF', balance: 1 } } }
        : {
            json: { code: 2000, data: { transactionId: 'T', externalTransactionId: 'E', status: 'PENDING' } },
          },
    );
    const c = client({ hmacSecret: HMAC_SECRET, now: () => 42_000 });
    await c.getBalance();
    await c.getTransactionStatus('E');
    const [get, post] = server.requests;
    expect(get?.headers['hmac-signature']).toBeUndefined();
    expect(post?.headers['hmac-signature']).toBe(
      hmacSignature(HMAC_SECRET, 'POST', '42000', post?.rawBody ?? ''),
    );
  });

  it('sends no HMAC headers without a secret', async () => {
    server.handle(() => ({ json: accepted() }));
    await client().operation(waveOperation);
    expect(server.requests[0]?.headers['hmac-signature']).toBeUndefined();
    expect(server.requests[0]?.headers.timestamp).toBeUndefined();
  });
});

describe('logs', () => {
  it('never contain the api key, the HMAC secret, a full phone number or the attached media', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const logger = createLogger({ level: 'debug', destination });
    server.handle((_req, n) =>
      n === 1
        ? { json: accepted({ phone: '+221771234567' }) }
        : {
            json: {
              code: 4000,
              msg: 'Numéro 771234567 invalide',
              error: true,
              data: { errorType: { id: 1, code: 'invalid_phone_number' } },
            },
          },
    );
    const c = client({ hmacSecret: HMAC_SECRET, logger });
    await c.operation({
      codeService: 'WHATSAPP_MESSAGING',
      phone: '+221771234567',
      amount: 10,
      externalTransactionId: 'XB7K2M9Q-receipt',
      callbackUrl: 'https://bot.example.sn/intech/callback',
      message: 'Votre reçu',
      attachedMedia: 'SECRETMEDIABASE64AAAA',
      attachedMediaExtension: '.png',
      attachedMediaName: 'recu.png',
    });
    await expect(c.operation(waveOperation)).rejects.toBeInstanceOf(IntechRejectedError);
    const all = lines.join('');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(all).toContain('XB7K2M9Q-receipt');
    expect(all).not.toContain(API_KEY);
    expect(all).not.toContain(HMAC_SECRET);
    expect(all).not.toContain('SECRETMEDIABASE64AAAA');
    expect(all).not.toContain('771234567');
    expect(all).toContain('***567');
  });
});
