// The optional LLM wired into the running bot (OPENAI_API_KEY + OPENAI_BASE_URL → a local fake server):
// consulted only when the rules are unsure, counted in /healthz, never trusted with numbers it invents.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningBot } from '../../src/bot.js';
import { type FakeOpenAi, startFakeOpenAi } from '../helpers/fake-openai.js';
import { say, startTestBot } from './helpers.js';

let bot: RunningBot | undefined;
let llm: FakeOpenAi | undefined;
afterEach(async () => {
  await bot?.stop();
  await llm?.close();
  bot = llm = undefined;
});

async function metrics(b: RunningBot): Promise<Record<string, number>> {
  return ((await (await fetch(`${b.url}/healthz`)).json()) as { metrics: Record<string, number> }).metrics;
}

describe('LLM parser in the bot', () => {
  it('is not called when the rules are sure, and is counted when it is', async () => {
    llm = await startFakeOpenAi({
      kind: 'json',
      // The model invents a bigger amount and another number: both must be dropped.
      answer: {
        intent: 'airtime',
        codeService: null,
        amount: 5000,
        recipient: '+221770000000',
        account: null,
        language: 'fr',
      },
    });
    bot = await startTestBot({
      OPENAI_API_KEY: 'test-key',
      OPENAI_BASE_URL: llm.baseURL,
      OPENAI_TIMEOUT_MS: '2000',
    });

    const sure = await say(bot, '+221771111111', 'crédit 1000 pour 78 000 11 22');
    expect(sure.replies[0]!.text).toContain('1 000 FCFA');
    expect(llm.requests).toHaveLength(0);
    expect((await metrics(bot)).llmCalls).toBe(0);

    const unsure = await say(
      bot,
      '+221772222222',
      'tu peux aider ma tante avec mille pour appeler 771234567',
    );
    expect(llm.requests).toHaveLength(1);
    const text = unsure.replies.map((r) => r.text).join('\n');
    expect(text).toContain('1 000 FCFA');
    expect(text).toContain('77 123 45 67');
    expect(text).not.toContain('5 000');
    expect(text).not.toContain('77 000 00 00');
    expect((await metrics(bot)).llmCalls).toBe(1);
  });

  it('a broken LLM changes nothing for the customer', async () => {
    llm = await startFakeOpenAi({ kind: 'status', status: 500 });
    bot = await startTestBot({
      OPENAI_API_KEY: 'test-key',
      OPENAI_BASE_URL: llm.baseURL,
      OPENAI_TIMEOUT_MS: '2000',
    });
    const r = await say(bot, '+221773333333', 'tu peux aider ma tante avec mille pour appeler 771234567');
    expect(r.replies.map((x) => x.text).join('\n')).toContain('1 000 FCFA');
    const m = await metrics(bot);
    expect(m.llmCalls).toBe(1);
    expect(m.llmFailures).toBe(1);
  });
});
