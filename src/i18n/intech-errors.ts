// Customer-facing text for every Intech error code: what happened, what became of the money, what to do.
// Wolof is simple Wolof mixed with French where we are not sure of the wording (as people write it).
import { nearestValidAmounts } from '../catalog/amount-rules.js';
import { serviceLabel } from '../catalog/derive.js';
import { findErrorEntry, type IntechErrorEntry } from '../intech/error-codes.js';
import type { IntechErrorType } from '../intech/types.js';
import { formatXof, type Lang } from './lang.js';

export interface ErrorMessageParams {
  /** The amount concerned, whole XOF. */
  amount?: number;
  /**
   * What became of the customer's money. true: they were charged and a refund follows (delivery failed
   * after collection); false: nothing was taken. Omitted: only codes that can only mean "not charged"
   * (payment-timeout, customer or merchant balance) say so; pass true after a collection succeeded.
   */
  charged?: boolean;
}

interface Ctx {
  /** "1 000 FCFA" or "" */
  amount: string;
  /** "Wave", "Orange Money"... or "" when unknown */
  wallet: string;
  /** nearest valid amounts for bad_amount_* or "" */
  suggest: { fr: string; en: string };
}

type Parts = [what: string, next: string];
type MessageFn = Record<Lang, (c: Ctx) => Parts>;

/** The retry keyword the conversation understands in every language. */
const AGAIN = '*encore*';

const sp = (s: string) => (s ? ` ${s}` : '');

const retryLater: MessageFn = {
  fr: () => ['', `Réessayez dans quelques minutes en écrivant ${AGAIN}.`],
  en: () => ['', `Please try again in a few minutes by writing ${AGAIN}.`],
  wo: () => ['', `Jéemaatal ci kanam: bindal ${AGAIN} ci ay minutes.`],
};
const otherWallet = {
  fr: 'Vérifiez le numéro, ou choisissez un autre moyen de paiement.',
  en: 'Check the number, or choose another payment method.',
  wo: 'Seetal numéro bi, walla tànnal beneen moyen de paiement.',
};

function withNext(what: Record<Lang, (c: Ctx) => string>, next: MessageFn): MessageFn {
  return {
    fr: (c) => [what.fr(c), next.fr(c)[1]],
    en: (c) => [what.en(c), next.en(c)[1]],
    wo: (c) => [what.wo(c), next.wo(c)[1]],
  };
}

function badAmount(multiple: number): MessageFn {
  const m = formatXof(multiple);
  return {
    fr: (c) => [
      `Ce service n'accepte que des montants multiples de ${m}${c.suggest.fr}.`,
      'Envoyez à nouveau votre demande avec un montant valide.',
    ],
    en: (c) => [
      `This service only accepts amounts in multiples of ${m}${c.suggest.en}.`,
      'Please send your request again with a valid amount.',
    ],
    wo: (c) => [
      `Service bi dafay laaj montant bu nekk multiple de ${m}${c.suggest.fr}.`,
      'Yónneeatal sa demande ak montant bu baax.',
    ],
  };
}

const operatorTrouble = (fr: string, en: string): MessageFn =>
  withNext({ fr: () => fr, en: () => en, wo: () => `Baal ma. ${fr}` }, retryLater);

