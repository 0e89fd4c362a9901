// Text normalisation shared by the rule parser: lower case, no accents (ñ -> n, ë -> e), plain quotes.
// Every regex here is linear in the length of the text (no nested or overlapping repetition): one
// WhatsApp message may be 65 536 characters long, and the parser runs on the event loop.

const COMBINING = /[\u0300-\u036f]/g;

/**
 * The longest inbound text the parser reads. An order fits in a line; WhatsApp allows 65 536 characters,
 * so the rest is cut (the conversation tells the customer their message was too long).
 */
export const MAX_INPUT_CHARS = 2000;

/**
 * Caps inbound text at MAX_INPUT_CHARS, cutting at the last space before the limit when there is one,
 * so no number or word is cut in half (a phone number cut short would read as another number), and
 * never inside a surrogate pair.
 */
export function capInput(text: string, max: number = MAX_INPUT_CHARS): { text: string; truncated: boolean } {
  if (text.length <= max) return { text, truncated: false };
  let end = max;
  const space = text.lastIndexOf(' ', max);
  const newline = text.lastIndexOf('\n', max);
  const cut = Math.max(space, newline);
  if (cut >= max / 2) end = cut;
  else {
    // No blank near the end: cut inside the run, but not between the halves of a surrogate pair.
    const code = text.charCodeAt(end - 1);
    if (code >= 0xd800 && code <= 0xdbff) end--;
  }
  return { text: text.slice(0, end).trimEnd(), truncated: true };
}

export function normalizeText(text: string): string {
  return (
    text
      .toLowerCase()
      .normalize('NFD')
      .replace(COMBINING, '')
      .replace(/œ/g, 'oe')
      .replace(/[’‘`´ʼ]/g, "'")
      .replace(/[\u00a0\u202f\u2009]/g, ' ')
      // A typed minus sign ("−500") is a hyphen to the tokenizer, which then sees the sign.
      .replace(/\u2212/g, '-')
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
  /** Typed with a minus sign ("-500", "credit -500"): never an amount. */
  negative?: boolean;
  start: number;
  end: number;
}

export type Token = WordToken | NumToken;

// Numbers: groups of digits joined by one separator; words: letters and inner apostrophes/hyphens.
const TOKEN = /(\+?\d+(?:[ .,-]\d+)*)|([a-z]+(?:['-][a-z]+)*)|([?👍👌🙏✅❌])/gu;

// References and codes ("XB7K2M9Q", "8776D3GR", "ref12345") are not numbers; "5k", "1000f", "2000fcfa" are.
// Each maximal letter-and-digit run is matched once and then tested: a pattern that looks for a
// letter-digit pair inside the run would rescan the run from every start (quadratic on 'a'×65 536).
const ALNUM_RUN = /[a-z0-9]+/g;
const MIXED = /[a-z][0-9]|[0-9][a-z]/;
const NUMBER_WITH_UNIT = /^\d+(?:k|f|fr|frs|fcfa|cfa|xof|francs?|mil|mille|balles?)$/;

/** Blanks codes out (same length, so offsets stay valid). */
function blankCodes(normalized: string): string {
  return normalized.replace(ALNUM_RUN, (m) =>
    !MIXED.test(m) || NUMBER_WITH_UNIT.test(m) ? m : ' '.repeat(m.length),
  );
}

/**
 * Most tokens the parser reads from one message: an order is a line, and a 2 000-character message has
 * at most ~1 000 tokens. The rest of an oversized message is never looked at, so parsing time stays
 * bounded whatever reaches the parser.
 */
export const MAX_TOKENS = 1000;

/** Digit groups kept in one number ("77 123 45 67" has 4; a meter typed in pairs, 6 or so). */
const MAX_GROUPS = 40;

export function tokenize(text: string, limit: number = MAX_TOKENS): Token[] {
  const normalized = blankCodes(text);
  const out: Token[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(normalized); m && out.length < limit; m = TOKEN.exec(normalized)) {
    const start = m.index;
    const end = start + m[0].length;
    if (m[1]) {
      const groups: string[] = [];
      const seps: string[] = [];
      const re = /(\+?\d+)([ .,-]?)/g;
      for (let g = re.exec(m[1]); g?.[0] && groups.length < MAX_GROUPS; g = re.exec(m[1])) {
        groups.push(g[1]!);
        if (g[2]) seps.push(g[2]);
      }
      // "-500" at the start or after a blank is a sign; "77-123-45-67" and "recharge-500" are not.
      const negative =
        normalized[start - 1] === '-' && (start < 2 || !/[a-z0-9]/.test(normalized[start - 2]!));
      out.push(
        negative
          ? { kind: 'num', groups, seps, start, end, negative }
          : { kind: 'num', groups, seps, start, end },
      );
    } else if (m[2]) {
      // "vingt-cinq", "quatre-vingt" and "c'est" split into words; keep "sen'eau" whole.
      if (m[2] === "sen'eau") {
        out.push({ kind: 'word', w: 'seneau', start, end });
        continue;
      }
      let offset = start;
      for (const part of m[2].split(/['-]/, limit - out.length)) {
        if (part) out.push({ kind: 'word', w: part, start: offset, end: offset + part.length });
        offset += part.length + 1;
      }
    } else if (m[3]) {
      out.push({ kind: 'word', w: m[3], start, end });
    }
  }
  return out;
}
