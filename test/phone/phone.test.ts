import { describe, expect, it } from 'vitest';
import { displayPhone, nationalForm, normalizePhone, phoneForAirtime } from '../../src/phone/phone.js';

const SN_FORMS = [
  '77 123 45 67',
  '771234567',
  '77.123.45.67',
  '77-123-45-67',
  '+221 77 123 45 67',
  '+221771234567',
  '00221771234567',
  '221771234567',
  ' 77 123 45 67 ',
  '(+221) 77 123 45 67',
];
const CI_FORMS = ['07 07 07 07 07', '0707070707', '+225 07 07 07 07 07', '002250707070707', '2250707070707'];

describe('normalizePhone: every form customers type', () => {
  it.each(SN_FORMS)('SN %s', (input) => {
    expect(normalizePhone(input)).toEqual({
      ok: true,
      e164: '+221771234567',
      country: 'SN',
      national: '771234567',
      operator: 'orange',
      type: 'mobile',
    });
  });

  it.each(CI_FORMS)('CI %s', (input) => {
    expect(normalizePhone(input)).toEqual({
      ok: true,
      e164: '+2250707070707',
      country: 'CI',
      national: '0707070707',
      operator: 'orange',
      type: 'mobile',
    });
  });
});

describe('normalizePhone: operator from our prefix table', () => {
  const cases: [string, string, 'SN' | 'CI', string][] = [
    ['771234567', 'orange', 'SN', 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE'],
    ['781234567', 'orange', 'SN', 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE'],
    ['711234567', 'orange', 'SN', 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE'],
    ['761234567', 'free', 'SN', 'FREE_SN_AIRTIME_CREDIT_TELEPHONIQUE'],
    ['701234567', 'expresso', 'SN', 'EXPRESSO_SN_AIRTIME_CREDIT_TELEPHONIQUE'],
    ['0707070707', 'orange', 'CI', 'ORANGE_CI_AIRTIME_CREDIT_TELEPHONIQUE'],
    ['0544332211', 'mtn', 'CI', 'MTN_CI_AIRTIME_CREDIT_TELEPHONIQUE'],
    ['0102030405', 'moov', 'CI', 'MOOV_CI_AIRTIME_CREDIT_TELEPHONIQUE'],
  ];
  it.each(cases)('%s -> %s', (input, operator, country, code) => {
    const r = normalizePhone(input);
    expect(r).toMatchObject({ ok: true, operator, country, type: 'mobile' });
    expect(phoneForAirtime(input)).toMatchObject({ ok: true, codeService: code });
  });
});

describe('phoneForAirtime: a clear answer for numbers no service covers', () => {
  it('fixed lines', () => {
    expect(normalizePhone('33 821 12 34')).toMatchObject({ ok: true, type: 'fixed', e164: '+221338211234' });
    expect(phoneForAirtime('33 821 12 34')).toMatchObject({
      ok: false,
      reason: 'fixed_line',
      e164: '+221338211234',
    });
    expect(phoneForAirtime('+225 27 21 23 45 67')).toMatchObject({ ok: false, reason: 'fixed_line' });
  });

  it('Promobile and the small ranges', () => {
    expect(phoneForAirtime('75 123 45 67')).toMatchObject({
      ok: false,
      reason: 'no_airtime_service',
      operator: 'promobile',
    });
    expect(phoneForAirtime('72 123 45 67')).toMatchObject({
      ok: false,
      reason: 'no_airtime_service',
      operator: 'hayo',
    });
  });

  it('foreign numbers', () => {
    expect(normalizePhone('+33 6 12 34 56 78')).toEqual({
      ok: false,
      reason: 'foreign',
      e164: '+33612345678',
      country: 'FR',
    });
    expect(phoneForAirtime('0033612345678')).toMatchObject({ ok: false, reason: 'foreign' });
  });

  it('garbage, old 8-digit CI numbers and wrong lengths', () => {
    for (const s of ['', 'abc', '12345', '07070707', '7712345678', '+221 77 123 45', '0607080910x']) {
      expect(normalizePhone(s), s).toMatchObject({ ok: false, reason: 'invalid' });
    }
  });

  it('uses the default country for ambiguous national forms', () => {
    expect(normalizePhone('33 821 12 34', 'SN')).toMatchObject({ ok: true, country: 'SN' });
    expect(normalizePhone('27 21 23 45 67', 'CI')).toMatchObject({ ok: true, country: 'CI', type: 'fixed' });
  });
});

describe('display and national forms', () => {
  it('shows numbers the way people write them', () => {
    expect(displayPhone('+221771234567')).toBe('77 123 45 67');
    expect(displayPhone('+2250707070707')).toBe('07 07 07 07 07');
    expect(displayPhone('+33612345678')).toBe('+33 6 12 34 56 78');
  });

  it("gives Intech's national form", () => {
    expect(nationalForm('+221772457199')).toBe('772457199');
    expect(nationalForm('+2250707070707')).toBe('0707070707');
  });
});
