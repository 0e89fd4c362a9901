// The conversation as a pure state machine: (conversation, event, context) -> [conversation, commands].
// No I/O, no clock, no ids: everything comes in the event and the context, so every dialogue is testable.
// One handler per pending question (HANDLERS); the draft's logic lives in draft.ts; the parser alone reads
// the text (given the pending question and its options by `expecting`): the machine sees its result only.
// Money rule: a placeOrder command is only ever emitted from the 'confirm' handler, on a plain yes to
// the suggested wallet or a whole-message pick of one wallet, right after the summary was shown.
import { serviceLabel } from '../catalog/derive.js';
import { formatXof, type Lang } from '../i18n/lang.js';
import { type BillLookup, type Order, type PlaceOrderResult, TERMINAL_STATES } from '../orders/types.js';
import type { ChoiceOption } from '../parser/choice.js';
import type { Expecting, ParseResult } from '../parser/types.js';
import type { Beneficiary } from '../store/types.js';
import {
  type AmountIssue,
  carriesSlots,
  customerCountry,
  type DraftEnv,
  findBeneficiary,
  isAirtimeCode,
  isBillCode,
  kindOf,
  type MergeNote,
  mergeParse,
  nextStep,
} from './draft.js';
import { billHighlights, groupToken, shortDate, showPhone } from './format.js';
import { MENU_LABELS, messages } from './messages/index.js';
import type { Messages, OrderLineView } from './messages/types.js';
import type {
  CatalogView,
  Command,
  ConvContext,
  ConvEvent,
  Conversation,
  CustomerPatch,
  Draft,
  Pending,
  Question,
  SaveOffer,
} from './types.js';
import { payerCountry, payerOf, suggestedWallet, walletAliases, walletCodes } from './wallets.js';

export function initialConversation(now: number): Conversation {
  return { v: 2, pending: null, draft: null, updatedAt: now };
}

const QUESTIONS: ReadonlySet<string> = new Set<Question>([
  'menu',
  'language',
  'bill_service',
  'recipient_self',
  'recipient',
  'operator',
  'amount',
  'account',
  'bills',
  'bill_pick',
  'payer',
  'confirm',
  'placing',
  'save_offer',
  'save_name',
]);
/** Old (v1) questions that carry no options and no confirmation: safe to resume with their draft. */
const V1_RESUMABLE: ReadonlySet<string> = new Set([
  'recipient_self',
  'recipient',
  'amount',
  'account',
  'payer',
]);

const isStrings = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === 'string');

function validPending(p: unknown): p is Pending {
  if (p === null) return true;
  if (!p || typeof p !== 'object') return false;
  const q = (p as { q?: unknown }).q;
  if (typeof q !== 'string' || !QUESTIONS.has(q)) return false;
  const x = p as Record<string, unknown>;
  if (q === 'confirm')
    return isStrings(x.wallets) && (x.suggested === undefined || typeof x.suggested === 'string');
  if (q === 'bill_service' || q === 'operator') return isStrings(x.options);
  if (q === 'save_offer' || q === 'save_name') return !!x.offer && typeof x.offer === 'object';
  return true;
}

/**
 * Accepts whatever the store returns. The v1 shape is migrated only where nothing can move money on
 * resume (value questions); a summary, a menu or any unknown shape starts afresh.
 */
export function loadConversation(raw: unknown, now: number): Conversation {
  if (!raw || typeof raw !== 'object') return initialConversation(now);
  const r = raw as Record<string, unknown>;
  const draftOk = r.draft === null || (!!r.draft && typeof r.draft === 'object');
  if (r.v === 2 && draftOk && validPending(r.pending ?? null)) {
    const conv = raw as Conversation;
    if (conv.pending && conv.pending.q !== 'menu' && conv.pending.q !== 'language' && !conv.draft) {
      const draftless: Question[] = ['bill_service', 'save_offer', 'save_name'];
      if (!draftless.includes(conv.pending.q)) return initialConversation(now);
    }
    return conv;
  }
  if (r.v === 1 && draftOk && typeof r.pending === 'string' && V1_RESUMABLE.has(r.pending) && r.draft) {
    return {
      v: 2,
      pending: { q: r.pending } as Pending,
      draft: r.draft as Draft,
      updatedAt: typeof r.updatedAt === 'number' ? r.updatedAt : now,
    };
  }
  return initialConversation(now);
}

const LANG_OPTIONS: Lang[] = ['fr', 'en', 'wo'];
const LANG_NAMES = [
  ['français', 'francais', 'french'],
  ['english', 'anglais'],
  ['wolof', 'wolof'],
];

const numbered = (names: string[][]): ChoiceOption[] => names.map((n, i) => ({ n: i + 1, names: n }));

function walletNames(code: string): string[] {
  const brand = (code.split('_')[0] ?? '').toLowerCase();
  return [serviceLabel(code), ...walletAliases(code.startsWith('BANK_CARD') ? 'card' : brand)];
}

