// The product end to end through the sandbox HTTP API, against the embedded Intech simulator.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningBot } from '../../src/bot.js';
import { say, startTestBot, transcript, waitFor } from './helpers.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { Store } from '../../src/store/types.js';

const CUSTOMER = '+221771234567';
let bot: RunningBot | undefined;

afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

describe('sandbox end to end', () => {
  it('one message reaches the summary in one reply; after the answer and the payment, one receipt arrives', async () => {
    bot = await startTestBot();
    const first = await say(bot, CUSTOMER, 'crédit 1000 pour 78 000 11 22');
    expect(first.status).toBe(200);
    expect(first.replies).toHaveLength(1);
    const summary = first.replies[0]!.text;
    expect(summary).toContain('1 000 FCFA');
    expect(summary).toContain('78 000 11 22');
    expect(summary).toMatch(/Orange/);
    expect(summary).toMatch(/Wave/);

    // Answer with the wallet choice: Wave is listed first.
    const waveOption = summary.match(/(\d)\W{0,3}\s*Wave/)?.[1] ?? '1';
    const second = await say(bot, CUSTOMER, waveOption);
    expect(second.status).toBe(200);
    const all = second.replies.map((r) => r.text).join('\n');
    expect(all).toMatch(/https?:\/\/\S+/); // the Wave payment link

    // The simulated customer approves the Wave payment; delivery and receipt follow.
    const receipts = await waitFor(async () => {
      const t = await transcript(bot!, CUSTOMER);
      const r = t.filter((e) => e.via === 'receipt');
      return r.length > 0 ? r : undefined;
    }, 15_000);
    await new Promise((r) => setTimeout(r, 500)); // a second receipt would show up by now
    const finalReceipts = (await transcript(bot, CUSTOMER)).filter((e) => e.via === 'receipt');
    expect(finalReceipts).toHaveLength(1);
    expect(receipts[0]!.text).toContain('1 000 FCFA');
    expect(receipts[0]!.media?.mimetype).toBe('image/png');
    const img = await fetch(`${bot.url}${receipts[0]!.media!.url}`);
    expect(img.headers.get('content-type')).toBe('image/png');
    expect(
      Buffer.from(await img.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');

    // Intech saw exactly one collect and one delivery for this customer.
    const txs = bot.simulator!.control.transactions() as { codeService: string; status: string }[];
    expect(
      txs.filter((t) => t.codeService === 'WAVE_SN_API_CASH_OUT' && t.status === 'SUCCESS'),
    ).toHaveLength(1);
    expect(
      txs.filter((t) => t.codeService === 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE' && t.status === 'SUCCESS'),
    ).toHaveLength(1);
  });

  it('answers bad requests with a clear 400 and unknown routes with 404', async () => {
    bot = await startTestBot();
    const bad = await fetch(`${bot.url}/sandbox/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: '+33612345678', text: 'hi' }),
    });
    expect(bad.status).toBe(400);
    const missing = await fetch(`${bot.url}/sandbox/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"from":',
    });
    expect(missing.status).toBe(400);
    expect((await fetch(`${bot.url}/nope`)).status).toBe(404);
  });

  it('reports health', async () => {
    bot = await startTestBot();
    const res = await fetch(`${bot.url}/healthz`);
    const body = await res.json();
    expect(res.status).toBe(200);
    expect(body).toMatchObject({
      status: 'ok',
      channel: { kind: 'sandbox', connected: true },
      store: { ok: true },
      intech: { ok: true, mode: 'simulator' },
    });
  });

  it('has no sandbox routes, chat page or simulator with the WhatsApp channel', async () => {
    const fakeWhatsApp = {
      kind: 'whatsapp' as const,
      async start() {},
      async stop() {},
      async deliver() {
        return {};
      },
      canSend: () => false,
      async setTyping() {},
      health: () => ({ connected: false, detail: 'test' }),
    };
    bot = await startTestBot(
      {
        CHANNEL: 'whatsapp',
        INTECH_API_KEY: 'live-key',
        INTECH_BASE_URL: 'http://127.0.0.1:9',
        PUBLIC_URL: 'https://bot.example.sn',
      },
      { channel: fakeWhatsApp },
    );
    expect(bot.simulator).toBeUndefined();
    for (const path of [
      '/',
      '/sandbox/messages?phone=%2B221771234567',
      '/intech-sim/api-services/services',
    ]) {
      expect((await fetch(`${bot.url}${path}`)).status, path).toBe(404);
    }
    const post = await fetch(`${bot.url}/sandbox/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: CUSTOMER, text: 'hi' }),
    });
    expect(post.status).toBe(404);
    const health = await fetch(`${bot.url}/healthz`);
    expect(health.status).toBe(503);
  });
});

describe('sandbox while the bot stops', () => {
  it('refuses new messages (503, retry) and still answers the one under way', async () => {
    const inner = createMemoryStore();
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const A = '+221771110001';
    const store: Store = {
      ...inner,
      // Holds customer A's turn until the test lets it go: a conversation under way during the stop.
      openTurn: async (input) => {
        if (input.customer.id === A) await gate;
        return inner.openTurn(input);
      },
    };
    const bot = await startTestBot({}, { store });
    const first = say(bot, A, 'crédit 1000 pour 77 123 45 67');
    await new Promise((r) => setTimeout(r, 100));
    const stopped = bot.stop();
    const refused = await fetch(`${bot.url}/sandbox/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: '+221771110002', text: 'menu' }),
    });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(((await refused.json()) as { error: string }).error).toBe('stopping');
    release();
    const answered = await first;
    expect(answered.status).toBe(200);
    expect(answered.replies.map((r) => r.text).join('\n')).toContain('1 000 FCFA');
    await stopped;
  });
});
