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

  it('keeps finished outbox messages 7 days unless told; 0 or a fraction is refused', () => {
    expect(loadConfig({}).OUTBOX_RETENTION_DAYS).toBe(7);
    expect(loadConfig({ OUTBOX_RETENTION_DAYS: '30' }).OUTBOX_RETENTION_DAYS).toBe(30);
    expect(() => loadConfig({ OUTBOX_RETENTION_DAYS: '0' })).toThrow(/OUTBOX_RETENTION_DAYS/);
    expect(() => loadConfig({ OUTBOX_RETENTION_DAYS: '1.5' })).toThrow(/OUTBOX_RETENTION_DAYS/);
    expect(() => loadConfig({ OUTBOX_RETENTION_DAYS: '5000' })).toThrow(/OUTBOX_RETENTION_DAYS/);
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

  it('with live Intech, refuses the sandbox chat unless explicitly allowed and token-protected', () => {
    const live = { INTECH_API_KEY: 'k', PUBLIC_URL: 'https://bot.example.sn' };
    expect(() => loadConfig(live)).toThrow(/CHANNEL: the sandbox chat lets anyone act as any customer/);
    expect(() => loadConfig({ ...live, SANDBOX_WITH_LIVE_INTECH: 'true' })).toThrow(
      /SANDBOX_TOKEN: required for the sandbox chat with a live INTECH_API_KEY/,
    );
    expect(() => loadConfig({ ...live, SANDBOX_WITH_LIVE_INTECH: 'true', SANDBOX_TOKEN: 'short' })).toThrow(
      /SANDBOX_TOKEN: must be at least 16/,
    );
    const ok = loadConfig({
      ...live,
      SANDBOX_WITH_LIVE_INTECH: 'true',
      SANDBOX_TOKEN: 'sandbox-token-0123456789',
    });
    expect(ok.CHANNEL).toBe('sandbox');
    expect(ok.SANDBOX_TOKEN).toBe('sandbox-token-0123456789');
    // The simulator needs no token: npm start stays zero-configuration.
    expect(loadConfig({}).SANDBOX_TOKEN).toBeUndefined();
  });

  it('listens on 127.0.0.1 in sandbox mode unless HOST says otherwise', () => {
    expect(loadConfig({}).HOST).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).HOST).toBe('0.0.0.0');
    expect(loadConfig({ HOST: ' ' }).HOST).toBe('127.0.0.1');
    expect(loadConfig({ CHANNEL: 'whatsapp' }).HOST).toBe('0.0.0.0');
    expect(loadConfig({ CHANNEL: 'whatsapp', HOST: '10.0.0.5' }).HOST).toBe('10.0.0.5');
  });

  it('reads admin numbers in every written form as E.164, once each', () => {
    const c = loadConfig({
      ADMIN_NUMBERS:
        '770009999, 00221770009999,77.000.99.99 ,+221 77 000 99 99,07-07-07-07-07,+33 6 12 34 56 78',
    });
    expect(c.ADMIN_NUMBERS).toEqual(['+221770009999', '+2250707070707', '+33612345678']);
  });

  it('refuses an invalid admin number at start, naming ADMIN_NUMBERS', () => {
    for (const bad of ['12345', '+221 12 345', 'admin', '77 000 99 9']) {
      expect(() => loadConfig({ ADMIN_NUMBERS: `770009999,${bad}` }), bad).toThrow(
        /ADMIN_NUMBERS: ".*" is not a valid phone number/,
      );
    }
  });

  it('trusts no proxy by default; TRUST_PROXY takes a hop count or addresses, never a blanket true', () => {
    expect(loadConfig({}).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).TRUST_PROXY).toBe('loopback, 10.0.0.0/8');
    expect(loadConfig({ TRUST_PROXY: 'false' }).TRUST_PROXY).toBe(false);
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY: true would trust any/);
  });

  it('validates METRICS_PORT', () => {
    expect(loadConfig({}).METRICS_PORT).toBeUndefined();
    expect(loadConfig({ METRICS_PORT: '' }).METRICS_PORT).toBeUndefined();
    expect(loadConfig({ METRICS_PORT: '9464' }).METRICS_PORT).toBe(9464);
    expect(() => loadConfig({ METRICS_PORT: 'x' })).toThrow(/METRICS_PORT/);
    expect(() => loadConfig({ METRICS_PORT: '3000' })).toThrow(/METRICS_PORT: must differ from PORT/);
  });

  it('refuses a short admin token', () => {
    expect(() => loadConfig({ ADMIN_TOKEN: 'short' })).toThrow(/ADMIN_TOKEN: must be at least 16/);
  });
});
