// The order being built, as pure functions: merge what a message carries into the draft, validate its
// amount against the service's real rules and the limits, and decide the next question.
// No texts here: the machine words what these functions decide.
import type { AmountRules, Country } from '../catalog/types.js';
import type { OrderKind } from '../orders/types.js';
import type { ParseResult } from '../parser/types.js';
import type { Beneficiary, Customer } from '../store/types.js';
import { countryOfPhone } from './format.js';
import type { CatalogView, ConvLimits, Draft } from './types.js';

export interface DraftEnv {
  catalog: CatalogView;
  customer: Customer;
  limits: ConvLimits;
  todayTotal: number;
}

/** Something the merge noticed that the customer must hear about. */
export type MergeNote =
  | { type: 'unknown_nickname'; nickname: string }
  | { type: 'unknown_service'; name: string }
  | { type: 'operator_unavailable'; operator: string }
  | { type: 'bad_phone'; raw: string; reason: 'incomplete' | 'too_long' | 'unknown_prefix' }
  | { type: 'bad_amount_form'; raw: string };

export function kindOf(catalog: CatalogView, code: string): OrderKind {
  const fam = catalog.get(code)?.family;
  if (fam === 'bill_pay' || code.endsWith('_BILL_PAY')) return 'bill_pay';
  if (fam === 'bill_reload' || code.endsWith('_BILL_RELOAD')) return 'bill_reload';
  return 'airtime';
}

export function isBillCode(catalog: CatalogView, code: string | null | undefined): code is string {
  return !!code && kindOf(catalog, code) !== 'airtime';
}

export function isAirtimeCode(_catalog: CatalogView, code: string | null | undefined): code is string {
  return !!code && code.endsWith('_AIRTIME_CREDIT_TELEPHONIQUE');
}

export function customerCountry(customer: Customer): Country {
  return countryOfPhone(customer.phone) ?? 'SN';
}

/** A saved beneficiary named in the message ("recharge maman 1000"), from the parser's words. */
export function findBeneficiary(customer: Customer, p: ParseResult): Beneficiary | undefined {
  const list = customer.beneficiaries ?? [];
  const wanted = p.extra.nickname?.toLowerCase();
  const exact = wanted ? list.find((b) => b.nickname.toLowerCase() === wanted) : undefined;
  // A name of several words ("tonton ali") of which the rules took the first word only.
  const words = ` ${(p.extra.words ?? []).join(' ')} `;
  return exact ?? list.find((b) => words.includes(` ${b.nickname.toLowerCase()} `));
}

export function airtimeCodeForOperator(
  catalog: CatalogView,
  operator: string,
  country: Country,
): string | undefined {
  const op = { yas: 'free', tigo: 'free' }[operator.toLowerCase()] ?? operator.toLowerCase();
  return catalog.byFamily('airtime', country).find((e) => e.brand.toLowerCase() === op)?.codeService;
}

/** Does the message carry anything that edits an order (a correction, not a plain yes/no)? */
export function carriesSlots(p: ParseResult): boolean {
  return (
    p.amount != null ||
    p.recipient != null ||
    p.account != null ||
    p.codeService != null ||
    p.extra.operator != null ||
    p.extra.badPhone != null ||
    p.extra.invalidAmount != null
  );
}

