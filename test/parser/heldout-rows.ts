// Shared shape and constants of the held-out tables (heldout-*.ts). Row as in rules-cases.ts:
// [text, intent, codeService, amount, recipient, account, language, extra?]
export type { Row } from './rules-cases.js';

export const O = 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE';
export const F = 'FREE_SN_AIRTIME_CREDIT_TELEPHONIQUE';
export const E = 'EXPRESSO_SN_AIRTIME_CREDIT_TELEPHONIQUE';
export const OCI = 'ORANGE_CI_AIRTIME_CREDIT_TELEPHONIQUE';
export const MTN = 'MTN_CI_AIRTIME_CREDIT_TELEPHONIQUE';
export const MOOV = 'MOOV_CI_AIRTIME_CREDIT_TELEPHONIQUE';
export const SEN = 'SENELEC_SN_BILL_PAY';
export const WOY = 'WOYOFAL_SN_BILL_RELOAD';
export const SDE = 'SENEAU_SN_BILL_PAY';
export const RAP = 'RAPIDO_SN_BILL_RELOAD';
