// /metrics scraped after real purchases through the sandbox chat and the embedded Intech simulator.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningBot } from '../../src/bot.js';
import { say, startTestBot, transcript, waitFor } from '../e2e/helpers.js';

const TOKEN = 'metrics-admin-token-0123456789';
let bot: RunningBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

/** Parses the Prometheus text format into "name{labels}" -> value. */
function parse(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

const value = (m: Map<string, number>, name: string, labels: Record<string, string> = {}) => {
  let total = 0;
  let found = false;
  for (const [k, v] of m) {
    const [n, rest = ''] = k.split('{');
    if (n !== name) continue;
    if (Object.entries(labels).every(([l, x]) => rest.includes(`${l}="${x}"`))) {
      total += v;
      found = true;
    }
  }
  return found ? total : undefined;
};

async function scrape(url: string, token?: string): Promise<Map<string, number>> {
  const res = await fetch(`${url}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parse(await res.text());
}

async function buy(b: RunningBot, customer: string, text: string): Promise<void> {
  const first = await say(b, customer, text);
  const wave = first.replies[0]!.text.match(/(\d)\W{0,3}\s*Wave/)?.[1] ?? '1';
  await say(b, customer, wave);
}

const DELIVERY = 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE';

describe('/metrics', () => {
  it('after a purchase shows the order, the money and the latencies', async () => {
    bot = await startTestBot({ ADMIN_TOKEN: TOKEN });
    const before = await scrape(bot.url, TOKEN);
    expect(value(before, 'xaalis_money_xof_total')).toBeUndefined();
    expect(value(before, 'xaalis_channel_connected', { channel: 'sandbox' })).toBe(1);

    await buy(bot, '+221771234567', 'crédit 1000 pour 78 000 11 22');
    // While the Wave payment waits for approval the order is open.
    const during = await scrape(bot.url, TOKEN);
    expect(value(during, 'xaalis_orders_open', { service: DELIVERY })).toBe(1);

    await waitFor(async () => (await transcript(bot!, '+221771234567')).some((e) => e.via === 'receipt'));
    const m = await waitFor(async () => {
      const s = await scrape(bot!.url, TOKEN);
      return value(s, 'xaalis_order_state_changes_total', { state: 'completed' }) === 1 ? s : undefined;
    });

    expect(value(m, 'xaalis_orders_created_total', { service: DELIVERY, kind: 'airtime' })).toBe(1);
    expect(value(m, 'xaalis_order_state_changes_total', { state: 'collected', service: DELIVERY })).toBe(1);
    expect(value(m, 'xaalis_orders_open')).toBeUndefined(); // nothing left open
    expect(
      value(m, 'xaalis_money_xof_total', { direction: 'collected', service: 'WAVE_SN_API_CASH_OUT' }),
    ).toBe(1000);
    expect(value(m, 'xaalis_money_xof_total', { direction: 'delivered', service: DELIVERY })).toBe(1000);
    expect(value(m, 'xaalis_money_xof_total', { direction: 'refunded' })).toBeUndefined();

    // Latencies: the two operations and the callbacks that settled them.
    const opCount = value(m, 'xaalis_intech_request_duration_seconds_count', {
      endpoint: '/api-services/operation',
      outcome: 'ok',
    });
    expect(opCount).toBeGreaterThanOrEqual(2); // collect, delivery (+ receipt by WHATSAPP_MESSAGING)
    expect(
      value(m, 'xaalis_intech_request_duration_seconds_sum', { endpoint: '/api-services/operation' }),
    ).toBeGreaterThan(0);
    expect(value(m, 'xaalis_callback_duration_seconds_count', { status: '200' })).toBeGreaterThanOrEqual(2);
    expect(value(m, 'xaalis_callback_duration_seconds_sum')).toBeGreaterThan(0);
    expect(value(m, 'xaalis_callback_errors_total')).toBeUndefined();
    expect(value(m, 'xaalis_llm_calls_total')).toBe(0);
    expect(value(m, 'xaalis_store_write_errors_total')).toBeUndefined();

    // The same numbers again on a second scrape (gauges recomputed, counters unchanged).
    const again = await scrape(bot.url, TOKEN);
    expect(value(again, 'xaalis_money_xof_total', { direction: 'collected' })).toBe(1000);
  });

  it('counts a refund when the delivery fails after the payment', async () => {
    bot = await startTestBot({ ADMIN_TOKEN: TOKEN });
    bot.simulator!.control.script({ match: { codeService: DELIVERY }, outcome: 'failure', errorId: 5 });
    await buy(bot, '+221771234568', 'crédit 1500 pour 78 000 11 23');
    const m = await waitFor(async () => {
      const s = await scrape(bot!.url, TOKEN);
      return value(s, 'xaalis_money_xof_total', { direction: 'refunded' }) ? s : undefined;
    }, 15_000);
    expect(value(m, 'xaalis_money_xof_total', { direction: 'collected' })).toBe(1500);
    expect(value(m, 'xaalis_money_xof_total', { direction: 'delivered' })).toBeUndefined();
    expect(
      value(m, 'xaalis_money_xof_total', { direction: 'refunded', service: 'WAVE_SN_API_CASH_OUT' }),
    ).toBe(1500);
    expect(value(m, 'xaalis_order_state_changes_total', { state: 'refunded', service: DELIVERY })).toBe(1);
  });

  it('is closed without the right token and absent without ADMIN_TOKEN', async () => {
    bot = await startTestBot({ ADMIN_TOKEN: TOKEN });
    expect((await fetch(`${bot.url}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${bot.url}/metrics`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).not.toContain('xaalis_');
    await bot.stop();
    bot = await startTestBot();
    for (const h of [{}, { authorization: `Bearer ${TOKEN}` }] as Record<string, string>[])
      expect((await fetch(`${bot.url}/metrics`, { headers: h })).status).toBe(404);
  });

  it('with METRICS_PORT answers there without a token, and not on the main port', async () => {
    bot = await startTestBot({ ADMIN_TOKEN: TOKEN, METRICS_PORT: '0' });
    expect(bot.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(bot.metricsUrl).not.toBe(bot.url);
    const m = await scrape(bot.metricsUrl!);
    expect(value(m, 'xaalis_channel_connected', { channel: 'sandbox' })).toBe(1);
    expect(
      (await fetch(`${bot.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status,
    ).toBe(404);
    expect((await fetch(`${bot.metricsUrl}/other`)).status).toBe(404);
  });

  it('two bots in one process keep separate registries', async () => {
    bot = await startTestBot({ ADMIN_TOKEN: TOKEN });
    const other = await startTestBot({ ADMIN_TOKEN: TOKEN });
    try {
      await buy(other, '+221771234569', 'crédit 1000 pour 78 000 11 24');
      await waitFor(async () =>
        value(await scrape(other.url, TOKEN), 'xaalis_orders_created_total') === 1 ? true : undefined,
      );
      expect(value(await scrape(bot.url, TOKEN), 'xaalis_orders_created_total')).toBeUndefined();
    } finally {
      await other.stop();
    }
  });
});