/** Keyed by table code; insufficient_balance has a merchant variant. */
const MESSAGES: Record<string, MessageFn> = {
  unknown_error: withNext(
    {
      fr: () => "Désolé, votre opération n'a pas pu être traitée pour le moment.",
      en: () => 'Sorry, your operation could not be processed right now.',
      wo: () => 'Baal ma, sa opération mënul a am léegi.',
    },
    retryLater,
  ),
  invalid_phone_number: {
    fr: () => [
      "Le numéro indiqué n'est pas valide pour cette opération.",
      'Vérifiez-le et envoyez à nouveau votre demande avec le bon numéro.',
    ],
    en: () => [
      'The phone number given is not valid for this operation.',
      'Please check it and send your request again with the right number.',
    ],
    wo: () => [
      'Numéro bi nga joxe baaxul ci opération bii.',
      'Seetal ko te yónneeatal sa demande ak numéro bu baax.',
    ],
  },
  insufficient_balance: {
    fr: (c) => [
      `Le solde de votre compte${sp(c.wallet)} est insuffisant${c.amount ? ` pour ${c.amount}` : ''}.`,
      `Rechargez votre compte, puis écrivez ${AGAIN} pour réessayer.`,
    ],
    en: (c) => [
      `Your${sp(c.wallet)} balance is too low${c.amount ? ` for ${c.amount}` : ''}.`,
      `Top up your wallet, then write ${AGAIN} to try again.`,
    ],
    wo: (c) => [
      `Xaalis bi nekk ci sa compte${sp(c.wallet)} doyul${c.amount ? ` ngir ${c.amount}` : ''}.`,
      `Yokkal xaalis ci sa compte, te bindal ${AGAIN} ngir jéemaat.`,
    ],
  },
  insufficient_balance_merchant: withNext(
    {
      fr: () => 'Ce service est momentanément indisponible de notre côté.',
      en: () => 'This service is temporarily unavailable on our side.',
      wo: () => 'Baal ma, service bi amul léegi ci sunu wet.',
    },
    {
      fr: () => ['', `Réessayez un peu plus tard en écrivant ${AGAIN}.`],
      en: () => ['', `Please try again a little later by writing ${AGAIN}.`],
      wo: () => ['', `Jéemaatal ci kanam: bindal ${AGAIN}.`],
    },
  ),
  'logged-out-user-session': operatorTrouble(
    "Le service de l'opérateur est momentanément indisponible.",
    "The operator's service is temporarily unavailable.",
  ),
  'payment-timeout': {
    fr: () => [
      "Vous n'avez pas validé le paiement dans les 15 minutes.",
      `Écrivez ${AGAIN} pour recommencer.`,
    ],
    en: () => ['You did not validate the payment within 15 minutes.', `Write ${AGAIN} to start again.`],
    wo: () => ['Validewoo paiement bi ci 15 minutes yi.', `Bindal ${AGAIN} ngir jéemaat.`],
  },
  no_om_account: {
    fr: () => ["Ce numéro n'a pas de compte Orange Money, ou il est introuvable.", otherWallet.fr],
    en: () => ['This number has no Orange Money account, or it could not be found.', otherWallet.en],
    wo: () => ['Numéro bii amul compte Orange Money, walla gisuñu ko.', otherWallet.wo],
  },
  'exceeds-limit-time': {
    fr: () => [
      "Une opération du même montant vers le même numéro vient d'être faite : l'opérateur bloque les doublons.",
      `Vérifiez d'abord que la première n'est pas passée, puis attendez quelques minutes avant d'écrire ${AGAIN}.`,
    ],
    en: () => [
      'An operation of the same amount to the same number was just made: the operator blocks duplicates.',
      `First check that the first one did not go through, then wait a few minutes before writing ${AGAIN}.`,
    ],
    wo: () => [
      "Une opération du même montant vers le même numéro vient d'être faite : l'opérateur bloque les doublons.",
      `Seetal ndax bu njëkk bi jàll na, xaaral ay minutes, te bindal ${AGAIN}.`,
    ],
  },
  user_account_suspended: {
    fr: () => [
      'Votre compte Orange Money est suspendu.',
      'Contactez le service client Orange Money, ou choisissez un autre moyen de paiement.',
    ],
    en: () => [
      'Your Orange Money account is suspended.',
      'Please contact Orange Money customer service, or choose another payment method.',
    ],
    wo: () => [
      'Sa compte Orange Money dañu ko suspendre.',
      'Jokkool ak service client Orange Money, walla tànnal beneen moyen de paiement.',
    ],
  },
  whatsapp_user_not_found: {
    fr: () => [
      "Ce numéro n'a pas de compte WhatsApp.",
      'Vérifiez le numéro et envoyez à nouveau votre demande.',
    ],
    en: () => [
      'This number has no WhatsApp account.',
      'Please check the number and send your request again.',
    ],
    wo: () => ['Numéro bii amul WhatsApp.', 'Seetal numéro bi te yónneeatal sa demande.'],
  },
  om_number_not_allowed: {
    fr: () => [
      "Ce numéro n'est pas autorisé à faire des transactions Orange Money.",
      'Contactez Orange Money, ou choisissez un autre moyen de paiement.',
    ],
    en: () => [
      'This number is not allowed to make Orange Money transactions.',
      'Please contact Orange Money, or choose another payment method.',
    ],
    wo: () => [
      'Numéro bii amul droit def transactions Orange Money.',
      'Jokkool ak Orange Money, walla tànnal beneen moyen de paiement.',
    ],
  },
  bad_amount_50: badAmount(50),
  bad_amount_100: badAmount(100),
  bad_amount_5: badAmount(5),
  om_operator_internal_error: operatorTrouble(
    'Orange Money rencontre un problème technique.',
    'Orange Money is having a technical problem.',
  ),
  monthly_max_amount_cumul_reached: {
    fr: () => [
      'Le plafond mensuel de ce compte est atteint.',
      'Essayez avec un autre numéro ou un autre moyen de paiement, ou attendez le mois prochain.',
    ],
    en: () => [
      "This account's monthly limit has been reached.",
      'Try another number or payment method, or wait until next month.',
    ],
    wo: () => [
      'Plafond mensuel bu compte bii jot na.',
      'Jéemaatal ak beneen numéro walla beneen moyen de paiement, walla xaaral weer wi ci kanam.',
    ],
  },
  connexion_error: operatorTrouble(
    "Problème de connexion avec l'opérateur.",
    'There is a connection problem with the operator.',
  ),
  pos_already_connected: operatorTrouble(
    "Problème de connexion avec l'opérateur.",
    'There is a connection problem with the operator.',
  ),
  interval_max_amount_cumul_reached: {
    fr: () => [
      'Le plafond autorisé pour ce compte est atteint pour le moment.',
      'Réessayez plus tard, ou avec un montant plus petit.',
    ],
    en: () => [
      'The maximum allowed for this account has been reached for now.',
      'Please try again later, or with a smaller amount.',
    ],
    wo: () => [
      'Plafond bi ñu may compte bii jot na léegi.',
      'Jéemaatal ci kanam, walla ak montant bu gën a tuuti.',
    ],
  },
  operator_down_time: operatorTrouble(
    "L'opérateur est momentanément indisponible.",
    'The operator is temporarily unavailable.',
  ),
  execution_error: operatorTrouble(
    'Une erreur est survenue pendant le traitement de votre demande.',
    'An error occurred while processing your request.',
  ),
  balance_check_failed: {
    fr: () => [
      "La transaction n'a pas pu aboutir.",
      `Vérifiez le solde de votre compte, puis écrivez ${AGAIN} pour réessayer.`,
    ],
    en: () => [
      'The transaction could not be completed.',
      `Please check your wallet balance, then write ${AGAIN} to try again.`,
    ],
    wo: () => [
      'Transaction bi mënul a jàll.',
      `Seetal xaalis bi nekk ci sa compte, te bindal ${AGAIN} ngir jéemaat.`,
    ],
  },
  no_mtn_account: {
    fr: () => ["Ce numéro n'est pas client MTN Mobile Money.", otherWallet.fr],
    en: () => ['This number is not an MTN Mobile Money customer.', otherWallet.en],
    wo: () => ['Numéro bii amul compte MTN Mobile Money.', otherWallet.wo],
  },
};

