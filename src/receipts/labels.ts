// Customer-facing words of the receipt, in fr / en / wo. Kept here (not in the catalog) so a receipt can
// always be produced, even for a code the catalog no longer lists.
import { serviceLabel } from '../catalog/derive.js';
import type { Lang } from '../i18n/lang.js';

export interface ReceiptWords {
  title: string;
  paidStamp: string;
  paidLine: string;
  amountPaid: string;
  service: string;
  amount: string;
  recipient: string;
  billReference: string;
  paidWith: string;
  paymentRef: string;
  intechTx: string;
  operatorRef: string;
  date: string;
  reference: string;
  tokenOne: string;
  tokenMany: string;
  tokenHintOne: string;
  tokenHintMany: string;
  thanks: string;
  keep: string;
}

export const WORDS: Record<Lang, ReceiptWords> = {
  fr: {
    title: 'Reçu de paiement',
    paidStamp: 'PAYÉ',
    paidLine: 'Paiement réussi',
    amountPaid: 'Montant payé',
    service: 'Service',
    amount: 'Montant',
    recipient: 'Numéro rechargé',
    billReference: 'Réf. facture',
    paidWith: 'Payé avec',
    paymentRef: 'Réf. paiement',
    intechTx: 'Transaction Intech',
    operatorRef: 'Réf. opérateur',
    date: 'Date',
    reference: 'Notre référence',
    tokenOne: 'Code de recharge',
    tokenMany: 'Codes de recharge',
    tokenHintOne: 'Saisissez ce code sur votre compteur.',
    tokenHintMany: 'Saisissez les 3 codes sur votre compteur, dans cet ordre.',
    thanks: 'Merci pour votre confiance !',
    keep: 'Conservez ce reçu : il prouve votre paiement.',
  },
  en: {
    title: 'Payment receipt',
    paidStamp: 'PAID',
    paidLine: 'Payment successful',
    amountPaid: 'Amount paid',
    service: 'Service',
    amount: 'Amount',
    recipient: 'Number topped up',
    billReference: 'Bill ref.',
    paidWith: 'Paid with',
    paymentRef: 'Payment ref.',
    intechTx: 'Intech transaction',
    operatorRef: 'Operator ref.',
    date: 'Date',
    reference: 'Our reference',
    tokenOne: 'Recharge code',
    tokenMany: 'Recharge codes',
    tokenHintOne: 'Enter this code on your meter.',
    tokenHintMany: 'Enter the 3 codes on your meter, in this order.',
    thanks: 'Thank you for your trust!',
    keep: 'Keep this receipt: it proves your payment.',
  },
  // Wolof throughout (the words of the conversation: kredi, fey, nimero, commande); brand names and
  // the loanwords Wolof speakers write every day (facture, compteur, code) stay as they are.
  wo: {
    title: 'Kayitu fey',
    paidStamp: 'FEY NA',
    paidLine: 'Fey bi jàll na',
    amountPaid: 'Xaalis bi nga fey',
    service: 'Li nga jënd',
    amount: 'Njëg',
    recipient: 'Nimero bi ñu yokk',
    billReference: 'Nimerou facture',
    paidWith: 'Fey ak',
    paymentRef: 'Nimerou fey',
    intechTx: 'Nimerou Intech',
    operatorRef: 'Nimerou operatëer',
    date: 'Bés ak waxtu',
    reference: 'Nimerou commande',
    tokenOne: 'Code bi ngay dugal',
    tokenMany: 'Code yi ngay dugal',
    tokenHintOne: 'Dugal code bii ci sa compteur.',
    tokenHintMany: 'Dugal 3 code yi ci sa compteur, ci ni ñu toftalee.',
    thanks: 'Jërëjëf ci sa kóolute !',
    keep: 'Denc kayit bii : mooy firnde sa fey.',
  },
};

type L = Record<Lang, string>;
const same = (s: string): L => ({ fr: s, en: s, wo: s });
const airtime = (op: string): L => ({ fr: `Crédit ${op}`, en: `${op} airtime`, wo: `Kredi ${op}` });
const bill = (biller: string): L => ({
  fr: `Facture ${biller}`,
  en: `${biller} bill`,
  wo: `Facture ${biller}`,
});