/** What the bot waits for, with the options it showed: the parser's context. */
export function expecting(conv: Conversation): Expecting | undefined {
  const p = conv.pending;
  if (!p) return undefined;
  switch (p.q) {
    case 'menu':
      return {
        slot: 'choice',
        options: numbered(
          [0, 1, 2, 3].map((i) =>
            LANG_OPTIONS.flatMap((l) => {
              const label = MENU_LABELS[l][i]!;
              return [label, label.split(' (')[0]!, label.split(' / ')[0]!];
            }),
          ),
        ),
      };
    case 'language':
      return { slot: 'choice', options: numbered(LANG_NAMES) };
    case 'bill_service':
      return { slot: 'choice', options: numbered(p.options.map((c) => [serviceLabel(c)])) };
    case 'operator':
      return { slot: 'choice', options: numbered(p.options.map((c) => [serviceLabel(c)])) };
    case 'bill_pick':
      return {
        slot: 'choice',
        options: (conv.draft?.bills ?? []).map((_, i) => ({ n: i + 1, names: [] })),
      };
    case 'confirm':
      return { slot: 'confirm', options: numbered(p.wallets.map(walletNames)) };
    case 'recipient_self':
    case 'recipient':
    case 'payer':
      return { slot: 'recipient' };
    case 'amount':
      return { slot: 'amount' };
    case 'account':
      return { slot: 'account' };
    case 'save_offer':
    case 'save_name':
      return { slot: 'name' };
    case 'bills':
    case 'placing':
      return undefined;
  }
}

/** Collects one turn's output: replies, customer patches and effects, as data. */
class Turn {
  conv: Conversation;
  lang: Lang;
  m: Messages;
  private readonly out: string[] = [];
  private readonly saves: Command[] = [];
  private readonly effects: Command[] = [];

  constructor(
    conv: Conversation,
    readonly ctx: ConvContext,
  ) {
    this.conv = structuredClone(conv);
    this.lang = ctx.customer.lang;
    this.m = messages(this.lang);
  }

  get env(): DraftEnv {
    const { catalog, customer, limits, todayTotal } = this.ctx;
    return { catalog, customer, limits, todayTotal };
  }
  say(text: string): void {
    this.out.push(text);
  }
  save(patch: CustomerPatch): void {
    this.saves.push({ type: 'saveCustomer', patch });
    Object.assign(this.ctx.customer, patch);
  }
  effect(cmd: Command): void {
    this.effects.push(cmd);
  }
  setLang(lang: Lang): void {
    this.lang = lang;
    this.m = messages(lang);
    this.save({ lang });
  }
  ask(pending: Pending, text?: string): void {
    this.conv.pending = pending;
    if (text) this.say(text);
  }
  reset(): void {
    this.conv.pending = null;
    this.conv.draft = null;
  }
  result(): [Conversation, Command[]] {
    this.conv.updatedAt = this.ctx.now;
    const cmds: Command[] = [...this.saves];
    if (this.out.length) cmds.push({ type: 'reply', text: this.out.join('\n\n') });
    cmds.push(...this.effects);
    return [this.conv, cmds];
  }
}

export function step(conv: Conversation, event: ConvEvent, ctx: ConvContext): [Conversation, Command[]] {
  const t = new Turn(conv, { ...ctx, customer: structuredClone(ctx.customer) });
  switch (event.type) {
    case 'message':
      onMessage(t, { p: event.parsed });
      offerSaveIfQuiet(t);
      break;
    case 'bills':
      onBills(t, event.result);
      break;
    case 'orderPlaced':
      onPlaced(t, event.result);
      break;
    case 'orderError':
      if (t.conv.pending?.q === 'placing') {
        t.say(t.m.technicalError);
        t.reset();
      }
      break;
  }
  return t.result();
}

/** A message as the machine sees it: the parser's reading only, never the raw text. */
interface Msg {
  p: ParseResult;
}

function label(t: Turn, code: string | undefined): string {
  if (!code) return '';
  return t.ctx.catalog.get(code)?.label ?? serviceLabel(code);
}

function describe(t: Turn, d: Draft): string {
  return t.m
    .item({
      kind: d.kind,
      service: label(t, d.codeService) || (d.kind === 'airtime' ? '' : '…'),
      amount: d.amount != null ? formatXof(d.amount) : undefined,
      recipient: d.recipient ? showPhone(d.recipient) : undefined,
      account: d.account,
    })
    .replace(/\s{2,}/g, ' ');
}

// ---------------------------------------------------------------- messages