/** For codes nobody documented. */
const GENERIC: MessageFn = {
  fr: () => [
    "Désolé, l'opération n'a pas abouti.",
    `Réessayez plus tard en écrivant ${AGAIN} ; si le problème continue, contactez-nous.`,
  ],
  en: () => [
    'Sorry, the operation did not go through.',
    `Please try again later by writing ${AGAIN}; if it keeps failing, contact us.`,
  ],
  wo: () => [
    'Baal ma, opération bi jàllul.',
    `Jéemaatal ci kanam: bindal ${AGAIN}. Su jafe-jafe bi desee, jokkool ak nun.`,
  ],
};

const MONEY = {
  refunded: {
    fr: 'Le montant payé vous sera remboursé automatiquement.',
    en: 'The amount you paid will be refunded to you automatically.',
    wo: 'Dinañu la delloo sa xaalis (remboursement automatique).',
  },
  notCharged: {
    fr: "Aucun montant n'a été prélevé.",
    en: 'You were not charged.',
    wo: 'Jëlunu sa xaalis.',
  },
} satisfies Record<string, Record<Lang, string>>;

/** Codes that can only happen before any money left the customer's wallet. */
const INHERENTLY_NOT_CHARGED = new Set([
  'insufficient_balance',
  'insufficient_balance_merchant',
  'payment-timeout',
]);

function walletName(codeService: string | undefined): string {
  if (!codeService || !/CASH_OUT/.test(codeService)) return '';
  return serviceLabel(codeService);
}

function suggestions(amount: number | undefined, multiple: number): Ctx['suggest'] {
  if (amount === undefined || amount <= 0 || amount % multiple === 0) return { fr: '', en: '' };
  const list = nearestValidAmounts(amount, { min: multiple, max: Number.MAX_SAFE_INTEGER, multiple }).map(
    formatXof,
  );
  return { fr: ` (par exemple ${list.join(' ou ')})`, en: ` (for example ${list.join(' or ')})` };
}

/** The message key for an errorType: the table code, or the merchant variant of insufficient_balance. */
export function errorMessageKey(entry: IntechErrorEntry | undefined): string | undefined {
  if (!entry) return undefined;
  return entry.code === 'insufficient_balance' && entry.blame === 'merchant'
    ? 'insufficient_balance_merchant'
    : entry.code;
}

export function customerErrorMessage(
  errorType: IntechErrorType | null | undefined,
  lang: Lang,
  params: ErrorMessageParams = {},
): string {
  const key = errorMessageKey(findErrorEntry(errorType));
  const fn = (key !== undefined ? MESSAGES[key] : undefined) ?? GENERIC;
  const multiple = /^bad_amount_(\d+)$/.exec(key ?? '')?.[1];
  const ctx: Ctx = {
    amount: params.amount !== undefined ? formatXof(params.amount) : '',
    wallet: walletName(errorType?.codeService),
    suggest: multiple ? suggestions(params.amount, Number(multiple)) : { fr: '', en: '' },
  };
  const [what, next] = fn[lang](ctx);
  const money =
    params.charged === true
      ? MONEY.refunded[lang]
      : params.charged === false || (key !== undefined && INHERENTLY_NOT_CHARGED.has(key))
        ? MONEY.notCharged[lang]
        : '';
  return [what, money, next].filter(Boolean).join(' ');
}

/** Every message key that has a text (for tests and admin tools). */
export const ERROR_MESSAGE_KEYS: readonly string[] = Object.keys(MESSAGES);
