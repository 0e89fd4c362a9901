// Text normalisation shared by the rule parser: lower case, no accents (ñ -> n, ë -> e), plain quotes.

const COMBINING = /[\u0300-\u036f]/g;

export function normalizeText(text: string): string {
  return (
    text
      .toLowerCase()
      .normalize('NFD')
      .replace(COMBINING, '')
      .replace(/œ/g, 'oe')
      .replace(/[’‘`´ʼ]/g, "'")
      .replace(/[\u00a0\u202f\u2009]/g, ' ')
      // "(+221) 77 123 45 67", "(221)77…": the country code belongs to the number that follows.
      .replace(/\(\s*(\+?\d{1,4})\s*\)\s*(?=\d)/g, '$1 ')
  );
}

export interface WordToken {
  kind: 'word';
  w: string;
  start: number;
  end: number;
}

export interface NumToken {
  kind: 'num';
  /** Digit groups as typed ("78", "000", "11", "22"); the first may carry a leading "+". */
  groups: string[];
  /** Separator before each group after the first (" ", ".", ",", "-"). */
  seps: string[];
  start: number;
  end: number;
}

export type Token = WordToken | NumToken;

// Numbers: groups of digits joined by one separator; words: letters and inner apostrophes/hyphens.
const TOKEN = /(\+?\d+(?:[ .,-]\d+)*)|([a-z]+(?:['-][a-z]+)*)|([?👍👌🙏✅❌])/gu;

// References and codes ("XB7K2M9Q", "8776D3GR", "ref12345") are not numbers; "5k", "1000f", "2000fcfa" are.
const CODE = /[a-z0-9]*(?:[a-z][0-9]|[0-9][a-z])[a-z0-9]*/g;
const NUMBER_WITH_UNIT = /^\d+(?:k|f|fr|frs|fcfa|cfa|xof|francs?|mil|mille|balles?)$/;

/** Blanks codes out (same length, so offsets stay valid). */
function blankCodes(normalized: string): string {
  return normalized.replace(CODE, (m) => (NUMBER_WITH_UNIT.test(m) ? m : ' '.repeat(m.length)));
}

export function tokenize(text: string): Token[] {
  const normalized = blankCodes(text);
  const out: Token[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(normalized); m; m = TOKEN.exec(normalized)) {
    const start = m.index;
    const end = start + m[0].length;
    if (m[1]) {
      const groups: string[] = [];
      const seps: string[] = [];
      const re = /(\+?\d+)([ .,-]?)/g;
      for (let g = re.exec(m[1]); g?.[0]; g = re.exec(m[1])) {
        groups.push(g[1]!);
        if (g[2]) seps.push(g[2]);
      }
      out.push({ kind: 'num', groups, seps, start, end });
    } else if (m[2]) {
      // "vingt-cinq", "quatre-vingt" and "c'est" split into words; keep "sen'eau" whole.
      if (m[2] === "sen'eau") {
        out.push({ kind: 'word', w: 'seneau', start, end });
        continue;
      }
      let offset = start;
      for (const part of m[2].split(/['-]/)) {
        if (part) out.push({ kind: 'word', w: part, start: offset, end: offset + part.length });
        offset += part.length + 1;
      }
    } else if (m[3]) {
      out.push({ kind: 'word', w: m[3], start, end });
    }
  }
  return out;
}
