// Phone numbers as customers type them -> E.164, for Senegal and Côte d'Ivoire.
// libphonenumber-js validates; our prefix table (prefixes.ts) names the operator.
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import {
  COUNTRY_CODES,
  NATIONAL_LENGTH,
  type PhoneCountry,
  prefixInfo,
  airtimeCode as codeFor,
} from './prefixes.js';

export type { PhoneCountry } from './prefixes.js';

export type PhoneOk = {
  ok: true;
  e164: string;
  country: PhoneCountry;
  /** Intech's national form: 772457199 (SN) or 0707070707 (CI). */
  national: string;
  /** 'orange' | 'free' | 'expresso' | 'promobile' | 'hayo' | 'adie' | 'mtn' | 'moov' | null */
  operator: string | null;
  type: 'mobile' | 'fixed';
};

export type PhoneError = {
  ok: false;
  /**
   * invalid: not a number we can read; foreign: a valid number of another country (e164 given);
   * fixed_line / no_airtime_service: only from phoneForAirtime.
   */
  reason: 'invalid' | 'foreign' | 'fixed_line' | 'no_airtime_service';
  e164?: string;
  /** ISO country of a foreign number, when known. */
  country?: string;
  operator?: string | null;
};

export type PhoneResult = PhoneOk | PhoneError;

const SEPARATORS = /[\s.\-()/\u00a0\u202f]/g;

// Parsing the same few numbers again and again is common (benchmarks, retries): keep a small cache.
const cache = new Map<string, PhoneResult>();
const CACHE_MAX = 2000;

/** Every form in domain.md: "77 123 45 67", "+221 77…", "00221…", "221…", "07 07 07 07 07", "+225…". */
export function normalizePhone(input: string, defaultCountry?: PhoneCountry): PhoneResult {
  const key = `${defaultCountry ?? ''}|${input}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const result = normalizeUncached(input, defaultCountry);
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(key, result);
  return result;
}

function normalizeUncached(input: string, defaultCountry?: PhoneCountry): PhoneResult {
  let s = input.trim().replace(SEPARATORS, '');
  if (s.startsWith('00')) s = `+${s.slice(2)}`;
  if (!/^\+?\d+$/.test(s)) return { ok: false, reason: 'invalid' };
  if (s.startsWith('+')) {
    const digits = s.slice(1);
    if (digits.startsWith('221')) return local('SN', digits.slice(3));
    if (digits.startsWith('225')) return local('CI', digits.slice(3));
    return foreign(s);
  }
  // No "+": the country code may still be there (221771234567, 2250707070707).
  if (s.length === 12 && s.startsWith('221')) return local('SN', s.slice(3));
  if (s.length === 13 && s.startsWith('225')) return local('CI', s.slice(3));
  if (s.length === 9 && /^[37]/.test(s)) return local('SN', s);
  if (s.length === 10 && /^0/.test(s)) return local('CI', s);
  if (defaultCountry) return local(defaultCountry, s);
  return { ok: false, reason: 'invalid' };
}

function local(country: PhoneCountry, national: string): PhoneResult {
  if (national.length !== NATIONAL_LENGTH[country]) return { ok: false, reason: 'invalid' };
  const e164 = `+${COUNTRY_CODES[country]}${national}`;
  const info = prefixInfo(country, national);
  // A mobile range of our table decides alone (below, libphonenumber's answer would change nothing for
  // it): no parse, the costliest step of a new customer's first message.
  if (info?.type === 'mobile')
    return { ok: true, e164, country, national, operator: info.operator ?? null, type: 'mobile' };
  const parsed = parsePhoneNumberFromString(e164);
  // libphonenumber does not know some small mobile ranges our table lists (e.g. ADIE 79): the table's
  // mobile ranges were answered above; anything else must be valid for libphonenumber.
  if (parsed?.isValid() !== true) return { ok: false, reason: 'invalid' };
  const lpType = parsed?.getType();
  const type: 'mobile' | 'fixed' =
    info?.type ?? (lpType === 'FIXED_LINE' || lpType === 'FIXED_LINE_OR_MOBILE' ? 'fixed' : 'mobile');
  return { ok: true, e164, country, national, operator: info?.operator ?? null, type };
}

function foreign(e164: string): PhoneResult {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed?.isValid()) return { ok: false, reason: 'invalid' };
  return { ok: false, reason: 'foreign', e164: parsed.number, country: parsed.country };
}

/**
 * Can we sell airtime to this number? ok with the operator's code, or a reason the bot can explain:
 * fixed_line (33…, 27…), no_airtime_service (Promobile, Hayo, ADIE), foreign, invalid.
 */
export function phoneForAirtime(
  input: string,
  defaultCountry?: PhoneCountry,
): (PhoneOk & { codeService: string }) | PhoneError {
  const r = normalizePhone(input, defaultCountry);
  if (!r.ok) return r;
  if (r.type === 'fixed')
    return { ok: false, reason: 'fixed_line', e164: r.e164, country: r.country, operator: r.operator };
  const codeService = r.operator ? codeFor(r.country, r.operator) : null;
  if (!codeService)
    return {
      ok: false,
      reason: 'no_airtime_service',
      e164: r.e164,
      country: r.country,
      operator: r.operator,
    };
  return { ...r, codeService };
}

/** Airtime code for an E.164 number from the prefix table, or null. */
export function airtimeCodeForPhone(e164: string): string | null {
  const r = phoneForAirtime(e164);
  return r.ok ? r.codeService : null;
}

/** +221771234567 -> 771234567; +2250707070707 -> 0707070707; others unchanged without "+". */
export function nationalForm(e164: string): string {
  if (e164.startsWith('+221')) return e164.slice(4);
  if (e164.startsWith('+225')) return e164.slice(4);
  return e164.replace(/^\+/, '');
}

/** "77 123 45 67" (SN), "07 07 07 07 07" (CI), international format otherwise. */
export function displayPhone(e164: string): string {
  const n = nationalForm(e164);
  if (e164.startsWith('+221') && n.length === 9)
    return `${n.slice(0, 2)} ${n.slice(2, 5)} ${n.slice(5, 7)} ${n.slice(7)}`;
  if (e164.startsWith('+225') && n.length === 10) return n.replace(/(\d{2})(?=\d)/g, '$1 ');
  return parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;
}
