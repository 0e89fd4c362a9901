// CHANNEL=whatsapp with no way to reach WhatsApp: the real Baileys socket, pointed at a local port
// nothing listens on (connection refused, as with no network; nothing leaves the machine). The probes
// tell the truth, the dashboard shows the link state, and the admins hear "WhatsApp is down / not
// linked" through Intech's WHATSAPP_MESSAGING (the built-in simulator records it) within a minute,
// once per outage. Then a fake socket that emits QR codes: the dashboard shows each as an image.
import { createServer } from 'node:net';
import { Boom } from '@hapi/boom';
import { makeWASocket } from '@whiskeysockets/baileys';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningBot } from '../../src/bot.js';
import { fakeFactory } from '../channels/whatsapp/fake-socket.js';
import { startTestBot, waitFor } from './helpers.js';

const TOKEN = 'offline-admin-token-0123456789';
const ADMIN = '+221770009999';
const auth = { authorization: `Bearer ${TOKEN}` };

/** A port that refuses connections: bound, then closed. */
async function deadPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

async function getJson(bot: RunningBot, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${bot.url}${path}`, { headers });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

let bot: RunningBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

describe('CHANNEL=whatsapp without a network', () => {
  it('livez 200, readyz 503, healthz 200 (pairing); dashboard state; one down alert via Intech within a minute', async () => {
    const port = await deadPort();
    let sockets = 0;
    const started = Date.now();
    bot = await startTestBot(
      {
        CHANNEL: 'whatsapp',
        ADMIN_NUMBERS: ADMIN,
        ADMIN_TOKEN: TOKEN,
        WHATSAPP_DOWN_ALERT_SECONDS: '2',
      },
      {
        whatsapp: {
          // The real makeWASocket; only its URL is local, and the version is pinned (no lookup online).
          socketFactory: (config) => {
            sockets++;
            return makeWASocket({ ...config, waWebSocketUrl: `ws://127.0.0.1:${port}/ws/chat` });
          },
          version: [2, 3000, 1027934701],
          reconnectBackoff: { baseMs: 100, maxMs: 400 },
        },
      },
    );
    expect(bot.config.SANDBOX_INTECH).toBe(true);

    expect((await getJson(bot, '/livez')).status).toBe(200);
    const ready = await getJson(bot, '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.reason).toMatch(/whatsapp cannot send \(waiting for pairing\)/);
    const health = await getJson(bot, '/healthz');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({
      status: 'pairing',
      channel: { kind: 'whatsapp', connected: false, pairing: true },
    });
    // the sandbox chat does not exist with WhatsApp
    expect((await fetch(`${bot.url}/sandbox/messages`)).status).toBe(404);

    // the dashboard's view: not linked, connection refused (408) and retrying
    const link = await waitFor(async () => {
      const l = await getJson(bot!, '/admin/api/whatsapp', auth);
      return (l.body.lastDisconnect as { code: number } | undefined)?.code === 408 && l.body;
    });
    expect(link).toMatchObject({ channel: 'whatsapp', linked: false, qrImage: null, pairingCode: null });
    expect(['connecting', 'closed']).toContain(link.state);
    expect((await fetch(`${bot.url}/admin/api/whatsapp`)).status).toBe(401);

    // the admins are told through Intech's WHATSAPP_MESSAGING (the chat is what is down)
    const sim = bot.simulator!;
    const alerts = await waitFor(async () => {
      const got = sim.control.whatsappMessages(ADMIN);
      return got.length > 0 && got;
    }, 60_000);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(60_000);
    expect(alerts[0]!.message).toMatch(/whatsapp_down[\s\S]*not linked since .*\/admin/);
    const tx = sim.control.transactions().find((t) => t.codeService === 'WHATSAPP_MESSAGING');
    expect(tx?.phone).toBe(ADMIN);

    // it keeps reconnecting, and the admins are not told again
    const before = sockets;
    await waitFor(async () => sockets >= before + 3);
    expect(sim.control.whatsappMessages(ADMIN)).toHaveLength(1);
    // the simulator's callback for that message is acknowledged, not taken for an unknown order
    await waitFor(async () => sim.control.stats().callbacksDelivered >= 1);
    await new Promise((r) => setTimeout(r, 200));
    const attention = await getJson(bot, '/admin/api/attention', auth);
    expect((attention.body.alerts as { kind: string }[]).map((a) => a.kind)).toEqual(['whatsapp_down']);
  }, 90_000);
});

