// Our own reading of the numbers in a message: phone numbers, amounts (digits, "5k", "2 mille",
// "trois mille", "ñaar junni") and digit runs (meters, contracts). A phone number is never an amount.
import { normalizePhone, type PhoneResult } from '../phone/phone.js';
import { normalizeText, type NumToken, type Token, tokenize } from './normalize.js';
import {
  BOUND_MULTIPLIERS,
  CONNECTORS,
  CURRENCY,
  DEREM,
  MULTIPLIERS,
  UNITS,
  WEAK_UNITS,
} from './number-words.js';

export interface NumItem {
  kind: 'phone' | 'number';
  /** Digits as typed without separators (for phones, with the country code if typed). */
  digits: string;
  /** Numeric value (numbers only; null for phones and runs too long to be an amount). */
  value: number | null;
  /** E.164 for phones that are valid (SN, CI or foreign). */
  e164?: string;
  phone?: PhoneResult;
  /** Written with thousands groups ("1 000", "1.000"). */
  grouped: boolean;
  /** Followed by a currency word (F, FCFA, francs) or built with a multiplier (5k, 2 mille). */
  money: boolean;
  /** Written (at least partly) in words. */
  words: boolean;
  /** Index range in the token list [from, to]. */
  from: number;
  to: number;
  /** An amount we refuse to read: a sign ("-500") or decimals ("1000,50"); value is null then. */
  invalid?: 'negative' | 'decimal';
  /** The number as typed, for the reply ("-500", "1000,50"). */
  raw?: string;
}

const SN_LOCAL = /^(?:221)?(?:7\d|33|30)\d{7}$/;
const CI_LOCAL = /^(?:225)?0[157]\d{8}$/;

function phoneCandidate(raw: string): PhoneResult | null {
  const plus = raw.startsWith('+');
  let d = plus ? raw.slice(1) : raw;
  let intl = plus;
  if (!plus && d.startsWith('00') && d.length >= 11) {
    d = d.slice(2);
    intl = true;
  }
  if (intl) {
    if (d.length < 8 || d.length > 15) return null;
    const r = normalizePhone(`+${d}`);
    return r.ok || r.reason === 'foreign' ? r : null;
  }
  if (!SN_LOCAL.test(d) && !CI_LOCAL.test(d)) return null;
  const r = normalizePhone(d);
  return r.ok ? r : null;
}

interface Piece {
  kind: 'phone' | 'number';
  digits: string;
  value: number | null;
  phone?: PhoneResult;
  grouped: boolean;
  decimal?: number;
  /** As typed, separators included. */
  raw: string;
}

const MAX_AMOUNT_DIGITS = 9;

