import { describe, expect, it } from 'vitest';
import { callbackSha256, hmacSignature } from '../../src/intech/signing.js';
import { verifyCallback } from '../../src/intech/verify-callback.js';
import { buildCallbackBody, signCallback, signedCallbackFor } from '../helpers/intech-signer.js';

const API_KEY = 'live-key-0123456789abcdef';
const HMAC_SECRET = 'hmac-secret-fedcba9876543210';
const NOW = 1_764_417_600_000;

describe('verifyCallback without HMAC (sha256Hash only)', () => {
  it('accepts a genuine callback and returns the parsed body', () => {
    const cb = signedCallbackFor('XB7K2M9Q-deliver', { apiKey: API_KEY });
    const res = verifyCallback({ rawBody: cb.rawBody, headers: cb.headers, apiKey: API_KEY, now: NOW });
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    expect(res.body.transaction.externalTransactionId).toBe('XB7K2M9Q-deliver');
    expect(res.body.status).toBe('SUCCESS');
    expect(res.body.sha256Hash).toBe(
      callbackSha256(res.body.transaction.transactionId, 'XB7K2M9Q-deliver', API_KEY),
    );
  });

  it('accepts a Buffer body and a FAILLED callback with its errorType', () => {
    const cb = signedCallbackFor(
      'XB7K2M9Q-collect',
      { apiKey: API_KEY },
      {
        status: 'FAILLED',
        errorType: { id: 4, code: 'payment-timeout', message: 'Délai', codeService: 'WAVE_SN_API_CASH_OUT' },
      },
    );
    const res = verifyCallback({ rawBody: Buffer.from(cb.rawBody), headers: {}, apiKey: API_KEY, now: NOW });
    expect(res).toMatchObject({
      ok: true,
      body: { status: 'FAILLED', transaction: { errorType: { id: 4, code: 'payment-timeout' } } },
    });
  });

  it('rejects a forged hash (computed with another api key)', () => {
    const cb = signedCallbackFor('XB7K2M9Q-deliver', { apiKey: 'attacker-guess' });
    expect(verifyCallback({ rawBody: cb.rawBody, headers: {}, apiKey: API_KEY, now: NOW })).toEqual({
      ok: false,
      reason: 'bad_hash',
    });
  });

  it('rejects a callback redirected to another of our transactions (hash bound to the ids)', () => {
    const cb = signedCallbackFor('XB7K2M9Q-deliver', { apiKey: API_KEY });
    const moved = {
      ...cb.body,
      transaction: { ...cb.body.transaction, externalTransactionId: 'OTHER-deliver' },
    };
    const res = verifyCallback({ rawBody: JSON.stringify(moved), headers: {}, apiKey: API_KEY, now: NOW });
    expect(res).toMatchObject({ ok: false, reason: 'bad_hash' });
  });

  it('rejects non-JSON and wrongly shaped bodies as malformed', () => {
    expect(
      verifyCallback({ rawBody: 'status=SUCCESS', headers: {}, apiKey: API_KEY, now: NOW }),
    ).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
    expect(
      verifyCallback({
        rawBody: JSON.stringify({ status: 'SUCCESS' }),
        headers: {},
        apiKey: API_KEY,
        now: NOW,
      }),
    ).toMatchObject({ ok: false, reason: 'malformed' });
  });
});

