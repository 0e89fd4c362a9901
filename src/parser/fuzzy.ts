// One-slip spelling tolerance for the longer keywords ("senelc", "woyofql", "factue", "historiqe").

/** True when a and b differ by at most one insertion, deletion, substitution or adjacent swap. */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a[i] === b[i]) i++;
  if (la === lb) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true; // substitution
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2); // swap
  }
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/** Canonical words worth a fuzzy match (at least 5 letters, distinctive). */
export const FUZZY_TARGETS = [
  'senelec',
  'woyofal',
  'facture',
  'recharge',
  'historique',
  'expresso',
  'aquatech',
  'annuler',
  'arreter',
  'rapido',
  'xeweul',
  'credit',
  'orange',
  'compteur',
  'electricite',
  'bonjour',
  'bonsoir',
  'jerejef',
  'deedeet',
  'unsubscribe',
  'confirmer',
  'airtime',
  'seneau',
  'francais',
  'anglais',
  'english',
];

export function fuzzyMatch(word: string): string | null {
  if (word.length < 5) return null;
  for (const t of FUZZY_TARGETS) if (withinOneEdit(word, t)) return t;
  return null;
}