/** Splits "1000 77 123 45 67" into [1000, +221771234567]; "141 2345 6789" stays one run. */
export function segment(tok: NumToken): Piece[] {
  const g = tok.groups;
  const out: Piece[] = [];
  let i = 0;
  // Memoised, and only lengths a phone number can have are tried: a run of 30 000 one-digit groups
  // costs one look per group, not seven joins and validations.
  const memo = new Map<number, { to: number; phone: PhoneResult } | null>();
  const phoneAt = (k: number): { to: number; phone: PhoneResult } | null => {
    const known = memo.get(k);
    if (known !== undefined) return known;
    let found: { to: number; phone: PhoneResult } | null = null;
    const last = Math.min(g.length - 1, k + 6);
    let len = 0;
    for (let j = k; j <= last; j++) len += g[j]!.length;
    for (let j = last; j >= k; j--) {
      if (len >= 9 && len <= 17) {
        const phone = phoneCandidate(g.slice(k, j + 1).join(''));
        if (phone) {
          found = { to: j, phone };
          break;
        }
      }
      len -= g[j]!.length;
    }
    memo.set(k, found);
    return found;
  };
  const raw = (from: number, to: number): string => {
    let r = g[from]!;
    for (let j = from; j < to; j++) r += (tok.seps[j] ?? '') + g[j + 1]!;
    return r;
  };
  // "1000,50", "1.000,50", "2,5 (millions)": a last group of 1-2 digits after "." or ",".
  const decimalAfter = (k: number, thousandsSep?: string): boolean => {
    const sep = tok.seps[k];
    return (
      k + 1 === g.length - 1 &&
      (sep === '.' || sep === ',') &&
      sep !== thousandsSep &&
      g[k + 1]!.length <= 2 &&
      !g[k + 1]!.startsWith('+')
    );
  };
  while (i < g.length) {
    const first = g[i]!;
    const ph = phoneAt(i);
    if (ph) {
      out.push({
        kind: 'phone',
        digits: g
          .slice(i, ph.to + 1)
          .join('')
          .replace('+', ''),
        value: null,
        phone: ph.phone,
        grouped: false,
        raw: raw(i, ph.to),
      });
      i = ph.to + 1;
      continue;
    }
    const digits0 = first.replace('+', '');
    // Thousands groups: "1 000", "25.000", "1,000,000" (same separator, groups of exactly 3).
    if (digits0.length <= 3 && i + 1 < g.length && g[i + 1]!.length === 3 && !first.startsWith('+')) {
      const sep = tok.seps[i];
      let k = i + 1;
      while (k + 1 < g.length && g[k + 1]!.length === 3 && tok.seps[k] === sep) k++;
      const joined = g.slice(i, k + 1).join('');
      const next = k + 1 < g.length ? k + 1 : -1;
      if (joined.length <= 7 && next !== -1 && decimalAfter(k, sep)) {
        const decimal = Number(`${joined}.${g[k + 1]}`);
        out.push({
          kind: 'number',
          digits: joined,
          value: decimal,
          grouped: true,
          decimal,
          raw: raw(i, k + 1),
        });
        i = k + 2;
        continue;
      }
      // "210 501 760 23" is a contract number, not 210 501 760 then 23.
      if (joined.length <= 7 && (next === -1 || phoneAt(next))) {
        out.push({ kind: 'number', digits: joined, value: Number(joined), grouped: true, raw: raw(i, k) });
        i = k + 1;
        continue;
      }
    }
    // Decimals: "1000,50" is refused as an amount; before a multiplier ("1.5k", "2,5 millions") the
    // caller applies it.
    if (!first.startsWith('+') && digits0.length <= MAX_AMOUNT_DIGITS && decimalAfter(i)) {
      const decimal = Number(`${digits0}.${g[i + 1]}`);
      out.push({
        kind: 'number',
        digits: digits0,
        value: decimal,
        grouped: false,
        decimal,
        raw: raw(i, i + 1),
      });
      i += 2;
      continue;
    }
    // A run: join groups typed in pieces ("141 2345 6789") unless the next group starts a phone.
    let k = i;
    let joined = digits0;
    if (digits0.length <= 5) {
      while (
        k + 1 < g.length &&
        g[k + 1]!.length <= 5 &&
        !phoneAt(k + 1) &&
        joined.length + g[k + 1]!.length <= 24
      ) {
        k++;
        joined += g[k];
      }
      // Two plain amounts side by side ("2000 5000") are not a meter number.
      if (k > i && joined.length < 7) {
        k = i;
        joined = digits0;
      }
    }
    out.push({
      kind: 'number',
      digits: joined,
      // "+221" alone is a country code, never an amount.
      value: joined.length <= MAX_AMOUNT_DIGITS && !first.startsWith('+') ? Number(joined) : null,
      grouped: false,
      raw: raw(i, k),
    });
    i = k + 1;
  }
  return out;
}

function word(tokens: Token[], i: number): string | null {
  const t = tokens[i];
  return t && t.kind === 'word' ? t.w : null;
}

interface Expr {
  value: number;
  to: number;
  words: boolean;
  money: boolean;
  /** Built with a multiplier ("1.5k", "2 mille"): a decimal before it is fine. */
  multiplied: boolean;
}

/**
 * Reads a number expression starting at token i: words ("deux mille cinq cents", "naar junni"),
 * digits with multipliers ("2 mille", "5k"), then currency words and the Wolof derem (x5).
 * `start` is the value of a digit piece already read at i (or null when i is a word).
 */
function readExpr(tokens: Token[], i: number, start: number | null): Expr | null {
  let total = 0;
  let current = start ?? 0;
  let words = false;
  let multiplied = false;
  let lastUnit = -1;
  let j = start === null ? i : i + 1;
  let any = start !== null;
  let afterBig = false;
  for (; j < tokens.length; j++) {
    const t = tokens[j]!;
    if (t.kind === 'num') {
      // "2 mille 500": digits may follow a thousands multiplier.
      if (afterBig && t.groups.length === 1 && t.groups[0]!.length <= 3 && !t.groups[0]!.startsWith('+')) {
        current += Number(t.groups[0]);
        afterBig = false;
        continue;
      }
      break;
    }
    const w = t.w;
    const u = UNITS[w];
    const m = MULTIPLIERS[w];
    if (u !== undefined) {
      // "1000 deux fois": a unit word right after digits is another number, not 1 002.
      if (start !== null && !multiplied) break;
      if (WEAK_UNITS.has(w)) {
        const nw = word(tokens, j + 1);
        const nextIsNumber =
          nw !== null && (MULTIPLIERS[nw] !== undefined || (UNITS[nw] !== undefined && !WEAK_UNITS.has(nw)));
        // "juroom benn" (6), "vingt et un", "trois mille un": fine inside a worded number only.
        if (!nextIsNumber && !(any && words)) break;
      }
      if (w.startsWith('vingt') && lastUnit === 4 && current % 10 === 4) current += 76;
      else current += u;
      lastUnit = u;
      words = true;
      any = true;
      afterBig = false;
      continue;
    }
    if (m !== undefined) {
      if (!any && BOUND_MULTIPLIERS.has(w)) break;
      if (m >= 1000) {
        total += (current || 1) * m;
        current = 0;
        afterBig = true;
      } else {
        const low = current % m;
        if (current === 0) current = m;
        else if (low === 0) current += m;
        else current = current - low + low * m;
      }
      multiplied = true;
      words = words || w !== 'k';
      any = true;
      lastUnit = -1;
      continue;
    }
    if (CONNECTORS.has(w) && any) {
      const nw = word(tokens, j + 1);
      if (nw !== null && (UNITS[nw] !== undefined || MULTIPLIERS[nw] !== undefined)) continue;
    }
    break;
  }
  if (!any) return null;
  let value = total + current;
  let money = multiplied;
  // Currency words: "1000 f", "1000 fcfa", "1000 f cfa", "1000 francs cfa".
  while (j < tokens.length) {
    const w = word(tokens, j);
    if (w === null) break;
    if (CURRENCY.has(w)) {
      money = true;
      j++;
      continue;
    }
    if (DEREM.has(w)) {
      value *= 5;
      money = true;
      j++;
      continue;
    }
    break;
  }
  return { value: Math.round(value), to: j - 1, words, money, multiplied };
}

