// The documented error-code table (GET /api-services/errors), provider texts in French as Intech writes them.
import type { IntechErrorCode, IntechErrorType } from '../../intech/types.js';

const rows: [ids: (number | null)[], code: string, message: string][] = [
  [
    [null],
    'unknown_error',
    "Votre requête n'a pas pu être traitée pour le moment, veuillez réessayer plus tard.",
  ],
  [[1], 'invalid_phone_number', 'Le numéro de téléphone du portefeuille est incorrect.'],
  [
    [2],
    'insufficient_balance',
    'Le solde du client est insuffisant pour effectuer un paiement de __amount__ CFA.',
  ],
  [
    [26],
    'insufficient_balance',
    'Le solde du marchand est insuffisant pour effectuer une transaction de __amount__ CFA.',
  ],
  [[3], 'logged-out-user-session', ''],
  [[4], 'payment-timeout', "Le client n'a pas validé le paiement dans le délai de 15 minutes."],
  [
    [5, 9, 23],
    'no_om_account',
    "Le destinataire n'a pas de compte Orange Money ou le numéro est introuvable.",
  ],
  [
    [6, 7, 8, 20, 21],
    'exceeds-limit-time',
    'Une transaction du même montant vers le même destinataire vient d’être effectuée. Veuillez patienter quelques minutes.',
  ],
  [[11], 'user_account_suspended', 'Le compte Orange Money du client est suspendu.'],
  [[12], 'whatsapp_user_not_found', "Ce numéro n'a pas de compte WhatsApp."],
  [[14], 'om_number_not_allowed', "Ce numéro n'est pas autorisé à effectuer des transactions Orange Money."],
  [[15], 'bad_amount_50', 'Le montant doit être un multiple de 50 CFA.'],
  [[16], 'bad_amount_100', 'Le montant doit être un multiple de 100 CFA.'],
  [[17], 'om_operator_internal_error', 'Erreur interne Orange Money, veuillez réessayer.'],
  [
    [18, 22, 27, 36, 40, 42],
    'monthly_max_amount_cumul_reached',
    'Le destinataire a atteint le montant maximum mensuel.',
  ],
  [[19], 'connexion_error', 'Problème de connexion au réseau.'],
  [[43], 'pos_already_connected', 'Problème de connexion au réseau.'],
  [
    [24, 25, 41],
    'interval_max_amount_cumul_reached',
    'Le destinataire a atteint le montant maximum autorisé.',
  ],
  [[28], 'operator_down_time', "L'opérateur est momentanément indisponible."],
  [
    [29, 30, 31, 32, 33, 34, 35],
    'execution_error',
    "Une erreur s'est produite lors de l'exécution de la requête.",
  ],
  [[37], 'balance_check_failed', 'La transaction a échoué, vérifiez votre solde et réessayez.'],
  [[38], 'bad_amount_5', 'Le montant doit être un multiple de 5 CFA.'],
  [[39], 'no_mtn_account', "Le destinataire n'est pas client MTN Money."],
];

export const ERROR_TABLE: IntechErrorCode[] = rows.flatMap(([ids, code, message]) =>
  ids.map((id) => ({ id, code, message })),
);

export function isDocumentedErrorId(id: number | null): boolean {
  return ERROR_TABLE.some((e) => e.id === id);
}

/** errorType as it appears in responses and callbacks; `__amount__` filled in. */
export function errorTypeFor(
  id: number | null,
  codeService: string,
  amount?: number,
  messageOverride?: string,
): IntechErrorType {
  const row = ERROR_TABLE.find((e) => e.id === id) ?? ERROR_TABLE[0]!;
  const message = (messageOverride ?? row.message).replace('__amount__', String(amount ?? ''));
  return { id: row.id, code: row.code, message, codeService };
}
