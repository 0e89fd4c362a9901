// The whole-message choice reader: a numbered option is taken only when the whole message is that
// option ("1", "le 1", "option 2", "2️⃣", "deux", "ñaar", "two", "wave", "orange money").
// A number inside a sentence ("les deux", "deux secondes", "2 ou 3 ?", "both") is never a choice:
// money rule 5 (an unmistakable answer) depends on it. Pure.

export interface ChoiceOption {
  /** 1-based number shown to the customer. */
  n: number;
  /** The option's own names, as shown or commonly written ("Orange Money", "om"). */
  names: string[];
}

export type ChoiceReading =
  /** The whole message is this option. */
  | { kind: 'pick'; n: number }
  /** A number (digits or a number word) inside a longer message, or "both"/"les deux": not a pick. */
  | { kind: 'unclear' }
  | { kind: 'none' };

/** Number words standing alone (fr, en, wo, common spellings). */
const NUMBER_WORDS: Record<string, number> = {
  un: 1,
  une: 1,
  premier: 1,
  premiere: 1,
  deux: 2,
  deuxieme: 2,
  second: 2,
  seconde: 2,
  trois: 3,
  troisieme: 3,
  quatre: 4,
  quatrieme: 4,
  cinq: 5,
  six: 6,
  sept: 7,
  huit: 8,
  neuf: 9,
  dix: 10,
  one: 1,
  first: 1,
  two: 2,
  three: 3,
  third: 3,
  four: 4,
  fourth: 4,
  five: 5,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  benn: 1,
  naar: 2,
  niaar: 2,
  nyaar: 2,
  nett: 3,
  niett: 3,
  nyett: 3,
  neent: 4,
  nient: 4,
  nyeent: 4,
  juroom: 5,
  jurom: 5,
  diurom: 5,
  fukk: 10,
};

/** Words that may come before the number: "le 2", "option 2", "numéro 3", "the 2", "bu 2". */
const LEADS = new Set([
  'le',
  'la',
  'l',
  'option',
  'opt',
  'choix',
  'choice',
  'numero',
  'num',
  'no',
  'n',
  'number',
  'nimero',
  'the',
  'bu',
  'bi',
  'ba',
]);
/** Polite words that may close a pick: "2 stp", "wave svp", "1 please", "benn rekk". */
const TAILS = new Set(['stp', 'svp', 'please', 'pls', 'merci', 'rek', 'rekk', 'bi', 'ba', 'bu', 'ok']);

/** Words meaning "several at once": never a single pick. */
const SEVERAL = /\b(les deux|les 2|both|tous|toutes|all|ñaar ñaar|naar naar|yepp|yep yi)\b/;

/** "Orange Money" -> "orange money"; accents, ñ, case and punctuation folded. */
export function foldText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/ñ/g, 'n')
    .replace(/([0-9])\ufe0f?\u20e3/g, ' $1 ') // keycap emoji "2️⃣"
    .replace(/[#°*_~"'’`.,;:!?()[\]{}«»/\\-]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function numberOf(word: string): number | undefined {
  if (/^\d{1,2}$/.test(word)) return Number(word);
  return NUMBER_WORDS[word];
}

/** Reads the whole message as one of the options, or says why not. */
export function readChoice(text: string, options: readonly ChoiceOption[]): ChoiceReading {
  const folded = foldText(text);
  if (!folded) return { kind: 'none' };
  const hasQuestion = /\?/.test(text);
  let words = folded.split(' ');
  while (words.length > 1 && TAILS.has(words[words.length - 1]!)) words = words.slice(0, -1);
  const core = words.join(' ');

  // The option's own name, alone.
  for (const o of options)
    if (o.names.some((name) => foldText(name) === core) && !hasQuestion) return { kind: 'pick', n: o.n };

  // A number, alone or after a lead word ("le 2", "option 2").
  const rest = words.length === 2 && LEADS.has(words[0]!) ? [words[1]!] : words;
  if (rest.length === 1 && !hasQuestion) {
    const n = numberOf(rest[0]!);
    if (n !== undefined) {
      if (options.some((o) => o.n === n)) return { kind: 'pick', n };
      return { kind: 'unclear' };
    }
  }
  if (SEVERAL.test(folded)) return { kind: 'unclear' };
  // An option's name inside a longer message ("wave ou orange money", "wave ?"): not a pick.
  const padded = ` ${folded} `;
  if (options.some((o) => o.names.some((name) => name && padded.includes(` ${foldText(name)} `))))
    return { kind: 'unclear' };
  // A small number or a number word somewhere in a longer message: not a pick.
  if (words.some((w) => numberOf(w) !== undefined && (w.length <= 2 || w in NUMBER_WORDS)))
    return { kind: 'unclear' };
  return { kind: 'none' };
}
