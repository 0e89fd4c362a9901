// #13 findings 1, 3, 7 and claims, against the simulator over real HTTP: a callback is a notification, not
// proof; bounded callback bodies; unknown ids kept, alerted, looked up; payer-number limits; one claim.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import type { IntechApi } from '../../src/intech/api.js';
import { createIntechClient } from '../../src/intech/client.js';
import { IntechUnknownOutcomeError } from '../../src/intech/errors.js';
import { createOrderService } from '../../src/orders/service.js';
import { openLowdbStore } from '../../src/store/lowdb/index.js';
import { buildCallbackBody, signCallback } from '../helpers/intech-signer.js';
import {
  API_KEY,
  airtime,
  CUSTOMER,
  type Harness,
  type HarnessOptions,
  recordingAlerter,
  startHarness,
} from './harness.js';

let h: Harness | undefined;
const cleanup: (() => Promise<void>)[] = [];
async function harness(opts: HarnessOptions = {}) {
  h = await startHarness(opts);
  return h;
}
afterEach(async () => {
  await h?.close();
  h = undefined;
  for (const c of cleanup.splice(0)) await c();
});

const AIRTIME = 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE';
const COLLECT = 'ORANGE_SN_API_CASH_OUT';

async function post(url: string, raw: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    body: raw,
    headers: { 'content-type': 'application/json', ...headers },
  });
  return res.status;
}

function refundRequests(hh: Harness) {
  return hh.sim.control.log().filter((e) => e.kind === 'request' && e.path.includes('refund-cancel'));
}

/** The genuine callback we received for one of our ids, as raw JSON with its status replaced. */
function replayed(hh: Harness, ext: string, status: string): string {
  const genuine = hh.callbacks.find((c) => c.body.transaction.externalTransactionId === ext);
  if (!genuine) throw new Error(`no genuine callback for ${ext}`);
  return JSON.stringify({ ...genuine.body, status });
}

