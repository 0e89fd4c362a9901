// SANDBOX_TOKEN: with a live Intech key the sandbox chat (which lets anyone speak as any customer, admins
// included) needs the token on every /sandbox/* request; the browser page signs in once with a cookie.
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startBot, type RunningBot } from '../../src/bot.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { startTestBot } from '../e2e/helpers.js';

const TOKEN = 'sandbox-token-0123456789abcdef';
const ADMIN = '+221770009999';
const LIVE = {
  INTECH_API_KEY: 'live-key',
  INTECH_BASE_URL: 'http://127.0.0.1:9',
  PUBLIC_URL: 'https://bot.example.sn',
  SANDBOX_WITH_LIVE_INTECH: 'true',
  SANDBOX_TOKEN: TOKEN,
  ADMIN_NUMBERS: ADMIN,
};
let bot: RunningBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

const url = (p: string) => `${bot!.url}${p}`;
const post = (headers: Record<string, string>, body: unknown) =>
  fetch(url('/sandbox/messages'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('sandbox chat with a live Intech key', () => {
  it('refuses every /sandbox/* request without the right Bearer token, and lets it through with it', async () => {
    bot = await startTestBot(LIVE);
    const paths = [
      '/sandbox/chats',
      `/sandbox/messages?phone=${encodeURIComponent(ADMIN)}`,
      `/sandbox/events?phone=${encodeURIComponent(ADMIN)}`,
      '/sandbox/media/x',
    ];
    for (const headers of [{}, { authorization: 'Bearer wrong-token' }, { authorization: TOKEN }] as Record<
      string,
      string
    >[]) {
      // 401, or 429 once this address has made 10 wrong guesses.
      for (const p of paths)
        expect([401, 429], `${p} ${JSON.stringify(headers)}`).toContain(
          (await fetch(url(p), { headers })).status,
        );
      // Impersonating an admin number (finding 4): refused before anything is read or sent.
      const res = await post(headers, { from: '77.000.99.99', text: 'solde' });
      expect([401, 429]).toContain(res.status);
      expect(await res.text()).not.toMatch(/Solde|balance:/);
    }
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect((await fetch(url('/sandbox/chats'), { headers: auth })).status).toBe(200);
    const res = await post(auth, { from: '+221771234567', text: 'bonjour' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { replies: unknown[] }).replies.length).toBeGreaterThan(0);
  });

  it('the browser page signs in once: token form, then an HttpOnly SameSite cookie carries it', async () => {
    bot = await startTestBot(LIVE);
    const page = await fetch(url('/'));
    expect(page.status).toBe(401);
    const html = await page.text();
    expect(html).toContain('data-testid="sandbox-token"');
    expect(html).not.toContain('/sandbox/messages'); // not the chat page

    const form = (token: string) =>
      fetch(url('/sandbox/session'), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token }).toString(),
        redirect: 'manual',
      });
    const wrong = await form('not-the-token');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    expect(await wrong.text()).toContain('Wrong token');

    const ok = await form(TOKEN);
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/');
    const setCookie = ok.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).not.toContain(TOKEN);
    const cookie = setCookie.split(';')[0]!;

    const chat = await fetch(url('/'), { headers: { cookie } });
    expect(chat.status).toBe(200);
    expect(await chat.text()).toContain('/sandbox/messages');
    const sent = await post({ cookie }, { from: '+221771234567', text: 'bonjour' });
    expect(sent.status).toBe(200);
    const events = await fetch(url(`/sandbox/events?phone=${encodeURIComponent('+221771234567')}`), {
      headers: { cookie },
    });
    expect(events.status).toBe(200);
    expect(events.headers.get('content-type')).toMatch(/text\/event-stream/);
    await events.body?.cancel();
    // A forged cookie is worth nothing.
    expect(
      (await fetch(url('/sandbox/chats'), { headers: { cookie: 'xaalis_sandbox=forged' } })).status,
    ).toBe(401);
  });

  it('wrong guesses are throttled per address (X-Forwarded-For ignored); the right token still gets in', async () => {
    bot = await startTestBot(LIVE);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++)
      statuses.push(
        (
          await fetch(url('/sandbox/chats'), {
            headers: { authorization: `Bearer guess-${i}`, 'x-forwarded-for': `203.0.113.${i}` },
          })
        ).status,
      );
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual([429, 429]);
    expect(
      (await fetch(url('/sandbox/chats'), { headers: { authorization: `Bearer ${TOKEN}` } })).status,
    ).toBe(200);
  });

  it('with the built-in simulator no token is needed (npm start stays zero-config)', async () => {
    bot = await startTestBot();
    expect((await fetch(url('/'))).status).toBe(200);
    expect((await post({}, { from: '+221771234567', text: 'bonjour' })).status).toBe(200);
  });

  it('in sandbox mode listens on 127.0.0.1 unless HOST says otherwise', async () => {
    const config = loadConfig({ PORT: '0', STORE: 'memory', LOG_LEVEL: 'silent' });
    bot = await startBot(config, silentLogger);
    expect((bot.server.address() as AddressInfo).address).toBe('127.0.0.1');
    await bot.stop();
    bot = await startBot(loadConfig({ PORT: '0', STORE: 'memory', HOST: '::' }), silentLogger);
    expect((bot.server.address() as AddressInfo).address).toBe('::');
  });
});
