// The parser the conversation uses: the rules first; the optional LLM only when the rules are unsure.
// The LLM's answer is a suggestion: money slots survive only if our own reading finds them in the text,
// and it can never confirm ('yes') on the customer's behalf.
import documented from '../catalog/documented-services.json' with { type: 'json' };
import { normalizePhone } from '../phone/phone.js';
import { readChoice } from './choice.js';
import type { ParseContext } from './types.js';
import type { Lang } from '../i18n/lang.js';
import type { LlmParser } from './llm.js';
import { findNumbers } from './numbers.js';
import { namedServiceCodes } from './rules.js';
import type { ParseResult, Parser } from './types.js';

export interface ParserMetrics {
  /** Times the LLM was consulted. */
  llmCalls: number;
  /** Errors, timeouts, malformed answers (the rules' answer was used). */
  llmFailures: number;
  /** LLM values refused: not in the text, unknown service code, a 'yes'. */
  llmDropped: number;
}

/** What the rules read: the slot asked, as a word ('choice', 'amount'…). */
export type RulesContext = { expecting?: string; lang?: Lang };
export type RulesFn = (text: string, ctx: RulesContext) => ParseResult | Promise<ParseResult>;
export type { ParseContext };

export interface CreateParserOptions {
  rules: RulesFn;
  llm?: LlmParser | undefined;
  /** Below this rules confidence the LLM is consulted. */
  threshold?: number;
  metrics?: ParserMetrics;
}

/** Services a customer can ask for by message (airtime and bills), from the documented catalog. */
const ORDERABLE_CODES: ReadonlySet<string> = new Set(
  (documented as { services: { codeService: string; typeService: string }[] }).services
    .filter((s) => ['CREDIT_TELEPHONIQUE', 'BILL_PAY', 'BILL_BUY_RELOAD'].includes(s.typeService))
    .map((s) => s.codeService)
    .filter((c) => /^[A-Z0-9_]+$/.test(c)),
);

export function isOrderableCode(code: string): boolean {
  return /^[A-Z0-9_]+$/.test(code) && ORDERABLE_CODES.has(code);
}

export function createParser(opts: CreateParserOptions): Parser & { metrics: ParserMetrics } {
  const threshold = opts.threshold ?? 0.6;
  const metrics: ParserMetrics = opts.metrics ?? { llmCalls: 0, llmFailures: 0, llmDropped: 0 };

  return {
    metrics,
    async parse(text, context = {}) {
      const rules = await opts.rules(text, { expecting: context.expecting?.slot, lang: context.lang });
      if (!opts.llm || (rules.intent !== 'unknown' && rules.confidence >= threshold))
        return withContext(text, rules, context);
      metrics.llmCalls++;
      let proposal: Partial<ParseResult> | null;
      try {
        proposal = await opts.llm.parse(text, rules);
      } catch {
        proposal = null;
      }
      if (!proposal) {
        metrics.llmFailures++;
        return withContext(text, rules, context);
      }
      const { result, dropped } = mergeLlm(text, rules, proposal, threshold);
      metrics.llmDropped += dropped;
      return withContext(text, result, context);
    },
  };
}

/**
 * Pure merge of the rules' result and an LLM proposal. The rules' money slots are never replaced;
 * the LLM only fills slots the rules left empty, and only with values found in the text.
 */