describe('finding 1: a callback is a notification, not proof (no HMAC)', () => {
  it('the genuine collect callback replayed as REFUNDED on an order waiting for its refund: nothing moves, nobody told refunded', async () => {
    const wrap = (api: IntechApi): IntechApi => ({
      ...api,
      // The refund's answer is lost: the order waits in 'refunding' for its outcome.
      refundCancel: async () => {
        throw new IntechUnknownOutcomeError({ endpoint: 'refund-cancel' } as never);
      },
    });
    const hh = await harness({ manualReconcile: true, wrapIntech: wrap });
    hh.sim.control.script({ match: { codeService: AIRTIME }, outcome: 'failure', errorId: 29 });
    const o = await hh.placeOk(airtime());
    const waiting = await hh.waitFor(async () => {
      const x = await hh.store.orders.get(o.id);
      return x?.state === 'refunding' && x.operations.refund?.status === 'unknown' ? x : undefined;
    }, 'refund outcome unknown');

    expect(await post(hh.config.callbackUrl, replayed(hh, `${o.id}-COL`, 'REFUNDED'))).toBe(200);
    const alert = await hh.waitFor(
      () => hh.alerter.alerts.find((a) => a.kind === 'callback_refuted' && a.orderId === o.id),
      'refuted alert',
    );
    expect(alert.message).toContain('REFUNDED');
    expect(alert.message).toContain('SUCCESS');
    const after = (await hh.store.orders.get(o.id))!;
    expect(after.state).toBe('refunding');
    expect(after.operations.refund?.status).toBe(waiting.operations.refund?.status);
    expect(hh.notifier.texts(CUSTOMER).some((t) => /remboursés/.test(t))).toBe(false);
    expect(hh.sim.control.transaction(`${o.id}-COL`)!.status).toBe('SUCCESS');
    expect(hh.sim.control.claims()).toHaveLength(0);
    expect(hh.sim.control.stats().statusLookupViolations).toBe(0);
  });

  it('a failed collect replayed as SUCCESS: no delivery, no refund, no claim; admins get both bodies', async () => {
    const hh = await harness();
    hh.sim.control.script({ match: { codeService: COLLECT }, outcome: 'failure', errorId: 2 });
    const o = await hh.placeOk(airtime({ amount: 500 }));
    await hh.waitForState(o.id, 'collect_failed');
    await hh.waitFor(
      () => hh.callbacks.find((c) => c.body.transaction.externalTransactionId === `${o.id}-COL`),
      'cb',
    );

    expect(await post(hh.config.callbackUrl, replayed(hh, `${o.id}-COL`, 'SUCCESS'))).toBe(200);
    const alert = await hh.waitFor(
      () => hh.alerter.alerts.find((a) => a.kind === 'conflicting_callback' && a.orderId === o.id),
      'conflict alert',
    );
    expect(alert.message).toContain('Recorded: {"status":"FAILLED"');
    expect(alert.message).toContain('Received: {"status":"SUCCESS"');
    await new Promise((r) => setTimeout(r, 600)); // confirmation lookup + a reconcile pass
    const after = (await hh.store.orders.get(o.id))!;
    expect(after.state).toBe('collect_failed');
    expect(after.operations.refund).toBeUndefined();
    expect(hh.simTxs(o.id).filter((t) => t.externalTransactionId.endsWith('-DLV'))).toHaveLength(0);
    expect(refundRequests(hh)).toHaveLength(0);
    expect(hh.sim.control.claims()).toHaveLength(0);
    expect(hh.alerter.alerts.some((a) => a.kind === 'refund_failed' || a.kind === 'late_collect')).toBe(
      false,
    );
  });

  it('a forged SUCCESS for a collect still waiting on the customer: not delivered until Intech says so', async () => {
    const hh = await harness({ sim: { autoApprove: false }, manualReconcile: true });
    const o = await hh.placeOk(airtime());
    const tx = await hh.waitFor(() => hh.sim.control.transaction(`${o.id}-COL`), 'collect at sim');
    const cb = signCallback(
      buildCallbackBody(`${o.id}-COL`, { transactionId: tx.transactionId, codeService: COLLECT }),
      { apiKey: API_KEY },
    );
    expect(await post(hh.config.callbackUrl, cb.rawBody, cb.headers)).toBe(200);
    // One lookup: Intech says PENDING, so nothing is acted on.
    await hh.waitFor(() => hh.sim.control.stats().statusLookups >= 1, 'confirmation lookup');
    await new Promise((r) => setTimeout(r, 100));
    const after = (await hh.store.orders.get(o.id))!;
    expect(after.state).toBe('collecting');
    expect(after.operations.deliver).toBeUndefined();
    expect(hh.simTxs(o.id)).toHaveLength(1);
    // The customer then really pays: the genuine callback is confirmed and the order completes.
    hh.sim.control.approve(tx.transactionId);
    await hh.waitForState(o.id, 'completed');
  });

  it('without HMAC every money step waits for one lookup; the flow still completes quickly', async () => {
    const hh = await harness();
    const t0 = Date.now();
    const o = await hh.placeOk(airtime());
    const done = await hh.waitForState(o.id, 'completed');
    expect(Date.now() - t0).toBeLessThan(3_000);
    const types = done.events.map((e) => e.type);
    expect(types.indexOf('collect:reported')).toBeLessThan(types.indexOf('collect:success'));
    expect(types.indexOf('deliver:reported')).toBeLessThan(types.indexOf('deliver:success'));
    expect(hh.sim.control.stats().statusLookups).toBeGreaterThanOrEqual(2);
    expect(hh.sim.control.stats().statusLookupViolations).toBe(0);
  });

  it('with HMAC a signed callback is trusted as signed (no lookup) and a status edit breaks the signature', async () => {
    const hh = await harness({ hmacSecret: 'hmac-secret-for-tests-0123456789' });
    const o = await hh.placeOk(airtime());
    const done = await hh.waitForState(o.id, 'completed');
    expect(done.events.map((e) => e.type)).not.toContain('collect:reported');
    expect(hh.sim.control.stats().statusLookups).toBe(0);
    const genuine = hh.callbacks.find((c) => c.body.transaction.externalTransactionId === `${o.id}-COL`)!;
    const signed = signCallback(genuine.body, {
      apiKey: API_KEY,
      hmacSecret: 'hmac-secret-for-tests-0123456789',
    });
    const edited = signed.rawBody.replace('"status":"SUCCESS"', '"status":"REFUNDED"');
    expect(await post(hh.config.callbackUrl, edited, signed.headers)).toBe(401);
  });
});

