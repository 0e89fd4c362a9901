// Amount checks with the bot's default rules, mapped to the documented bad_amount_* errors.
import { defaultAmountRules } from '../../catalog/amount-rules.js';
import type { AmountRules } from '../../catalog/types.js';

export function rulesFor(codeService: string, overrides: Record<string, Partial<AmountRules>>): AmountRules {
  return { ...defaultAmountRules(codeService), ...(overrides[codeService] ?? {}) };
}

export type AmountProblem = { errorId: number; msg: string };

/** null when valid. Multiples of 5/50/100 map to bad_amount_5/50/100; anything else to execution_error (29). */
export function checkAmount(amount: number, rules: AmountRules): AmountProblem | null {
  if (amount < rules.min || amount > rules.max) {
    return {
      errorId: 29,
      msg: `Montant invalide: il doit être compris entre ${rules.min} et ${rules.max} FCFA.`,
    };
  }
  if (rules.multiple > 1 && amount % rules.multiple !== 0) {
    for (const [m, id] of [
      [100, 16],
      [50, 15],
      [5, 38],
    ] as const) {
      if (rules.multiple === m) return { errorId: id, msg: `Le montant doit être un multiple de ${m} CFA.` };
    }
    // Unusual multiples (e.g. Rapido 5 000): the closest documented error when it applies, else a generic one.
    if (rules.multiple % 100 === 0 && amount % 100 !== 0) {
      return { errorId: 16, msg: `Le montant doit être un multiple de ${rules.multiple} CFA.` };
    }
    return { errorId: 29, msg: `Le montant doit être un multiple de ${rules.multiple} CFA.` };
  }
  return null;
}