/** All numbers of a tokenised message, in order. */
export function readNumbers(tokens: Token[]): NumItem[] {
  const items: NumItem[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'num') {
      const pieces = segment(t);
      for (let p = 0; p < pieces.length; p++) {
        const piece = pieces[p]!;
        const last = p === pieces.length - 1;
        if (piece.kind === 'phone') {
          const ph = piece.phone!;
          const e164 = ph.ok ? ph.e164 : ph.e164;
          items.push({
            kind: 'phone',
            digits: piece.digits,
            value: null,
            e164,
            phone: ph,
            grouped: false,
            money: false,
            words: false,
            from: i,
            to: i,
          });
          continue;
        }
        // A sign belongs to the first number of the token only ("-500", not "77-123…").
        const negative = p === 0 && t.negative === true;
        if (last && piece.value !== null && (piece.digits.length <= 7 || piece.grouped)) {
          const expr = readExpr(tokens, i, piece.decimal ?? piece.value);
          if (expr && expr.to > i) {
            const invalid = negative
              ? 'negative'
              : piece.decimal !== undefined && !expr.multiplied
                ? 'decimal'
                : undefined;
            const item: NumItem = {
              kind: 'number',
              digits: piece.digits,
              value: invalid ? null : expr.value,
              grouped: piece.grouped,
              money: expr.money,
              words: expr.words,
              from: i,
              to: expr.to,
            };
            if (invalid) {
              item.invalid = invalid;
              item.raw = negative ? `-${piece.raw}` : piece.raw;
            }
            items.push(item);
            i = expr.to;
            continue;
          }
        }
        const invalid = negative ? 'negative' : piece.decimal !== undefined ? 'decimal' : undefined;
        const item: NumItem = {
          kind: 'number',
          digits: piece.digits,
          value: invalid ? null : piece.value,
          grouped: piece.grouped,
          money: false,
          words: false,
          from: i,
          to: i,
        };
        if (invalid) {
          item.invalid = invalid;
          item.raw = negative ? `-${piece.raw}` : piece.raw;
        }
        items.push(item);
      }
      continue;
    }
    const w = t.w;
    if (UNITS[w] !== undefined || (MULTIPLIERS[w] !== undefined && !BOUND_MULTIPLIERS.has(w))) {
      const expr = readExpr(tokens, i, null);
      if (expr) {
        items.push({
          kind: 'number',
          digits: String(expr.value),
          value: expr.value,
          grouped: false,
          money: expr.money,
          words: true,
          from: i,
          to: expr.to,
        });
        i = expr.to;
      }
    }
  }
  return items;
}

/**
 * Every number the text states, as we read it: amounts (digits and number words, fr/en/wo), phone
 * numbers (E.164) and digit runs (separators removed). The LLM layer checks its answers against this.
 */
export function findNumbers(text: string): { amounts: number[]; phones: string[]; digitRuns: string[] } {
  const tokens = tokenize(normalizeText(text));
  const items = readNumbers(tokens);
  const amounts: number[] = [];
  const phones: string[] = [];
  const runs = new Set<string>();
  for (const it of items) {
    if (it.kind === 'phone') {
      if (it.e164) phones.push(it.e164);
    } else if (it.value !== null && Number.isInteger(it.value) && it.value > 0) {
      amounts.push(it.value);
    }
  }
  for (const t of tokens) {
    if (t.kind !== 'num') continue;
    runs.add(t.groups.join('').replace('+', ''));
    for (const g of t.groups) runs.add(g.replace('+', ''));
    for (const p of segment(t)) runs.add(p.digits);
  }
  return { amounts: [...new Set(amounts)], phones: [...new Set(phones)], digitRuns: [...runs] };
}