describe('finding 7 and 2: callbacks for unknown ids, bounded bodies', () => {
  function unknownBody(ext: string, extra: Record<string, unknown> = {}) {
    const b = buildCallbackBody(ext, { codeService: COLLECT });
    return signCallback({ ...b, transaction: { ...b.transaction, ...extra } } as never, { apiKey: API_KEY });
  }

  it('five 1.9 MB bodies with a valid hash do not grow the store; a 200 000-deep data is acknowledged and kept bounded', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'xb-cb-'));
    const store = await openLowdbStore({ dir });
    cleanup.push(async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    });
    const hh = await harness({ store });
    for (let i = 0; i < 5; i++) {
      const cb = unknownBody(`BIG${i}-COL`, { data: { blob: 'x'.repeat(1_900_000) } });
      expect(await post(hh.config.callbackUrl, cb.rawBody, cb.headers)).toBe(413);
      expect(await store.callbacks.list(`BIG${i}-COL`)).toHaveLength(0);
    }
    // Between 64 KB and 1 MB: acknowledged, stored without its bulk.
    const mid = unknownBody('MID-COL', { data: { blob: 'y'.repeat(300_000) } });
    expect(await post(hh.config.callbackUrl, mid.rawBody, mid.headers)).toBe(200);
    const [midRec] = await store.callbacks.list('MID-COL');
    expect(JSON.stringify(midRec).length).toBeLessThan(4_000);
    expect((midRec!.body as { truncated: { bytes: number } }).truncated.bytes).toBeGreaterThan(300_000);

    const b = buildCallbackBody('DEEP-COL', { codeService: COLLECT });
    const hash = signCallback(b, { apiKey: API_KEY }).body.sha256Hash;
    const deep = `${JSON.stringify({ ...b, sha256Hash: hash, transaction: { ...b.transaction, data: '@@' } }).replace('"@@"', `${'['.repeat(200_000)}1${']'.repeat(200_000)}`)}`;
    expect(await post(hh.config.callbackUrl, deep)).toBe(200);
    const [deepRec] = await store.callbacks.list('DEEP-COL');
    expect((deepRec!.body as { truncated: { depth: number } }).truncated.depth).toBeGreaterThan(32);
    expect(JSON.stringify(deepRec).length).toBeLessThan(4_000);
  });

  it('an unknown id is kept, alerted once and looked up; new unknown ids past the limit get a 429', async () => {
    const hh = await harness({ unknownPerMinute: 3 });
    const cb = unknownBody('LOST1234-COL');
    expect(await post(hh.config.callbackUrl, cb.rawBody, cb.headers)).toBe(200);
    const alert = await hh.waitFor(
      () => hh.alerter.alerts.find((a) => a.kind === 'unknown_callback'),
      'unknown alert',
    );
    expect(alert.message).toContain('LOST1234-COL');
    expect(alert.message).toMatch(/Intech (says|does not know)/);
    expect(await hh.store.callbacks.list('LOST1234-COL')).toHaveLength(1);
    // The same copy again: one alert, and it stores nothing new, so it does not count against the limit.
    expect(await post(hh.config.callbackUrl, cb.rawBody, cb.headers)).toBe(200);
    for (const id of ['LOST2-COL', 'LOST3-COL', 'LOST4-COL']) {
      const c = unknownBody(id);
      expect(await post(hh.config.callbackUrl, c.rawBody, c.headers)).toBe(id === 'LOST4-COL' ? 429 : 200);
    }
    await new Promise((r) => setTimeout(r, 100));
    expect(hh.alerter.alerts.filter((a) => a.message.includes('LOST1234-COL'))).toHaveLength(1);
    expect(await hh.store.callbacks.list('LOST1234-COL')).toHaveLength(1);
    expect(await hh.store.callbacks.list('LOST4-COL')).toHaveLength(0);
  });
});

