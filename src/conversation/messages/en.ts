import type { Messages, OrderLineView } from './types.js';

const list = (items: string[]): string => items.map((l, i) => `${i + 1}. ${l}`).join('\n');
const or = (items: string[]): string =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;

const line = (o: OrderLineView): string => {
  let s = `${o.date} *${o.ref}* ${o.item} — ${o.stateText}`;
  if (o.receiptRef) s += ` (ref. ${o.receiptRef})`;
  if (o.tokens?.length) s += `\n   Code${o.tokens.length > 1 ? 's' : ''}: ${o.tokens.join(' / ')}`;
  return s;
};

/** The main menu's labels, numbered from 1 (the parser is tested against them). */
export const EN_MENU = [
  'Phone airtime',
  'Bills and Woyofal (Senelec, SenEau…)',
  'My orders',
  'Language / Langue / Làkk',
];

export const en: Messages = {
  menu: () =>
    'Hello 👋 What would you like to do?\n' +
    `${list(EN_MENU)}\n` +
    'You can also just write, e.g. *airtime 1000 to 77 123 45 67*.',
  notUnderstood: "Sorry, I didn't quite get that.",
  noted: (what) => `Noted: ${what}.`,
  item: (v) => {
    if (v.kind === 'airtime')
      return `${v.service} airtime${v.amount ? ` ${v.amount}` : ''}${v.recipient ? ` for ${v.recipient}` : ''}`;
    const what = v.kind === 'bill_pay' ? `${v.service} bill` : v.service;
    return `${what}${v.amount ? ` ${v.amount}` : ''}${v.account ? ` (no. ${v.account})` : ''}`;
  },
  askRecipientSelf: (phone) => `Is it for you, *${phone}*?\nReply *yes*, or send the number to top up.`,
  askRecipient: 'Which number should I top up? (e.g. 77 123 45 67)',
  badPhone: "That number doesn't look valid. Send it like this: 77 123 45 67.",
  noAirtimeFor: (phone, operators) =>
    `I can't find the operator of ${phone}, or it isn't supported. Write ${or(operators.map((o) => `*${o}*`))}, or send another number.`,
  askAmount: (service, examples) => `How much for ${service}? (e.g. ${examples})`,
  amountInvalid: (problem, rules, service, suggestions, typed) => {
    const range =
      rules.multiple === '1 FCFA' || rules.multiple === '5 FCFA'
        ? `from ${rules.min} to ${rules.max}`
        : `from ${rules.min} to ${rules.max}, in multiples of ${rules.multiple}`;
    const why =
      problem === 'below_min'
        ? `${typed} is below the minimum for ${service} (${range}).`
        : problem === 'above_max'
          ? `${typed} is above the maximum for ${service} (${range}).`
          : `${typed} is not a possible amount for ${service} (${range}).`;
    return suggestions.length ? `${why} Nearest valid amount: ${or(suggestions)}.` : why;
  },
  choiceUnclear: (quote) =>
    `I read "${quote}", but that is not one choice: reply with a single number, or *no* to cancel.`,
  phoneNotRead: (raw, reason) =>
    reason === 'incomplete'
      ? `The number "${raw}" is incomplete: Senegal numbers have 9 digits (e.g. 77 123 45 67), Côte d'Ivoire 10 (e.g. 07 07 07 07 07).`
      : reason === 'too_long'
        ? `The number "${raw}" has too many digits: send it like this: 77 123 45 67.`
        : `The number "${raw}" matches no mobile operator (Senegal: 70, 76, 77, 78; Côte d'Ivoire: 01, 05, 07).`,
  amountNotRead: (raw) => `I can't read "${raw}" as an amount: send a whole number of FCFA, e.g. 1000.`,
  notPlaced: (message) => `${message}\nNo payment request was sent.`,
  orderMax: (max) => `Sorry, one order cannot exceed ${max}. Please send a smaller amount.`,
  dailyLimit: (remaining, limit) =>
    `Sorry, the limit is ${limit} per day. You have ${remaining} left for today.`,
  billServices: (labels) => `Which bill or top-up?\n${list(labels)}\nReply with the number.`,
  askAccount: (service) =>
    `What is your ${service} number? (contract, meter or card, as written on the bill)`,
  badAccount: "That number doesn't look valid: send the digits only.",
  billsNone: (service, account) => `No pending ${service} bill for no. ${account}. 👍`,
  billsError: (message, retryable) =>
    `${message}${retryable ? '\nPlease try again in a few minutes.' : '\nCheck the number and send it again, or write *menu*.'}`,
  billsList: (service, bills) =>
    `*Pending ${service} bills*\n${list(
      bills.map((b) => [b.amount, b.name, b.due ? `due ${b.due}` : undefined].filter(Boolean).join(' — ')),
    )}`,
  billPickHint: (count) => `Reply with the number of the bill to pay (1 to ${count}).`,
  askPayer: 'Which number will you pay from (Wave, Orange Money…)? e.g. 77 123 45 67',
  summary: (v) => {
    const parts = ['*Summary*', v.item, ...v.details];
    if (v.operatorHint)
      parts.push(
        `Detected operator: ${v.operatorHint.detected}. If it is another one, write ${or(v.operatorHint.others.map((o) => `*${o}*`))}.`,
      );
    if (v.payer) parts.push(`The payment request will go to ${v.payer}.`);
    if (v.remembered) {
      const r = v.remembered;
      const others = v.wallets.flatMap((w, i) => (i + 1 === r.n ? [] : [`${i + 1} for ${w}`]));
      parts.push(
        `Pay with ${r.label} (${r.payer}) — reply *yes* to confirm${others.length ? `, or ${or(others)}` : ''}. *no* to cancel.`,
      );
    } else {
      parts.push(`Pay with:\n${list(v.wallets)}`);
      const n = v.wallets.length;
      parts.push(
        `Reply with the number ${n > 2 ? `(1 to ${n})` : or(v.wallets.map((_, i) => String(i + 1)))} to confirm, *no* to cancel.`,
      );
    }
    return parts.join('\n');
  },
  pickWallet: (labels) => `Which payment method?\n${list(labels)}\nReply with the number.`,
  placed: (ref, item, wallet) =>
    `Order *${ref}*: ${item}, to pay with ${wallet}. Please follow the payment instructions. 🙏`,
  placeFailed: (message) => `${message}\nNothing was charged. Write *menu* to start again.`,
  tooLong: (max) =>
    `Your message is very long: I only read its beginning (${max.toLocaleString('en-US')} characters). Write your request in a few words if needed.`,
  technicalError:
    "A technical problem occurred. Don't pay anything more: write *status* in a few minutes to see where your order is.",
  cancelled: 'Cancelled, nothing was charged. Write *menu* whenever you like.',
  nothingToCancel: 'Nothing is in progress. Write *menu* to see what I can do.',
  cancelUnpaid: (ref) =>
    `Order *${ref}* is already recorded. If you don't approve the payment, it cancels itself and nothing is charged.`,
  cannotCancel: (ref) =>
    `Order *${ref}* is already paid and in progress: it can no longer be cancelled. If it fails, you will be refunded.`,
  stopped: "You won't receive our announcements any more. Write *START* to get them again.",
  started: 'You will receive our announcements again. Write *STOP* to stop them.',
  langChoice: 'Choose your language:\n1. Français\n2. English\n3. Wolof',
  langSet: "Noted, I'll speak English with you.",
  expired: (item) => `Your previous request${item ? ` (${item})` : ''} expired; nothing was charged.`,
  noOrders: "You don't have any orders yet. Write *menu* to start.",
  status: (lines) => `*Your orders in progress*\n${lines.map(line).join('\n')}`,
  history: (lines) => `*Your latest orders*\n${lines.map(line).join('\n')}`,
  saveOffer: (kind, value) =>
    `Would you like to save ${value} under a name? Reply with a name (e.g. *${kind === 'phone' ? 'mum' : 'home'}*) or *no*.`,
  askSaveName: 'What name should I give it? (e.g. *mum*, *home*)',
  saved: (nickname, value, example) => `Saved: *${nickname}* = ${value}. Next time, just write *${example}*.`,
  nicknameExample: (kind, nickname, service) =>
    kind === 'phone' ? `airtime ${nickname} 1000` : `${service.toLowerCase()} ${nickname} 5000`,
  unknownNickname: (nickname) => `I don't know "${nickname}" yet.`,
  unknownService: (name) => `I don't know "${name}": it is not a bill we pay.`,
  rateLimited: "You're sending a lot of messages 🙂 Please wait a minute and try again.",
  unavailable: (service) => `${service} is temporarily unavailable. Try again later or write *menu*.`,
  noWallets: 'No payment method is available right now. Please try again later.',
  operatorUnavailable: (operator) => `${operator} airtime isn't available for this number.`,
  billLabels: { name: 'Name', due: 'Due', reference: 'Reference' },
  stateLabel: {
    created: 'recorded',
    collecting: 'waiting for payment ⏳',
    collect_failed: 'payment not completed ❌',
    collected: 'paid, delivering ⏳',
    delivering: 'delivering ⏳',
    delivered: 'delivered ✅',
    completed: 'delivered ✅',
    refunding: 'refund in progress ⏳',
    refunded: 'refunded ↩️',
    needs_human: 'being checked by our team 🧑‍💼',
    cancelled: 'cancelled',
  },
};
