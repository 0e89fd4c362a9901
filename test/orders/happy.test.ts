// Happy paths against the simulator over real HTTP: each ends with exactly one receipt (text + image).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { airtime, CUSTOMER, type Harness, startHarness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

function receipts(orderId: string) {
  return h.sim.control.whatsappMessages().filter((m) => m.message.includes(orderId));
}

async function expectOneReceipt(orderId: string) {
  await h.waitFor(() => receipts(orderId).length > 0, 'receipt');
  const order = await h.waitForState(orderId, 'completed');
  const rs = receipts(orderId);
  expect(rs).toHaveLength(1);
  expect(rs[0]!.phone).toBe(CUSTOMER);
  expect(rs[0]!.media?.extension).toBe('.png');
  const png = Buffer.from(rs[0]!.media!.base64, 'base64');
  expect(png.subarray(1, 4).toString()).toBe('PNG');
  const txs = h.simTxs(orderId);
  expect(txs.filter((t) => t.externalTransactionId.endsWith('-DLV'))).toHaveLength(1);
  expect(txs.filter((t) => t.externalTransactionId.endsWith('-COL'))).toHaveLength(1);
  expect(h.sim.control.stats().statusLookupViolations).toBe(0);
  return order;
}

describe('happy paths', () => {
  it.each([
    ['ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE', '+221771112233', '771112233'],
    ['FREE_SN_AIRTIME_CREDIT_TELEPHONIQUE', '+221761112233', '761112233'],
    ['EXPRESSO_SN_AIRTIME_CREDIT_TELEPHONIQUE', '+221701112233', '701112233'],
  ])('airtime %s', async (codeService, recipient, national) => {
    const o = await h.placeOk(airtime({ codeService, recipient }));
    expect(o.state).toBe('collecting');
    const done = await expectOneReceipt(o.id);
    const dlv = h.simTxs(o.id).find((t) => t.externalTransactionId === `${o.id}-DLV`)!;
    expect(dlv.phone).toBe(national);
    expect(dlv.codeService).toBe(codeService);
    expect(dlv.amount).toBe(1000);
    const col = h.simTxs(o.id).find((t) => t.externalTransactionId === `${o.id}-COL`)!;
    expect(col.phone).toBe('771234567');
    expect(done.operations.deliver?.status).toBe('success');
    // Orange Money: told how to validate, then that the payment came in.
    const texts = h.notifier.texts(CUSTOMER).join('\n');
    expect(texts).toMatch(/#144#/);
    expect(texts).toMatch(/Paiement de 1 000 FCFA reçu/);
  });

  it("airtime in Côte d'Ivoire (MTN, paid with MTN MoMo)", async () => {
    const o = await h.placeOk(
      airtime({
        customerId: '+2250501020304',
        codeService: 'MTN_CI_AIRTIME_CREDIT_TELEPHONIQUE',
        recipient: '+2250505060708',
        payment: { codeService: 'MTN_CI_API_CASH_OUT', payer: '+2250501020304' },
      }),
    );
    await h.waitForState(o.id, 'completed');
    const dlv = h.simTxs(o.id).find((t) => t.externalTransactionId.endsWith('-DLV'))!;
    expect(dlv.phone).toBe('0505060708');
    const rs = h.sim.control.whatsappMessages('+2250501020304');
    expect(rs).toHaveLength(1);
  });

  it('Wave: the payment link is sent in the chat, paid, then delivered', async () => {
    await h.close();
    h = await startHarness({ sim: { autoApprove: false } });
    const o = await h.placeOk(
      airtime({ payment: { codeService: 'WAVE_SN_API_CASH_OUT', payer: '+221771234567' } }),
    );
    const link = await h.waitFor(
      () => h.notifier.texts(CUSTOMER).find((t) => /https?:\/\/\S+/.test(t)),
      'payment link message',
    );
    expect(link).toMatch(/1 000 FCFA/);
    const col = h.simTxs(o.id).find((t) => t.externalTransactionId.endsWith('-COL'))!;
    expect(link).toContain(String(col.extras.deepLinkUrl));
    expect((await h.store.orders.get(o.id))!.state).toBe('collecting');
    expect(h.sim.control.approve(col.transactionId)).toBe(true);
    await expectOneReceipt(o.id);
  });

  it('Woyofal with signed callbacks (HMAC): tokens from the callback end up on the order and the receipt', async () => {
    await h.close();
    h = await startHarness({ hmacSecret: 'hmac-secret-for-tests-0123456789' });
    h.sim.control.script({ match: { codeService: 'WOYOFAL_SN_BILL_RELOAD' }, outcome: 'success', tokens: 3 });
    const o = await h.placeOk({
      customerId: CUSTOMER,
      lang: 'en',
      kind: 'bill_reload',
      codeService: 'WOYOFAL_SN_BILL_RELOAD',
      amount: 5000,
      account: '14123456789',
      payment: { codeService: 'ORANGE_SN_API_CASH_OUT', payer: '+221771234567' },
    });
    const done = await expectOneReceipt(o.id);
    const dlv = h.simTxs(o.id).find((t) => t.externalTransactionId.endsWith('-DLV'))!;
    expect(dlv.accountNumber).toBe('14123456789');
    expect(done.tokens).toEqual(dlv.tokens);
    expect(done.tokens).toHaveLength(3);
    const text = receipts(o.id)[0]!.message.replace(/\s/g, '');
    for (const t of dlv.tokens!) expect(text).toContain(t);
  });

  it('Woyofal without HMAC: an unsigned body is no proof of its code, so a person sends it', async () => {
    h.sim.control.script({ match: { codeService: 'WOYOFAL_SN_BILL_RELOAD' }, outcome: 'success', tokens: 1 });
    const o = await h.placeOk({
      customerId: CUSTOMER,
      lang: 'en',
      kind: 'bill_reload',
      codeService: 'WOYOFAL_SN_BILL_RELOAD',
      amount: 5000,
      account: '14123456789',
      payment: { codeService: 'ORANGE_SN_API_CASH_OUT', payer: '+221771234567' },
    });
    const done = await expectOneReceipt(o.id);
    const dlv = h.simTxs(o.id).find((t) => t.externalTransactionId.endsWith('-DLV'))!;
    expect(done.tokens).toBeUndefined();
    expect(receipts(o.id)[0]!.message.replace(/\s/g, '')).not.toContain(dlv.tokens![0]!);
    expect(h.notifier.texts(CUSTOMER).some((t) => /code to enter on the meter/.test(t))).toBe(true);
  });

  it('Senelec: bills listed, one picked, paid with its billReference', async () => {
    const bills = await h.service!.lookupBills('SENELEC_SN_BILL_PAY', '21050176023', 'fr');
    if (!bills.ok) throw new Error(bills.message);
    expect(bills.bills.length).toBe(2);
    const pick = bills.bills[1]!;
    const o = await h.placeOk({
      customerId: CUSTOMER,
      lang: 'wo',
      kind: 'bill_pay',
      codeService: 'SENELEC_SN_BILL_PAY',
      amount: pick.amount,
      account: '21050176023',
      billReference: pick.billReference,
      billInfo: pick.infos,
      payment: { codeService: 'FREE_SN_WALLET_CASH_OUT', payer: '+221761234567' },
    });
    await expectOneReceipt(o.id);
    const dlv = h.simTxs(o.id).find((t) => t.externalTransactionId.endsWith('-DLV'))!;
    expect(dlv.billReference).toBe(pick.billReference);
    expect(dlv.accountNumber).toBe('21050176023');
    expect(dlv.amount).toBe(pick.amount);
  });

  it('lookupBills: none, blocked by an older bill', async () => {
    const none = await h.service!.lookupBills('SENELEC_SN_BILL_PAY', '21050176000', 'en');
    expect(none.ok).toBe(false);
    const blocked = await h.service!.lookupBills('SENELEC_SN_BILL_PAY', '21050176099', 'fr');
    expect(blocked.ok).toBe(false);
    if (!blocked.ok) expect(blocked.message).toMatch(/ancienne/);
  });

  it('receipt through the chat when configured so: text and image', async () => {
    await h.close();
    h = await startHarness({ config: { receiptVia: 'chat' } });
    const o = await h.placeOk(airtime());
    await h.waitForState(o.id, 'completed');
    expect(h.sim.control.whatsappMessages()).toHaveLength(0);
    expect(h.notifier.images(CUSTOMER)).toHaveLength(1);
    expect(h.notifier.texts(CUSTOMER).filter((t) => t.includes(o.id)).length).toBeGreaterThan(0);
  });
});
