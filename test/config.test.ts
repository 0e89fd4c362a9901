import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  it('runs as a sandbox with no configuration at all', () => {
    const c = loadConfig({});
    expect(c.SANDBOX_INTECH).toBe(true);
    expect(c.CHANNEL).toBe('sandbox');
    expect(c.PORT).toBe(3000);
    expect(c.INTECH_TIMEOUT_MS).toBe(60_000);
    expect(c.PUBLIC_URL).toBe('http://localhost:3000');
    expect(c.DATA_DIR).toBe('data');
  });

  it('uses live Intech once an API key is set', () => {
    const c = loadConfig({ INTECH_API_KEY: 'k', PUBLIC_URL: 'https://bot.example.sn', CHANNEL: 'whatsapp' });
    expect(c.SANDBOX_INTECH).toBe(false);
    expect(c.PUBLIC_URL).toBe('https://bot.example.sn');
  });

  it('names the variable and the problem when a value is wrong', () => {
    const attempt = () => loadConfig({ INTECH_TIMEOUT_MS: '5000', PORT: 'abc', CHANNEL: 'telegram' });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (err) {
      const msg = (err as Error).message;
      expect(msg).toMatch(/INTECH_TIMEOUT_MS: must be at least 60000/);
      expect(msg).toMatch(/PORT:/);
      expect(msg).toMatch(/CHANNEL:/);
    }
  });

  it('normalises admin numbers and treats blank optional values as absent', () => {
    const c = loadConfig({
      ADMIN_NUMBERS: '221771234567, +225 07 07 07 07 07,00221761234567',
      OPENAI_API_KEY: '  ',
    });
    expect(c.ADMIN_NUMBERS).toEqual(['+221771234567', '+2250707070707', '+221761234567']);
    expect(c.OPENAI_API_KEY).toBeUndefined();
  });

  it('with live Intech, refuses a missing PUBLIC_URL: callbacks could never arrive', () => {
    expect(() => loadConfig({ INTECH_API_KEY: 'k', CHANNEL: 'whatsapp' })).toThrow(
      /PUBLIC_URL: required with INTECH_API_KEY/,
    );
    expect(() => loadConfig({ INTECH_API_KEY: 'k', CHANNEL: 'whatsapp', PUBLIC_URL: ' ' })).toThrow(
      /PUBLIC_URL/,
    );
  });

  it('with live Intech, refuses the sandbox chat unless explicitly allowed', () => {
    const live = { INTECH_API_KEY: 'k', PUBLIC_URL: 'https://bot.example.sn' };
    expect(() => loadConfig(live)).toThrow(/CHANNEL: the sandbox chat lets anyone act as any customer/);
    expect(loadConfig({ ...live, SANDBOX_WITH_LIVE_INTECH: 'true' }).CHANNEL).toBe('sandbox');
  });

  it('refuses a short admin token', () => {
    expect(() => loadConfig({ ADMIN_TOKEN: 'short' })).toThrow(/ADMIN_TOKEN: must be at least 16/);
  });
});