describe('finding 3: payer numbers', () => {
  it('pending requests per payer, distinct payer numbers per day, and the daily total per payer', async () => {
    const hh = await harness({
      sim: { autoApprove: false },
      config: { payerLimits: { distinctPerDay: 2, pendingPerPayer: 1, dailyTotalXof: 5_000 } },
    });
    const STRANGER = '+221779998877';
    const first = await hh.service!.place(airtime({ payment: { codeService: COLLECT, payer: STRANGER } }));
    expect(first.ok).toBe(true);
    // A second request waiting on the same stranger's phone, from another chat: refused.
    const second = await hh.service!.place(
      airtime({
        customerId: '+221770001122',
        lang: 'en',
        payment: { codeService: COLLECT, payer: STRANGER },
      }),
    );
    expect(second.ok).toBe(false);
    if (!second.ok) {
      expect(second.reason).toBe('payer_limit');
      expect(second.message).toMatch(/already waiting on that number/);
    }
    // A third distinct other number the same day: refused (two allowed).
    const okTwo = await hh.service!.place(
      airtime({ payment: { codeService: COLLECT, payer: '+221776665544' } }),
    );
    expect(okTwo.ok).toBe(true);
    const third = await hh.service!.place(
      airtime({ lang: 'wo', payment: { codeService: COLLECT, payer: '+221773332211' } }),
    );
    expect(third.ok).toBe(false);
    if (!third.ok) expect(third.reason).toBe('payer_limit');
    // Daily total per payer, whoever asks: the customer's own number after 5 000 XOF.
    const own = await hh.service!.place(airtime({ amount: 4_000 }));
    expect(own.ok).toBe(true);
    const over = await hh.service!.place(airtime({ amount: 2_000 }));
    expect(over.ok).toBe(false);
    if (!over.ok) expect(over.message).toMatch(/plafond du jour/);
    // Nothing was sent to the refused numbers.
    const payers = hh.sim.control.transactions().map((t) => t.phone);
    expect(payers.some((p) => p.includes('773332211'))).toBe(false);
  });
});

describe('claims: at most one, whatever the crashes', () => {
  function refusingRefund(onClaim: () => Promise<void>) {
    return (api: IntechApi): IntechApi => ({
      ...api,
      newClaim: async (tx, subject, message) => {
        const res = await api.newClaim(tx, subject, message);
        await onClaim();
        return res;
      },
    });
  }

  it("'claim_sent' is recorded before the call; a restart that finds it never opens a second claim", async () => {
    let release!: () => void;
    const hang = new Promise<void>((r) => (release = r));
    onTestFinished(() => release()); // a failed assertion must not leave the "dead" call hanging the teardown
    let sentBefore = false;
    // Intech records the claim before its answer reaches the bot: wait for the bot's side to have looked.
    let checked = false;
    let hh: Harness;
    let orderId = '';
    const wrap = refusingRefund(async () => {
      // The process "dies" here: new-claim answered, nothing recorded after it.
      const o = (await hh.store.orders.get(orderId))!;
      sentBefore = o.operations.claim?.status === 'sent' && o.operations.claim.key === `${o.id}-CLM`;
      checked = true;
      await hang;
    });
    hh = await harness({ wrapIntech: wrap, manualReconcile: true });
    hh.sim.control.script({ match: { codeService: AIRTIME }, outcome: 'failure', errorId: 29, delayMs: 300 });
    const o = await hh.placeOk(airtime());
    orderId = o.id;
    await hh.waitForState(o.id, 'delivering');
    hh.sim.control.setBalance(-1); // the refund will be refused
    await hh.waitFor(() => hh.sim.control.claims().length === 1 && checked, 'claim opened');
    expect(sentBefore).toBe(true);

    // "Restart": a second service on the same store, reconciling from scratch.
    const alerter = recordingAlerter();
    let claims = 0;
    const client = createIntechClient({ baseUrl: hh.sim.url, apiKey: API_KEY, timeoutMs: 1_000 });
    const restarted = createOrderService({
      store: hh.store,
      intech: {
        ...client,
        newClaim: async (...a) => {
          claims++;
          return client.newClaim(...a);
        },
      },
      outbox: hh.outbox,
      alerter,
      config: { ...hh.config },
    });
    await restarted.reconcileOnce();
    await restarted.stop();
    const after = (await hh.store.orders.get(o.id))!;
    expect(after.state).toBe('needs_human');
    expect(after.operations.claim?.status).toBe('unknown');
    expect(claims).toBe(0);
    expect(hh.sim.control.claims()).toHaveLength(1);
    expect(alerter.alerts.find((a) => a.kind === 'refund_failed')?.message).toMatch(/may have been opened/);
    await hh.waitFor(
      () => hh.notifier.texts(CUSTOMER).some((t) => /Une personne de notre équipe/.test(t)),
      'the customer told a person takes over',
    );
    release();
  });

  it('a claim whose answer is lost is not resent', async () => {
    const wrap = refusingRefund(async () => {
      throw new IntechUnknownOutcomeError({ endpoint: 'new-claim' } as never);
    });
    const hh = await harness({ wrapIntech: wrap });
    hh.sim.control.script({ match: { codeService: AIRTIME }, outcome: 'failure', errorId: 29, delayMs: 300 });
    const o = await hh.placeOk(airtime());
    await hh.waitForState(o.id, 'delivering');
    hh.sim.control.setBalance(-1);
    const done = await hh.waitForState(o.id, 'needs_human');
    expect(done.operations.claim?.status).toBe('unknown');
    await hh.service!.reconcileOnce();
    expect(hh.sim.control.claims()).toHaveLength(1);
  });
});

