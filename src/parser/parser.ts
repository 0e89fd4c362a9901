// The parser the conversation uses: the rules first; the optional LLM only when the rules are unsure.
// The LLM's answer is a suggestion: money slots survive only if our own reading finds them in the text,
// and it can never confirm ('yes') on the customer's behalf.
import documented from '../catalog/documented-services.json' with { type: 'json' };
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

export type ParseContext = { expecting?: string; lang?: Lang };
export type RulesFn = (text: string, ctx: ParseContext) => ParseResult | Promise<ParseResult>;

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
      const rules = await opts.rules(text, context);
      if (!opts.llm || (rules.intent !== 'unknown' && rules.confidence >= threshold)) return rules;
      metrics.llmCalls++;
      let proposal: Partial<ParseResult> | null;
      try {
        proposal = await opts.llm.parse(text, rules);
      } catch {
        proposal = null;
      }
      if (!proposal) {
        metrics.llmFailures++;
        return rules;
      }
      const { result, dropped } = mergeLlm(text, rules, proposal, threshold);
      metrics.llmDropped += dropped;
      return result;
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