function onMessage(t: Turn, msg: Msg): void {
  const c = t.conv;
  const { ctx } = t;
  const { p } = msg;

  // A question left unanswered too long expires: a late "oui" must never confirm a stale summary.
  if (c.pending && ctx.now - c.updatedAt > ctx.limits.idleMs) {
    const silent: Question[] = ['menu', 'language', 'save_offer', 'save_name'];
    if (!silent.includes(c.pending.q)) t.say(t.m.expired(c.draft ? describe(t, c.draft) : undefined));
    t.reset();
  } else if (c.pending?.q === 'bills' || c.pending?.q === 'placing') {
    // Only seen after a crash mid-turn: start again (the order desk keeps any order placed).
    t.reset();
  }

  if (ctx.isNewCustomer && p.language && p.language !== t.lang && p.intent !== 'language')
    t.setLang(p.language);

  switch (p.intent) {
    case 'stop':
      t.save({ subscribed: false });
      t.say(t.m.stopped);
      return;
    case 'start':
      t.save({ subscribed: true });
      t.say(t.m.started);
      return;
    case 'cancel':
      cancel(t);
      return;
    case 'language':
      if (p.extra.targetLanguage) {
        t.setLang(p.extra.targetLanguage);
        t.reset();
        t.say(t.m.langSet);
        t.ask({ q: 'menu' }, t.m.menu());
      } else t.ask({ q: 'language' }, t.m.langChoice);
      return;
    case 'status':
      showStatus(t);
      return;
    case 'history':
      showHistory(t);
      return;
    case 'repeat':
      repeatLast(t, p);
      return;
    case 'help':
      if (c.pending && p.extra.choiceUnclear) break; // "2 ou 3 ?" at a menu: asked again below
      if (saveOfferDue(t)) return; // "merci" once paid: the save offer, alone, instead of the menu
      t.reset();
      t.ask({ q: 'menu' }, t.m.menu());
      return;
  }

  const pending = c.pending;
  if (pending && answer(t, pending, msg)) return;

  if (!t.conv.pending && p.extra.choice != null && !carriesSlots(p) && menuPick(t, p.extra.choice)) return;
  if (startRequest(t, msg)) return;
  if (p.intent === 'yes' || p.intent === 'no') {
    // A bare yes/no with nothing asked: the customer may be asking about an order in progress.
    const open = ctx.recentOrders.find((o) => !TERMINAL_STATES.includes(o.state));
    if (open) {
      showStatus(t);
      return;
    }
  }
  if (saveOfferDue(t)) return; // "merci" after the receipt: the offer, alone, instead of the menu
  if (p.intent === 'unknown') t.say(t.m.notUnderstood);
  t.reset();
  t.ask({ q: 'menu' }, t.m.menu());
}

function cancel(t: Turn): void {
  const c = t.conv;
  const building = c.draft !== null || c.pending?.q === 'bill_service';
  t.reset();
  delete c.saveLater;
  if (building) {
    t.say(t.m.cancelled);
    return;
  }
  const open = t.ctx.recentOrders.find((o) => !TERMINAL_STATES.includes(o.state));
  if (!open) t.say(t.m.nothingToCancel);
  else if (open.state === 'created' || open.state === 'collecting') t.say(t.m.cancelUnpaid(open.id));
  else t.say(t.m.cannotCancel(open.id));
}

type Handler<Q extends Question> = (t: Turn, pending: Extract<Pending, { q: Q }>, msg: Msg) => boolean;

