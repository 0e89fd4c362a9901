// One "is this transaction known at Intech" rule for orders and broadcasts: only a "not found" refusal
// means absent (safe to send the same id for the first time); any other refusal says nothing.
import { describe, expect, it } from 'vitest';
import { IntechRejectedError } from '../../src/intech/errors.js';
import { knownAtIntech } from '../../src/intech/known.js';

const rejected = (code: number, msg: string) =>
  new IntechRejectedError({ endpoint: 'get-transaction-status', code, msg, errorType: null, data: null });

describe('knownAtIntech', () => {
  it('an answer is known; "not found" is absent; every other refusal or failure is unknown', () => {
    expect(knownAtIntech({ ok: true })).toBe('known');
    expect(knownAtIntech({ ok: false, error: rejected(4004, 'x') })).toBe('absent');
    expect(knownAtIntech({ ok: false, error: rejected(2001, 'Transaction ABC-COL introuvable') })).toBe(
      'absent',
    );
    expect(
      knownAtIntech({
        ok: false,
        error: rejected(4290, 'Trop de requêtes de statut pour cette transaction'),
      }),
    ).toBe('unknown');
    expect(knownAtIntech({ ok: false, error: rejected(401, 'Clé API invalide') })).toBe('unknown');
    expect(knownAtIntech({ ok: false, error: new Error('socket hang up') })).toBe('unknown');
  });
});