describe('CHANNEL=whatsapp: linking from the dashboard (fake socket)', () => {
  async function startFake(env: Record<string, string> = {}) {
    const f = fakeFactory();
    bot = await startTestBot(
      { CHANNEL: 'whatsapp', ADMIN_NUMBERS: ADMIN, ADMIN_TOKEN: TOKEN, ...env },
      {
        whatsapp: {
          socketFactory: f.factory,
          version: [2, 3000, 1],
          reconnectBackoff: { baseMs: 20, maxMs: 50 },
        },
      },
    );
    return f;
  }
  const link = async () => (await getJson(bot!, '/admin/api/whatsapp', auth)).body;

  it('shows each QR code as an image, relinks on request, and says when a linked session is logged out', async () => {
    const f = await startFake();
    const page = await fetch(`${bot!.url}/admin`);
    expect(await page.text()).toContain('data-testid="wa-section"');

    f.last.ev.emit('connection.update', { qr: '2@first-qr,abc,def' });
    const one = await link();
    expect(one).toMatchObject({ channel: 'whatsapp', state: 'connecting', linked: false, pairingCode: null });
    expect(one.qrImage).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]{200,}={0,2}$/);
    expect((await getJson(bot!, '/healthz')).body).toMatchObject({ status: 'pairing' });
    // WhatsApp renews the QR every 20 s: the dashboard follows
    f.last.ev.emit('connection.update', { qr: '2@second-qr,abc,def' });
    const two = await link();
    expect(two.qrImage).not.toBe(one.qrImage);

    // "Relink" while waiting: a new socket (a fresh QR), the old one ended
    const res = await fetch(`${bot!.url}/admin/api/whatsapp/relink`, { method: 'POST', headers: auth });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { result: string }).result).toBe('relinking');
    expect(f.sockets).toHaveLength(2);
    expect(f.sockets[0]!.end).toHaveBeenCalled();
    expect((await link()).qrImage).toBeNull();

    // scanned: pair-success stores the account, then the connection opens
    f.configs[1]!.auth.creds.account = { details: Buffer.from('d') } as never;
    f.configs[1]!.auth.creds.me = { id: '221770000000:5@s.whatsapp.net' };
    f.last.ev.emit('connection.update', { connection: 'open' });
    expect(await link()).toMatchObject({ state: 'open', linked: true, qrImage: null });
    expect((await getJson(bot!, '/readyz')).status).toBe(200);
    const again = await fetch(`${bot!.url}/admin/api/whatsapp/relink`, { method: 'POST', headers: auth });
    expect(((await again.json()) as { result: string }).result).toBe('already_open');

    // the phone removes the linked device: 401 on a linked session = logged out, admins told via Intech
    f.last.ev.emit('connection.update', {
      connection: 'close',
      lastDisconnect: { error: new Boom('logged out', { statusCode: 401 }), date: new Date() },
    });
    const sim = bot!.simulator!;
    const msgs = await waitFor(async () => {
      const got = sim.control.whatsappMessages(ADMIN);
      return got.length > 0 && got;
    });
    expect(msgs[0]!.message).toMatch(/whatsapp_logged_out[\s\S]*Relink/);
    expect(await link()).toMatchObject({ state: 'logged_out', linked: false, lastDisconnect: { code: 401 } });
    expect((await getJson(bot!, '/healthz')).status).toBe(503);
    const attention = await getJson(bot!, '/admin/api/attention', auth);
    expect((attention.body.alerts as { kind: string }[]).map((a) => a.kind)).toContain('whatsapp_logged_out');
    // it waits for a relink; the relink starts a fresh pairing
    expect(f.sockets).toHaveLength(2);
    await fetch(`${bot!.url}/admin/api/whatsapp/relink`, { method: 'POST', headers: auth });
    expect(f.sockets).toHaveLength(3);
    expect(f.configs[2]!.auth.creds.account).toBeUndefined();
  });

  it('with WHATSAPP_PAIRING_NUMBER the dashboard shows the pairing code', async () => {
    const f = await startFake({ WHATSAPP_PAIRING_NUMBER: '221770000000' });
    f.last.ev.emit('connection.update', { qr: '2@qr' });
    const l = await waitFor(async () => {
      const v = await link();
      return v.pairingCode && v;
    });
    expect(l).toMatchObject({ pairingCode: 'ABCD-1234', linked: false });
    expect(f.last.requestPairingCode).toHaveBeenCalledWith('221770000000');
  });
});