/** One handler per pending question; false = not an answer, the message is handled as a new one. */
const HANDLERS: { [Q in Question]: Handler<Q> } = {
  menu: (t, _q, { p }) => p.extra.choice != null && !carriesSlots(p) && menuPick(t, p.extra.choice),
  language: (t, _q, { p }) => {
    const lang = p.extra.choice != null ? LANG_OPTIONS[p.extra.choice - 1] : undefined;
    if (!lang) return false;
    t.setLang(lang);
    t.reset();
    t.say(t.m.langSet);
    t.ask({ q: 'menu' }, t.m.menu());
    return true;
  },
  bill_service: (t, q, msg) => {
    const { p } = msg;
    const picked = p.extra.choice != null ? q.options[p.extra.choice - 1] : undefined;
    const code = picked ?? (isBillCode(t.ctx.catalog, p.codeService) ? p.codeService : undefined);
    if (!code) {
      if (p.intent === 'airtime' || p.intent === 'bill') return false;
      t.say(p.extra.choiceUnclear ? t.m.choiceUnclear(p.extra.choiceQuote ?? '') : t.m.notUnderstood);
      showBillServices(t);
      return true;
    }
    t.conv.draft = { kind: kindOf(t.ctx.catalog, code), codeService: code };
    mergeAndAdvance(t, { ...msg, p: { ...p, codeService: code } });
    return true;
  },
  recipient_self: (t, _q, msg) => {
    const { p } = msg;
    const d = t.conv.draft!;
    if (p.intent === 'yes' && !carriesSlots(p) && t.ctx.customer.phone) {
      d.recipient = t.ctx.customer.phone;
      advance(t);
      return true;
    }
    if (p.intent === 'no' && !carriesSlots(p)) {
      t.ask({ q: 'recipient' }, t.m.askRecipient);
      return true;
    }
    if (p.amount != null && !p.recipient && d.amount == null && !p.extra.badPhone)
      t.say(t.m.noted(formatXof(p.amount)));
    if (!carriesSlots(p) && !findBeneficiary(t.ctx.customer, p)) t.say(t.m.notUnderstood);
    mergeAndAdvance(t, msg);
    return true;
  },
  recipient: (t, _q, msg) => {
    const { p } = msg;
    if (!carriesSlots(p) && !findBeneficiary(t.ctx.customer, p)) {
      t.say(t.m.badPhone);
      t.ask({ q: 'recipient' }, t.m.askRecipient);
      return true;
    }
    mergeAndAdvance(t, msg);
    return true;
  },
  operator: (t, q, msg) => {
    const { p } = msg;
    const d = t.conv.draft!;
    const code = p.extra.choice != null ? q.options[p.extra.choice - 1] : undefined;
    if (code) {
      d.codeService = code;
      d.operatorExplicit = true;
    } else if (!carriesSlots(p)) {
      t.say(p.extra.choiceUnclear ? t.m.choiceUnclear(p.extra.choiceQuote ?? '') : t.m.notUnderstood);
    }
    mergeAndAdvance(t, msg);
    return true;
  },
  amount: (t, _q, msg) => {
    const { p } = msg;
    const amount = p.amount ?? (p.extra.choice != null && !p.extra.choiceUnclear ? p.extra.choice : null);
    if (amount == null && !carriesSlots(p) && p.intent !== 'airtime' && p.intent !== 'bill') {
      t.say(t.m.notUnderstood);
      t.ask({ q: 'amount' }, askAmount(t, t.conv.draft!.codeService));
      return true;
    }
    mergeAndAdvance(t, { ...msg, p: { ...p, amount } });
    return true;
  },
  account: (t, _q, msg) => {
    const { p } = msg;
    if (!p.account && !isBillCode(t.ctx.catalog, p.codeService) && !findBeneficiary(t.ctx.customer, p)) {
      if (p.intent === 'airtime') return false;
      t.say(t.m.badAccount);
      t.ask({ q: 'account' }, t.m.askAccount(label(t, t.conv.draft!.codeService)));
      return true;
    }
    mergeAndAdvance(t, msg);
    return true;
  },
  bill_pick: (t, _q, msg) => {
    const { p } = msg;
    const d = t.conv.draft!;
    const bills = d.bills ?? [];
    const idx =
      p.extra.choice != null && p.extra.choice >= 1 && p.extra.choice <= bills.length
        ? p.extra.choice - 1
        : p.amount != null && p.amount >= 100
          ? bills.findIndex((b) => b.amount === p.amount)
          : -1;
    if (idx < 0) {
      if (p.account || isBillCode(t.ctx.catalog, p.codeService)) {
        mergeAndAdvance(t, msg);
        return true;
      }
      if (p.extra.choiceUnclear) t.say(t.m.choiceUnclear(p.extra.choiceQuote ?? ''));
      askBillPick(t);
      return true;
    }
    const bill = bills[idx]!;
    d.amount = bill.amount;
    d.billReference = bill.billReference;
    d.billInfo = bill.infos;
    advance(t);
    return true;
  },
  payer: (t, _q, msg) => {
    const { p } = msg;
    const phone = p.extra.payer ?? p.recipient;
    if (!phone) {
      t.say(
        p.extra.badPhone ? t.m.phoneNotRead(p.extra.badPhone.raw, p.extra.badPhone.reason) : t.m.badPhone,
      );
      t.ask({ q: 'payer' }, t.m.askPayer);
      return true;
    }
    t.conv.draft!.payer = phone;
    advance(t);
    return true;
  },
  confirm: (t, q, msg) => answerSummary(t, q, msg),
  save_offer: (t, q, { p }) => {
    if (p.intent === 'no' && !carriesSlots(p)) {
      t.reset();
      t.say('👍');
      return true;
    }
    if (p.intent === 'yes' && !carriesSlots(p)) {
      t.ask({ q: 'save_name', offer: q.offer }, t.m.askSaveName);
      return true;
    }
    if (!p.extra.name) {
      t.conv.pending = null;
      return false;
    }
    saveBeneficiary(t, p.extra.name, q.offer);
    return true;
  },
  save_name: (t, q, { p }) => {
    if (!p.extra.name || p.intent !== 'unknown') {
      t.conv.pending = null;
      return false;
    }
    saveBeneficiary(t, p.extra.name, q.offer);
    return true;
  },
  bills: () => false,
  placing: () => false,
};