export function mergeLlm(
  text: string,
  rules: ParseResult,
  llm: Partial<ParseResult>,
  threshold = 0.6,
): { result: ParseResult; dropped: number } {
  const result: ParseResult = { ...rules, extra: { ...rules.extra } };
  let changed = false;
  let dropped = 0;
  const found = findNumbers(text);

  if (llm.intent === 'yes') {
    // A confirmation must come from the customer's own words, read by the rules.
    if (rules.intent !== 'yes') dropped++;
  } else if (llm.intent && llm.intent !== 'unknown' && llm.intent !== rules.intent) {
    result.intent = llm.intent;
    result.confidence = Math.max(rules.confidence, threshold);
    changed = true;
  }

  if (llm.codeService != null && rules.codeService === null) {
    // Like amounts and numbers, an operator or service must be named in the text (issue #12 finding 9).
    if (isOrderableCode(llm.codeService) && namedServiceCodes(text).has(llm.codeService)) {
      result.codeService = llm.codeService;
      changed = true;
    } else dropped++;
  }

  if (llm.amount != null && rules.amount === null) {
    if (found.amounts.includes(llm.amount)) {
      result.amount = llm.amount;
      changed = true;
    } else dropped++;
  }

  if (llm.recipient != null && rules.recipient === null) {
    const phone = matchPhone(llm.recipient, found.phones);
    if (phone) {
      result.recipient = phone;
      changed = true;
    } else dropped++;
  }

  if (llm.account != null && rules.account === null) {
    const digits = llm.account.replace(/\D/g, '');
    if (digits.length > 0 && found.digitRuns.some((run) => run.replace(/\D/g, '') === digits)) {
      result.account = digits;
      changed = true;
    } else dropped++;
  }

  if (llm.language != null && llm.language !== rules.language) {
    result.language = llm.language;
    changed = true;
  }

  if (result.codeService) delete result.extra.unknownService;
  if (changed) result.extra.viaLlm = true;
  return { result, dropped };
}

/** The LLM may write a number in any form; we return OUR E.164 reading of it, or null. */
function matchPhone(candidate: string, phones: string[]): string | null {
  let digits = candidate.replace(/\D/g, '');
  if (digits.startsWith('00')) digits = digits.slice(2);
  if (digits.length < 8) return null;
  return phones.find((p) => p.replace(/\D/g, '').endsWith(digits)) ?? null;
}

/**
 * What the pending question changes in the reading (pure): with options on screen, the whole-message
 * choice reader alone decides the pick; a number inside a sentence is neither a pick nor an amount.
 * A phone-like number we cannot read is reported as typed, never dropped.
 */
