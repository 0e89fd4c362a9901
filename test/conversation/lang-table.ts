// What the customer types and what the bot must say, per language: the scripted dialogues use it.
import type { Lang } from '../../src/i18n/lang.js';

export interface LangCase {
  lang: Lang;
  yes: string;
  no: string;
  oneShot: string;
  item: string;
  summaryTitle: string;
  detected: string;
  walletList: string;
  confirmHint: string;
  forYou: string;
  askAmount: string;
  askNumber: string;
  cancelled: string;
  remembered: string;
  menu: string;
  notUnderstood: string;
  placed: string;
  freeItem: string;
  expired: string;
  dailyLimit: string;
  orderMax: string;
  notMultiple: string;
  stopped: string;
  started: string;
  langSet: string;
  saveOffer: string;
  saved: string;
  askPayer: string;
  payerLine: string;
  bills: string;
  billName: string;
  noOrders: string;
  statusTitle: string;
  historyTitle: string;
  waiting: string;
  delivered: string;
}

export const CASES: LangCase[] = [
  {
    lang: 'fr',
    yes: 'oui',
    no: 'non',
    oneShot: 'crédit 1000 au 77 123 45 67',
    item: 'Crédit Orange 1 000 FCFA pour 77 123 45 67',
    summaryTitle: '*Récapitulatif*',
    detected: "Opérateur détecté : Orange. Si c'est un autre, écrivez *free* ou *expresso*.",
    walletList: 'Payer avec :\n1. Wave\n2. Orange Money\n3. Free Money',
    confirmHint: 'pour confirmer, *non* pour annuler',
    forYou: "C'est pour vous, *77 000 00 01* ?",
    askAmount: 'Quel montant pour Orange',
    askNumber: 'Quel numéro faut-il recharger',
    cancelled: "C'est annulé, aucun montant n'a été prélevé.",
    remembered: 'Payer avec Wave (77 000 00 01) — répondez *oui* pour confirmer, ou 2 pour Orange Money',
    menu: 'Que voulez-vous faire ?\n1. Crédit téléphone',
    notUnderstood: "je n'ai pas bien compris",
    placed: 'Commande *XB1* : Crédit Orange 1 000 FCFA pour 77 123 45 67, à payer avec Wave',
    freeItem: 'Crédit Free 1 000 FCFA pour 77 123 45 67',
    expired: 'Votre demande précédente (Crédit Orange 1 000 FCFA pour 77 123 45 67) a expiré',
    dailyLimit: 'la limite est de 500 000 FCFA par jour. Il vous reste 5 000 FCFA',
    orderMax: "c'est au-dessus du maximum pour Orange (de 100 FCFA à 50 000 FCFA)",
    notMultiple:
      "7 000 FCFA n'est pas un montant possible pour Rapido (de 5 000 FCFA à 100 000 FCFA, par multiples de 5 000 FCFA). Montant valide le plus proche : 5 000 FCFA ou 10 000 FCFA.",
    stopped: 'Vous ne recevrez plus nos annonces',
    started: 'Vous recevrez de nouveau nos annonces',
    langSet: "C'est noté, je vous parle en français.",
    saveOffer: 'Voulez-vous enregistrer le 76 123 45 67 sous un nom ?',
    saved:
      "C'est noté : *maman* = 76 123 45 67. La prochaine fois, écrivez simplement *recharge maman 1000*.",
    askPayer: 'Depuis quel numéro voulez-vous payer',
    payerLine: 'La demande de paiement sera envoyée au 77 123 45 67.',
    bills:
      '*Factures Senelec en attente*\n1. 12 500 FCFA — DIOP MODOU — échéance 15/12/2026\n2. 8 000 FCFA — DIOP MODOU — échéance 15/01/2027',
    billName: 'Nom : DIOP MODOU\nÉchéance : 15/01/2027',
    noOrders: "Vous n'avez pas encore de commande",
    statusTitle: '*Vos commandes en cours*',
    historyTitle: '*Vos dernières commandes*',
    waiting: 'en attente de paiement',
    delivered: 'livrée ✅',
  },
  {
    lang: 'en',
    yes: 'yes',
    no: 'no',
    oneShot: 'airtime 1000 to 77 123 45 67',
    item: 'Orange airtime 1 000 FCFA for 77 123 45 67',
    summaryTitle: '*Summary*',
    detected: 'Detected operator: Orange. If it is another one, write *free* or *expresso*.',
    walletList: 'Pay with:\n1. Wave\n2. Orange Money\n3. Free Money',
    confirmHint: 'to confirm, *no* to cancel',
    forYou: 'Is it for you, *77 000 00 01*?',
    askAmount: 'How much for Orange',
    askNumber: 'Which number should I top up',
    cancelled: 'Cancelled, nothing was charged.',
    remembered: 'Pay with Wave (77 000 00 01) — reply *yes* to confirm, or 2 for Orange Money',
    menu: 'What would you like to do?\n1. Phone airtime',
    notUnderstood: "I didn't quite get that",
    placed: 'Order *XB1*: Orange airtime 1 000 FCFA for 77 123 45 67, to pay with Wave',
    freeItem: 'Free airtime 1 000 FCFA for 77 123 45 67',
    expired: 'Your previous request (Orange airtime 1 000 FCFA for 77 123 45 67) expired',
    dailyLimit: 'the limit is 500 000 FCFA per day. You have 5 000 FCFA left',
    orderMax: 'is above the maximum for Orange (from 100 FCFA to 50 000 FCFA)',
    notMultiple:
      '7 000 FCFA is not a possible amount for Rapido (from 5 000 FCFA to 100 000 FCFA, in multiples of 5 000 FCFA). Nearest valid amount: 5 000 FCFA or 10 000 FCFA.',
    stopped: "You won't receive our announcements any more",
    started: 'You will receive our announcements again',
    langSet: "Noted, I'll speak English with you.",
    saveOffer: 'Would you like to save 76 123 45 67 under a name?',
    saved: 'Saved: *maman* = 76 123 45 67. Next time, just write *airtime maman 1000*.',
    askPayer: 'Which number will you pay from',
    payerLine: 'The payment request will go to 77 123 45 67.',
    bills:
      '*Pending Senelec bills*\n1. 12 500 FCFA — DIOP MODOU — due 15/12/2026\n2. 8 000 FCFA — DIOP MODOU — due 15/01/2027',
    billName: 'Name: DIOP MODOU\nDue: 15/01/2027',
    noOrders: "You don't have any orders yet",
    statusTitle: '*Your orders in progress*',
    historyTitle: '*Your latest orders*',
    waiting: 'waiting for payment',
    delivered: 'delivered ✅',
  },
  {
    lang: 'wo',
    yes: 'waaw',
    no: 'déedéet',
    oneShot: 'dama bëgg kredi 1000 ci 77 123 45 67',
    item: 'Kredi Orange 1 000 FCFA ci 77 123 45 67',
    summaryTitle: '*Li nga laaj*',
    detected: 'Operatëer : Orange. Su dul moom, bindal *free* walla *expresso*.',
    walletList: 'Fey ak :\n1. Wave\n2. Orange Money\n3. Free Money',
    confirmHint: 'ngir dëggal, *déedéet* ngir bàyyi',
    forYou: 'Ci yow la, *77 000 00 01* ?',
    askAmount: 'Ñaata ngay jënd ci Orange',
    askNumber: 'Ban nimero lañuy rechargé',
    cancelled: 'Bàyyi nanu ko, dara jëlewuñu.',
    remembered: 'Fey ak Wave (77 000 00 01) — tontul *waaw* ngir dëggal, walla 2 ngir Orange Money',
    menu: 'Lan nga bëgg ?\n1. Kredi telefon',
    notUnderstood: 'dégguma bu baax',
    placed: 'Commande *XB1* : Kredi Orange 1 000 FCFA ci 77 123 45 67, fey ak Wave',
    freeItem: 'Kredi Free 1 000 FCFA ci 77 123 45 67',
    expired: 'Sa laaj bu jëkk (Kredi Orange 1 000 FCFA ci 77 123 45 67) jeex na',
    dailyLimit: '500 000 FCFA ci bés la. Des na la 5 000 FCFA tey',
    orderMax: 'dafa bare ci Orange (100 FCFA ba 50 000 FCFA)',
    notMultiple:
      '7 000 FCFA manuñu ko jënd ci Rapido (5 000 FCFA ba 100 000 FCFA, ay 5 000 FCFA). Xaalis bu jege : 5 000 FCFA walla 10 000 FCFA.',
    stopped: 'Doo jotati sunuy yégle',
    started: 'Dinga jotaat sunuy yégle',
    langSet: 'Waaw, dinaa la wax ci wolof.',
    saveOffer: 'Ndax nga bëgg ma denc 76 123 45 67 ak benn tur ?',
    saved: 'Denc naa ko : *maman* = 76 123 45 67. Beneen yoon, bindal rekk *kredi maman 1000*.',
    askPayer: 'Ak ban nimero ngay fey',
    payerLine: 'Laaj bu fey bi dina dem ci 77 123 45 67.',
    bills: '*Facture Senelec yuy xaar*\n1. 12 500 FCFA — DIOP MODOU — bés bu mujj 15/12/2026',
    billName: 'Tur : DIOP MODOU\nBés bu mujj : 15/01/2027',
    noOrders: 'Amaguloo commande',
    statusTitle: '*Say commande yuy dox*',
    historyTitle: '*Say commande yu mujj*',
    waiting: 'mu ngi xaar fey bi',
    delivered: 'agsi na ✅',
  },
];