/** Dispatches to the pending question's handler; a new request (another kind) starts afresh. */
function answer(t: Turn, pending: Pending, msg: Msg): boolean {
  const { p } = msg;
  const d = t.conv.draft;
  const draftless: Question[] = ['menu', 'language', 'bill_service', 'save_offer', 'save_name'];
  if (!draftless.includes(pending.q) && !d) return false;
  if (d && isOtherRequest(t, p) && pending.q !== 'confirm') return startRequest(t, msg);
  if (d && isOtherRequest(t, p) && pending.q === 'confirm' && p.intent === 'bill')
    return startRequest(t, msg);

  // "non" alone to a question asking for a value: the customer gives up. "non, pour le 78…" corrects.
  const valueQuestions: Question[] = ['recipient', 'operator', 'amount', 'account', 'bill_pick', 'payer'];
  if (p.intent === 'no' && !carriesSlots(p) && valueQuestions.includes(pending.q)) {
    t.reset();
    t.say(t.m.cancelled);
    return true;
  }
  const handler = HANDLERS[pending.q] as Handler<Question>;
  return handler(t, pending as never, msg);
}

/** A request of another kind than the current draft (airtime vs bill, another bill service). */
function isOtherRequest(t: Turn, p: ParseResult): boolean {
  const d = t.conv.draft;
  const cat = t.ctx.catalog;
  if (!d) return false;
  if (p.intent === 'bill' && d.kind === 'airtime') return true;
  if (p.intent === 'airtime' && d.kind !== 'airtime' && !p.account) return true;
  if (isBillCode(cat, p.codeService) && d.kind === 'airtime') return true;
  if (isAirtimeCode(cat, p.codeService) && d.kind !== 'airtime' && p.recipient) return true;
  return false;
}

/** Starts a new draft from a request; false when the message is not a request. */
function startRequest(t: Turn, msg: Msg): boolean {
  const { p } = msg;
  const cat = t.ctx.catalog;
  const ben = findBeneficiary(t.ctx.customer, p);
  let draft: Draft | null = null;
  if (p.intent === 'bill' || isBillCode(cat, p.codeService) || (ben?.kind === 'account' && ben.codeService)) {
    const code = isBillCode(cat, p.codeService)
      ? p.codeService
      : ben?.kind === 'account'
        ? ben.codeService
        : undefined;
    draft = { kind: code ? kindOf(cat, code) : 'bill_pay', codeService: code };
  } else if (
    p.intent === 'airtime' ||
    ben?.kind === 'phone' ||
    isAirtimeCode(cat, p.codeService) ||
    (p.extra.badPhone && p.amount != null)
  ) {
    draft = { kind: 'airtime' };
  } else if (p.extra.nickname && (p.amount != null || p.intent !== 'unknown')) {
    draft = { kind: 'airtime' };
  }
  if (!draft) return false;
  t.reset();
  t.conv.draft = draft;
  mergeAndAdvance(t, msg);
  return true;
}

function sayNotes(t: Turn, notes: MergeNote[]): void {
  for (const n of notes) {
    if (n.type === 'unknown_nickname') t.say(t.m.unknownNickname(n.nickname));
    else if (n.type === 'unknown_service') t.say(t.m.unknownService(n.name));
    else if (n.type === 'operator_unavailable') t.say(t.m.operatorUnavailable(n.operator));
    else if (n.type === 'bad_phone') t.say(t.m.phoneNotRead(n.raw, n.reason));
    else t.say(t.m.amountNotRead(n.raw));
  }
}

function mergeAndAdvance(t: Turn, msg: Msg): void {
  const { draft, notes } = mergeParse(t.conv.draft!, msg.p, t.env);
  t.conv.draft = draft;
  sayNotes(t, notes);
  advance(t);
}

/** The amount question, with examples the service's amount rules accept (Rapido: 5 000, 10 000…). */
function askAmount(t: Turn, code: string | undefined): string {
  const rules = code ? t.ctx.catalog.get(code)?.rules : undefined;
  const examples = rules
    ? [
        ...new Set(
          [500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000]
            .map((v) => Math.max(rules.min, Math.ceil(v / rules.multiple) * rules.multiple))
            .filter((v) => v <= rules.max),
        ),
      ].slice(0, 3)
    : [500, 1_000, 2_000];
  return t.m.askAmount(label(t, code), examples.map((v) => formatXof(v).replace(' FCFA', '')).join(', '));
}

function sayAmountIssue(t: Turn, issue: AmountIssue, typed: number): void {
  if (issue.type === 'order_max') {
    t.say(t.m.orderMax(formatXof(issue.max)));
    return;
  }
  if (issue.type === 'daily') {
    t.say(t.m.dailyLimit(formatXof(issue.remaining), formatXof(t.ctx.limits.dailyTotalXof)));
    return;
  }
  t.say(
    t.m.amountInvalid(
      issue.problem,
      {
        min: formatXof(issue.rules.min),
        max: formatXof(issue.rules.max),
        multiple: formatXof(issue.rules.multiple),
      },
      label(t, issue.codeService),
      issue.suggestions.map(formatXof),
      formatXof(typed),
    ),
  );
}

