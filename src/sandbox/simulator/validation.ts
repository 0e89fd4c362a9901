// Strict checks of an operation request, in the order Intech would refuse it. Pure: reads state only.
import type { IntechErrorType } from '../../intech/types.js';
import { checkAmount, rulesFor } from './amounts.js';
import type { OperationInput } from './engine.js';
import { errorTypeFor } from './error-table.js';
import { checkPhone } from './phone-rules.js';
import { findService, isBillPay, isReload, isWhatsapp, needsAmount } from './services.js';
import type { SimState } from './state.js';

export type Validation =
  | { ok: true; input: OperationInput }
  | { ok: false; code: number; msg: string; errorType: IntechErrorType | null };

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
const bad = (msg: string, errorType: IntechErrorType | null = null, code = 4000): Validation => ({
  ok: false,
  code,
  msg,
  errorType,
});

export function validateOperation(
  state: SimState,
  body: Record<string, unknown>,
  baseUrl: string,
): Validation {
  const codeService = str(body.codeService);
  const phone = str(body.phone);
  const externalTransactionId = str(body.externalTransactionId);
  const missing = [
    !codeService && 'codeService',
    !phone && 'phone',
    !externalTransactionId && 'externalTransactionId',
  ].filter(Boolean);
  if (missing.length) return bad(`Champ(s) obligatoire(s) manquant(s): ${missing.join(', ')}`);

  const service = findService(codeService!);
  if (!service) return bad(`Service inconnu: ${codeService}`);
  if (state.disabled.includes(service.codeService)) {
    return bad(`Le service ${service.codeService} n'est pas activé pour ce compte développeur`);
  }
  if (state.byExternalId[externalTransactionId!] !== undefined) {
    return bad(`Une transaction avec l'externalTransactionId ${externalTransactionId} existe déjà`);
  }

  let amount = 0;
  if (needsAmount(service)) {
    if (body.amount === undefined || body.amount === null || body.amount === '') {
      return bad('Champ(s) obligatoire(s) manquant(s): amount');
    }
    if (typeof body.amount !== 'number' || !Number.isInteger(body.amount) || body.amount <= 0) {
      return bad('Le montant doit être un entier positif (XOF)');
    }
    amount = body.amount;
  }

  const phoneProblem = checkPhone(service.codeService, phone!);
  if (phoneProblem) return bad(phoneProblem, errorTypeFor(1, service.codeService, amount));

  let callbackUrl: string | undefined;
  if (body.callbackUrl !== undefined) {
    callbackUrl = str(body.callbackUrl);
    if (!callbackUrl || !/^https?:\/\//.test(callbackUrl) || !URL.canParse(callbackUrl)) {
      return bad('callbackUrl invalide');
    }
  }

  let data: Record<string, unknown> | null = null;
  if (body.data !== undefined && body.data !== null) {
    if (typeof body.data !== 'string') return bad('Le champ data doit être une chaîne JSON sérialisée');
    try {
      const parsed: unknown = JSON.parse(body.data);
      data = parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : { value: parsed };
    } catch {
      return bad('Le champ data doit être une chaîne JSON valide');
    }
  }

  const accountNumber = str(body.accountNumber);
  const billReference = str(body.billReference);
  if ((isBillPay(service) || isReload(service)) && !accountNumber) {
    return bad('Champ(s) obligatoire(s) manquant(s): accountNumber');
  }
  if (isBillPay(service)) {
    if (!billReference) return bad('Champ(s) obligatoire(s) manquant(s): billReference');
    const account = state.bills[service.codeService]?.[accountNumber!];
    const bill =
      account?.kind === 'bills' ? account.bills.find((b) => b.billReference === billReference) : undefined;
    if (!bill) return bad(`Facture ${billReference} introuvable pour le compte ${accountNumber}`);
    if (bill.paid) return bad(`La facture ${billReference} est déjà payée`);
    if (bill.reservedBy) return bad(`La facture ${billReference} est en cours de paiement`);
    if (amount !== bill.amount) return bad(`Le montant doit être celui de la facture: ${bill.amount} FCFA`);
  }
  if (service.codeService === 'BANK_TRANSFER_SN_API_CASH_IN') {
    const absent = ['customerFirstName', 'customerLastName', 'rib'].filter((k) => !str(body[k]));
    if (absent.length) return bad(`Champ(s) obligatoire(s) manquant(s): ${absent.join(', ')}`);
  }
  if (isWhatsapp(service)) {
    if (!str(body.message) && !str(body.attachedMedia))
      return bad('Champ(s) obligatoire(s) manquant(s): message');
    if (str(body.attachedMedia) && !str(body.attachedMediaExtension)) {
      return bad('Champ(s) obligatoire(s) manquant(s): attachedMediaExtension');
    }
  }

  if (needsAmount(service) && !isBillPay(service)) {
    const problem = checkAmount(amount, rulesFor(service.codeService, state.amountRules));
    if (problem) {
      return bad(problem.msg, errorTypeFor(problem.errorId, service.codeService, amount, problem.msg));
    }
  }

  return {
    ok: true,
    input: {
      service,
      phone: phone!,
      amount,
      externalTransactionId: externalTransactionId!,
      callbackUrl,
      data,
      accountNumber,
      billReference,
      fields: body,
      baseUrl,
    },
  };
}
