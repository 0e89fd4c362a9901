// Small display helpers for conversation texts (pure).
import type { Country } from '../catalog/types.js';
import { displayPhone } from '../phone/phone.js';

/** "+221771234567" -> "77 123 45 67" (the phone module's display form). */
export const showPhone = displayPhone;

export function countryOfPhone(e164: string | null | undefined): Country | null {
  if (!e164) return null;
  if (e164.startsWith('+221')) return 'SN';
  if (e164.startsWith('+225')) return 'CI';
  return null;
}

/** Name and due date from a bill's infos ("Nom client", "Date d'échéance"…), when present. */
export function billHighlights(infos: { label: string; value: string }[]): { name?: string; due?: string } {
  const name = infos.find((i) => /nom|name|client|titulaire/i.test(i.label))?.value;
  const due = infos.find((i) => /ch[ée]ance|due|limite|date/i.test(i.label))?.value;
  return { name, due };
}

/** dd/mm in UTC (Senegal and Côte d'Ivoire are on UTC all year). */
export function shortDate(epochMs: number): string {
  const d = new Date(epochMs);
  return `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** "1234 5678 9012 3456 7890" */
export function groupToken(token: string): string {
  return token.replace(/(\d{4})(?=\d)/g, '$1 ');
}
