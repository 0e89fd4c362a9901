import { beforeEach, describe, expect, it } from 'vitest';
import { createBroadcastService, OPT_OUT } from '../../src/admin/broadcasts.js';
import { createCatalogSync } from '../../src/admin/catalog-sync.js';
import { createAdminCommands, parseAdminCommand, parseBroadcastText } from '../../src/admin/commands.js';
import { createCatalog } from '../../src/catalog/catalog.js';
import type { InboundMessage } from '../../src/channels/channel.js';
import type { Order } from '../../src/orders/types.js';
import { createMemoryStore } from '../../src/store/index.js';
import { putCustomer } from '../store/fixtures.js';
import { text } from '../../src/outbox/outbox.js';
import {
  customer,
  fakeClock,
  fakeIntech,
  inlineOutbox,
  recordingChannel,
  SERVICES,
  seedSubscribers,
} from './helpers.js';

const ADMIN = '+221770000001';
const CUSTOMER = '+221760000002';

async function setup() {
  const store = createMemoryStore();
  const clock = fakeClock(Date.UTC(2026, 10, 29, 15, 0, 0));
  const catalog = await createCatalog({ kv: store.kv, services: SERVICES });
  const intech = fakeIntech({ balance: 123_450 });
  const channel = recordingChannel();
  const outbox = inlineOutbox(store, channel);
  const broadcasts = createBroadcastService({
    store,
    outbox,
    via: 'chat',
    perMinute: 600,
    sleep: clock.sleep,
    now: clock.now,
    onFinished: async (b, p) =>
      outbox.send([
        {
          id: `report:${b.id}`,
          chat: b.createdBy,
          kind: 'reply',
          payload: text(`report ${p.sent}/${p.total}`),
        },
      ]),
  });
  const sync = createCatalogSync({ catalog, intech, kv: store.kv, now: clock.now });
  const commands = createAdminCommands({
    store,
    catalog,
    intech,
    outbox,
    adminNumbers: [ADMIN],
    broadcasts,
    sync,
    now: clock.now,
  });
  await putCustomer(store, customer(CUSTOMER));
  let n = 0;
  const say = (from: string, text: string, phone: string | null = from): Promise<boolean> =>
    commands.handle({
      id: `m${++n}`,
      customerId: from,
      phone,
      text,
      at: clock.now(),
    } satisfies InboundMessage);
  return { store, catalog, intech, channel, broadcasts, sync, commands, say, clock };
}

function order(id: string, over: Partial<Order> = {}): Order {
  const at = Date.UTC(2026, 10, 29, 10, 0, 0);
  return {
    id,
    version: 1,
    customerId: CUSTOMER,
    lang: 'fr',
    kind: 'airtime',
    codeService: 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE',
    amount: 1000,
    recipient: '+221771234567',
    payment: { codeService: 'WAVE_SN_API_CASH_OUT', payer: CUSTOMER },
    state: 'completed',
    operations: {
      collect: {
        step: 'collect',
        externalTransactionId: `${id}-COL`,
        codeService: 'WAVE_SN_API_CASH_OUT',
        amount: 1000,
        status: 'success',
        intechStatus: 'SUCCESS',
        transactionId: 'TXC1',
        recordedAt: at,
        settledAt: at + 1000,
      },
    },
    events: [{ at, type: 'created' }],
    createdAt: at,
    updatedAt: at,
    ...over,
  };
}

let t: Awaited<ReturnType<typeof setup>>;
beforeEach(async () => {
  t = await setup();
});

describe('admin commands from a customer reveal nothing', () => {
  const commands = [
    'aide',
    'help',
    'sync',
    'diff',
    'solde',
    'balance',
    'stats',
    'today',
    'desactiver WOYOFAL_SN_BILL_RELOAD',
    'disable woyofal',
    'activer WOYOFAL_SN_BILL_RELOAD',
    'commande XB000001',
    'order XB000001',
    `pause ${CUSTOMER}`,
    `reprendre ${CUSTOMER}`,
    `resume ${CUSTOMER}`,
    'diffuser Bonjour',
    'broadcast Hello',
    'envoyer',
    'send',
    'annuler diffusion',
    'progress',
  ];
  it.each(commands)('"%s" from a customer is not handled and has no effect', async (text) => {
    await t.store.orders.create(order('XB000001'));
    const intechCalls = { services: 0, balance: 0 };
    const list = t.intech.listServices;
    t.intech.listServices = async () => {
      intechCalls.services++;
      return list();
    };
    const bal = t.intech.getBalance;
    t.intech.getBalance = async () => {
      intechCalls.balance++;
      return bal();
    };
    expect(await t.say(CUSTOMER, text)).toBe(false);
    expect(t.channel.sent).toHaveLength(0);
    expect(intechCalls).toEqual({ services: 0, balance: 0 });
    expect(t.catalog.isAvailable('WOYOFAL_SN_BILL_RELOAD')).toBe(true);
    expect((await t.store.customers.get(CUSTOMER))?.paused).toBe(false);
    expect(await t.store.broadcasts.list(100)).toHaveLength(0);
  });

  it('a customer whose WhatsApp id is not the admin phone is not an admin, even with the admin name in the text', async () => {
    expect(await t.say('lid:1@lid', `pause ${ADMIN}`, null)).toBe(false);
    expect(t.channel.sent).toHaveLength(0);
  });
});

