// Our own operator table (libphonenumber-js has no carrier data). Prefixes follow domain.md.
// Portability exists in both countries: a prefix is a hint, shown to the customer, never proof.
export type PhoneCountry = 'SN' | 'CI';

export interface PrefixInfo {
  operator: string;
  type: 'mobile' | 'fixed';
}

/** Senegal: first two digits of the 9-digit national number. */
export const SN_PREFIXES: Record<string, PrefixInfo> = {
  '77': { operator: 'orange', type: 'mobile' },
  '78': { operator: 'orange', type: 'mobile' },
  '71': { operator: 'orange', type: 'mobile' },
  '76': { operator: 'free', type: 'mobile' },
  '70': { operator: 'expresso', type: 'mobile' },
  '75': { operator: 'promobile', type: 'mobile' },
  '72': { operator: 'hayo', type: 'mobile' },
  '79': { operator: 'adie', type: 'mobile' },
  '33': { operator: 'orange', type: 'fixed' },
  '30': { operator: 'expresso', type: 'fixed' },
};

/** Côte d'Ivoire: first two digits of the 10-digit national number (the leading 0 or 2 included). */
export const CI_PREFIXES: Record<string, PrefixInfo> = {
  '07': { operator: 'orange', type: 'mobile' },
  '05': { operator: 'mtn', type: 'mobile' },
  '01': { operator: 'moov', type: 'mobile' },
  '27': { operator: 'orange', type: 'fixed' },
  '25': { operator: 'mtn', type: 'fixed' },
  '21': { operator: 'moov', type: 'fixed' },
};

export const COUNTRY_CODES: Record<PhoneCountry, string> = { SN: '221', CI: '225' };
export const NATIONAL_LENGTH: Record<PhoneCountry, number> = { SN: 9, CI: 10 };

export function prefixInfo(country: PhoneCountry, national: string): PrefixInfo | undefined {
  const table = country === 'SN' ? SN_PREFIXES : CI_PREFIXES;
  return table[national.slice(0, 2)];
}

/** Airtime operators Intech sells per country (the operator names in the codes, lower-cased). */
export const AIRTIME_OPERATORS: Record<PhoneCountry, readonly string[]> = {
  SN: ['orange', 'free', 'expresso'],
  CI: ['orange', 'mtn', 'moov'],
};

export function airtimeCode(country: PhoneCountry, operator: string): string | null {
  if (!AIRTIME_OPERATORS[country].includes(operator)) return null;
  return `${operator.toUpperCase()}_${country}_AIRTIME_CREDIT_TELEPHONIQUE`;
}