describe('a forged first copy with the right status (no HMAC: the body beyond the ids is not covered)', () => {
  const WOYOFAL = 'WOYOFAL_SN_BILL_RELOAD';
  const FORGED = '11112222333344445555';
  const woyofal = () =>
    airtime({
      kind: 'bill_reload',
      codeService: WOYOFAL,
      amount: 5000,
      recipient: undefined,
      account: '14123456789',
    });
  /** Everything the customer was shown: chat messages and receipts sent through Intech. */
  const shown = (hh: Harness, orderId: string) => [
    ...hh.notifier.texts(CUSTOMER),
    ...hh.sim.control
      .whatsappMessages()
      .filter((m) => m.message.includes(orderId))
      .map((m) => m.message),
  ];

  it('forged tokens and amount in a copy whose SUCCESS the lookup confirms never reach the customer', async () => {
    const hh = await harness();
    // Intech's own callback comes late: the forged copy arrives first and its status is right.
    hh.sim.control.script({
      match: { codeService: WOYOFAL },
      outcome: 'late_callback',
      delayMs: 1_200,
      tokens: 1,
    });
    const o = await hh.placeOk(woyofal());
    const dlv = await hh.waitFor(() => {
      const t = hh.sim.control.transaction(`${o.id}-DLV`);
      return t?.status === 'SUCCESS' ? t : undefined;
    }, 'delivery done at the simulator');
    const forged = signCallback(
      buildCallbackBody(`${o.id}-DLV`, {
        transactionId: dlv.transactionId,
        codeService: WOYOFAL,
        amount: 50_000,
        data: { tokens: [FORGED] },
        msg: `Recharge de 50000 FCFA. Code : ${FORGED}`,
      }),
      { apiKey: API_KEY },
    );
    expect(await post(hh.config.callbackUrl, forged.rawBody, forged.headers)).toBe(200);
    const ext = `${o.id}-DLV`;
    await hh.waitFor(
      () => hh.callbacks.filter((c) => c.body.transaction.externalTransactionId === ext).length >= 2,
      "Intech's own (late) copy",
      5_000,
    );
    const done = await hh.waitForState(o.id, 'completed');
    await new Promise((r) => setTimeout(r, 200));

    const seen = shown(hh, o.id).join('\n');
    expect(seen.replace(/\s/g, '')).not.toContain(FORGED);
    // An amount as the customer reads it (references like TR05A655000001 may hold the digits 50000).
    expect(seen).not.toMatch(/\b50[  ]?000\s*FCFA/);
    expect(done.tokens ?? []).not.toContain(FORGED);
    expect(JSON.stringify(done.operations.deliver)).not.toContain(FORGED);
    // Without a signature no code in a body is Intech's word: the customer is told it follows, a person gets it.
    expect(seen).toMatch(/le code à saisir sur le compteur/);
    const missing = hh.alerter.alerts.filter((a) => a.kind === 'missing_tokens' && a.orderId === o.id);
    expect(missing).toHaveLength(1);
    expect(missing[0]!.message).not.toContain(FORGED);
    expect(hh.sim.control.stats().statusLookupViolations).toBe(0);
  });

  it('with HMAC the signed body is trusted: the tokens Intech signed reach the customer', async () => {
    const hh = await harness({ hmacSecret: 'hmac-secret-for-tests-0123456789' });
    hh.sim.control.script({ match: { codeService: WOYOFAL }, outcome: 'success', tokens: 1 });
    const o = await hh.placeOk(woyofal());
    const done = await hh.waitForState(o.id, 'completed');
    const dlv = hh.sim.control.transaction(`${o.id}-DLV`)!;
    expect(done.tokens).toEqual(dlv.tokens);
    const seen = shown(hh, o.id).join('\n').replace(/\s/g, '');
    expect(seen).toContain(dlv.tokens![0]!);
  });
});