describe('admin commands from an admin', () => {
  it('help lists the commands', async () => {
    expect(await t.say(ADMIN, 'aide')).toBe(true);
    expect(t.channel.last(ADMIN)).toContain('sync');
    expect(t.channel.last(ADMIN)).toContain('diffuser');
  });

  it('an admin message that is not a command goes to the normal conversation', async () => {
    expect(await t.say(ADMIN, 'credit 1000 77 123 45 67')).toBe(false);
    expect(t.channel.sent).toHaveLength(0);
  });

  it('recognises an admin by phone even when the customer id is a WhatsApp lid', async () => {
    expect(await t.say('lid:5@lid', 'solde', ADMIN)).toBe(true);
    expect(t.channel.last('lid:5@lid')).toContain('123 450 FCFA');
  });

  it('sync and diff report the catalog changes', async () => {
    t.intech.services = [
      ...SERVICES.filter((s) => s.codeService !== 'RAPIDO_SN_BILL_RELOAD'),
      {
        name: 'Moov',
        codeService: 'MOOV_CI_AIRTIME_CREDIT_TELEPHONIQUE',
        typeOperation: 'DEBIT',
        typeService: 'CREDIT_TELEPHONIQUE',
      },
    ];
    expect(await t.say(ADMIN, 'diff')).toBe(true);
    expect(t.channel.last(ADMIN)).toMatch(/no sync yet/);
    expect(await t.say(ADMIN, 'sync')).toBe(true);
    const reply = t.channel.last(ADMIN);
    expect(reply).toContain('MOOV_CI_AIRTIME_CREDIT_TELEPHONIQUE');
    expect(reply).toContain('RAPIDO_SN_BILL_RELOAD');
    expect(reply).toContain('diffuser annonce');
    expect(t.catalog.get('MOOV_CI_AIRTIME_CREDIT_TELEPHONIQUE')).toBeDefined();
    expect(await t.say(ADMIN, 'diff')).toBe(true);
    expect(t.channel.last(ADMIN)).toContain('MOOV_CI_AIRTIME_CREDIT_TELEPHONIQUE');
  });

  it('balance shows the merchant balance, or says it is unavailable', async () => {
    expect(await t.say(ADMIN, 'Solde')).toBe(true);
    expect(t.channel.last(ADMIN)).toContain('123 450 FCFA');
    t.intech.balanceFails = true;
    expect(await t.say(ADMIN, 'balance')).toBe(true);
    expect(t.channel.last(ADMIN)).toMatch(/indisponible|unavailable/);
  });

  it("today's figures: orders, volume, failures, refunds pending", async () => {
    await t.store.orders.create(order('XB000001', { amount: 1000 }));
    await t.store.orders.create(order('XB000002', { amount: 2500, state: 'delivered' }));
    await t.store.orders.create(order('XB000003', { amount: 700, state: 'refunded' }));
    await t.store.orders.create(order('XB000004', { amount: 300, state: 'needs_human' }));
    // Yesterday's order waiting for a refund still counts as pending; its volume does not count today.
    await t.store.orders.create(
      order('XB000005', { amount: 9000, state: 'refunding', createdAt: Date.UTC(2026, 10, 28, 10, 0, 0) }),
    );
    expect(await t.say(ADMIN, 'stats')).toBe(true);
    const r = t.channel.last(ADMIN);
    expect(r).toContain('orders: 4');
    expect(r).toContain('3 500 FCFA');
    expect(r).toContain('failures: 2');
    expect(r).toContain('refunds pending: 2');
  });

  it('disable and enable a service by code or by a unique part of it', async () => {
    expect(await t.say(ADMIN, 'désactiver woyofal')).toBe(true);
    expect(t.catalog.isAvailable('WOYOFAL_SN_BILL_RELOAD')).toBe(false);
    expect(t.channel.last(ADMIN)).toContain('WOYOFAL_SN_BILL_RELOAD');
    expect(await t.say(ADMIN, 'enable WOYOFAL_SN_BILL_RELOAD')).toBe(true);
    expect(t.catalog.isAvailable('WOYOFAL_SN_BILL_RELOAD')).toBe(true);
    expect(await t.say(ADMIN, 'disable AIRTIME')).toBe(true);
    expect(t.channel.last(ADMIN)).toMatch(/several match/);
    expect(t.catalog.isAvailable('ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE')).toBe(true);
    expect(await t.say(ADMIN, 'disable NOPE_XYZ')).toBe(true);
    expect(t.channel.last(ADMIN)).toMatch(/unknown service/);
  });

  it('shows an order by reference', async () => {
    await t.store.orders.create(order('XB7K2M9Q'));
    expect(await t.say(ADMIN, 'commande xb7k2m9q')).toBe(true);
    const r = t.channel.last(ADMIN);
    expect(r).toContain('XB7K2M9Q');
    expect(r).toContain('completed');
    expect(r).toContain('1 000 FCFA');
    expect(r).toContain('77 123 45 67');
    expect(r).toContain('collect: success');
    expect(await t.say(ADMIN, 'order XBNOPE00')).toBe(true);
    expect(t.channel.last(ADMIN)).toMatch(/not found/);
  });

  it('pauses and resumes the bot for one customer', async () => {
    expect(await t.say(ADMIN, 'pause 76 000 00 02')).toBe(true);
    expect((await t.store.customers.get(CUSTOMER))?.paused).toBe(true);
    expect(await t.say(ADMIN, `reprendre ${CUSTOMER}`)).toBe(true);
    expect((await t.store.customers.get(CUSTOMER))?.paused).toBe(false);
    await putCustomer(t.store, customer('lid:42@lid'));
    expect(await t.say(ADMIN, 'pause lid:42@lid')).toBe(true);
    expect((await t.store.customers.get('lid:42@lid'))?.paused).toBe(true);
    expect(await t.say(ADMIN, 'pause +221781111111')).toBe(true);
    expect(t.channel.last(ADMIN)).toMatch(/unknown customer/);
  });

  it('broadcast: preview first, nothing sent until "envoyer", then a report', async () => {
    const subs = await seedSubscribers(t.store, 3, (i) => ({ lang: i === 0 ? 'en' : 'fr' }));
    expect(await t.say(ADMIN, 'diffuser Promo ce soir\nen: Promo tonight')).toBe(true);
    const preview = t.channel.last(ADMIN);
    expect(preview).toContain('Aperçu');
    expect(preview).toContain('4 abonné');
    expect(preview).toContain('Promo tonight');
    for (const s of subs) expect(t.channel.texts(s)).toEqual([]);

    expect(await t.say(ADMIN, 'envoyer')).toBe(true);
    const [b] = await t.store.broadcasts.list(100);
    await t.broadcasts.settled(b!.id);
    expect(t.channel.texts(subs[0])).toEqual([`Promo tonight\n\n${OPT_OUT.en}`]);
    expect(t.channel.texts(subs[1])).toEqual([`Promo ce soir\n\n${OPT_OUT.fr}`]);
    expect(t.channel.texts(CUSTOMER)).toEqual([`Promo ce soir\n\n${OPT_OUT.fr}`]);
    expect(t.channel.texts(ADMIN)).toContain('report 4/4');
    expect(await t.say(ADMIN, 'progress')).toBe(true);
    expect(t.channel.last(ADMIN)).toContain('100%');
    // "send" again: no draft pending, nothing resent.
    expect(await t.say(ADMIN, 'send')).toBe(true);
    expect(t.channel.texts(subs[1])).toHaveLength(1);
  });

  it('broadcast: a draft can be discarded', async () => {
    await seedSubscribers(t.store, 2);
    expect(await t.say(ADMIN, 'broadcast Hello')).toBe(true);
    expect(await t.say(ADMIN, 'annuler diffusion')).toBe(true);
    expect(t.channel.last(ADMIN)).toMatch(/discarded/);
    expect(await t.say(ADMIN, 'send')).toBe(true);
    expect(t.channel.last(ADMIN)).toMatch(/nothing to send/);
    expect(t.channel.sent.filter((m) => m.to !== ADMIN)).toHaveLength(0);
  });

  it('broadcast: the catalog announcement can be previewed and sent', async () => {
    t.intech.services = [
      ...SERVICES,
      {
        name: 'Moov',
        codeService: 'MOOV_CI_AIRTIME_CREDIT_TELEPHONIQUE',
        typeOperation: 'DEBIT',
        typeService: 'CREDIT_TELEPHONIQUE',
      },
    ];
    await t.say(ADMIN, 'sync');
    expect(await t.say(ADMIN, 'diffuser annonce')).toBe(true);
    expect(t.channel.last(ADMIN)).toContain('Moov');
    expect(t.channel.last(ADMIN)).toContain('[wo]');
    await t.say(ADMIN, 'envoyer');
    const [b] = await t.store.broadcasts.list(100);
    await t.broadcasts.settled(b!.id);
    expect(t.channel.last(CUSTOMER)).toContain('Moov');
  });

  it('cancels a running broadcast', async () => {
    await seedSubscribers(t.store, 20);
    let cancelled = false;
    t.channel.afterSend = async () => {
      if (!cancelled && t.channel.sent.filter((m) => m.to !== ADMIN).length === 3) {
        cancelled = true;
        void t.say(ADMIN, 'cancel broadcast');
      }
    };
    await t.say(ADMIN, 'diffuser Promo');
    await t.say(ADMIN, 'envoyer');
    const [b] = await t.store.broadcasts.list(100);
    await t.broadcasts.settled(b!.id);
    await new Promise((r) => setTimeout(r, 20));
    const p = await t.broadcasts.progress(b!.id);
    expect(p?.state).toBe('cancelled');
    expect(p!.left).toBeGreaterThan(0);
    expect(p!.sent + p!.left).toBe(21);
    expect(t.channel.texts(ADMIN).some((x) => /cancelled/.test(x))).toBe(true);
  });
});

