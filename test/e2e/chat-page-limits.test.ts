// The sandbox chat takes what WhatsApp takes: up to 65 536 characters always get an answer; beyond, a
// clear 413 with a JSON error (the chat page shows it, see chat-page.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBot } from '../../src/bot.js';
import { MAX_MESSAGE_CHARS } from '../../src/sandbox/routes.js';
import { say, startTestBot, transcript } from './helpers.js';

const CUSTOMER = '+221771234567';
let bot: RunningBot;

beforeAll(async () => {
  bot = await startTestBot();
});
afterAll(() => bot.stop());

async function post(text: string): Promise<{ status: number; body: { error?: string; message?: string } }> {
  const res = await fetch(`${bot.url}/sandbox/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from: CUSTOMER, text }),
  });
  return { status: res.status, body: (await res.json()) as { error?: string; message?: string } };
}

describe('sandbox message size', () => {
  it('WhatsApp-sized messages (2 001 and 65 536 characters, emoji included) get a reply', async () => {
    expect(MAX_MESSAGE_CHARS).toBe(65_536);
    for (const text of [
      `crédit 1000 ${'s'.repeat(1990)}`,
      'x'.repeat(MAX_MESSAGE_CHARS),
      '😀'.repeat(MAX_MESSAGE_CHARS),
    ]) {
      const r = await say(bot, CUSTOMER, text);
      expect(r.status).toBe(200);
      expect(r.replies.length).toBeGreaterThan(0);
      expect(r.replies[0]!.text.length).toBeGreaterThan(0);
    }
  }, 30_000);

  it('a message longer than the bot reads: the customer is told only its start was read, and it is still understood', async () => {
    const r = await say(bot, '+221770000123', `crédit 1000 pour 77 123 45 67 ${'blabla '.repeat(2000)}`);
    expect(r.status).toBe(200);
    const texts = r.replies.map((x) => x.text).join('\n');
    expect(texts).toContain("je n'en ai lu que le début (2 000 caractères)");
    expect(texts).toContain('1 000');
    expect(texts).toContain('77 123 45 67');
  }, 30_000);

  it('past 65 536 characters: 413 with a JSON error saying the limit, and nothing reaches the bot', async () => {
    const before = (await transcript(bot, CUSTOMER)).length;
    for (const text of ['x'.repeat(MAX_MESSAGE_CHARS + 1), 'x'.repeat(2_000_000)]) {
      const r = await post(text);
      expect(r.status).toBe(413);
      expect(r.body.error).toBe('message_too_long');
      expect(r.body.message).toContain('65536');
    }
    expect((await transcript(bot, CUSTOMER)).length).toBe(before);
  });
});