const SERVICE_LABELS: Record<string, L> = {
  ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE: airtime('Orange'),
  FREE_SN_AIRTIME_CREDIT_TELEPHONIQUE: airtime('Free'),
  EXPRESSO_SN_AIRTIME_CREDIT_TELEPHONIQUE: airtime('Expresso'),
  ORANGE_CI_AIRTIME_CREDIT_TELEPHONIQUE: airtime('Orange CI'),
  MTN_CI_AIRTIME_CREDIT_TELEPHONIQUE: airtime('MTN CI'),
  MOOV_CI_AIRTIME_CREDIT_TELEPHONIQUE: airtime('Moov CI'),
  SENELEC_SN_BILL_PAY: bill('Senelec'),
  SENEAU_SN_BILL_PAY: bill('SenEau'),
  AQUATECH_SN_BILL_PAY: bill('Aquatech'),
  UCAD_SN_BILL_PAY: { fr: 'Frais UCAD', en: 'UCAD fees', wo: 'Pey UCAD' },
  UVS_SN_BILL_PAY: { fr: 'Frais UVS', en: 'UVS fees', wo: 'Pey UVS' },
  WOYOFAL_SN_BILL_RELOAD: {
    fr: 'Woyofal (électricité prépayée)',
    en: 'Woyofal (prepaid electricity)',
    wo: 'Woyofal (kuraŋ)',
  },
  RAPIDO_SN_BILL_RELOAD: { fr: 'Recharge Rapido', en: 'Rapido top-up', wo: 'Recharge Rapido' },
  XEWEUL_SN_BILL_RELOAD: { fr: 'Recharge Xeweul', en: 'Xeweul top-up', wo: 'Recharge Xeweul' },
  OOLUSOLAR_SN_BILL_RELOAD: same('Oolu Solar'),
  BAOBAP_PLUS_SN_BILL_RELOAD: same('Baobab+'),
  DER_FJ_SN_BILL_RELOAD: same('DER/FJ'),
};

const ACCOUNT_LABELS: Record<string, L> = {
  SENELEC_SN_BILL_PAY: { fr: 'N° de contrat', en: 'Contract no.', wo: 'Nimerou contrat' },
  SENEAU_SN_BILL_PAY: { fr: 'Référence client', en: 'Customer ref.', wo: 'Nimerou kiliyaan' },
  AQUATECH_SN_BILL_PAY: { fr: 'Référence client', en: 'Customer ref.', wo: 'Nimerou kiliyaan' },
  UCAD_SN_BILL_PAY: { fr: 'Carte étudiant', en: 'Student card', wo: 'Kàrtu njàngaan' },
  UVS_SN_BILL_PAY: { fr: 'Carte étudiant', en: 'Student card', wo: 'Kàrtu njàngaan' },
  WOYOFAL_SN_BILL_RELOAD: { fr: 'N° de compteur', en: 'Meter no.', wo: 'Nimerou compteur' },
  RAPIDO_SN_BILL_RELOAD: { fr: 'N° de carte', en: 'Card no.', wo: 'Nimerou kàrt' },
  XEWEUL_SN_BILL_RELOAD: { fr: 'N° de carte', en: 'Card no.', wo: 'Nimerou kàrt' },
  BAOBAP_PLUS_SN_BILL_RELOAD: { fr: 'N° d’unité', en: 'Unit no.', wo: 'Nimerou unité' },
  DER_FJ_SN_BILL_RELOAD: { fr: 'N° CNI', en: 'National ID no.', wo: 'Nimerou CNI' },
};
const DEFAULT_ACCOUNT_LABEL: L = { fr: 'N° de compte', en: 'Account no.', wo: 'Nimerou compte' };

export function receiptServiceLabel(codeService: string, lang: Lang): string {
  return SERVICE_LABELS[codeService]?.[lang] ?? serviceLabel(codeService);
}

export function walletLabel(codeService: string, lang: Lang): string {
  if (codeService === 'BANK_CARD_API_CASH_OUT' && lang === 'en') return 'Bank card';
  return serviceLabel(codeService);
}

export function accountLabel(codeService: string, lang: Lang): string {
  return (ACCOUNT_LABELS[codeService] ?? DEFAULT_ACCOUNT_LABEL)[lang];
}
