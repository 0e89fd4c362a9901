import { Boom } from '@hapi/boom';
import { DisconnectReason } from '@whiskeysockets/baileys';
import { describe, expect, it } from 'vitest';
import { backoffDelay, disconnectAction, statusCodeOf } from '../../../src/channels/whatsapp/disconnect.js';

describe('disconnectAction', () => {
  it.each([
    [515, 'restart'],
    [428, 'reconnect'],
    [408, 'reconnect'],
    [503, 'reconnect'],
    [500, 'reconnect'],
    [405, 'reconnect'],
    [undefined, 'reconnect'],
    [401, 'logout'],
    [411, 'logout'],
    [403, 'fatal'],
    [440, 'fatal'],
  ] as const)('%s -> %s', (code, action) => {
    expect(disconnectAction(code)).toBe(action);
  });

  it('agrees with the library constants', () => {
    expect(disconnectAction(DisconnectReason.restartRequired)).toBe('restart');
    expect(disconnectAction(DisconnectReason.connectionReplaced)).toBe('fatal');
    expect(disconnectAction(DisconnectReason.loggedOut)).toBe('logout');
  });

  it('reads the status code from a Boom error', () => {
    expect(statusCodeOf(new Boom('x', { statusCode: 515 }))).toBe(515);
    expect(statusCodeOf(new Error('plain'))).toBeUndefined();
    expect(statusCodeOf(undefined)).toBeUndefined();
  });
});

describe('backoffDelay', () => {
  it('grows exponentially and is capped', () => {
    const mid = () => 0.5; // no jitter effect
    expect(backoffDelay(1, mid, { baseMs: 1000, maxMs: 10_000 })).toBe(1000);
    expect(backoffDelay(2, mid, { baseMs: 1000, maxMs: 10_000 })).toBe(2000);
    expect(backoffDelay(3, mid, { baseMs: 1000, maxMs: 10_000 })).toBe(4000);
    expect(backoffDelay(10, mid, { baseMs: 1000, maxMs: 10_000 })).toBe(10_000);
  });

  it('jitters within bounds', () => {
    expect(backoffDelay(1, () => 0, { baseMs: 1000, jitter: 0.5 })).toBe(750);
    expect(backoffDelay(1, () => 1, { baseMs: 1000, jitter: 0.5 })).toBe(1250);
  });
});