/** Fills the draft with every slot the message carries that fits it. Pure: returns a new draft. */
export function mergeParse(
  draft: Draft,
  p: ParseResult,
  env: DraftEnv,
): { draft: Draft; notes: MergeNote[] } {
  const d: Draft = structuredClone(draft);
  const notes: MergeNote[] = [];
  const { catalog, customer } = env;
  const ben = findBeneficiary(customer, p);
  if (p.extra.invalidAmount) notes.push({ type: 'bad_amount_form', raw: p.extra.invalidAmount.raw });
  if (d.kind === 'airtime') {
    if (p.extra.badPhone && !p.recipient) {
      // Never fall back to another number: the bad one is named back and the recipient asked again.
      notes.push({ type: 'bad_phone', ...p.extra.badPhone });
      d.recipient = undefined;
      d.badRecipient = p.extra.badPhone.raw;
      if (!d.operatorExplicit) d.codeService = undefined;
    }
    const recipient = p.recipient ?? (ben?.kind === 'phone' ? ben.value : undefined);
    if (ben?.kind === 'phone' && !p.recipient) {
      d.fromNickname = ben.nickname;
      if (ben.codeService && !p.extra.operator && ben.value !== d.recipient) {
        d.recipient = ben.value;
        d.codeService = ben.codeService;
        d.operatorExplicit = true;
      }
    } else if (p.extra.nickname && !ben && !p.recipient && !d.recipient) {
      notes.push({ type: 'unknown_nickname', nickname: p.extra.nickname });
      d.fromNickname = undefined;
      d.unknownNickname = p.extra.nickname;
    }
    if (recipient && recipient !== d.recipient) {
      d.recipient = recipient;
      delete d.badRecipient;
      // A new number: its own operator, unless the customer names one in the same message.
      if (!p.extra.operator) {
        d.operatorExplicit = false;
        d.codeService = undefined;
      }
    }
    const country = countryOfPhone(d.recipient) ?? customerCountry(customer);
    const named = p.extra.operator ? airtimeCodeForOperator(catalog, p.extra.operator, country) : undefined;
    if (p.extra.operator && !named && d.recipient)
      notes.push({ type: 'operator_unavailable', operator: p.extra.operator });
    if (named) {
      d.codeService = named;
      d.operatorExplicit = true;
    }
    if (p.amount != null) d.amount = p.amount;
  } else {
    if (isBillCode(catalog, p.codeService) && p.codeService !== d.codeService) {
      d.codeService = p.codeService;
      d.kind = kindOf(catalog, p.codeService);
      delete d.bills;
      delete d.billReference;
      delete d.billInfo;
      if (d.kind === 'bill_pay') d.amount = undefined;
    }
    if (ben?.kind === 'account' && !p.account && (!d.codeService || ben.codeService === d.codeService)) {
      d.account = ben.value;
      d.codeService = d.codeService ?? ben.codeService;
      d.fromNickname = ben.nickname;
    }
    if (p.account && p.account !== d.account) {
      d.account = p.account;
      delete d.bills;
      delete d.billReference;
      delete d.billInfo;
      if (d.kind === 'bill_pay') d.amount = undefined;
    }
    if (p.amount != null && d.kind === 'bill_reload') d.amount = p.amount;
    // "payer ma facture Sonatel": named back before the list of the services we do pay.
    if (!d.codeService && p.extra.unknownService && !ben)
      notes.push({ type: 'unknown_service', name: p.extra.unknownService });
  }
  if (p.extra.payer) d.payer = p.extra.payer;
  return { draft: d, notes };
}

/** An amount the service or the limits refuse, with the real range and the nearest valid amounts. */
export type AmountIssue =
  | {
      type: 'rules';
      problem: 'below_min' | 'above_max' | 'not_multiple';
      rules: AmountRules;
      suggestions: number[];
      codeService: string;
    }
  | { type: 'order_max'; max: number }
  | { type: 'daily'; remaining: number; giveUp: boolean };

/** The rules that apply to a service, the per-order limit folded into its maximum. */
export function effectiveRules(env: DraftEnv, code: string): AmountRules | undefined {
  const rules = env.catalog.get(code)?.rules;
  if (!rules) return undefined;
  return { ...rules, max: Math.min(rules.max, env.limits.orderMaxXof) };
}

function nearest(amount: number, r: AmountRules): number[] {
  const clamp = (v: number) => v >= r.min && v <= r.max;
  if (amount < r.min) return [Math.ceil(r.min / r.multiple) * r.multiple].filter(clamp);
  if (amount > r.max) return [Math.floor(r.max / r.multiple) * r.multiple].filter(clamp);
  const down = Math.floor(amount / r.multiple) * r.multiple;
  const up = Math.ceil(amount / r.multiple) * r.multiple;
  return [...new Set([down, up])].filter((v) => v > 0 && clamp(v));
}

/** The service whose rules decide the amount: the draft's, or (airtime, operator not known yet) the country's. */
function rulesService(d: Draft, env: DraftEnv): string | undefined {
  if (d.codeService) return d.codeService;
  if (d.kind !== 'airtime') return undefined;
  const country = countryOfPhone(d.recipient) ?? customerCountry(env.customer);
  return env.catalog.byFamily('airtime', country).find((e) => env.catalog.isAvailable(e.codeService))
    ?.codeService;
}

