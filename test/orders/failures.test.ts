// Every failure the customer can meet, against the simulator over real HTTP: what Intech sees (no delivery
// without a payment, one refund at most) and what the customer and the admins are told.
import { afterEach, describe, expect, it } from 'vitest';
import { customerErrorMessage } from '../../src/i18n/intech-errors.js';
import { errorTypeFor } from '../../src/sandbox/simulator/index.js';
import { airtime, CUSTOMER, type Harness, type HarnessOptions, startHarness } from './harness.js';

let h: Harness | undefined;
async function harness(opts: HarnessOptions = {}) {
  h = await startHarness(opts);
  return h;
}
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const COLLECT = 'ORANGE_SN_API_CASH_OUT';

describe('collect refused', () => {
  it.each([
    [1, 'reject'],
    [2, 'failure'],
    [2, 'reject'],
    [3, 'failure'],
    [5, 'failure'],
    [11, 'failure'],
    [14, 'reject'],
    [17, 'failure'],
    [19, 'failure'],
    [28, 'reject'],
    [37, 'failure'],
    [null, 'reject'],
  ] as const)(
    'error id %s (%s): order fails, nothing delivered, customer told why',
    async (errorId, outcome) => {
      const hh = await harness();
      hh.sim.control.script({ match: { codeService: COLLECT }, outcome, errorId });
      const o = await hh.placeOk(airtime({ lang: 'en' }));
      const failed = await hh.waitForState(o.id, 'collect_failed');
      expect(failed.operations.collect?.status).toBe('failed');
      expect(hh.simTxs(o.id).map((t) => t.externalTransactionId)).toEqual([`${o.id}-COL`]);
      const simError = hh.sim.control.transaction(`${o.id}-COL`)!.errorType;
      if (errorId !== null) expect(simError?.id).toBe(errorId);
      expect(failed.operations.collect?.errorType?.code).toBe(simError?.code);
      const expected = customerErrorMessage(simError, 'en', { amount: 1000, charged: false });
      await hh.waitFor(() => hh.notifier.texts(CUSTOMER).some((t) => t.includes(expected)), 'error message');
      expect(hh.notifier.texts(CUSTOMER).find((t) => t.includes(expected))).toContain(o.id);
      expect(hh.sim.control.whatsappMessages()).toHaveLength(0);
    },
  );

  it('payment timeout: the customer never validates, told in their language, nothing delivered', async () => {
    const hh = await harness({ sim: { autoApprove: false, paymentTimeoutMs: 300 } });
    const o = await hh.placeOk(airtime({ lang: 'fr' }));
    const failed = await hh.waitForState(o.id, 'collect_failed');
    expect(failed.operations.collect?.errorType?.code).toBe('payment-timeout');
    const expected = customerErrorMessage(errorTypeFor(4, COLLECT, 1000), 'fr', {
      amount: 1000,
      charged: false,
    });
    await hh.waitFor(() => hh.notifier.texts(CUSTOMER).some((t) => t.includes(expected)), 'timeout message');
    expect(hh.simTxs(o.id)).toHaveLength(1);
  });

  it('payment service unreachable: not charged, told to retry', async () => {
    const hh = await harness();
    await hh.sim.close(); // connection refused: provably not sent
    const r = await hh.service!.place(airtime());
    // The balance check cannot run either: refused before anything is taken.
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toBe('service_unavailable');
      expect(r.message).toMatch(/pas été débité/);
    }
  });
});