/** Asks the next missing slot, or shows the summary when everything is known and valid. */
function advance(t: Turn): void {
  if (!t.conv.draft) return;
  const { draft, next } = nextStep(t.conv.draft, t.env);
  t.conv.draft = draft;
  const d = draft;
  switch (next.type) {
    case 'bill_service':
      showBillServices(t);
      return;
    case 'recipient_self':
      t.ask({ q: 'recipient_self' }, t.m.askRecipientSelf(showPhone(t.ctx.customer.phone!)));
      return;
    case 'recipient':
      t.ask({ q: 'recipient' }, t.m.askRecipient);
      return;
    case 'no_operator':
      t.say(t.m.badPhone);
      d.recipient = undefined;
      t.ask({ q: 'recipient' }, t.m.askRecipient);
      return;
    case 'operator':
      t.ask(
        { q: 'operator', options: next.options },
        t.m.noAirtimeFor(
          showPhone(d.recipient!),
          next.options.map((c) => label(t, c).toLowerCase()),
        ),
      );
      return;
    case 'account':
      t.ask({ q: 'account' }, t.m.askAccount(label(t, d.codeService)));
      return;
    case 'unavailable':
      t.say(t.m.unavailable(label(t, next.codeService)));
      t.reset();
      return;
    case 'lookup_bills':
      t.ask({ q: 'bills' });
      t.effect({ type: 'lookupBills', codeService: d.codeService!, account: d.account! });
      return;
    case 'bill_pick':
      askBillPick(t);
      return;
    case 'amount':
      t.ask({ q: 'amount' }, askAmount(t, d.codeService));
      return;
    case 'amount_issue': {
      sayAmountIssue(t, next.issue, d.amount!);
      const giveUp = d.kind === 'bill_pay' || (next.issue.type === 'daily' && next.issue.giveUp);
      if (giveUp) {
        t.reset();
        return;
      }
      d.amount = undefined;
      advance(t);
      return;
    }
    case 'payer':
      t.ask({ q: 'payer' }, t.m.askPayer);
      return;
    case 'summary':
      showSummary(t);
      return;
  }
}

function askBillPick(t: Turn): void {
  const d = t.conv.draft!;
  const bills = (d.bills ?? []).map((b) => ({ amount: formatXof(b.amount), ...billHighlights(b.infos) }));
  t.ask(
    { q: 'bill_pick' },
    `${t.m.billsList(label(t, d.codeService), bills)}\n${t.m.billPickHint(bills.length)}`,
  );
}

function showSummary(t: Turn): void {
  const d = t.conv.draft!;
  const { catalog, customer } = t.ctx;
  const codes = walletCodes(catalog, payerCountry(d, customer, catalog));
  if (codes.length === 0) {
    t.say(t.m.noWallets);
    t.reset();
    return;
  }
  const suggested = suggestedWallet(d, customer, codes);
  const colon = t.lang === 'en' ? ':' : ' :';
  const details: string[] = [];
  if (d.kind === 'bill_pay' && d.billInfo) {
    const { name, due } = billHighlights(d.billInfo);
    if (name) details.push(`${t.m.billLabels.name}${colon} ${name}`);
    if (due) details.push(`${t.m.billLabels.due}${colon} ${due}`);
  }
  let operatorHint: { detected: string; others: string[] } | undefined;
  if (d.kind === 'airtime' && !d.operatorExplicit) {
    const country = catalog.get(d.codeService!)?.country ?? 'SN';
    operatorHint = {
      detected: label(t, d.codeService),
      others: catalog
        .byFamily('airtime', country)
        .filter((e) => e.codeService !== d.codeService && catalog.isAvailable(e.codeService))
        .map((e) => e.brand.toLowerCase()),
    };
    if (operatorHint.others.length === 0) operatorHint = undefined;
  }
  const suggestedPayer = suggested ? payerOf(d, customer, suggested) : undefined;
  const payer = payerOf(d, customer, suggested);
  t.ask(
    { q: 'confirm', wallets: codes, ...(suggested && suggestedPayer ? { suggested } : {}) },
    t.m.summary({
      item: describe(t, d),
      details,
      operatorHint,
      remembered:
        suggested && suggestedPayer
          ? { n: codes.indexOf(suggested) + 1, label: label(t, suggested), payer: showPhone(suggestedPayer) }
          : undefined,
      payer: payer && payer !== customer.phone ? showPhone(payer) : undefined,
      wallets: codes.map((w) => label(t, w)),
    }),
  );
}

