// Admin lockout against a real bot: per address, X-Forwarded-For ignored unless TRUST_PROXY says a proxy
// sets it, and the right token always gets in.
import { afterEach, describe, expect, it } from 'vitest';
import { addressKey } from '../../src/admin/auth.js';
import type { RunningBot } from '../../src/bot.js';
import { startTestBot } from '../e2e/helpers.js';

const TOKEN = 'admin-token-0123456789abcdef';
let bot: RunningBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

const get = (path: string, headers: Record<string, string>) => fetch(`${bot!.url}${path}`, { headers });

describe('admin lockout', () => {
  it('rotating X-Forwarded-For from loopback gets no fresh guesses (trust proxy off by default)', async () => {
    bot = await startTestBot({ ADMIN_TOKEN: TOKEN });
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) {
      const res = await get('/admin/api/stats', {
        authorization: `Bearer wrong-guess-${i}`,
        'x-forwarded-for': `203.0.113.${i + 1}`,
      });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual([429, 429, 429, 429]);
    // /metrics has the same door: guesses there are throttled too.
    const metricGuesses: number[] = [];
    for (let i = 0; i < 11; i++)
      metricGuesses.push(
        (await get('/metrics', { authorization: `Bearer nope-${i}`, 'x-forwarded-for': `198.51.100.${i}` }))
          .status,
      );
    expect(metricGuesses.at(-1)).toBe(429);
    // The locked address presenting the right token gets in, on both.
    const right = await get('/admin/api/stats', {
      authorization: `Bearer ${TOKEN}`,
      'x-forwarded-for': '203.0.113.99',
    });
    expect(right.status).toBe(200);
    expect((await get('/metrics', { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    // And a wrong one is still refused afterwards: the right token does not unlock guessing.
    expect((await get('/admin/api/stats', { authorization: 'Bearer wrong-again' })).status).toBe(429);
  });

  it('with TRUST_PROXY naming the proxy, the forwarded address is the one locked out', async () => {
    bot = await startTestBot({ ADMIN_TOKEN: TOKEN, TRUST_PROXY: 'loopback' });
    for (let i = 0; i < 10; i++)
      expect(
        (await get('/admin/api/stats', { authorization: `Bearer g${i}`, 'x-forwarded-for': '203.0.113.7' }))
          .status,
      ).toBe(401);
    expect(
      (await get('/admin/api/stats', { authorization: 'Bearer g', 'x-forwarded-for': '203.0.113.7' })).status,
    ).toBe(429);
    // Another client behind the same proxy is not punished for that one.
    expect(
      (await get('/admin/api/stats', { authorization: 'Bearer g', 'x-forwarded-for': '203.0.113.8' })).status,
    ).toBe(401);
  });

  it('keys IPv6 clients by /64 and unwraps IPv4-mapped addresses', () => {
    expect(addressKey('::ffff:203.0.113.5')).toBe('203.0.113.5');
    expect(addressKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(addressKey('::1')).toBe('::1');
    expect(addressKey('127.0.0.1')).toBe('127.0.0.1');
  });
});

describe('admin numbers', () => {
  it('ADMIN_NUMBERS=770009999 makes +221770009999 an admin, whatever form the chat number is typed in', async () => {
    bot = await startTestBot({ ADMIN_NUMBERS: '770009999' });
    expect(bot.config.ADMIN_NUMBERS).toEqual(['+221770009999']);
    for (const from of ['77.000.99.99', '00221770009999', '+221 77 000 99 99']) {
      const res = await fetch(`${bot.url}/sandbox/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from, text: 'solde' }),
      });
      const body = (await res.json()) as { replies: { text: string }[] };
      expect(body.replies.map((r) => r.text).join('\n'), from).toMatch(/Solde marchand/);
    }
  });
});
