// Family, country, brand and label of a service, read from its codeService (Intech's naming is regular).
import type { IntechService } from '../intech/types.js';
import type { Country, Family } from './types.js';

const BRANDS: [prefix: string, brand: string][] = [
  ['BANK_CARD_', 'card'],
  ['BANK_TRANSFER_', 'bank'],
  ['BAOBAP_PLUS_', 'baobab'],
  ['BAOBAB_PLUS_', 'baobab'],
  ['DER_FJ_', 'der'],
  ['OOLUSOLAR_', 'oolu'],
  ['WHATSAPP_', 'whatsapp'],
];

const AIRTIME_LABELS: Record<string, string> = {
  orange: 'Orange',
  free: 'Free',
  expresso: 'Expresso',
  mtn: 'MTN',
  moov: 'Moov',
};

const WALLET_LABELS: Record<string, string> = {
  orange: 'Orange Money',
  free: 'Free Money',
  expresso: 'E-Money',
  wave: 'Wave',
  wizall: 'Wizall',
  card: 'Carte bancaire',
  bank: 'Virement bancaire',
  mtn: 'MTN MoMo',
  moov: 'Moov Money',
};

const BILL_LABELS: Record<string, string> = {
  senelec: 'Senelec',
  seneau: 'SenEau',
  woyofal: 'Woyofal',
  rapido: 'Rapido',
  xeweul: 'Xeweul',
  oolu: 'Oolu Solar',
  baobab: 'Baobab+',
  der: 'DER/FJ',
  aquatech: 'Aquatech',
  uvs: 'UVS',
  ucad: 'UCAD',
};

export function familyOf(s: Pick<IntechService, 'codeService' | 'typeService'>): Family {
  const c = s.codeService;
  if (c.endsWith('_AIRTIME_CREDIT_TELEPHONIQUE') || s.typeService === 'CREDIT_TELEPHONIQUE') return 'airtime';
  if (c.endsWith('_BILL_PAY') || s.typeService === 'BILL_PAY') return 'bill_pay';
  if (c.endsWith('_BILL_RELOAD') || s.typeService === 'BILL_BUY_RELOAD') return 'bill_reload';
  if (/_CASH_OUT(_\d+)?$/.test(c) || s.typeService === 'CASHOUT') return 'wallet_collect';
  if (/_CASH_IN(_\d+)?$/.test(c) || s.typeService === 'CASHIN') return 'wallet_send';
  return 'messaging';
}

export function countryOf(codeService: string): Country {
  return /(^|_)CI(_|$)/.test(codeService) ? 'CI' : 'SN';
}

export function brandOf(codeService: string): string {
  for (const [prefix, brand] of BRANDS) if (codeService.startsWith(prefix)) return brand;
  return (codeService.split('_')[0] ?? codeService).toLowerCase();
}

export function labelOf(family: Family, brand: string, name: string): string {
  if (family === 'airtime') return AIRTIME_LABELS[brand] ?? name;
  if (family === 'wallet_collect' || family === 'wallet_send') return WALLET_LABELS[brand] ?? name;
  if (family === 'bill_pay' || family === 'bill_reload') return BILL_LABELS[brand] ?? name;
  if (brand === 'whatsapp') return 'WhatsApp';
  return name;
}

/** Short customer-facing name of any service, from its code alone: "Orange", "Woyofal", "Wave", "Orange Money". */
export function serviceLabel(codeService: string): string {
  // The code's suffix decides the family; the neutral typeService only applies to codes with none.
  const family = familyOf({ codeService, typeService: 'MESSENGING_SMS' });
  const head = codeService.split('_')[0] ?? codeService;
  const fallback = head.charAt(0) + head.slice(1).toLowerCase();
  return labelOf(family, brandOf(codeService), fallback);
}
