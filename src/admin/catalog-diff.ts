// Catalog diff (pure): what changed between the stored service list and Intech's, and the customer-facing
// announcement an admin may broadcast about it.
import { brandOf, countryOf, familyOf, labelOf } from '../catalog/derive.js';
import type { Family } from '../catalog/types.js';
import type { Lang } from '../i18n/lang.js';
import type { IntechService } from '../intech/types.js';

export interface CatalogDiff {
  added: IntechService[];
  removed: IntechService[];
  /** Same codeService, new name. */
  renamed: { codeService: string; from: string; to: string }[];
}

export function diffCatalog(old: IntechService[], next: IntechService[]): CatalogDiff {
  const before = new Map(old.map((s) => [s.codeService, s]));
  const after = new Map(next.map((s) => [s.codeService, s]));
  const added = [...after.values()].filter((s) => !before.has(s.codeService));
  const removed = [...before.values()].filter((s) => !after.has(s.codeService));
  const renamed: CatalogDiff['renamed'] = [];
  for (const s of after.values()) {
    const was = before.get(s.codeService);
    if (was && was.name !== s.name) renamed.push({ codeService: s.codeService, from: was.name, to: s.name });
  }
  const byCode = (a: { codeService: string }, b: { codeService: string }) =>
    a.codeService.localeCompare(b.codeService);
  return { added: added.sort(byCode), removed: removed.sort(byCode), renamed: renamed.sort(byCode) };
}

export function isEmptyDiff(d: CatalogDiff): boolean {
  return d.added.length === 0 && d.removed.length === 0 && d.renamed.length === 0;
}

/** Families customers deal with directly (sending to wallets and WhatsApp messaging are internal). */
const CUSTOMER_FAMILIES: Family[] = ['airtime', 'bill_pay', 'bill_reload', 'wallet_collect'];

function customerLabel(s: IntechService): string | null {
  const family = familyOf(s);
  if (!CUSTOMER_FAMILIES.includes(family)) return null;
  const brand = brandOf(s.codeService);
  const label = labelOf(family, brand, s.name);
  return `${label} (${countryOf(s.codeService) === 'CI' ? "Côte d'Ivoire" : 'Sénégal'})`;
}

const WORDS: Record<Lang, { intro: string; added: string; removed: string; outro: string }> = {
  fr: {
    intro: '📢 Nouveautés Xaalis Bot',
    added: 'Nouveau :',
    removed: "N'est plus disponible pour le moment :",
    outro: 'Écrivez *aide* pour voir ce que je peux faire. Répondez STOP pour ne plus recevoir ces messages.',
  },
  en: {
    intro: '📢 Xaalis Bot news',
    added: 'New:',
    removed: 'No longer available for now:',
    outro: 'Type *help* to see what I can do. Reply STOP to stop receiving these messages.',
  },
  wo: {
    intro: '📢 Xaalis Bot : lu bees',
    added: 'Lu bees :',
    removed: 'Amul fi léegi :',
    outro: 'Bindal *aide* ngir xam li ma mën a def. Tontul STOP su nga bëggul jot yii bataaxal.',
  },
};

/**
 * Announcement per language, or null when nothing changed that a customer would notice (a rename keeps
 * the service: customers see our labels, not Intech's names).
 */
export function announcement(diff: CatalogDiff): Record<Lang, string> | null {
  const uniq = (xs: (string | null)[]) => [...new Set(xs.filter((x): x is string => x !== null))];
  const added = uniq(diff.added.map(customerLabel));
  const removed = uniq(diff.removed.map(customerLabel)).filter((l) => !added.includes(l));
  if (added.length === 0 && removed.length === 0) return null;
  const out = {} as Record<Lang, string>;
  for (const lang of Object.keys(WORDS) as Lang[]) {
    const w = WORDS[lang];
    const parts = [w.intro];
    if (added.length) parts.push(`${w.added}\n${added.map((l) => `• ${l}`).join('\n')}`);
    if (removed.length) parts.push(`${w.removed}\n${removed.map((l) => `• ${l}`).join('\n')}`);
    parts.push(w.outro);
    out[lang] = parts.join('\n\n');
  }
  return out;
}

/** One-screen summary for admins (French/English neutral: codes are what admins act on). */
export function describeDiff(d: CatalogDiff): string {
  if (isEmptyDiff(d)) return 'Catalogue inchangé / catalog unchanged.';
  const lines: string[] = [];
  if (d.added.length) lines.push(`➕ ${d.added.length}: ${d.added.map((s) => s.codeService).join(', ')}`);
  if (d.removed.length)
    lines.push(`➖ ${d.removed.length}: ${d.removed.map((s) => s.codeService).join(', ')}`);
  if (d.renamed.length)
    lines.push(
      `✏️ ${d.renamed.length}: ${d.renamed.map((r) => `${r.codeService} "${r.from}" → "${r.to}"`).join(', ')}`,
    );
  return lines.join('\n');
}
