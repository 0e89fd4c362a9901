// Wolof texts (service names and a few loanwords — facture, commande, compteur, recharge, operatëer, équipe —
// as Wolof speakers write them, the same spelling everywhere: kredi for airtime, operatëer, nimero).
// French is the fallback only for keys added later and not yet worded here.
import { fr } from './fr.js';
import type { Messages, OrderLineView } from './types.js';

const list = (items: string[]): string => items.map((l, i) => `${i + 1}. ${l}`).join('\n');
const or = (items: string[]): string =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} walla ${items[items.length - 1]}`;

const line = (o: OrderLineView): string => {
  let s = `${o.date} *${o.ref}* ${o.item} — ${o.stateText}`;
  if (o.receiptRef) s += ` (réf. ${o.receiptRef})`;
  if (o.tokens?.length) s += `\n   Code : ${o.tokens.join(' / ')}`;
  return s;
};

/** The main menu's labels, numbered from 1 (the parser is tested against them). */
export const WO_MENU = [
  'Kredi telefon',
  'Facture ak Woyofal (Senelec, SenEau…)',
  'Sama commande yi',
  'Làkk / Langue / Language',
];

export const wo: Messages = {
  ...fr,
  menu: () =>
    'Salaam aleekum 👋 Lan nga bëgg ?\n' +
    `${list(WO_MENU)}\n` +
    'Mën nga bind ni nga bëgge, ex. *kredi 1000 77 123 45 67*.',
  notUnderstood: 'Baal ma, dégguma bu baax.',
  noted: (what) => `Baax na : ${what}.`,
  item: (v) => {
    if (v.kind === 'airtime')
      return `Kredi ${v.service}${v.amount ? ` ${v.amount}` : ''}${v.recipient ? ` ci ${v.recipient}` : ''}`;
    const what = v.kind === 'bill_pay' ? `Facture ${v.service}` : v.service;
    return `${what}${v.amount ? ` ${v.amount}` : ''}${v.account ? ` (n° ${v.account})` : ''}`;
  },
  askRecipientSelf: (phone) =>
    `Ci yow la, *${phone}* ?\nTontul *waaw*, walla yónnee nimero bi ngay rechargé.`,
  askRecipient: 'Ban nimero lañuy rechargé ? (ex. 77 123 45 67)',
  askAmount: (service, examples) => `Ñaata ngay jënd ci ${service} ? (ex. ${examples})`,
  amountInvalid: (problem, rules, service, suggestions, typed) => {
    const range =
      rules.multiple === '1 FCFA' || rules.multiple === '5 FCFA'
        ? `${rules.min} ba ${rules.max}`
        : `${rules.min} ba ${rules.max}, ay ${rules.multiple}`;
    const why =
      problem === 'below_min'
        ? `${typed} dafa néew ci ${service} (${range}).`
        : problem === 'above_max'
          ? `${typed} dafa bare ci ${service} (${range}).`
          : `${typed} manuñu ko jënd ci ${service} (${range}).`;
    return suggestions.length ? `${why} Xaalis bu jege : ${or(suggestions)}.` : why;
  },
  summary: (v) => {
    const parts = ['*Li nga laaj*', v.item, ...v.details];
    if (v.operatorHint)
      parts.push(
        `Operatëer : ${v.operatorHint.detected}. Su dul moom, bindal ${or(v.operatorHint.others.map((o) => `*${o}*`))}.`,
      );
    if (v.payer) parts.push(`Laaj bu fey bi dina dem ci ${v.payer}.`);
    if (v.remembered) {
      const r = v.remembered;
      const others = v.wallets.flatMap((w, i) => (i + 1 === r.n ? [] : [`${i + 1} ngir ${w}`]));
      parts.push(
        `Fey ak ${r.label} (${r.payer}) — tontul *waaw* ngir dëggal${others.length ? `, walla ${or(others)}` : ''}. *déedéet* ngir bàyyi.`,
      );
    } else {
      parts.push(`Fey ak :\n${list(v.wallets)}`);
      const n = v.wallets.length;
      parts.push(
        `Tontul ak nimero bi ${n > 2 ? `(1 ba ${n})` : or(v.wallets.map((_, i) => String(i + 1)))} ngir dëggal, *déedéet* ngir bàyyi.`,
      );
    }
    return parts.join('\n');
  },
  choiceUnclear: (quote) =>
    `Jàng naa « ${quote} », waaye du benn tànn : tontul ak benn nimero rekk, walla *déedéet* ngir bàyyi.`,
  phoneNotRead: (raw, reason) =>
    reason === 'incomplete'
      ? `Nimero « ${raw} » matul : 9 siffar la war am ci Senegaal (ex. 77 123 45 67), 10 ci Kodiwaar (ex. 07 07 07 07 07).`
      : reason === 'too_long'
        ? `Nimero « ${raw} » siffar yi dañoo bare : bindal ko nii : 77 123 45 67.`
        : `Nimero « ${raw} » amul operatëer (Senegaal : 70, 76, 77, 78 ; Kodiwaar : 01, 05, 07).`,
  amountNotRead: (raw) => `Mënuma jàng « ${raw} » ni xaalis : bindal ab lim bu mat, ex. 1000.`,
  notPlaced: (message) => `${message}\nDara yónneewuñu ngir fey.`,
  badPhone: 'Nimero bii baaxul. Bindal ko nii : 77 123 45 67.',
  askPayer: 'Ak ban nimero ngay fey (Wave, Orange Money…) ? ex. 77 123 45 67',
  cancelled: 'Bàyyi nanu ko, dara jëlewuñu. Bindal *menu* bu la neexee.',
  nothingToCancel: 'Amul dara bu ñuy def. Bindal *menu* ngir xool li ma mën.',
  billServices: (labels) => `Ban facture walla ban recharge ?\n${list(labels)}\nTontul ak nimero bi.`,
  billPickHint: (count) => `Tontul ak nimero facture bi ngay fey (1 ba ${count}).`,
  placeFailed: (message) => `${message}\nDara jëlewuñu. Bindal *menu* ngir tàmbali.`,
  tooLong: (max) =>
    `Sa bataaxal bi dafa gudd lool: ndoorte bi rekk laa jàng (${max} araf). Bindal li nga bëgg ci ay baat yu néew.`,
  technicalError:
    'Am na jafe-jafe. Bul fey leneen : bindal *statut* ci ay simili ngir xam fu sa commande tollu.',
  orderMax: (max) => `Baal ma, benn commande mënul weesu ${max}. Bindal xaalis bu gën a néew.`,
  dailyLimit: (remaining, limit) => `Baal ma, ${limit} ci bés la. Des na la ${remaining} tey.`,
  expired: (item) => `Sa laaj bu jëkk${item ? ` (${item})` : ''} jeex na, dara jëlewuñu.`,
  unknownNickname: (nickname) => `Xamaguma « ${nickname} ».`,
  unknownService: (name) => `Xamuma « ${name} » : du facture bu ñu mën a fey.`,
  noOrders: 'Amaguloo commande. Bindal *menu* ngir tàmbali.',
  billLabels: { name: 'Tur', due: 'Bés bu mujj', reference: 'Référence' },
  noAirtimeFor: (phone, operators) =>
    `Gisuma operatëer bu ${phone}, walla du ci li ñuy jaay. Bindal ${or(operators.map((o) => `*${o}*`))}, walla yónnee beneen nimero.`,
  askAccount: (service) =>
    `Lan mooy sa nimero ${service} ? (contrat, compteur walla carte, ni mu bindoo ci facture bi)`,
  badAccount: 'Nimero bii baaxul : yónneel siffar yi rekk.',
  billsNone: (service, account) => `Amul facture ${service} buy xaar ci nimero ${account}. 👍`,
  billsError: (message, retryable) =>
    `${message}${retryable ? '\nJéemaatal ci ay simili.' : '\nSeetal nimero bi te yónneewaat ko, walla bindal *menu*.'}`,
  billsList: (service, bills) =>
    `*Facture ${service} yuy xaar*\n${list(
      bills.map((b) =>
        [b.amount, b.name, b.due ? `bés bu mujj ${b.due}` : undefined].filter(Boolean).join(' — '),
      ),
    )}`,
  cancelUnpaid: (ref) =>
    `Commande *${ref}* bind nañu ko ba noppi. Boo validerul fey bi, dafay bàyyiku boppam te dara du jëlu.`,
  cannotCancel: (ref) =>
    `Commande *${ref}* fey nañu ko te mu ngi dox : mënatuñu ko bàyyi. Bu jàppul, dinañu la delloo sa xaalis.`,
  stopped: 'Doo jotati sunuy yégle. Bindal *START* ngir jotaat leen.',
  started: 'Dinga jotaat sunuy yégle. Bindal *STOP* ngir taxawal leen.',
  status: (lines) => `*Say commande yuy dox*\n${lines.map(line).join('\n')}`,
  history: (lines) => `*Say commande yu mujj*\n${lines.map(line).join('\n')}`,
  rateLimited: 'Yaa ngi yónnee bu bare 🙂 Xaaral benn simili, ba noppi jéemaat.',
  unavailable: (service) => `${service} amul fi léegi. Jéemaatal ci kanam walla bindal *menu*.`,
  noWallets: 'Amul benn anam bu ñuy fey léegi. Jéemaatal ci kanam.',
  operatorUnavailable: (operator) => `Kredi ${operator} amul ci nimero bii.`,
  stateLabel: {
    created: 'bind nañu ko',
    collecting: 'mu ngi xaar fey bi ⏳',
    collect_failed: 'fey bi jàppul ❌',
    collected: 'fey nañu ko, mu ngi dem ⏳',
    delivering: 'mu ngi dem ⏳',
    delivered: 'agsi na ✅',
    completed: 'agsi na ✅',
    refunding: 'ñu ngi la delloo sa xaalis ⏳',
    refunded: 'delloo nañu la ↩️',
    needs_human: 'équipe bi mu ngi ko seet 🧑‍💼',
    cancelled: 'bàyyi nañu ko',
  },
  placed: (ref, item, wallet) =>
    `Commande *${ref}* : ${item}, fey ak ${wallet}. Topp li ñu la wax ngir fey. Jërëjëf 🙏`,
  pickWallet: (labels) => `Ak lan ngay fey ?\n${list(labels)}\nTontul ak nimero bi.`,
  langChoice: 'Tànnal sa làkk :\n1. Français\n2. English\n3. Wolof',
  langSet: 'Waaw, dinaa la wax ci wolof.',
  saveOffer: (kind, value) =>
    `Ndax nga bëgg ma denc ${value} ak benn tur ? Tontul ak tur bi (ex. *${kind === 'phone' ? 'yaay' : 'kër'}*) walla *déedéet*.`,
  askSaveName: 'Ban tur ngay jox ? (ex. *yaay*, *kër*)',
  saved: (nickname, value, example) =>
    `Denc naa ko : *${nickname}* = ${value}. Beneen yoon, bindal rekk *${example}*. Jërëjëf!`,
  nicknameExample: (kind, nickname, service) =>
    kind === 'phone' ? `kredi ${nickname} 1000` : `${service.toLowerCase()} ${nickname} 5000`,
};
