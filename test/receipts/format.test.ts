import { describe, expect, it } from 'vitest';
import { formatDateTime, formatToken } from '../../src/receipts/format.js';
import { T0 } from '../helpers/orders.js';

describe('formatToken', () => {
  it('groups a 20-digit Woyofal token in fours', () => {
    expect(formatToken('12345678901234567890')).toBe('1234 5678 9012 3456 7890');
  });
  it('regroups a token that arrives with odd spacing', () => {
    expect(formatToken(' 123 45678901 234567890 ')).toBe('1234 5678 9012 3456 7890');
  });
  it('leaves a short tail without a trailing space', () => {
    expect(formatToken('123456')).toBe('1234 56');
  });
});

describe('formatDateTime', () => {
  it('uses Dakar time (GMT) by default', () => {
    expect(formatDateTime(T0)).toBe('29/11/2026 12:52 GMT');
    // 23:59 UTC is still the same day in Dakar.
    expect(formatDateTime(Date.UTC(2026, 11, 31, 23, 59))).toBe('31/12/2026 23:59 GMT');
  });
  it('honours another time zone', () => {
    expect(formatDateTime(T0, 'Europe/Paris')).toMatch(/^29\/11\/2026 13:52 /);
  });
});
