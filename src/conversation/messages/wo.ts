// Wolof where we are confident (greetings, yes/no, "Ñaata?", "Lan nga bëgg?"); French wording elsewhere,
// which Wolof speakers in Senegal read every day.
import { fr } from './fr.js';
import type { Messages } from './types.js';

const list = (items: string[]): string => items.map((l, i) => `${i + 1}. ${l}`).join('\n');
const or = (items: string[]): string =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} walla ${items[items.length - 1]}`;

export const wo: Messages = {
  ...fr,
  menu: () =>
    'Salaam aleekum 👋 Lan nga bëgg ?\n' +
    '1. Kredi telefon\n' +
    '2. Facture ak Woyofal (Senelec, SenEau…)\n' +
    '3. Sama commande yi\n' +
    '4. Làkk / Langue / Language\n' +
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
  summary: (v) => {
    const parts = ['*Li nga laaj*', v.item, ...v.details];
    if (v.operatorHint)
      parts.push(
        `Kompaañi : ${v.operatorHint.detected}. Su dul moom, bindal ${or(v.operatorHint.others.map((o) => `*${o}*`))}.`,
      );
    if (v.remembered) {
      const others = v.wallets.slice(1).map((w, i) => `${i + 2} ngir ${w}`);
      if (others.length <= 2)
        parts.push(
          `Fey ak ${v.remembered.label} (${v.remembered.payer}) — tontul *waaw* ngir confirmer${others.length ? `, walla ${or(others)}` : ''}. *déedéet* ngir annuler.`,
        );
      else
        parts.push(
          `Fey ak ${v.remembered.label} (${v.remembered.payer}) — tontul *waaw* ngir confirmer, walla ${or(others.slice(0, 2))}.`,
          `Yeneen : ${v.wallets
            .slice(3)
            .map((w, i) => `${i + 4}. ${w}`)
            .join(', ')}. *déedéet* ngir annuler.`,
        );
    } else {
      if (v.payer) parts.push(`Nimero buy fey : ${v.payer}`);
      parts.push(`Fey ak :\n${list(v.wallets)}`);
      const n = v.wallets.length;
      parts.push(
        `Tontul ${n > 2 ? `ak nimero bi (1 ba ${n})` : or(v.wallets.map((_, i) => String(i + 1)))} ngir confirmer, *déedéet* ngir annuler.`,
      );
    }
    return parts.join('\n');
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