function answerSummary(t: Turn, q: Extract<Pending, { q: 'confirm' }>, msg: Msg): boolean {
  const { p } = msg;
  const d = t.conv.draft!;
  // The paying number changes, not the recipient: back to the summary with it in view.
  if (p.extra.payer) {
    d.payer = p.extra.payer;
    advance(t);
    return true;
  }
  // A whole-message pick of one wallet ("2", "le 2", "2️⃣", "wave"): the customer confirms with it.
  if (p.extra.choice != null) {
    const wallet = q.wallets[p.extra.choice - 1];
    if (wallet) {
      place(t, wallet);
      return true;
    }
  }
  if (p.intent === 'yes' && !carriesSlots(p)) {
    const wallet = q.suggested ?? (q.wallets.length === 1 ? q.wallets[0] : undefined);
    if (wallet) {
      place(t, wallet);
      return true;
    }
    t.say(t.m.pickWallet(q.wallets.map((w) => label(t, w))));
    return true;
  }
  if ((p.intent === 'no' || p.intent === 'cancel') && !carriesSlots(p)) {
    t.reset();
    t.say(t.m.cancelled);
    return true;
  }
  if (carriesSlots(p) || findBeneficiary(t.ctx.customer, p)) {
    // A correction edits the draft; the summary is shown again. Nothing is cancelled.
    const amount = d.kind === 'bill_pay' ? null : p.amount;
    mergeAndAdvance(t, { p: { ...p, amount } });
    return true;
  }
  t.say(p.extra.choiceUnclear ? t.m.choiceUnclear(p.extra.choiceQuote ?? '') : t.m.notUnderstood);
  advance(t);
  return true;
}

/** The customer confirmed: emit the order. */
function place(t: Turn, wallet: string): void {
  const d = t.conv.draft!;
  const payer = payerOf(d, t.ctx.customer, wallet);
  d.wallet = wallet;
  if (!payer) {
    t.ask({ q: 'payer' }, t.m.askPayer);
    return;
  }
  d.payer = payer;
  // Re-check just before money moves: the day's total may have changed since the summary.
  const { next } = nextStep(d, t.env);
  if (next.type !== 'summary') {
    advance(t);
    return;
  }
  t.conv.pending = { q: 'placing' };
  t.effect({
    type: 'placeOrder',
    input: {
      customerId: t.ctx.customer.id,
      lang: t.lang,
      kind: d.kind,
      codeService: d.codeService!,
      amount: d.amount!,
      recipient: d.kind === 'airtime' ? d.recipient : undefined,
      account: d.kind === 'airtime' ? undefined : d.account,
      billReference: d.billReference,
      billInfo: d.billInfo,
      payment: { codeService: wallet, payer },
    },
  });
}

// ---------------------------------------------------------------- async results

function onBills(t: Turn, result: BillLookup): void {
  const d = t.conv.draft;
  if (t.conv.pending?.q !== 'bills' || !d) return;
  if (!result.ok) {
    t.say(t.m.billsError(result.message, result.retryable));
    if (result.retryable) t.reset();
    else {
      d.account = undefined;
      t.ask({ q: 'account' });
    }
    return;
  }
  if (result.bills.length === 0) {
    t.say(t.m.billsNone(label(t, d.codeService), d.account ?? ''));
    t.reset();
    return;
  }
  d.bills = result.bills.map((b) => ({ amount: b.amount, billReference: b.billReference, infos: b.infos }));
  advance(t);
}

/** States in which an order no longer waits for the customer's payment and did take it. */
const PAID: readonly Order['state'][] = ['collected', 'delivering', 'delivered', 'completed'];

function onPlaced(t: Turn, result: PlaceOrderResult): void {
  const d = t.conv.draft;
  if (t.conv.pending?.q !== 'placing' || !d) return;
  if (!result.ok) {
    t.say(t.m.placeFailed(result.message));
    t.reset();
    return;
  }
  const { customer } = t.ctx;
  const order = result.order;
  t.reset();
  if (order.state === 'cancelled' || order.state === 'collect_failed') return; // the desk told why
  const wallet = { codeService: d.wallet!, payer: d.payer! };
  if (customer.wallet?.codeService !== wallet.codeService || customer.wallet?.payer !== wallet.payer)
    t.save({ wallet });
  // No acknowledgement of our own: the order desk's payment message (link or how to approve, what was
  // bought, what follows) is the one message the customer gets; a second one only repeated it.

  // The "save it under a name?" offer waits until the payment is done and nothing else is asked.
  const saved = (v: string) => customer.beneficiaries.some((b) => b.value === v);
  if (d.fromNickname || d.skipSaveOffer) return;
  if (d.kind === 'airtime' && d.recipient && d.recipient !== customer.phone && !saved(d.recipient))
    t.conv.saveLater = { kind: 'phone', value: d.recipient, codeService: d.codeService, orderId: order.id };
  else if (d.kind !== 'airtime' && d.account && !saved(d.account))
    t.conv.saveLater = { kind: 'account', value: d.account, codeService: d.codeService, orderId: order.id };
}

/** At the end of a turn that asked nothing, once its order is paid: the save offer, alone. */
function offerSaveIfQuiet(t: Turn): void {
  if (!t.conv.pending) saveOfferDue(t);
}