describe('verifyCallback with HMAC', () => {
  const keys = { apiKey: API_KEY, hmacSecret: HMAC_SECRET, timestamp: NOW - 1_000 };
  const verify = (rawBody: string, headers: Record<string, string | string[] | undefined>, now = NOW) =>
    verifyCallback({ rawBody, headers, apiKey: API_KEY, hmacSecret: HMAC_SECRET, now });

  it('accepts a genuine signed callback, headers in any case', () => {
    const cb = signedCallbackFor('XB7K2M9Q-deliver', keys);
    expect(verify(cb.rawBody, cb.headers).ok).toBe(true);
    const upper = { 'Hmac-Signature': cb.headers['hmac-signature'], Timestamp: cb.headers.timestamp };
    expect(verify(cb.rawBody, upper).ok).toBe(true);
  });

  it('rejects a body tampered with after signing (amount changed, hash still valid)', () => {
    const cb = signedCallbackFor('XB7K2M9Q-deliver', keys);
    const tampered = cb.rawBody.replace('"amount":1000', '"amount":100000');
    expect(tampered).not.toBe(cb.rawBody);
    expect(verify(tampered, cb.headers)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('rejects a signature made with another secret', () => {
    const cb = signCallback(buildCallbackBody('XB7K2M9Q-deliver'), { ...keys, hmacSecret: 'wrong-secret' });
    expect(verify(cb.rawBody, cb.headers)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('rejects a replay whose timestamp is 6 minutes old, accepts 4 minutes', () => {
    const old = signedCallbackFor('XB7K2M9Q-deliver', { ...keys, timestamp: NOW - 6 * 60_000 });
    expect(verify(old.rawBody, old.headers)).toMatchObject({ ok: false, reason: 'stale' });
    const recent = signedCallbackFor('XB7K2M9Q-deliver', { ...keys, timestamp: NOW - 4 * 60_000 });
    expect(verify(recent.rawBody, recent.headers).ok).toBe(true);
  });

  it('rejects a timestamp from the future beyond the skew, tolerates a few seconds', () => {
    const future = signedCallbackFor('XB7K2M9Q-deliver', { ...keys, timestamp: NOW + 2 * 60_000 });
    expect(verify(future.rawBody, future.headers)).toMatchObject({ ok: false, reason: 'future' });
    const skewed = signedCallbackFor('XB7K2M9Q-deliver', { ...keys, timestamp: NOW + 10_000 });
    expect(verify(skewed.rawBody, skewed.headers).ok).toBe(true);
  });

  it('rejects a callback that lacks either HMAC header', () => {
    const cb = signedCallbackFor('XB7K2M9Q-deliver', keys);
    expect(verify(cb.rawBody, {})).toMatchObject({ ok: false, reason: 'missing_signature' });
    expect(verify(cb.rawBody, { 'hmac-signature': cb.headers['hmac-signature'] })).toMatchObject({
      ok: false,
      reason: 'missing_signature',
    });
    expect(verify(cb.rawBody, { timestamp: cb.headers.timestamp })).toMatchObject({
      ok: false,
      reason: 'missing_signature',
    });
  });

  it('rejects a signed timestamp that was changed (the timestamp is part of the signature)', () => {
    const cb = signedCallbackFor('XB7K2M9Q-deliver', keys);
    const headers = { ...cb.headers, timestamp: String(NOW) };
    expect(verify(cb.rawBody, headers)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('accepts raw bytes that differ in whitespace when JSON.stringify of the parsed body was signed', () => {
    const cb = signedCallbackFor('XB7K2M9Q-deliver', keys);
    const pretty = JSON.stringify(JSON.parse(cb.rawBody), null, 2);
    expect(pretty).not.toBe(cb.rawBody);
    expect(verify(pretty, cb.headers).ok).toBe(true);
  });

  it('accepts a signature over the raw bytes even when they differ from JSON.stringify', () => {
    const body = { ...buildCallbackBody('XB7K2M9Q-deliver'), sha256Hash: '' };
    body.sha256Hash = callbackSha256(body.transaction.transactionId, 'XB7K2M9Q-deliver', API_KEY);
    const raw = JSON.stringify(body, null, 1);
    const ts = String(NOW);
    const sig = hmacSignature(HMAC_SECRET, 'POST', ts, raw);
    expect(verify(raw, { 'hmac-signature': sig, timestamp: ts }).ok).toBe(true);
  });

  it('a valid HMAC does not excuse a wrong sha256Hash', () => {
    const body = { ...buildCallbackBody('XB7K2M9Q-deliver'), sha256Hash: 'a'.repeat(64) };
    const raw = JSON.stringify(body);
    const ts = String(NOW);
    const res = verify(raw, { 'hmac-signature': hmacSignature(HMAC_SECRET, 'POST', ts, raw), timestamp: ts });
    expect(res).toEqual({ ok: false, reason: 'bad_hash' });
  });
});
