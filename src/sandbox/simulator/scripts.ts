// Scripted behaviours: the first matching script applies to the next operation(s), FIFO.
import type { SimState } from './state.js';
import type { Script, ScriptEntry, ScriptOutcome, TxPlan } from './types.js';

export const OUTCOMES: readonly ScriptOutcome[] = [
  'success',
  'failure',
  'timeout',
  'timeout_lost',
  'callback_before_response',
  'duplicate_callbacks',
  'lost_callback',
  'late_callback',
  'never_validated',
  'reject',
];

export function addScript(state: SimState, s: Script): ScriptEntry {
  if (!OUTCOMES.includes(s.outcome)) throw new Error(`unknown outcome: ${String(s.outcome)}`);
  state.scriptSeq += 1;
  const entry: ScriptEntry = {
    ...s,
    match: { ...(s.match ?? {}) },
    id: state.scriptSeq,
    remaining: s.times ?? 1,
  };
  state.scripts.push(entry);
  return entry;
}

/** Consumes one use of the first script matching this operation; default plan = normal processing. */
export function takePlan(
  state: SimState,
  op: { codeService: string; phone: string; accountNumber?: string },
): TxPlan {
  const idx = state.scripts.findIndex(
    (s) =>
      s.remaining > 0 &&
      (s.match?.codeService === undefined || s.match.codeService === op.codeService) &&
      (s.match?.phone === undefined || s.match.phone === op.phone) &&
      (s.match?.accountNumber === undefined || s.match.accountNumber === op.accountNumber),
  );
  if (idx < 0) return { outcome: 'success' };
  const s = state.scripts[idx]!;
  s.remaining -= 1;
  if (s.remaining <= 0) state.scripts.splice(idx, 1);
  const plan: TxPlan = { outcome: s.outcome, scriptId: s.id };
  if (s.errorId !== undefined) plan.errorId = s.errorId;
  if (s.delayMs !== undefined) plan.delayMs = s.delayMs;
  if (s.tokens !== undefined) plan.tokens = s.tokens;
  return plan;
}
