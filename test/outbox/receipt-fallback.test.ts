// WhatsApp refuses a chat receipt after accepting it (messages.update ERROR 463, the recipient's privacy
// token missing): the receipt goes once through Intech's WHATSAPP_MESSAGING, and the order's timeline
// shows the error and the resend. The real WhatsApp channel on a fake Baileys socket, the simulator.
import { proto } from '@whiskeysockets/baileys';
import { afterEach, describe, expect, it } from 'vitest';
import { orderTimeline } from '../../src/admin/timeline.js';
import { createWhatsAppChannel } from '../../src/channels/whatsapp/index.js';
import { silentLogger } from '../../src/logger.js';
import { createDeliveryTracker } from '../../src/outbox/delivery.js';
import { receiptResendRoute } from '../../src/orders/receipt-resend.js';
import type { OrderService } from '../../src/orders/service.js';
import type { Order } from '../../src/orders/types.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { ack, fakeFactory, settle } from '../channels/whatsapp/fake-socket.js';
import { makeCustomer, putCustomer } from '../store/fixtures.js';
import { airtime, CUSTOMER, type Harness, startHarness } from '../orders/harness.js';

const JID = '221771234567@s.whatsapp.net';
let hh: Harness | undefined;
let stopChannel: (() => Promise<void>) | undefined;
afterEach(async () => {
  await hh?.close();
  await stopChannel?.();
  hh = undefined;
});

async function setup(receiptVia: 'chat' | 'intech' = 'chat') {
  const store = createMemoryStore();
  const f = fakeFactory();
  let service: OrderService | undefined;
  const delivery = createDeliveryTracker({
    outbox: store.outbox,
    // As src/bot.ts wires it.
    onError: async (m, error) => {
      if (m.kind === 'receipt' && m.orderId) await service?.receiptNotDelivered(m.orderId, m.chat, error);
    },
  });
  const channel = createWhatsAppChannel({
    kv: store.kv,
    dedupe: store.dedupe,
    logger: silentLogger,
    socketFactory: f.factory,
    sleep: async () => {},
    version: [2, 3000, 1],
    onDelivery: (u) => void delivery.handle(u),
  });
  await channel.start(async () => {});
  stopChannel = () => channel.stop();
  f.last.ev.emit('connection.update', { connection: 'open' });
  hh = await startHarness({ store, channel, config: { receiptVia } });
  service = hh.service!;
  return { hh, f, store };
}

describe('a receipt WhatsApp could not deliver', () => {
  it('463 on the receipt: resent once through Intech WHATSAPP_MESSAGING, and shown on the timeline', async () => {
    const { hh, f, store } = await setup();
    const o = await hh.placeOk(airtime());
    await hh.waitForState(o.id, 'completed');
    const receipt = await hh.waitFor(async () => {
      const [text, image] = await Promise.all([
        store.outbox.get(`${o.id}:receipt`),
        store.outbox.get(`${o.id}:receipt:image`),
      ]);
      return text?.state === 'sent' && image?.state === 'sent' ? { text, image } : undefined;
    }, 'the chat receipt sent');
    expect(f.last.sendMessage).toHaveBeenCalledWith(
      JID,
      expect.objectContaining({ caption: expect.stringContaining(o.id) }),
      { messageId: receipt.image.waMessageId },
    );
    expect(hh.sim.control.whatsappMessages()).toHaveLength(0);

    // WhatsApp accepted both, then refuses both: two errors, one fallback.
    ack(f.last, JID, receipt.text.waMessageId!, proto.WebMessageInfo.Status.SERVER_ACK);
    ack(f.last, JID, receipt.text.waMessageId!, proto.WebMessageInfo.Status.ERROR, '463');
    ack(f.last, JID, receipt.image.waMessageId!, proto.WebMessageInfo.Status.ERROR, '463');
    await settle();
    await hh.waitFor(() => hh.sim.control.whatsappMessages().length > 0, 'the receipt through Intech');
    await new Promise((r) => setTimeout(r, 300));
    // A late third error (a retry of WhatsApp's ack) changes nothing either.
    ack(f.last, JID, receipt.text.waMessageId!, proto.WebMessageInfo.Status.ERROR, '463');
    await settle();
    await new Promise((r) => setTimeout(r, 200));

    const viaIntech = hh.sim.control.whatsappMessages();
    expect(viaIntech).toHaveLength(1);
    expect(viaIntech[0]!.phone.replace(/\D/g, '')).toBe(CUSTOMER.replace(/\D/g, ''));
    expect(viaIntech[0]!.message).toContain(o.id);

    const after = (await store.orders.get(o.id))!;
    expect(after.events.filter((e) => e.type === 'receipt_undelivered')).toHaveLength(1);
    expect(after.operations.receipt?.codeService).toBe('WHATSAPP_MESSAGING');
    expect(await store.outbox.get(`${o.id}:receipt`)).toMatchObject({
      delivery: 'error',
      deliveryError: '463',
    });

    // The dashboard's timeline: the delivery error and the resend, in time order.
    const messages = await store.outbox.list({ orderId: o.id, limit: 50 });
    const callbacks = await store.callbacks.list(after.operations.receipt!.externalTransactionId);
    const timeline = orderTimeline(after, callbacks, messages);
    const labels = timeline.map((e) => e.label);
    expect(labels).toContain('receipt delivery error');
    expect(timeline.find((e) => e.label === 'receipt delivery error')?.detail).toMatch(/WhatsApp error 463/);
    expect(labels).toContain('receipt_undelivered');
    expect(timeline.find((e) => e.label === 'receipt_undelivered')?.detail).toMatch(/463; resent via intech/);
    expect(labels).toContain('receipt sent');
    expect(labels.indexOf('receipt delivery error')).toBeGreaterThan(labels.indexOf('receipt sent'));
  });
});

