// One "WhatsApp is down" alert per outage, within a minute, through Intech; none per reconnect attempt;
// kept across a restart; resolved and announced when WhatsApp is back.
import { describe, expect, it } from 'vitest';
import { createAdminAlerter } from '../../src/admin/alerter.js';
import { createOutageWatch, outageStep } from '../../src/admin/outage-watch.js';
import type { ChannelHealth } from '../../src/channels/channel.js';
import { silentLogger } from '../../src/logger.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { Store } from '../../src/store/types.js';
import { fakeClock, fakeIntech } from './helpers.js';

const ADMIN = '+221770000001';

function setup(store: Store = createMemoryStore(), clock = fakeClock()) {
  const intech = fakeIntech();
  let health: ChannelHealth = { connected: false, detail: 'connecting' };
  const channel = { health: () => health };
  const alerter = createAdminAlerter({
    store,
    channel: () => channel,
    adminNumbers: [ADMIN],
    intech,
    logger: silentLogger,
    now: clock.now,
  });
  const watch = createOutageWatch({
    channel,
    kv: store.kv,
    alerts: store.alerts,
    alerter,
    afterMs: 30_000,
    now: clock.now,
    logger: silentLogger,
  });
  return {
    store,
    clock,
    intech,
    watch,
    set(h: ChannelHealth) {
      health = h;
    },
  };
}

describe('outage step (pure)', () => {
  it('start, wait, alert once, end', () => {
    const down = { connected: false, detail: 'closed' };
    expect(outageStep(down, undefined, 10, 30)).toEqual({
      do: 'start',
      outage: { since: 10, alerted: false },
    });
    expect(outageStep(down, { since: 10, alerted: false }, 39, 30)).toEqual({ do: 'nothing' });
    expect(outageStep(down, { since: 10, alerted: false }, 40, 30).do).toBe('alert');
    expect(outageStep(down, { since: 10, alerted: true }, 400, 30)).toEqual({ do: 'nothing' });
    expect(outageStep({ connected: true }, { since: 10, alerted: true }, 500, 30).do).toBe('end');
    expect(outageStep({ connected: true }, undefined, 500, 30)).toEqual({ do: 'nothing' });
    // logged out: the channel's own alert said it all, at the start of the outage or later in it
    expect(
      outageStep({ connected: false, detail: 'logged_out' }, { since: 10, alerted: false }, 400, 30),
    ).toEqual({
      do: 'nothing',
    });
    expect(outageStep({ connected: false, detail: 'logged_out' }, undefined, 10, 30)).toEqual({
      do: 'start',
      outage: { since: 10, alerted: true },
    });
  });
});

describe('outage watch', () => {
  it('a reconnect loop: one alert through Intech within a minute, then WhatsApp back: resolved + told', async () => {
    const t = setup();
    for (let s = 0; s < 120; s += 5) {
      // the channel flaps between connecting and closed while it retries
      t.set({ connected: false, detail: s % 10 ? 'closed' : 'connecting' });
      await t.watch.check();
      t.clock.advance(5_000);
    }
    expect(t.intech.ops).toHaveLength(1);
    expect(t.intech.ops[0]).toMatchObject({ codeService: 'WHATSAPP_MESSAGING', phone: ADMIN });
    expect(t.intech.ops[0]!.message).toMatch(/WhatsApp is down since 12:00 UTC/);
    const [alert] = await t.store.alerts.list();
    expect(alert).toMatchObject({ kind: 'whatsapp_down', resolved: false });
    expect(alert!.at - Date.UTC(2026, 10, 29, 12, 0, 0)).toBeLessThanOrEqual(60_000);

    t.set({ connected: true, detail: 'open' });
    await t.watch.check();
    await t.watch.check();
    expect((await t.store.alerts.list({ resolved: false })).map((a) => a.kind)).toEqual(['whatsapp_back']);
    expect((await t.store.outbox.list({ limit: 5 })).map((r) => r.payload)).toEqual([
      { type: 'text', text: expect.stringMatching(/connected again .*about 2 min/) },
    ]);
    expect(t.intech.ops).toHaveLength(1);
  });

  it('a short blip (under the threshold) alerts nobody', async () => {
    const t = setup();
    t.set({ connected: false, detail: 'closed' });
    await t.watch.check();
    t.clock.advance(25_000);
    await t.watch.check();
    t.set({ connected: true });
    await t.watch.check();
    expect(t.intech.ops).toEqual([]);
    expect(await t.store.alerts.list()).toEqual([]);
    expect(await t.store.outbox.list({ limit: 5 })).toEqual([]);
  });

  it('a restart during the outage neither forgets it nor alerts again', async () => {
    const store = createMemoryStore();
    const clock = fakeClock();
    const a = setup(store, clock);
    await a.watch.check();
    clock.advance(31_000);
    await a.watch.check();
    expect(a.intech.ops).toHaveLength(1);
    const b = setup(store, clock); // a new process on the same store
    clock.advance(60_000);
    await b.watch.check();
    expect(b.intech.ops).toEqual([]);
  });

  it('waiting for a first scan: the alert says where the QR code is', async () => {
    const t = setup();
    t.set({ connected: false, detail: 'connecting', pairing: true });
    await t.watch.check();
    t.clock.advance(30_000);
    await t.watch.check();
    expect(t.intech.ops[0]!.message).toMatch(/not linked since 12:00 UTC.*\/admin/);
  });
});
