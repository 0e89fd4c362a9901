// Admin alerts by two paths: the durable outbox while the chat works, Intech's WHATSAPP_MESSAGING when
// it does not (and always for "WhatsApp is down"); once per key.
import { describe, expect, it } from 'vitest';
import { alertExtId, createAdminAlerter, isAlertExtId } from '../../src/admin/alerter.js';
import { IntechTransportError } from '../../src/intech/errors.js';
import { silentLogger } from '../../src/logger.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { fakeClock, fakeIntech } from './helpers.js';

const ADMINS = ['+221770000001', '+221770000002'];

function setup(opts: { connected?: boolean; intech?: boolean } = {}) {
  const store = createMemoryStore();
  const clock = fakeClock();
  const intech = fakeIntech();
  const health = { connected: opts.connected ?? true, detail: 'open' };
  let ids = 0;
  const alerter = createAdminAlerter({
    store,
    channel: () => ({ health: () => health }),
    adminNumbers: ADMINS,
    ...(opts.intech === false ? {} : { intech }),
    callbackUrl: 'http://127.0.0.1:1/intech/callback',
    logger: silentLogger,
    now: clock.now,
    newId: () => `id${++ids}`,
  });
  return { store, clock, intech, health, alerter };
}

describe('admin alerter', () => {
  it('chat up: dashboard + one outbox message per admin, nothing through Intech', async () => {
    const { store, intech, alerter, clock } = setup();
    await alerter.alert('refund_failed', 'Remboursement refusé', 'XB7K2M9Q');
    expect(intech.ops).toEqual([]);
    const alerts = await store.alerts.list();
    expect(alerts).toMatchObject([
      { id: 'id1', kind: 'refund_failed', orderId: 'XB7K2M9Q', resolved: false },
    ]);
    const rows = await store.outbox.list({ limit: 10 });
    expect(rows.map((r) => [r.chat, r.kind, r.payload]).sort()).toEqual(
      ADMINS.map((a) => [
        a,
        'alert',
        { type: 'text', text: '⚠️ *refund_failed* (XB7K2M9Q)\nRemboursement refusé' },
      ]),
    );
    expect(rows.every((r) => r.createdAt === clock.now() && r.state === 'pending')).toBe(true);
  });

  it('chat down: through Intech WHATSAPP_MESSAGING, international numbers, deterministic ids', async () => {
    const { store, intech, alerter } = setup({ connected: false });
    await alerter.alert('merchant_balance', 'Solde bas');
    expect(intech.ops.map((o) => [o.codeService, o.phone, o.message])).toEqual(
      ADMINS.map((a) => ['WHATSAPP_MESSAGING', a, '⚠️ *merchant_balance*\nSolde bas']),
    );
    expect(intech.ops.map((o) => o.externalTransactionId)).toEqual(ADMINS.map((a) => alertExtId('id1', a)));
    expect(intech.ops.every((o) => isAlertExtId(o.externalTransactionId))).toBe(true);
    expect(await store.outbox.list({ limit: 10 })).toEqual([]);
  });

  it('"WhatsApp is down" goes through Intech even while the socket still says connected', async () => {
    const { intech, alerter, store } = setup({ connected: true });
    await alerter.alert('whatsapp_logged_out', 'session ended');
    expect(intech.ops).toHaveLength(2);
    expect(await store.outbox.list({ limit: 10 })).toEqual([]);
  });

  it('the outbox pausing every send (rate limit, error run): its alert goes through Intech', async () => {
    const { intech, alerter, store } = setup({ connected: true });
    await alerter.alert('whatsapp_rate_limited', 'sending paused');
    await alerter.alert('whatsapp_send_errors', '5 errors in a row');
    expect(intech.ops.map((o) => o.message)).toEqual([
      '⚠️ *whatsapp_rate_limited*\nsending paused',
      '⚠️ *whatsapp_rate_limited*\nsending paused',
      '⚠️ *whatsapp_send_errors*\n5 errors in a row',
      '⚠️ *whatsapp_send_errors*\n5 errors in a row',
    ]);
    expect(await store.outbox.list({ limit: 10 })).toEqual([]);
  });

  it('Intech refuses for one admin: that one is queued in the outbox; an unknown outcome is not resent', async () => {
    const { intech, alerter, store } = setup({ connected: false });
    const real = intech.operation.bind(intech);
    intech.timeoutFor.add(ADMINS[1]!);
    intech.operation = async (req) => {
      if (req.phone === ADMINS[0])
        throw new IntechTransportError({ endpoint: 'operation', kind: 'network', detail: 'refused' });
      return real(req);
    };
    await alerter.alert('whatsapp_down', 'down');
    const rows = await store.outbox.list({ limit: 10 });
    expect(rows.map((r) => r.chat)).toEqual([ADMINS[0]]);
    expect(intech.ops.map((o) => o.phone)).toEqual([ADMINS[1]]);
  });

  it('a keyed alert is raised once, even from a second alerter on the same store (a restart)', async () => {
    const a = setup({ connected: false });
    await a.alerter.alert('whatsapp_down', 'down since 12:00', undefined, { key: '1000' });
    await a.alerter.alert('whatsapp_down', 'down since 12:00', undefined, { key: '1000' });
    const again = createAdminAlerter({
      store: a.store,
      channel: () => ({ health: () => ({ connected: false }) }),
      adminNumbers: ADMINS,
      intech: a.intech,
      logger: silentLogger,
      now: a.clock.now,
    });
    await again.alert('whatsapp_down', 'down since 12:00', undefined, { key: '1000' });
    expect(a.intech.ops).toHaveLength(2);
    expect((await a.store.alerts.list()).map((x) => x.id)).toEqual(['whatsapp_down:1000']);
    await a.alerter.alert('whatsapp_down', 'a later outage', undefined, { key: '2000' });
    expect(a.intech.ops).toHaveLength(4);
  });

  it('without an Intech client everything goes through the outbox', async () => {
    const { alerter, store } = setup({ connected: false, intech: false });
    await alerter.alert('whatsapp_down', 'down');
    expect((await store.outbox.list({ limit: 10 })).map((r) => r.id).sort()).toEqual(
      ADMINS.map((a) => `alert:id1:${a}`),
    );
  });
});
