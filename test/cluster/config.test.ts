// Cluster settings: validated once in config.ts, with defaults that make every start a distinct owner.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';

describe('cluster config', () => {
  it('INSTANCE_ID defaults to a name unique per start; LEASE_TTL_MS and ORDER_CLAIM_TTL_MS have safe floors', () => {
    const a = loadConfig({});
    const b = loadConfig({});
    expect(a.INSTANCE_ID).toMatch(new RegExp(`-${process.pid}-[0-9a-f]{6}$`));
    expect(a.INSTANCE_ID).not.toBe(b.INSTANCE_ID);
    expect(a).toMatchObject({ LEASE_TTL_MS: 30_000, ORDER_CLAIM_TTL_MS: 300_000 });
    expect(loadConfig({ INSTANCE_ID: 'bot-1.eu:a' }).INSTANCE_ID).toBe('bot-1.eu:a');
    expect(() => loadConfig({ INSTANCE_ID: 'bot 1' })).toThrow(/INSTANCE_ID/);
    expect(() => loadConfig({ LEASE_TTL_MS: '500' })).toThrow(/LEASE_TTL_MS/);
    // A claim shorter than a lookup plus a resend (Intech's 60 s each) could let two instances overlap.
    expect(() => loadConfig({ ORDER_CLAIM_TTL_MS: '60000' })).toThrow(/ORDER_CLAIM_TTL_MS/);
  });
});