describe('a receipt refused after Intech already failed it', () => {
  it("goes once to the customer's LID address, in the LID chat", async () => {
    const { hh, f, store } = await setup('intech');
    const customer = '+221771000000'; // the simulator has no WhatsApp account for *000000
    const lid = '555000111@lid';
    await putCustomer(store, makeCustomer(customer, { aliases: [lid] }));
    const o = await hh.placeOk(
      airtime({ customerId: customer, payment: { codeService: 'WAVE_SN_API_CASH_OUT', payer: customer } }),
    );
    // Intech's receipt fails, the saga falls back to the chat: sent to the phone address.
    await hh.waitForState(o.id, 'completed');
    const sent = await hh.waitFor(async () => {
      const m = await store.outbox.get(`${o.id}:receipt`);
      return m?.state === 'sent' ? m : undefined;
    }, 'the chat receipt sent');
    const phoneJid = '221771000000@s.whatsapp.net';
    ack(f.last, phoneJid, sent.waMessageId!, proto.WebMessageInfo.Status.ERROR, '463');
    ack(f.last, phoneJid, sent.waMessageId!, proto.WebMessageInfo.Status.ERROR, '463');
    await hh.waitFor(
      async () => (await store.outbox.get(`${o.id}:receipt:lid`))?.state === 'sent',
      'to the LID',
    );
    await new Promise((r) => setTimeout(r, 200));
    const toLid = f.last.sendMessage.mock.calls.filter((c) => c[0] === lid);
    expect(toLid).toHaveLength(2); // the text and the image, once
    expect((toLid[0]![1] as { text: string }).text).toContain(o.id);
    const after = (await store.orders.get(o.id))!;
    expect(after.events.filter((e) => e.type === 'receipt_undelivered').map((e) => e.detail)).toEqual([
      'WhatsApp error 463; resent via lid',
    ]);
  });
});

describe('which way a refused receipt goes (pure)', () => {
  const base = { id: 'XB1', customerId: CUSTOMER, operations: {} } as unknown as Order;
  it('Intech when the customer has a number and no Intech receipt was tried for this order', () => {
    expect(receiptResendRoute(base, CUSTOMER, [])).toEqual({ via: 'intech', phone: CUSTOMER });
  });
  it('the LID address when Intech was used already and the phone address was the one refused', () => {
    const tried = { ...base, operations: { receipt: { step: 'receipt' } } } as unknown as Order;
    expect(receiptResendRoute(tried, CUSTOMER, ['123@lid'])).toEqual({ via: 'lid', chat: '123@lid' });
    expect(receiptResendRoute(tried, '123@lid', ['123@lid'])).toEqual({ via: 'none' });
    expect(receiptResendRoute(tried, CUSTOMER, [])).toEqual({ via: 'none' });
  });
  it('a LID-only customer: no number for Intech, nothing else to try', () => {
    expect(receiptResendRoute({ ...base, customerId: '123@lid' }, '123@lid', [])).toEqual({ via: 'none' });
  });
});
