// Our externalTransactionIds: short, deterministic, one per (order, step), so a restart can never invent a
// second id for a step that may already have been sent.
import type { OperationStep } from './types.js';

const SUFFIX: Partial<Record<OperationStep, string>> = { collect: 'COL', deliver: 'DLV', receipt: 'RCT' };

export function extIdFor(orderId: string, step: OperationStep): string {
  const suffix = SUFFIX[step];
  if (!suffix)
    throw new Error(`step ${step} has no externalTransactionId (it goes by Intech's transactionId)`);
  return `${orderId}-${suffix}`;
}

/** Which step an externalTransactionId belongs to, or undefined when it is not one of ours. */
export function stepOfExtId(ext: string): { orderId: string; step: OperationStep } | undefined {
  const m = /^(.+)-(COL|DLV|RCT)$/.exec(ext);
  if (!m) return undefined;
  const step = (Object.entries(SUFFIX).find(([, s]) => s === m[2])?.[0] ?? 'collect') as OperationStep;
  return { orderId: m[1]!, step };
}
