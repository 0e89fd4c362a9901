import type { Messages, OrderLineView } from './types.js';

const list = (items: string[]): string => items.map((l, i) => `${i + 1}. ${l}`).join('\n');
const or = (items: string[]): string =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ou ${items[items.length - 1]}`;

const line = (o: OrderLineView): string => {
  let s = `${o.date} *${o.ref}* ${o.item} — ${o.stateText}`;
  if (o.receiptRef) s += ` (réf. ${o.receiptRef})`;
  if (o.tokens?.length) s += `\n   Code${o.tokens.length > 1 ? 's' : ''} : ${o.tokens.join(' / ')}`;
  return s;
};

/** The main menu's labels, numbered from 1 (the parser is tested against them). */
export const FR_MENU = [
  'Crédit téléphone',
  'Factures et Woyofal (Senelec, SenEau…)',
  'Mes commandes',
  'Langue / Language / Làkk',
];

export const fr: Messages = {
  menu: () =>
    'Bonjour 👋 Que voulez-vous faire ?\n' +
    `${list(FR_MENU)}\n` +
    'Vous pouvez aussi écrire librement, ex. *crédit 1000 au 77 123 45 67*.',
  notUnderstood: "Désolé, je n'ai pas bien compris.",
  noted: (what) => `C'est noté : ${what}.`,
  item: (v) => {
    if (v.kind === 'airtime')
      return `Crédit ${v.service}${v.amount ? ` ${v.amount}` : ''}${v.recipient ? ` pour ${v.recipient}` : ''}`;
    const what = v.kind === 'bill_pay' ? `Facture ${v.service}` : v.service;
    return `${what}${v.amount ? ` ${v.amount}` : ''}${v.account ? ` (n° ${v.account})` : ''}`;
  },
  askRecipientSelf: (phone) =>
    `C'est pour vous, *${phone}* ?\nRépondez *oui*, ou envoyez le numéro à recharger.`,
  askRecipient: 'Quel numéro faut-il recharger ? (ex. 77 123 45 67)',
  badPhone: 'Ce numéro ne semble pas valide. Envoyez-le comme ceci : 77 123 45 67.',
  noAirtimeFor: (phone, operators) =>
    `Je ne trouve pas l'opérateur du ${phone}, ou il n'est pas pris en charge. Écrivez ${or(operators.map((o) => `*${o}*`))}, ou envoyez un autre numéro.`,
  askAmount: (service, examples) => `Quel montant pour ${service} ? (ex. ${examples})`,
  amountInvalid: (problem, rules, service, suggestions, typed) => {
    const range =
      rules.multiple === '1 FCFA' || rules.multiple === '5 FCFA'
        ? `de ${rules.min} à ${rules.max}`
        : `de ${rules.min} à ${rules.max}, par multiples de ${rules.multiple}`;
    const why =
      problem === 'below_min'
        ? `${typed}, c'est en dessous du minimum pour ${service} (${range}).`
        : problem === 'above_max'
          ? `${typed}, c'est au-dessus du maximum pour ${service} (${range}).`
          : `${typed} n'est pas un montant possible pour ${service} (${range}).`;
    return suggestions.length ? `${why} Montant valide le plus proche : ${or(suggestions)}.` : why;
  },
  choiceUnclear: (quote) =>
    `J'ai lu « ${quote} », mais ce n'est pas un seul choix : répondez avec un seul numéro, ou *non* pour annuler.`,
  phoneNotRead: (raw, reason) =>
    reason === 'incomplete'
      ? `Le numéro « ${raw} » est incomplet : il faut 9 chiffres au Sénégal (ex. 77 123 45 67) ou 10 en Côte d'Ivoire (ex. 07 07 07 07 07).`
      : reason === 'too_long'
        ? `Le numéro « ${raw} » a trop de chiffres : envoyez-le comme ceci : 77 123 45 67.`
        : `Le numéro « ${raw} » ne correspond à aucun opérateur mobile (Sénégal : 70, 76, 77, 78 ; Côte d'Ivoire : 01, 05, 07).`,
  amountNotRead: (raw) =>
    `Je ne peux pas lire « ${raw} » comme un montant : envoyez un nombre entier de FCFA, ex. 1000.`,
  notPlaced: (message) => `${message}\nAucune demande de paiement n'a été envoyée.`,
  orderMax: (max) => `Désolé, une commande ne peut pas dépasser ${max}. Indiquez un montant plus petit.`,
  dailyLimit: (remaining, limit) =>
    `Désolé, la limite est de ${limit} par jour. Il vous reste ${remaining} pour aujourd'hui.`,
  billServices: (labels) => `Quelle facture ou recharge ?\n${list(labels)}\nRépondez avec le numéro.`,
  askAccount: (service) =>
    `Quel est votre numéro ${service} ? (contrat, compteur ou carte, tel qu'écrit sur la facture)`,
  badAccount: 'Ce numéro ne semble pas valide : envoyez uniquement les chiffres.',
  billsNone: (service, account) => `Aucune facture ${service} en attente pour le n° ${account}. 👍`,
  billsError: (message, retryable) =>
    `${message}${retryable ? '\nRéessayez dans quelques minutes.' : '\nVérifiez le numéro et renvoyez-le, ou écrivez *menu*.'}`,
  billsList: (service, bills) =>
    `*Factures ${service} en attente*\n${list(
      bills.map((b) =>
        [b.amount, b.name, b.due ? `échéance ${b.due}` : undefined].filter(Boolean).join(' — '),
      ),
    )}`,
  billPickHint: (count) => `Répondez avec le numéro de la facture à payer (1 à ${count}).`,
  askPayer: 'Depuis quel numéro voulez-vous payer (Wave, Orange Money…) ? ex. 77 123 45 67',
  summary: (v) => {
    const parts = ['*Récapitulatif*', v.item, ...v.details];
    if (v.operatorHint)
      parts.push(
        `Opérateur détecté : ${v.operatorHint.detected}. Si c'est un autre, écrivez ${or(v.operatorHint.others.map((o) => `*${o}*`))}.`,
      );
    if (v.payer) parts.push(`La demande de paiement sera envoyée au ${v.payer}.`);
    if (v.remembered) {
      const r = v.remembered;
      const others = v.wallets.flatMap((w, i) => (i + 1 === r.n ? [] : [`${i + 1} pour ${w}`]));
      parts.push(
        `Payer avec ${r.label} (${r.payer}) — répondez *oui* pour confirmer${others.length ? `, ou ${or(others)}` : ''}. *non* pour annuler.`,
      );
    } else {
      parts.push(`Payer avec :\n${list(v.wallets)}`);
      const n = v.wallets.length;
      parts.push(
        `Répondez avec le numéro ${n > 2 ? `(1 à ${n})` : or(v.wallets.map((_, i) => String(i + 1)))} pour confirmer, *non* pour annuler.`,
      );
    }
    return parts.join('\n');
  },
  pickWallet: (labels) => `Avec quel moyen de paiement ?\n${list(labels)}\nRépondez avec le numéro.`,
  placed: (ref, item, wallet) =>
    `Commande *${ref}* : ${item}, à payer avec ${wallet}. Suivez les instructions de paiement. 🙏`,
  placeFailed: (message) => `${message}\nAucun montant n'a été prélevé. Écrivez *menu* pour recommencer.`,
  tooLong: (max) =>
    `Votre message est très long : je n'en ai lu que le début (${max.toLocaleString('fr-FR').replace(/\s/g, ' ')} caractères). Écrivez votre demande en quelques mots si besoin.`,
  technicalError:
    'Un souci technique est survenu. Ne payez rien de plus : écrivez *statut* dans quelques minutes pour savoir où en est votre commande.',
  cancelled: "C'est annulé, aucun montant n'a été prélevé. Écrivez *menu* quand vous voulez.",
  nothingToCancel: "Il n'y a rien en cours. Écrivez *menu* pour voir ce que je peux faire.",
  cancelUnpaid: (ref) =>
    `La commande *${ref}* est déjà enregistrée. Si vous ne validez pas le paiement, elle s'annule d'elle-même et rien n'est prélevé.`,
  cannotCancel: (ref) =>
    `La commande *${ref}* est déjà payée et en cours : elle ne peut plus être annulée. En cas d'échec, vous serez remboursé.`,
  stopped: 'Vous ne recevrez plus nos annonces. Écrivez *START* pour les recevoir à nouveau.',
  started: 'Vous recevrez de nouveau nos annonces. Écrivez *STOP* pour les arrêter.',
  langChoice: 'Choisissez votre langue :\n1. Français\n2. English\n3. Wolof',
  langSet: "C'est noté, je vous parle en français.",
  expired: (item) => `Votre demande précédente${item ? ` (${item})` : ''} a expiré, rien n'a été prélevé.`,
  noOrders: "Vous n'avez pas encore de commande. Écrivez *menu* pour commencer.",
  status: (lines) => `*Vos commandes en cours*\n${lines.map(line).join('\n')}`,
  history: (lines) => `*Vos dernières commandes*\n${lines.map(line).join('\n')}`,
  saveOffer: (kind, value) =>
    `Voulez-vous enregistrer ${kind === 'phone' ? 'le' : 'le compte'} ${value} sous un nom ? Répondez par un nom (ex. *${kind === 'phone' ? 'maman' : 'maison'}*) ou *non*.`,
  askSaveName: 'Quel nom lui donner ? (ex. *maman*, *maison*)',
  saved: (nickname, value, example) =>
    `C'est noté : *${nickname}* = ${value}. La prochaine fois, écrivez simplement *${example}*.`,
  nicknameExample: (kind, nickname, service) =>
    kind === 'phone' ? `recharge ${nickname} 1000` : `${service.toLowerCase()} ${nickname} 5000`,
  unknownNickname: (nickname) => `Je ne connais pas encore « ${nickname} ».`,
  unknownService: (name) => `Je ne connais pas « ${name} » : ce n'est pas une facture que nous payons.`,
  rateLimited: 'Vous envoyez beaucoup de messages 🙂 Patientez une minute, puis réessayez.',
  unavailable: (service) =>
    `${service} est momentanément indisponible. Réessayez plus tard ou écrivez *menu*.`,
  noWallets: "Aucun moyen de paiement n'est disponible pour le moment. Réessayez plus tard.",
  operatorUnavailable: (operator) => `Le crédit ${operator} n'est pas disponible pour ce numéro.`,
  billLabels: { name: 'Nom', due: 'Échéance', reference: 'Référence' },
  stateLabel: {
    created: 'enregistrée',
    collecting: 'en attente de paiement ⏳',
    collect_failed: 'paiement non abouti ❌',
    collected: 'payée, livraison en cours ⏳',
    delivering: 'livraison en cours ⏳',
    delivered: 'livrée ✅',
    completed: 'livrée ✅',
    refunding: 'remboursement en cours ⏳',
    refunded: 'remboursée ↩️',
    needs_human: "en vérification par l'équipe 🧑‍💼",
    cancelled: 'annulée',
  },
};
