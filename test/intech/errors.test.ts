import { describe, expect, it } from 'vitest';
import {
  IntechRejectedError,
  IntechTransportError,
  IntechUnknownOutcomeError,
  isIntechError,
  mapIntechFailure,
} from '../../src/intech/errors.js';

const money = { endpoint: '/api-services/operation', money: true, externalTransactionId: 'E1' };
const read = { endpoint: '/api-services/balance', money: false };
const sysErr = (code: string) => Object.assign(new Error(code), { code });

describe('mapIntechFailure', () => {
  it('a refusal is a rejection whatever the call', () => {
    for (const ctx of [money, read]) {
      const e = mapIntechFailure(
        { type: 'rejected', code: 4000, msg: 'non', errorType: null, data: null },
        ctx,
      );
      expect(e).toBeInstanceOf(IntechRejectedError);
    }
  });

  it('nothing sent (refused, DNS, connect timeout, also inside an AggregateError) is a transport error even for money', () => {
    for (const error of [
      sysErr('ECONNREFUSED'),
      sysErr('ENOTFOUND'),
      sysErr('UND_ERR_CONNECT_TIMEOUT'),
      new AggregateError([sysErr('ECONNREFUSED'), sysErr('ECONNREFUSED')]),
    ]) {
      const e = mapIntechFailure({ type: 'thrown', error }, money);
      expect(e, String(error)).toBeInstanceOf(IntechTransportError);
    }
  });

  it('for money, a reset, a timeout, a 5xx, non-JSON or an unreadable answer are unknown, never failures', () => {
    const cases = [
      { type: 'thrown', error: sysErr('ECONNRESET') },
      { type: 'thrown', error: sysErr('UND_ERR_SOCKET') },
      { type: 'thrown', error: sysErr('UND_ERR_HEADERS_TIMEOUT') },
      { type: 'thrown', error: new DOMException('t', 'TimeoutError') },
      { type: 'http', status: 504 },
      { type: 'not_json', status: 200 },
      { type: 'schema', status: 200, detail: 'x' },
    ] as const;
    for (const f of cases) {
      const e = mapIntechFailure(f, money);
      expect(e, JSON.stringify(f)).toBeInstanceOf(IntechUnknownOutcomeError);
      expect((e as IntechUnknownOutcomeError).externalTransactionId).toBe('E1');
      // The same failures on a read-only call are plain transport errors.
      expect(mapIntechFailure(f, read)).toBeInstanceOf(IntechTransportError);
    }
  });

  it('a 4xx on a money call is a transport error (refused at the HTTP level)', () => {
    const e = mapIntechFailure({ type: 'http', status: 400 }, money);
    expect(e).toBeInstanceOf(IntechTransportError);
    expect((e as IntechTransportError).transient).toBe(false);
    expect((mapIntechFailure({ type: 'http', status: 429 }, read) as IntechTransportError).transient).toBe(
      true,
    );
  });

  it('isIntechError recognises the three classes only', () => {
    expect(isIntechError(mapIntechFailure({ type: 'http', status: 500 }, money))).toBe(true);
    expect(isIntechError(new Error('x'))).toBe(false);
  });
});