export function withContext(text: string, parsed: ParseResult, context: ParseContext = {}): ParseResult {
  const result: ParseResult = { ...parsed, extra: { ...parsed.extra } };
  const options = context.expecting?.options;
  if (options) {
    const reading = readChoice(text, options);
    delete result.extra.choice;
    if (reading.kind === 'pick') {
      // The whole message is the option: nothing else in it is a slot ("orange money", "factures").
      result.extra.choice = reading.n;
      result.amount = null;
      result.codeService = null;
      result.account = null;
      delete result.extra.operator;
      delete result.extra.unknownService;
      if (result.intent === 'airtime' || result.intent === 'bill') result.intent = 'unknown';
    } else if (reading.kind === 'unclear') {
      // "les deux", "2 ou 3 ?", "j'hésite entre les deux": a small number here is no amount either.
      if (result.amount !== null && result.amount < 100 && !result.recipient) result.amount = null;
      if (result.intent === 'help' || result.intent === 'yes') result.intent = 'unknown';
      result.extra.choiceUnclear = true;
      result.extra.choiceQuote = quoteOf(text);
    }
  } else if (result.extra.choice !== undefined && readChoice(text, []).kind !== 'pick') {
    // Without options, the rules' pick stands only for a whole-message number.
    const bare = readChoice(text, [{ n: result.extra.choice, names: [] }]);
    if (bare.kind !== 'pick') delete result.extra.choice;
  }
  result.extra.words = wordsOf(text);
  if (!result.recipient) {
    const bad = badPhoneIn(text, result);
    if (bad) {
      result.extra.badPhone = bad;
      // "pour 78 765 43" is a number typed wrong, never the amount 7 876 543.
      if (result.amount !== null && String(result.amount) === bad.raw.replace(/\D/g, ''))
        result.amount = null;
    }
  }
  // "payer avec le 77 999 88 77", "pay from …", "fey ak …": the paying number, not the recipient.
  if (context.expecting?.slot === 'confirm' && PAY_WORDS.test(` ${text.toLowerCase()} `)) {
    const phone = result.recipient ?? findNumbers(text).phones[0];
    const read = phone ? normalizePhone(phone) : null;
    if (phone && read?.ok && read.type === 'mobile') {
      result.extra.payer = read.e164;
      result.recipient = null;
      if (result.intent === 'airtime') result.intent = 'unknown';
      result.codeService = null;
    }
  }
  if (
    context.expecting?.slot === 'name' &&
    result.intent === 'unknown' &&
    !result.amount &&
    !result.recipient
  ) {
    const name = text.trim().toLowerCase();
    if (/^[\p{L}][\p{L}\p{N}' -]{0,23}$/u.test(name) && !NOT_A_NAME.has(name)) result.extra.name = name;
  }
  return result;
}

/** Longest quote of the customer's message put back in a reply. */
const QUOTE_MAX = 80;

function quoteOf(text: string): string {
  const t = text.trim().replace(/\s+/g, ' ');
  return t.length > QUOTE_MAX ? `${t.slice(0, QUOTE_MAX - 1)}…` : t;
}

/** Words handed on for nickname matching: a name is in the first ones of any message a person writes. */
const MAX_WORDS = 200;

/** "Pour Tonton-Ali, 2000 !" -> ["pour", "tonton-ali", "2000"]: letters, digits, ' and - kept. */
export function wordsOf(text: string): string[] {
  return text
    .slice(0, MAX_WORDS * 30)
    .toLowerCase()
    .replace(/[^\p{L}\p{N}' -]/gu, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, MAX_WORDS);
}

/** Replies that acknowledge rather than name ("super", "parfait"): never saved as a nickname. */
const NOT_A_NAME = new Set([
  'super',
  'cool',
  'top',
  'parfait',
  'genial',
  'génial',
  'nickel',
  'great',
  'nice',
  'perfect',
  'baax na',
  'dafa neex',
  'rien',
  'nothing',
  'menu',
  'aide',
  'help',
]);

/** Words saying a number is the one that pays (fr, en, wo). */
const PAY_WORDS = /\s(payer|paye|payé|paie|paiement|payez|pay|payment|paying|fey|feyee|feyé|depuis|from)\s/;

const PHONE_LIKE = /(?:\+|00)?\d[\d .-]{4,}\d/g;

/** "77 123 45" (too short), "99 123 45 67" (no such prefix): typed like a phone, not readable as one. */
export function badPhoneIn(text: string, parsed: ParseResult): ParseResult['extra']['badPhone'] {
  for (const m of text.matchAll(PHONE_LIKE)) {
    const raw = m[0].trim().replace(/[ .-]+$/, '');
    const digits = raw.replace(/\D/g, '');
    const grouped = /\d[ .-]+\d/.test(raw);
    // Amount-like groups ("10 000", "1 500") and short plain numbers are no phone.
    if (grouped && /^\d{1,3}([ .]\d{3})+$/.test(raw)) continue;
    if (!grouped && digits.length < 8) continue;
    if (parsed.account && digits === parsed.account) continue;
    if (normalizePhone(raw).ok || normalizePhone(raw, 'SN').ok || normalizePhone(raw, 'CI').ok) continue;
    const national = digits.replace(/^00/, '').replace(/^(221|225)(?=\d{9,10}$)/, '');
    if (/^7\d*$/.test(national) && national.length < 9) return { raw, reason: 'incomplete' };
    if (/^0\d*$/.test(national) && national.length < 10) return { raw, reason: 'incomplete' };
    if (national.length > 10) return { raw, reason: 'too_long' };
    if (national.length >= 9) return { raw, reason: 'unknown_prefix' };
    if (grouped && national.length >= 6) return { raw, reason: 'incomplete' };
  }
  return undefined;
}