export function amountIssue(d: Draft, env: DraftEnv): AmountIssue | null {
  if (d.amount == null) return null;
  const code = rulesService(d, env);
  if (!code) return null;
  const r = effectiveRules(env, code);
  if (!r) return null;
  const amount = d.amount;
  if (d.kind !== 'bill_pay') {
    const problem =
      amount < r.min
        ? 'below_min'
        : amount > r.max
          ? 'above_max'
          : amount % r.multiple !== 0
            ? 'not_multiple'
            : null;
    if (problem)
      return { type: 'rules', problem, rules: r, suggestions: nearest(amount, r), codeService: code };
  } else if (amount > env.limits.orderMaxXof) {
    // A bill fixes its amount: only the per-order limit can refuse it.
    return { type: 'order_max', max: env.limits.orderMaxXof };
  }
  if (env.todayTotal + amount > env.limits.dailyTotalXof) {
    const remaining = Math.max(0, env.limits.dailyTotalXof - env.todayTotal);
    return { type: 'daily', remaining, giveUp: d.kind === 'bill_pay' || remaining < r.min };
  }
  return null;
}

/** What the draft needs next. */
export type Next =
  | { type: 'bill_service' }
  | { type: 'recipient_self' }
  | { type: 'recipient' }
  | { type: 'operator'; options: string[] }
  | { type: 'no_operator' }
  | { type: 'account' }
  | { type: 'unavailable'; codeService: string }
  | { type: 'lookup_bills' }
  | { type: 'bill_pick' }
  | { type: 'amount' }
  | { type: 'amount_issue'; issue: AmountIssue }
  | { type: 'payer' }
  | { type: 'summary' };

/**
 * The next question for a draft; may fill the operator from the number's prefix (returned draft).
 * An amount the rules refuse is reported as soon as the rules are known (even before the recipient).
 */
export function nextStep(draft: Draft, env: DraftEnv): { draft: Draft; next: Next } {
  const d = structuredClone(draft);
  const { catalog, customer } = env;
  const issue = amountIssue(d, env);
  if (issue?.type === 'rules') return { draft: d, next: { type: 'amount_issue', issue } };

  if (d.kind === 'airtime') {
    if (!d.recipient) {
      if (customer.phone && !d.unknownNickname && !d.badRecipient)
        return { draft: d, next: { type: 'recipient_self' } };
      return { draft: d, next: { type: 'recipient' } };
    }
    if (!d.codeService) {
      const code = catalog.airtimeCodeFor(d.recipient);
      if (!code) {
        const country = countryOfPhone(d.recipient) ?? customerCountry(customer);
        const ops = catalog.byFamily('airtime', country).filter((e) => catalog.isAvailable(e.codeService));
        if (ops.length === 0) return { draft: d, next: { type: 'no_operator' } };
        return { draft: d, next: { type: 'operator', options: ops.map((e) => e.codeService) } };
      }
      d.codeService = code;
    }
  } else {
    if (!d.codeService) return { draft: d, next: { type: 'bill_service' } };
    if (!d.account) return { draft: d, next: { type: 'account' } };
  }
  if (!catalog.isAvailable(d.codeService))
    return { draft: d, next: { type: 'unavailable', codeService: d.codeService } };

  if (d.kind === 'bill_pay') {
    if (!d.bills) return { draft: d, next: { type: 'lookup_bills' } };
    if (!d.billReference) {
      if (d.bills.length !== 1) return { draft: d, next: { type: 'bill_pick' } };
      const bill = d.bills[0]!;
      d.amount = bill.amount;
      d.billReference = bill.billReference;
      d.billInfo = bill.infos;
    }
  } else if (d.amount == null) return { draft: d, next: { type: 'amount' } };

  const late = amountIssue(d, env);
  if (late) return { draft: d, next: { type: 'amount_issue', issue: late } };
  if (!customer.phone && !d.payer && !customer.wallet?.payer) return { draft: d, next: { type: 'payer' } };
  return { draft: d, next: { type: 'summary' } };
}
