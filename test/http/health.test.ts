// /livez, /readyz and /healthz on a running bot: a full disk, a WhatsApp number waiting to be linked.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningBot } from '../../src/bot.js';
import type { Channel, ChannelHealth } from '../../src/channels/channel.js';
import { createMemoryStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/types.js';
import { say, startTestBot } from '../e2e/helpers.js';

let bot: RunningBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

const WRITES =
  /^(create|update|record|tryAcquire|getOrCreate|save|add|resolve|set|setMany|clear|firstSeen|delete|commit|openTurn|enqueue|claim|markSent|markSentThenList|retry|markFailed|setDelivery|mark|addRecipients)$/;

/** A memory store on a "disk" that can fill up: every write then fails with ENOSPC, reads still answer. */
function fillableStore(): { store: Store; full: { on: boolean } } {
  const full = { on: false };
  const inner = createMemoryStore();
  const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  const wrap = <T extends object>(repo: T): T =>
    new Proxy(repo, {
      get(t, p, r) {
        const v = Reflect.get(t, p, r);
        if (typeof v !== 'function' || typeof p !== 'string' || !WRITES.test(p)) return v;
        return (...a: unknown[]) => (full.on ? Promise.reject(enospc()) : v.apply(t, a));
      },
    });
  const store = wrap(
    new Proxy(inner, {
      get(t, p, r) {
        const v = Reflect.get(t, p, r);
        return v && typeof v === 'object' ? wrap(v) : v;
      },
    }),
  );
  return { store, full };
}

function fakeWhatsApp(health: () => ChannelHealth): Channel {
  return {
    kind: 'whatsapp',
    async start() {},
    async stop() {},
    async deliver() {
      return {};
    },
    canSend: () => false,
    async setTyping() {},
    health,
  };
}

const WA_ENV = {
  CHANNEL: 'whatsapp',
  INTECH_API_KEY: 'live-key',
  INTECH_BASE_URL: 'http://127.0.0.1:9',
  PUBLIC_URL: 'https://bot.example.sn',
};

async function get(path: string) {
  const res = await fetch(`${bot!.url}${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('health endpoints', () => {
  it('all green on a working sandbox', async () => {
    bot = await startTestBot();
    expect(await get('/livez')).toEqual({ status: 200, body: { status: 'live' } });
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ ready: true, store: { ok: true }, channel: { connected: true } });
    expect((await get('/healthz')).body).toMatchObject({ status: 'ok', store: { ok: true } });
  });

  it('a full disk (every write ENOSPC) is never reported ok; live stays 200; recovery is seen', async () => {
    const { store, full } = fillableStore();
    bot = await startTestBot({}, { store });
    full.on = true;
    // The customer's message cannot be recorded (what the customer is told is the conversation's business).
    await say(bot, '+221771234567', 'bonjour').catch(() => undefined);
    const health = await get('/healthz');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({
      status: 'degraded',
      store: { ok: false, lastWriteError: { code: 'ENOSPC' } },
    });
    const ready = await get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.reason).toMatch(/store/);
    expect((await get('/livez')).status).toBe(200);

    full.on = false;
    expect((await say(bot, '+221771234567', 'bonjour')).status).toBe(200);
    expect((await get('/healthz')).status).toBe(200);
    expect((await get('/readyz')).status).toBe(200);
  });

  it('WhatsApp waiting for the first QR scan: live 200, /healthz 200 "pairing" (no restart loop), not ready', async () => {
    bot = await startTestBot(WA_ENV, {
      channel: fakeWhatsApp(() => ({ connected: false, detail: 'connecting', pairing: true })),
    });
    expect((await get('/livez')).status).toBe(200);
    const health = await get('/healthz');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'pairing', channel: { connected: false, pairing: true } });
    const ready = await get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ ready: false, channel: { kind: 'whatsapp', connected: false } });
    expect(ready.body.reason).toMatch(/waiting for pairing/);
  });

  it('a linked WhatsApp that lost its connection is degraded and not ready, still live', async () => {
    bot = await startTestBot(WA_ENV, {
      channel: fakeWhatsApp(() => ({ connected: false, detail: 'closed' })),
    });
    expect((await get('/healthz')).status).toBe(503);
    const ready = await get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.reason).toMatch(/cannot send \(closed\)/);
    expect((await get('/livez')).status).toBe(200);
  });

  it('an instance standing by while another holds the WhatsApp socket is ready (it serves; sends wait in the outbox)', async () => {
    bot = await startTestBot(WA_ENV, {
      channel: fakeWhatsApp(() => ({ connected: false, standby: true, detail: 'standby' })),
    });
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ ready: true, channel: { connected: false, standby: true } });
  });
});