describe('redelivery', () => {
  it('a command redelivered by the channel (same message id) runs once', async () => {
    await seedSubscribers(t.store, 2);
    const msg = (id: string, text: string) => ({
      id,
      customerId: ADMIN,
      phone: ADMIN,
      text,
      at: t.clock.now(),
    });
    expect(await t.commands.handle(msg('w1', 'diffuser Promo'))).toBe(true);
    expect(await t.commands.handle(msg('w2', 'envoyer'))).toBe(true);
    expect(await t.commands.handle(msg('w2', 'envoyer'))).toBe(true);
    const list = await t.store.broadcasts.list(100);
    expect(list).toHaveLength(1);
    await t.broadcasts.settled(list[0]!.id);
    expect(t.channel.texts(ADMIN).filter((x) => x.includes('broadcast started'))).toHaveLength(1);
    expect(t.channel.texts(ADMIN).some((x) => /nothing to send/.test(x))).toBe(false);
  });
});

describe('parseAdminCommand', () => {
  it('reads French and English keywords, accents and case aside', () => {
    expect(parseAdminCommand('  AIDE ')).toEqual({ kind: 'help' });
    expect(parseAdminCommand('Désactiver woyofal')).toEqual({
      kind: 'enable',
      code: 'woyofal',
      enabled: false,
    });
    expect(parseAdminCommand('order xb7k2m9q')).toEqual({ kind: 'order', id: 'XB7K2M9Q' });
    expect(parseAdminCommand('reprendre +221 77 123 45 67')).toEqual({
      kind: 'pause',
      phone: '+221 77 123 45 67',
      paused: false,
    });
    expect(parseAdminCommand('diffuser Annonce')).toMatchObject({ kind: 'broadcast', announcement: true });
    expect(parseAdminCommand('Annuler diffusion')).toEqual({ kind: 'cancel' });
  });
  it('leaves customer phrases alone', () => {
    for (const text of [
      'credit 1000',
      'oui',
      'annuler',
      'commande',
      'pause',
      'stop',
      'diffuser',
      'order my airtime please',
    ])
      expect(parseAdminCommand(text), text).toBeNull();
  });
});

describe('parseBroadcastText', () => {
  it('splits languages and requires French', () => {
    expect(parseBroadcastText('Salut\nen: Hi\nwo: Salaam')).toEqual({ fr: 'Salut', en: 'Hi', wo: 'Salaam' });
    expect(parseBroadcastText('en: Hi only')).toBeNull();
  });
});
