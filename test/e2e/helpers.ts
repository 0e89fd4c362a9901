import { startBot, type BotOverrides, type RunningBot } from '../../src/bot.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';

export async function startTestBot(
  env: Record<string, string> = {},
  overrides: BotOverrides = {},
): Promise<RunningBot> {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    STORE: 'memory',
    LOG_LEVEL: 'silent',
    SIM_CALLBACK_DELAY_MS: '30',
    SIM_APPROVAL_DELAY_MS: '150',
    RECONCILE_INTERVAL_MS: '500',
    ...env,
  });
  return startBot(config, silentLogger, overrides);
}

export interface SandboxEntry {
  direction: 'in' | 'out';
  text: string;
  via: 'chat' | 'receipt';
  media?: { url: string; mimetype: string };
  at: string;
}

export async function say(
  bot: RunningBot,
  from: string,
  text: string,
): Promise<{ status: number; replies: { text: string }[] }> {
  const res = await fetch(`${bot.url}/sandbox/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from, text }),
  });
  const body = (await res.json()) as { replies: { text: string }[] };
  return { status: res.status, replies: body.replies };
}

export async function transcript(bot: RunningBot, phone: string): Promise<SandboxEntry[]> {
  const res = await fetch(`${bot.url}/sandbox/messages?phone=${encodeURIComponent(phone)}`);
  return ((await res.json()) as { messages: SandboxEntry[] }).messages;
}

export async function waitFor<T>(
  fn: () => Promise<T | undefined | false>,
  timeoutMs = 10_000,
  stepMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
