// Default amount rules per service (domain.md). Admins can override them at run time (Catalog.setRules);
// the simulator uses the same defaults so that sandbox and bot agree.
import type { AmountRules } from './types.js';

const AIRTIME: AmountRules = { min: 100, max: 100_000, multiple: 5 };
const WALLET: AmountRules = { min: 100, max: 1_000_000, multiple: 5 };
/** Post-paid bills: the bill fixes the amount. */
const BILL_PAY: AmountRules = { min: 1, max: 2_000_000, multiple: 1 };
const RELOAD: AmountRules = { min: 500, max: 500_000, multiple: 5 };

const SPECIFIC: Record<string, AmountRules> = {
  WOYOFAL_SN_BILL_RELOAD: { min: 1_000, max: 500_000, multiple: 5 },
  // Sources conflict on Rapido; multiples of 5 000 is the safe reading.
  RAPIDO_SN_BILL_RELOAD: { min: 5_000, max: 100_000, multiple: 5_000 },
  WHATSAPP_MESSAGING: { min: 0, max: 0, multiple: 1 },
};

export function defaultAmountRules(codeService: string): AmountRules {
  const specific = SPECIFIC[codeService];
  if (specific) return { ...specific };
  if (codeService.endsWith('_AIRTIME_CREDIT_TELEPHONIQUE')) return { ...AIRTIME };
  if (codeService.endsWith('_BILL_PAY')) return { ...BILL_PAY };
  if (codeService.endsWith('_BILL_RELOAD')) return { ...RELOAD };
  if (/_CASH_(OUT|IN)(_\d+)?$/.test(codeService)) return { ...WALLET };
  return { min: 1, max: 1_000_000, multiple: 1 };
}

/** Nearest valid amounts around `amount` (at most two, ascending, distinct). */
export function nearestValidAmounts(amount: number, rules: AmountRules): number[] {
  if (amount < rules.min) return [Math.ceil(rules.min / rules.multiple) * rules.multiple];
  if (amount > rules.max) return [Math.floor(rules.max / rules.multiple) * rules.multiple];
  const down = Math.floor(amount / rules.multiple) * rules.multiple;
  const up = Math.ceil(amount / rules.multiple) * rules.multiple;
  return [...new Set([down, up])].filter((v) => v >= rules.min && v <= rules.max && v > 0);
}
