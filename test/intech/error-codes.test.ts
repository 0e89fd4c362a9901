import { describe, expect, it } from 'vitest';
import { classifyIntechError, INTECH_ERROR_TABLE, normalizeErrorCode } from '../../src/intech/error-codes.js';

// The documented table (intech-api.md), written out independently of the implementation.
const DOCUMENTED: [ids: (number | null)[], code: string][] = [
  [[null], 'unknown_error'],
  [[1], 'invalid_phone_number'],
  [[2, 26], 'insufficient_balance'],
  [[3], 'logged-out-user-session'],
  [[4], 'payment-timeout'],
  [[5, 9, 23], 'no_om_account'],
  [[6, 7, 8, 20, 21], 'exceeds-limit-time'],
  [[11], 'user_account_suspended'],
  [[12], 'whatsapp_user_not_found'],
  [[14], 'om_number_not_allowed'],
  [[15], 'bad_amount_50'],
  [[16], 'bad_amount_100'],
  [[17], 'om_operator_internal_error'],
  [[18, 22, 27, 36, 40, 42], 'monthly_max_amount_cumul_reached'],
  [[24, 25, 41], 'interval_max_amount_cumul_reached'],
  [[28], 'operator_down_time'],
  [[29, 30, 31, 32, 33, 34, 35], 'execution_error'],
  [[37], 'balance_check_failed'],
  [[38], 'bad_amount_5'],
  [[39], 'no_mtn_account'],
];

describe('classifyIntechError', () => {
  it('knows every documented id and code', () => {
    for (const [ids, code] of DOCUMENTED) {
      for (const id of ids) {
        expect(classifyIntechError({ id, code }).code, `${id} ${code}`).toBe(code);
        // By id alone, when Intech sends an unfamiliar spelling of the code.
        if (id !== null) expect(classifyIntechError({ id, code: '' }).code, `${id}`).toBe(code);
      }
    }
    for (const code of ['connexion_error', 'pos_already_connected']) {
      expect(classifyIntechError({ id: null, code })).toEqual({ code, retryable: true, blame: 'operator' });
    }
    expect(classifyIntechError({ id: 19, code: '' }).code).toBe('connexion_error');
    expect(classifyIntechError({ id: 43, code: '' }).code).toBe('pos_already_connected');
  });

  it('tells whose balance was too low: id 2 customer, id 26 merchant, else by service', () => {
    expect(classifyIntechError({ id: 2, code: 'insufficient_balance' })).toEqual({
      code: 'insufficient_balance',
      retryable: true,
      blame: 'customer',
    });
    expect(classifyIntechError({ id: 26, code: 'insufficient_balance' }).blame).toBe('merchant');
    expect(
      classifyIntechError({ id: null, code: 'insufficient_balance', codeService: 'WAVE_SN_API_CASH_OUT' })
        .blame,
    ).toBe('customer');
    expect(
      classifyIntechError({
        id: null,
        code: 'insufficient_balance',
        codeService: 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE',
      }).blame,
    ).toBe('merchant');
  });

  it('decides retry: a wrong number or amount will not work later, an operator outage will', () => {
    expect(classifyIntechError({ id: 1, code: 'invalid_phone_number' }).retryable).toBe(false);
    expect(classifyIntechError({ id: 15, code: 'bad_amount_50' }).retryable).toBe(false);
    expect(classifyIntechError({ id: 18, code: 'monthly_max_amount_cumul_reached' }).retryable).toBe(false);
    expect(classifyIntechError({ id: 4, code: 'payment-timeout' })).toEqual({
      code: 'payment-timeout',
      retryable: true,
      blame: 'customer',
    });
    expect(classifyIntechError({ id: 28, code: 'operator_down_time' })).toEqual({
      code: 'operator_down_time',
      retryable: true,
      blame: 'operator',
    });
  });

  it('treats null/undefined as unknown_error and keeps undocumented codes, retryable', () => {
    expect(classifyIntechError(null)).toEqual({ code: 'unknown_error', retryable: true, blame: 'unknown' });
    expect(classifyIntechError(undefined).code).toBe('unknown_error');
    expect(classifyIntechError({ id: 999, code: 'brand_new_code' })).toEqual({
      code: 'brand_new_code',
      retryable: true,
      blame: 'unknown',
    });
  });

  it('matches codes whatever the case and dash/underscore spelling', () => {
    expect(normalizeErrorCode('Payment-Timeout')).toBe('payment_timeout');
    expect(classifyIntechError({ id: null, code: 'PAYMENT_TIMEOUT' }).code).toBe('payment-timeout');
  });

  it('every table entry is documented and every id appears once', () => {
    const ids = INTECH_ERROR_TABLE.flatMap((e) => e.ids);
    expect(new Set(ids).size).toBe(ids.length);
    const documentedIds = [...DOCUMENTED.flatMap(([i]) => i), 19, 43].sort();
    expect([...ids].sort()).toEqual(documentedIds);
  });
});