/** Asks the waiting save offer when its order is paid; drops it when that order failed. */
function saveOfferDue(t: Turn): boolean {
  const offer = t.conv.saveLater;
  if (!offer) return false;
  const order = t.ctx.recentOrders.find((o) => o.id === offer.orderId);
  if (!order || order.state === 'created' || order.state === 'collecting') return false;
  delete t.conv.saveLater;
  if (!PAID.includes(order.state)) return false;
  const shown =
    offer.kind === 'phone' ? showPhone(offer.value) : `${label(t, offer.codeService)} ${offer.value}`;
  t.reset();
  t.ask({ q: 'save_offer', offer }, t.m.saveOffer(offer.kind, shown));
  return true;
}

function saveBeneficiary(t: Turn, nickname: string, offer: SaveOffer): void {
  const { customer } = t.ctx;
  const ben: Beneficiary = { nickname, kind: offer.kind, value: offer.value, codeService: offer.codeService };
  const beneficiaries = [...customer.beneficiaries.filter((b) => b.nickname.toLowerCase() !== nickname), ben];
  t.save({ beneficiaries });
  const service = label(t, offer.codeService);
  const shown = offer.kind === 'phone' ? showPhone(offer.value) : `${service} ${offer.value}`;
  t.say(t.m.saved(nickname, shown, t.m.nicknameExample(offer.kind, nickname, service)));
  t.reset();
}

// ---------------------------------------------------------------- menus, status, history, repeat

function menuPick(t: Turn, choice: number): boolean {
  switch (choice) {
    case 1:
      t.reset();
      t.conv.draft = { kind: 'airtime' };
      advance(t);
      return true;
    case 2:
      t.reset();
      showBillServices(t);
      return true;
    case 3:
      t.reset();
      showHistory(t);
      return true;
    case 4:
      t.reset();
      t.ask({ q: 'language' }, t.m.langChoice);
      return true;
    default:
      return false;
  }
}

const BILL_ORDER = ['senelec', 'woyofal', 'seneau', 'rapido'];

function showBillServices(t: Turn): void {
  const country = customerCountry(t.ctx.customer);
  const cat: CatalogView = t.ctx.catalog;
  const entries = [...cat.byFamily('bill_pay', country), ...cat.byFamily('bill_reload', country)].filter(
    (e) => cat.isAvailable(e.codeService),
  );
  const rank = (b: string) => {
    const i = BILL_ORDER.indexOf(b.toLowerCase());
    return i < 0 ? BILL_ORDER.length : i;
  };
  entries.sort((a, b) => rank(a.brand) - rank(b.brand) || a.codeService.localeCompare(b.codeService));
  if (entries.length === 0) {
    t.say(t.m.unavailable('…'));
    t.reset();
    return;
  }
  t.conv.draft = null;
  t.ask(
    { q: 'bill_service', options: entries.map((e) => e.codeService) },
    t.m.billServices(entries.map((e) => e.label)),
  );
}

function orderLine(t: Turn, o: Order): OrderLineView {
  const deliver = o.operations.deliver;
  return {
    ref: o.id,
    date: shortDate(o.createdAt),
    item: t.m.item({
      kind: o.kind,
      service: label(t, o.codeService),
      amount: formatXof(o.amount),
      recipient: o.recipient ? showPhone(o.recipient) : undefined,
      account: o.account,
    }),
    state: o.state,
    stateText: t.m.stateLabel[o.state],
    receiptRef:
      deliver?.status === 'success' ? (deliver.sousServiceTransactionId ?? deliver.transactionId) : undefined,
    tokens: o.tokens?.map(groupToken),
  };
}

function showStatus(t: Turn): void {
  const orders = t.ctx.recentOrders;
  if (orders.length === 0) {
    t.say(t.m.noOrders);
    return;
  }
  const open = orders.filter((o) => !TERMINAL_STATES.includes(o.state));
  if (open.length) t.say(t.m.status(open.map((o) => orderLine(t, o))));
  else t.say(t.m.history(orders.slice(0, 1).map((o) => orderLine(t, o))));
}

function showHistory(t: Turn): void {
  const orders = t.ctx.recentOrders;
  if (orders.length === 0) {
    t.say(t.m.noOrders);
    return;
  }
  t.say(t.m.history(orders.slice(0, 5).map((o) => orderLine(t, o))));
}

function repeatLast(t: Turn, p: ParseResult): void {
  const last = t.ctx.recentOrders[0];
  if (!last) {
    t.say(t.m.noOrders);
    return;
  }
  t.reset();
  t.conv.draft = {
    kind: last.kind,
    codeService: last.codeService,
    operatorExplicit: last.kind === 'airtime',
    // A post-paid bill is paid once: look the account's pending bills up again.
    amount: last.kind === 'bill_pay' ? undefined : last.amount,
    recipient: last.recipient,
    account: last.account,
    wallet: last.payment.codeService,
    payer: last.payment.payer,
    skipSaveOffer: true,
  };
  if (p.amount != null && last.kind !== 'bill_pay') t.conv.draft.amount = p.amount;
  advance(t);
}