describe('delivery refused', () => {
  it.each(['failure', 'reject'] as const)(
    '%s: refunded once, customer told in their language',
    async (outcome) => {
      const hh = await harness();
      hh.sim.control.script({
        match: { codeService: 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE' },
        outcome,
        errorId: 29,
      });
      const o = await hh.placeOk(airtime({ lang: 'en' }));
      const done = await hh.waitForState(o.id, 'refunded');
      expect(done.operations.refund?.status).toBe('success');
      const col = hh.sim.control.transaction(`${o.id}-COL`)!;
      expect(col.status).toBe('REFUNDED');
      const dlv = hh.sim.control.transaction(`${o.id}-DLV`)!;
      expect(dlv.status).toBe('FAILLED');
      const refundCalls = hh.sim.control
        .log()
        .filter((e) => e.kind === 'request' && e.path.includes('refund-cancel'));
      expect(refundCalls).toHaveLength(1);
      await hh.waitFor(() => hh.notifier.texts(CUSTOMER).some((t) => /refunded/.test(t)), 'refund message');
      expect(hh.notifier.texts(CUSTOMER).find((t) => /refunded/.test(t))).toContain(o.id);
      expect(hh.sim.control.whatsappMessages()).toHaveLength(0); // no receipt for a failed delivery
    },
  );

  it('refund refused: claim opened, admins alerted, customer told a person is on it', async () => {
    const hh = await harness();
    hh.sim.control.script({
      match: { codeService: 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE' },
      outcome: 'failure',
      errorId: 29,
      delayMs: 500,
    });
    const o = await hh.placeOk(airtime({ lang: 'fr' }));
    await hh.waitForState(o.id, 'delivering');
    // The merchant balance is drained meanwhile: the refund will be refused.
    hh.sim.control.setBalance(-1);
    const done = await hh.waitForState(o.id, 'needs_human');
    expect(done.operations.refund?.status).toBe('failed');
    expect(hh.sim.control.claims()).toHaveLength(1);
    expect(done.claimRef).toBe(hh.sim.control.claims()[0]!.claimRef);
    expect(hh.sim.control.claims()[0]!.transactionId).toBe(
      hh.sim.control.transaction(`${o.id}-COL`)!.transactionId,
    );
    expect(hh.alerter.alerts.some((a) => a.kind === 'refund_failed' && a.orderId === o.id)).toBe(true);
    const told = hh.notifier.texts(CUSTOMER).find((t) => /Une personne de notre équipe/.test(t));
    expect(told).toContain(done.claimRef!);
  });
});

describe('merchant balance', () => {
  it('too low: refused before collecting, customer told not charged, admins alerted', async () => {
    const hh = await harness({ sim: { merchantBalance: 500 } });
    const r = await hh.service!.place(airtime({ lang: 'en' }));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toBe('merchant_balance');
      expect(r.message).toMatch(/not charged/);
    }
    expect(hh.sim.control.transactions()).toHaveLength(0);
    expect(hh.alerter.alerts.map((a) => a.kind)).toContain('merchant_balance');
  });

  it('counts deliveries still owed by open orders', async () => {
    const hh = await harness({ sim: { merchantBalance: 1500, autoApprove: false } });
    const first = await hh.service!.place(airtime());
    expect(first.ok).toBe(true);
    const second = await hh.service!.place(airtime({ recipient: '+221771112244' }));
    expect(second.ok).toBe(false);
    if (!second.ok) expect(second.reason).toBe('merchant_balance');
    expect(
      hh.sim.control.transactions().filter((t) => t.externalTransactionId.endsWith('-COL')),
    ).toHaveLength(1);
  });
});

describe('receipt', () => {
  it('Intech cannot deliver the WhatsApp receipt: sent through the chat instead (text + image)', async () => {
    const customer = '+221771000000'; // the simulator has no WhatsApp account for *000000
    const hh = await harness();
    const o = await hh.placeOk(
      airtime({ customerId: customer, payment: { codeService: COLLECT, payer: customer } }),
    );
    const done = await hh.waitForState(o.id, 'completed');
    expect(done.receiptVia).toBe('chat');
    expect(hh.notifier.images(customer)).toHaveLength(1);
    expect(hh.notifier.texts(customer).some((t) => t.includes(o.id))).toBe(true);
  });

  it('slow orders: the customer is told once', async () => {
    const hh = await harness({ sim: { autoApprove: false }, config: { slowNoticeAfterMs: 150 } });
    const o = await hh.placeOk(airtime());
    await hh.waitFor(
      () => hh.notifier.texts(CUSTOMER).some((t) => /attendons toujours/.test(t)),
      'slow notice',
    );
    await new Promise((r) => setTimeout(r, 400));
    expect(hh.notifier.texts(CUSTOMER).filter((t) => /attendons toujours/.test(t))).toHaveLength(1);
    hh.sim.control.approve(hh.sim.control.transaction(`${o.id}-COL`)!.transactionId);
    await hh.waitForState(o.id, 'completed');
  });
});

describe('invalid orders', () => {
  it.each([
    ['zero amount', { amount: 0 }],
    ['kind does not match the service', { kind: 'bill_pay' as const }],
    ['not a wallet', { payment: { codeService: 'ORANGE_SN_API_CASH_IN', payer: CUSTOMER } }],
    ['no recipient', { recipient: undefined }],
    ['recipient not in E.164', { recipient: '77 123 45 67' }],
    ['recipient is a fixed line', { recipient: '+221338211234' }],
    ['payer not in E.164', { payment: { codeService: 'WAVE_SN_API_CASH_OUT', payer: '771234567' } }],
    ['payer is a WhatsApp lid', { payment: { codeService: 'WAVE_SN_API_CASH_OUT', payer: '12345@lid' } }],
  ])('%s: refused, nothing stored or sent', async (_what, over) => {
    const hh = await harness();
    const r = await hh.service!.place(airtime({ lang: 'en', ...over }));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toBe('invalid');
      expect(r.message).toMatch(/nothing was charged/);
    }
    expect(await hh.store.orders.list({})).toHaveLength(0);
    expect(hh.sim.control.transactions()).toHaveLength(0);
  });
});

describe('chat channel down', () => {
  it('the chat receipt waits in the outbox while the channel fails, then reaches the customer once', async () => {
    const hh = await harness({ config: { receiptVia: 'chat' } });
    hh.notifier.failing = true;
    const o = await hh.placeOk(airtime());
    // Handed to the durable outbox: the order is done, the receipt is the drainer's to send.
    const done = await hh.waitForState(o.id, 'completed');
    expect(done.operations.deliver?.status).toBe('success');
    // The chat's first message is retried; the ones behind it (the receipt) wait their turn.
    await hh.waitFor(
      async () => (await hh.store.outbox.list({ chat: CUSTOMER, limit: 20 })).some((m) => m.attempts >= 2),
      'a message retried while the channel fails',
    );
    expect((await hh.store.outbox.get(`${o.id}:receipt`))?.state).toBe('pending');
    expect(hh.notifier.images(CUSTOMER)).toHaveLength(0);
    hh.notifier.failing = false;
    await hh.waitFor(() => hh.notifier.images(CUSTOMER).length === 1, 'the receipt image');
    await new Promise((r) => setTimeout(r, 100));
    expect(hh.notifier.images(CUSTOMER)).toHaveLength(1);
    const receipt = (await hh.store.outbox.get(`${o.id}:receipt`))!;
    expect(receipt.state).toBe('sent');
    // Once sent, the embedded store keeps the row, not the words: the customer's side says what was sent.
    const receipts = hh.notifier.texts(CUSTOMER).filter((t) => /Reçu de paiement/.test(t));
    expect(receipts).toHaveLength(1);
    expect(receipts[0]).toContain(o.id);
  });
});
