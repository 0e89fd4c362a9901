// The conversation as a pure state machine: (conversation, event, context) -> [conversation, commands].
// No I/O, no clock, no ids: everything comes in the event and the context, so every dialogue is testable.
// Money rule: a placeOrder command is only ever emitted from the 'confirm' question, on an explicit
// yes / option number given to a summary the customer has just seen.
import type { Country } from '../catalog/types.js';
import { formatXof, type Lang } from '../i18n/lang.js';
import {
  type BillLookup,
  type Order,
  type OrderKind,
  type PlaceOrderResult,
  TERMINAL_STATES,
} from '../orders/types.js';
import type { ParseResult } from '../parser/types.js';
import { normalizePhone } from '../phone/phone.js';
import type { Beneficiary } from '../store/types.js';
import { billHighlights, countryOfPhone, groupToken, shortDate, showPhone } from './format.js';
import { messages } from './messages/index.js';
import type { Messages, OrderLineView } from './messages/types.js';
import type {
  Command,
  ConvContext,
  ConvEvent,
  Conversation,
  CustomerPatch,
  Draft,
  Question,
} from './types.js';

export function initialConversation(now: number): Conversation {
  return { v: 1, pending: null, draft: null, options: [], updatedAt: now };
}

/** Accepts whatever the store returns; anything unrecognised starts afresh. */
export function loadConversation(raw: unknown, now: number): Conversation {
  if (
    raw &&
    typeof raw === 'object' &&
    (raw as Conversation).v === 1 &&
    Array.isArray((raw as Conversation).options)
  )
    return raw as Conversation;
  return initialConversation(now);
}

const EXPECTING: Partial<Record<Question, string>> = {
  menu: 'choice',
  language: 'choice',
  bill_service: 'choice',
  bill_pick: 'choice',
  operator: 'choice',
  recipient_self: 'recipient',
  recipient: 'recipient',
  payer: 'recipient',
  amount: 'amount',
  account: 'account',
  confirm: 'confirm',
};

/** What the bot waits for, as the parser's hint: 'choice' | 'recipient' | 'amount' | 'account' | 'confirm'. */
export function expecting(conv: Conversation): string | undefined {
  return conv.pending ? EXPECTING[conv.pending] : undefined;
}

const LANG_OPTIONS: Lang[] = ['fr', 'en', 'wo'];
const YES = /^(oui|ouais|ouii+|waaw|waw|wa|yes|yep|yeah|ok|okay|d'accord|dacc)[\s!.]*$/i;
const NO = /^(non|no|nope|déedéet|deedeet|dedet|déédéét)[\s!.]*$/i;

/** One turn's work: a mutable copy of the conversation, the replies and commands accumulated. */
class Turn {
  readonly conv: Conversation;
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

  say(text: string): void {
    this.out.push(text);
  }
  save(patch: CustomerPatch): void {
    this.saves.push({ type: 'saveCustomer', patch });
    // Later steps of this turn see the change (e.g. the new language).
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
  ask(q: Question, text?: string, options: string[] = []): void {
    this.conv.pending = q;
    this.conv.options = options;
    if (text) this.say(text);
  }
  reset(): void {
    this.conv.pending = null;
    this.conv.draft = null;
    this.conv.options = [];
    delete this.conv.saveOffer;
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
  // The context's customer is updated as the turn saves patches: work on a copy.
  const t = new Turn(conv, { ...ctx, customer: structuredClone(ctx.customer) });
  switch (event.type) {
    case 'message':
      onMessage(t, event.text, normalizeParse(event.parsed, event.text));
      break;
    case 'bills':
      onBills(t, event.result);
      break;
    case 'orderPlaced':
      onPlaced(t, event.result);
      break;
    case 'orderError':
      if (t.conv.pending === 'placing') {
        t.say(t.m.technicalError);
        t.reset();
      }
      break;
  }
  return t.result();
}

/** Small safety net under the parser: bare yes/no words and bare numbers. */
function normalizeParse(p: ParseResult, text: string): ParseResult {
  const trimmed = text.trim();
  if (p.intent === 'unknown' && YES.test(trimmed)) return { ...p, intent: 'yes' };
  if (p.intent === 'unknown' && NO.test(trimmed)) return { ...p, intent: 'no' };
  return p;
}

function choiceOf(p: ParseResult, text: string): number | null {
  if (p.extra.choice != null) return p.extra.choice;
  const m = /^\s*(\d{1,2})\s*[.)]?\s*$/.exec(text);
  return m ? Number(m[1]) : null;
}

function amountOf(p: ParseResult, text: string): number | null {
  if (p.amount != null) return p.amount;
  const m = /^\s*(\d[\d\s.]*)\s*(f|fr|frs|cfa|fcfa|francs?)?\s*$/i.exec(text);
  if (!m) return null;
  const n = Number(m[1]!.replace(/[\s.]/g, ''));
  return Number.isFinite(n) && n > 0 ? n : null;
}

function phoneOf(t: Turn, p: ParseResult, text: string): string | null {
  if (p.recipient) return p.recipient;
  const r = normalizePhone(text, countryOfPhone(t.ctx.customer.phone) ?? 'SN');
  return r.ok ? r.e164 : null;
}

function accountOf(p: ParseResult, text: string): string | null {
  if (p.account) return p.account;
  const compact = text.replace(/[\s.-]/g, '');
  return /^\d{4,24}$/.test(compact) ? compact : null;
}

function nicknameOf(text: string): string | null {
  const s = text.trim().toLowerCase();
  return /^[\p{L}][\p{L}\p{N}' -]{0,23}$/u.test(s) ? s : null;
}

function kindOf(t: Turn, code: string): OrderKind {
  const fam = t.ctx.catalog.get(code)?.family;
  if (fam === 'bill_pay' || code.endsWith('_BILL_PAY')) return 'bill_pay';
  if (fam === 'bill_reload' || code.endsWith('_BILL_RELOAD')) return 'bill_reload';
  return 'airtime';
}

function isBillCode(t: Turn, code: string | null | undefined): code is string {
  return !!code && kindOf(t, code) !== 'airtime';
}

function isAirtimeCode(t: Turn, code: string | null | undefined): code is string {
  return !!code && kindOf(t, code) === 'airtime';
}

/** The amount question, with examples the service's amount rules accept (Rapido: 5 000, 10 000…). */
function askAmount(t: Turn, code: string): string {
  const rules = t.ctx.catalog.get(code)?.rules;
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

function label(t: Turn, code: string | undefined): string {
  if (!code) return '';
  return t.ctx.catalog.get(code)?.label ?? code;
}

function customerCountry(t: Turn): Country {
  return countryOfPhone(t.ctx.customer.phone) ?? 'SN';
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

/** A saved beneficiary named in the message ("recharge maman 1000"). */
function findBeneficiary(t: Turn, p: ParseResult, text: string): Beneficiary | undefined {
  const list = t.ctx.customer.beneficiaries ?? [];
  const wanted = p.extra.nickname?.toLowerCase();
  if (wanted) return list.find((b) => b.nickname.toLowerCase() === wanted);
  const words = ` ${text.toLowerCase().replace(/[^\p{L}\p{N}' -]/gu, ' ')} `;
  return list.find((b) => words.includes(` ${b.nickname.toLowerCase()} `));
}

function airtimeCodeForOperator(t: Turn, operator: string, country: Country): string | undefined {
  const op = { yas: 'free', tigo: 'free' }[operator.toLowerCase()] ?? operator.toLowerCase();
  return t.ctx.catalog.byFamily('airtime', country).find((e) => e.brand.toLowerCase() === op)?.codeService;
}

// ---------------------------------------------------------------- messages

function onMessage(t: Turn, text: string, p: ParseResult): void {
  const c = t.conv;
  const { ctx } = t;

  // A question left unanswered too long expires: a late "oui" must never confirm a stale summary.
  // (Orders already placed live in the order desk, not here: they are never dropped.)
  if (c.pending && ctx.now - c.updatedAt > ctx.limits.idleMs) {
    // Menus and the nickname offer (the order is already placed) just lapse silently.
    const silent: Question[] = ['menu', 'language', 'save_offer', 'save_name'];
    if (!silent.includes(c.pending)) t.say(t.m.expired(c.draft ? describe(t, c.draft) : undefined));
    t.reset();
  } else if (c.pending === 'bills' || c.pending === 'placing') {
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
    case 'cancel': {
      const building = c.draft !== null || c.pending === 'bill_service';
      t.reset();
      if (building) {
        t.say(t.m.cancelled);
        return;
      }
      // Nothing being built: the customer may mean an order already placed.
      const open = ctx.recentOrders.find((o) => !TERMINAL_STATES.includes(o.state));
      if (!open) t.say(t.m.nothingToCancel);
      else if (open.state === 'created' || open.state === 'collecting') t.say(t.m.cancelUnpaid(open.id));
      else t.say(t.m.cannotCancel(open.id));
      return;
    }
    case 'language':
      if (p.extra.targetLanguage) {
        t.setLang(p.extra.targetLanguage);
        t.reset();
        t.say(t.m.langSet);
        t.ask('menu', t.m.menu());
      } else {
        t.ask('language', t.m.langChoice);
      }
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
      t.reset();
      t.ask('menu', t.m.menu());
      return;
  }

  if (c.pending && answerPending(t, c.pending, text, p)) return;

  // No question pending (or the answer was a new request): a fresh start.
  if (
    !c.pending &&
    choiceOf(p, text) != null &&
    !p.amount &&
    !p.recipient &&
    p.intent !== 'airtime' &&
    p.intent !== 'bill'
  ) {
    if (menuPick(t, choiceOf(p, text)!)) return;
  }
  if (startRequest(t, p, text)) return;
  if (p.intent === 'unknown') t.say(t.m.notUnderstood);
  t.reset();
  t.ask('menu', t.m.menu());
}

/** Starts a new draft from a request; false when the message is not a request. */
function startRequest(t: Turn, p: ParseResult, text: string): boolean {
  const ben = findBeneficiary(t, p, text);
  let draft: Draft | null = null;
  if (p.intent === 'bill' || isBillCode(t, p.codeService) || (ben?.kind === 'account' && ben.codeService)) {
    const code = isBillCode(t, p.codeService)
      ? p.codeService
      : ben?.kind === 'account'
        ? ben.codeService
        : undefined;
    draft = { kind: code ? kindOf(t, code) : 'bill_pay', codeService: code };
  } else if (p.intent === 'airtime' || ben?.kind === 'phone' || isAirtimeCode(t, p.codeService)) {
    draft = { kind: 'airtime' };
  } else if (p.extra.nickname && (p.amount != null || p.intent !== 'unknown')) {
    draft = { kind: 'airtime' };
  }
  if (!draft) return false;
  t.reset();
  t.conv.draft = draft;
  merge(t, p, text);
  advance(t);
  return true;
}

/** Fills the draft with every slot the message carries that fits it. */
function merge(t: Turn, p: ParseResult, text: string): void {
  const d = t.conv.draft;
  if (!d) return;
  const ben = findBeneficiary(t, p, text);
  if (d.kind === 'airtime') {
    const recipient = p.recipient ?? (ben?.kind === 'phone' ? ben.value : undefined);
    if (ben?.kind === 'phone' && !p.recipient) {
      d.fromNickname = ben.nickname;
      // The operator confirmed when the number was saved.
      if (ben.codeService && !p.extra.operator && ben.value !== d.recipient) {
        d.recipient = ben.value;
        d.codeService = ben.codeService;
        d.operatorExplicit = true;
      }
    } else if (p.extra.nickname && !ben && !p.recipient && !d.recipient) {
      t.say(t.m.unknownNickname(p.extra.nickname));
      d.fromNickname = undefined;
      d.unknownNickname = p.extra.nickname;
    }
    if (recipient && recipient !== d.recipient) {
      d.recipient = recipient;
      if (!d.operatorExplicit) d.codeService = undefined;
    }
    const country = countryOfPhone(d.recipient) ?? customerCountry(t);
    const named = p.extra.operator ? airtimeCodeForOperator(t, p.extra.operator, country) : undefined;
    if (p.extra.operator && !named && d.recipient) t.say(t.m.operatorUnavailable(p.extra.operator));
    if (named) {
      d.codeService = named;
      d.operatorExplicit = true;
    } else if (isAirtimeCode(t, p.codeService) && p.extra.operator) {
      d.codeService = p.codeService;
      d.operatorExplicit = true;
    }
    if (p.amount != null) d.amount = p.amount;
  } else {
    if (isBillCode(t, p.codeService) && p.codeService !== d.codeService) {
      d.codeService = p.codeService;
      d.kind = kindOf(t, p.codeService);
    }
    if (ben?.kind === 'account' && !p.account && (!d.codeService || ben.codeService === d.codeService)) {
      d.account = ben.value;
      d.codeService = d.codeService ?? ben.codeService;
      d.fromNickname = ben.nickname;
    }
    if (p.account && p.account !== d.account) {
      d.account = p.account;
      delete d.bills;
      delete d.billReference;
    }
    if (p.amount != null && d.kind === 'bill_reload') d.amount = p.amount;
  }
}

/** A new request different from the current draft (another kind, another bill service). */
function isOtherRequest(t: Turn, p: ParseResult): boolean {
  const d = t.conv.draft;
  if (!d) return p.intent === 'airtime' || p.intent === 'bill';
  if (p.intent === 'bill' && d.kind === 'airtime') return true;
  if (p.intent === 'airtime' && d.kind !== 'airtime') return true;
  if (isBillCode(t, p.codeService) && d.codeService && p.codeService !== d.codeService) return true;
  return false;
}

function answerPending(t: Turn, q: Question, text: string, p: ParseResult): boolean {
  const c = t.conv;
  const d = c.draft;
  const choice = choiceOf(p, text);
  // The payer's number alone (the parser reads a bare number as an airtime request).
  if (q === 'payer' && d && p.amount == null && !isBillCode(t, p.codeService) && phoneOf(t, p, text)) {
    return answerPayer(t, phoneOf(t, p, text)!);
  }
  const draftless: Question[] = ['menu', 'language', 'bill_service', 'save_offer', 'save_name'];
  if (!draftless.includes(q) && !d) return false;
  if (isOtherRequest(t, p) && q !== 'menu' && q !== 'language' && q !== 'bill_service') {
    if (q === 'save_offer' || q === 'save_name' || d) return startRequest(t, p, text);
  }

  // "non" to a question that asks for a value: the customer gives up.
  const valueQuestions: Question[] = ['recipient', 'operator', 'amount', 'account', 'bill_pick', 'payer'];
  if (p.intent === 'no' && valueQuestions.includes(q)) {
    t.reset();
    t.say(t.m.cancelled);
    return true;
  }

  switch (q) {
    case 'menu':
      if (choice != null && p.intent !== 'airtime' && p.intent !== 'bill' && menuPick(t, choice)) return true;
      return false;
    case 'language':
      if (choice != null && choice >= 1 && choice <= LANG_OPTIONS.length) {
        t.setLang(LANG_OPTIONS[choice - 1]!);
        t.reset();
        t.say(t.m.langSet);
        t.ask('menu', t.m.menu());
        return true;
      }
      return false;
    case 'bill_service': {
      const code =
        choice != null && choice >= 1 && choice <= c.options.length
          ? c.options[choice - 1]
          : isBillCode(t, p.codeService)
            ? p.codeService
            : undefined;
      if (!code) {
        if (p.intent === 'airtime' || p.intent === 'bill') return false;
        t.say(t.m.notUnderstood);
        showBillServices(t);
        return true;
      }
      t.conv.draft = { kind: kindOf(t, code), codeService: code };
      merge(t, { ...p, codeService: code }, text);
      advance(t);
      return true;
    }
    case 'recipient_self':
      if (p.intent === 'yes' && t.ctx.customer.phone) {
        d!.recipient = t.ctx.customer.phone;
        merge(t, p, text);
        advance(t);
        return true;
      }
      if (p.intent === 'no') {
        t.ask('recipient', t.m.askRecipient);
        return true;
      }
      {
        // An amount instead of an answer: keep it, say so, and ask the question again.
        const amount = amountOf(p, text);
        if (amount != null && d!.amount == null && !phoneOf(t, p, text)) t.say(t.m.noted(formatXof(amount)));
      }
      return fillAndAdvance(
        t,
        text,
        p,
        () => phoneOf(t, p, text),
        (v) => setRecipient(t, v),
      );
    case 'recipient': {
      const before = d!.recipient;
      const phone = phoneOf(t, p, text);
      if (phone) setRecipient(t, phone);
      merge(t, p, text);
      if (!d!.recipient || (d!.recipient === before && !phone && !findBeneficiary(t, p, text))) {
        if (!d!.recipient) {
          t.say(t.m.badPhone);
          t.ask('recipient', t.m.askRecipient);
          return true;
        }
      }
      advance(t);
      return true;
    }
    case 'operator': {
      const code =
        choice != null && choice >= 1 && choice <= c.options.length ? c.options[choice - 1] : undefined;
      if (code) {
        d!.codeService = code;
        d!.operatorExplicit = true;
      }
      const phone = p.recipient;
      if (phone) setRecipient(t, phone);
      merge(t, p, text);
      advance(t);
      return true;
    }
    case 'amount': {
      const amount = amountOf(p, text) ?? (choice != null ? choice : null);
      if (amount == null && p.intent !== 'airtime' && p.intent !== 'bill' && !p.recipient && !p.account) {
        t.say(t.m.notUnderstood);
        t.ask('amount', askAmount(t, d!.codeService!));
        return true;
      }
      if (amount != null) d!.amount = amount;
      merge(t, p, text);
      advance(t);
      return true;
    }
    case 'account': {
      const account = accountOf(p, text);
      if (!account && !findBeneficiary(t, p, text)) {
        if (p.intent === 'airtime') return false;
        t.say(t.m.badAccount);
        t.ask('account', t.m.askAccount(label(t, d!.codeService)));
        return true;
      }
      if (account) {
        d!.account = account;
        delete d!.bills;
      }
      merge(t, { ...p, account: account ?? p.account }, text);
      advance(t);
      return true;
    }
    case 'bill_pick': {
      const bills = d!.bills ?? [];
      const idx =
        choice != null && choice >= 1 && choice <= bills.length
          ? choice - 1
          : p.amount != null
            ? bills.findIndex((b) => b.amount === p.amount)
            : -1;
      if (idx < 0) {
        t.say(t.m.billPickHint(bills.length));
        return true;
      }
      pickBill(t, idx);
      advance(t);
      return true;
    }
    case 'payer': {
      const phone = phoneOf(t, p, text);
      if (!phone) {
        t.say(t.m.badPhone);
        t.ask('payer', t.m.askPayer);
        return true;
      }
      return answerPayer(t, phone);
    }
    case 'confirm':
      return answerSummary(t, text, p, choice);
    case 'save_offer':
    case 'save_name': {
      const offer = c.saveOffer;
      if (!offer) return false;
      if (p.intent === 'no') {
        t.reset();
        t.say('👍');
        return true;
      }
      if (p.intent === 'yes') {
        t.ask('save_name', t.m.askSaveName);
        return true;
      }
      const name = p.intent === 'unknown' && !p.amount && !p.recipient ? nicknameOf(text) : null;
      if (!name) return false;
      saveBeneficiary(t, name, offer);
      return true;
    }
    case 'bills':
    case 'placing':
      return false;
  }
}

function answerPayer(t: Turn, phone: string): true {
  const d = t.conv.draft!;
  d.payer = phone;
  // Always back to the summary: the customer confirms with the payer number in view.
  advance(t);
  return true;
}

function setRecipient(t: Turn, phone: string): void {
  const d = t.conv.draft!;
  if (phone !== d.recipient) {
    d.recipient = phone;
    if (!d.operatorExplicit) d.codeService = undefined;
  }
}

/** Generic "take the value this question asks for, merge the rest, move on". */
function fillAndAdvance(
  t: Turn,
  text: string,
  p: ParseResult,
  read: () => string | null,
  apply: (v: string) => void,
): boolean {
  const v = read();
  if (v) apply(v);
  merge(t, p, text);
  if (!v && p.intent === 'unknown' && p.amount == null) t.say(t.m.notUnderstood);
  advance(t);
  return true;
}

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
      t.ask('language', t.m.langChoice);
      return true;
    default:
      return false;
  }
}

const BILL_ORDER = ['senelec', 'woyofal', 'seneau', 'rapido'];

function showBillServices(t: Turn): void {
  const country = customerCountry(t);
  const entries = [
    ...t.ctx.catalog.byFamily('bill_pay', country),
    ...t.ctx.catalog.byFamily('bill_reload', country),
  ].filter((e) => t.ctx.catalog.isAvailable(e.codeService));
  const rank = (b: string) => {
    const i = BILL_ORDER.indexOf(b.toLowerCase());
    return i < 0 ? BILL_ORDER.length : i;
  };
  entries.sort((a, b) => rank(a.brand) - rank(b.brand));
  if (entries.length === 0) {
    t.say(t.m.unavailable('…'));
    t.reset();
    return;
  }
  t.conv.draft = null;
  t.ask(
    'bill_service',
    t.m.billServices(entries.map((e) => e.label)),
    entries.map((e) => e.codeService),
  );
}

/** Asks the next missing slot, or shows the summary when everything is known and valid. */
function advance(t: Turn): void {
  const d = t.conv.draft;
  const { ctx } = t;
  if (!d) return;
  const c = ctx.catalog;

  if (d.kind === 'airtime') {
    if (!d.recipient) {
      if (ctx.customer.phone && !d.unknownNickname)
        t.ask('recipient_self', t.m.askRecipientSelf(showPhone(ctx.customer.phone)));
      else t.ask('recipient', t.m.askRecipient);
      return;
    }
    if (!d.codeService) {
      const code = c.airtimeCodeFor(d.recipient);
      if (!code) {
        const country = countryOfPhone(d.recipient) ?? customerCountry(t);
        const ops = c.byFamily('airtime', country).filter((e) => c.isAvailable(e.codeService));
        if (ops.length === 0) {
          t.say(t.m.badPhone);
          d.recipient = undefined;
          t.ask('recipient', t.m.askRecipient);
          return;
        }
        t.ask(
          'operator',
          t.m.noAirtimeFor(
            showPhone(d.recipient),
            ops.map((e) => e.brand.toLowerCase()),
          ),
          ops.map((e) => e.codeService),
        );
        return;
      }
      d.codeService = code;
    }
  } else {
    if (!d.codeService) {
      showBillServices(t);
      return;
    }
    if (!d.account) {
      t.ask('account', t.m.askAccount(label(t, d.codeService)));
      return;
    }
  }

  if (!c.isAvailable(d.codeService)) {
    t.say(t.m.unavailable(label(t, d.codeService)));
    t.reset();
    return;
  }

  if (d.kind === 'bill_pay') {
    if (!d.bills) {
      t.ask('bills');
      t.effect({ type: 'lookupBills', codeService: d.codeService, account: d.account! });
      return;
    }
    if (!d.billReference) {
      if (d.bills.length === 1) pickBill(t, 0);
      else {
        const bills = d.bills.map((b) => ({ amount: formatXof(b.amount), ...billHighlights(b.infos) }));
        t.ask(
          'bill_pick',
          `${t.m.billsList(label(t, d.codeService), bills)}\n${t.m.billPickHint(bills.length)}`,
        );
        return;
      }
    }
  } else if (d.amount == null) {
    t.ask('amount', askAmount(t, d.codeService!));
    return;
  }

  if (!amountAcceptable(t)) return;

  if (!ctx.customer.phone && !d.payer && !ctx.customer.wallet?.payer) {
    t.ask('payer', t.m.askPayer);
    return;
  }
  showSummary(t);
}

function pickBill(t: Turn, idx: number): void {
  const d = t.conv.draft!;
  const bill = d.bills![idx]!;
  d.amount = bill.amount;
  d.billReference = bill.billReference;
  d.billInfo = bill.infos;
}

/** Amount rules of the service, then the per-order and per-day limits; asks again when it can. */
function amountAcceptable(t: Turn): boolean {
  const d = t.conv.draft!;
  const { ctx } = t;
  const amount = d.amount!;
  const fixed = d.kind === 'bill_pay'; // the bill fixes the amount: nothing to ask again
  const service = label(t, d.codeService);
  const check = ctx.catalog.checkAmount(d.codeService!, amount);
  if (!check.ok) {
    t.say(
      t.m.amountInvalid(
        check.reason,
        {
          min: formatXof(check.rules.min),
          max: formatXof(check.rules.max),
          multiple: formatXof(check.rules.multiple),
        },
        service,
        check.suggestions.filter((s) => s <= ctx.limits.orderMaxXof).map(formatXof),
      ),
    );
    return retryAmount(t, fixed);
  }
  if (amount > ctx.limits.orderMaxXof) {
    t.say(t.m.orderMax(formatXof(ctx.limits.orderMaxXof)));
    return retryAmount(t, fixed);
  }
  if (ctx.todayTotal + amount > ctx.limits.dailyTotalXof) {
    const remaining = Math.max(0, ctx.limits.dailyTotalXof - ctx.todayTotal);
    t.say(t.m.dailyLimit(formatXof(remaining), formatXof(ctx.limits.dailyTotalXof)));
    const min = ctx.catalog.get(d.codeService!)?.rules.min ?? 1;
    return retryAmount(t, fixed || remaining < min);
  }
  return true;
}

function retryAmount(t: Turn, giveUp: boolean): false {
  const d = t.conv.draft!;
  if (giveUp) {
    t.reset();
    return false;
  }
  d.amount = undefined;
  t.ask('amount', askAmount(t, d.codeService!));
  return false;
}

/** Most used first; the card (a 3-D Secure link) last. */
const WALLET_ORDER = ['wave', 'orange', 'free', 'expresso', 'mtn', 'moov', 'wizall', 'card'];

function walletChoices(t: Turn): { codes: string[]; remembered?: string } {
  const d = t.conv.draft!;
  const { catalog, customer } = t.ctx;
  const country = catalog.get(d.codeService!)?.country ?? customerCountry(t);
  const rank = (brand: string) => {
    const i = WALLET_ORDER.indexOf(brand.toLowerCase());
    return i < 0 ? WALLET_ORDER.length : i;
  };
  const codes = catalog
    .wallets(country)
    .filter((w) => catalog.isAvailable(w.codeService))
    .sort((a, b) => rank(a.brand) - rank(b.brand))
    .map((w) => w.codeService);
  const preferred = d.wallet ?? customer.wallet?.codeService;
  if (preferred && codes.includes(preferred))
    return { codes: [preferred, ...codes.filter((x) => x !== preferred)], remembered: preferred };
  return { codes };
}

function payerFor(t: Turn, wallet: string): string | undefined {
  const d = t.conv.draft!;
  const { customer } = t.ctx;
  if (d.payer) return d.payer;
  if (customer.wallet?.codeService === wallet && customer.wallet.payer) return customer.wallet.payer;
  return customer.phone ?? customer.wallet?.payer ?? undefined;
}

function showSummary(t: Turn): void {
  const d = t.conv.draft!;
  const { catalog, customer } = t.ctx;
  const { codes, remembered } = walletChoices(t);
  if (codes.length === 0) {
    t.say(t.m.noWallets);
    t.reset();
    return;
  }
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
  const rememberedPayer = remembered ? payerFor(t, remembered) : undefined;
  const payer = payerFor(t, codes[0]!);
  t.ask(
    'confirm',
    t.m.summary({
      item: describe(t, d),
      details,
      operatorHint,
      remembered:
        remembered && rememberedPayer
          ? { label: label(t, remembered), payer: showPhone(rememberedPayer) }
          : undefined,
      payer: payer && payer !== customer.phone ? showPhone(payer) : undefined,
      wallets: codes.map((w) => label(t, w)),
    }),
    codes,
  );
}

/** Words saying a number is the one that pays (fr, en, wo). */
const PAY_WORDS = /\s(payer|paye|payé|paie|paiement|payez|pay|payment|paying|fey|feyee|feyé|depuis|from)\s/;

function answerSummary(t: Turn, text: string, p: ParseResult, choice: number | null): boolean {
  const c = t.conv;
  const d = c.draft!;
  const remembered = walletChoices(t).remembered;
  if (p.intent === 'no') {
    t.reset();
    t.say(t.m.cancelled);
    return true;
  }
  // "payer avec le 77 999 88 77", "pay from …", "fey ak …": the paying number changes, not the recipient.
  if (PAY_WORDS.test(` ${text.toLowerCase()} `)) {
    const phone = phoneOf(t, p, text);
    const read = phone ? normalizePhone(phone) : null;
    if (phone && read?.ok && read.type === 'mobile') return answerPayer(t, phone);
  }
  if (p.intent === 'yes') {
    if (remembered || c.options.length === 1) {
      place(t, c.options[0]!);
      return true;
    }
    t.say(t.m.pickWallet(c.options.map((w) => label(t, w))));
    return true;
  }
  // A bare option number (not an amount: "2" is a pick, "2000" a new amount).
  if (
    choice != null &&
    choice >= 1 &&
    choice <= c.options.length &&
    p.recipient == null &&
    (p.amount == null || p.amount === choice)
  ) {
    place(t, c.options[choice - 1]!);
    return true;
  }
  // A wallet named in full ("orange money", "wave"): make it the one *yes* confirms, show the summary again.
  const lower = ` ${text.toLowerCase().replace(/\s+/g, ' ').trim()} `;
  const named = c.options.find((w) => lower.includes(` ${label(t, w).toLowerCase()} `));
  if (named && p.amount == null && !p.recipient) {
    d.wallet = named;
    advance(t);
    return true;
  }
  // Anything else changes the draft: new amount, recipient, operator, account…
  const before = JSON.stringify(d);
  const amount = p.amount ?? (choice == null ? amountOf(p, text) : null);
  if (amount != null && d.kind !== 'bill_pay') d.amount = amount;
  merge(t, { ...p, amount: d.kind === 'bill_pay' ? null : amount }, text);
  if (JSON.stringify(d) === before) t.say(t.m.notUnderstood);
  advance(t);
  return true;
}

/** The customer confirmed: emit the order. */
function place(t: Turn, wallet: string): void {
  const d = t.conv.draft!;
  const { ctx } = t;
  const payer = payerFor(t, wallet);
  d.wallet = wallet;
  if (!payer) {
    t.conv.options = [];
    t.ask('payer', t.m.askPayer);
    return;
  }
  d.payer = payer;
  // Re-check just before money moves: the day's total may have changed since the summary.
  if (!amountAcceptable(t)) return;
  t.conv.pending = 'placing';
  t.conv.options = [];
  t.effect({
    type: 'placeOrder',
    input: {
      customerId: ctx.customer.id,
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
  if (t.conv.pending !== 'bills' || !d) return;
  if (!result.ok) {
    t.say(t.m.billsError(result.message, result.retryable));
    if (result.retryable) t.reset();
    else {
      d.account = undefined;
      t.ask('account');
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

function onPlaced(t: Turn, result: PlaceOrderResult): void {
  const d = t.conv.draft;
  if (t.conv.pending !== 'placing' || !d) return;
  if (!result.ok) {
    t.say(t.m.placeFailed(result.message));
    t.reset();
    return;
  }
  const { customer } = t.ctx;
  const wallet = { codeService: d.wallet!, payer: d.payer! };
  if (customer.wallet?.codeService !== wallet.codeService || customer.wallet?.payer !== wallet.payer)
    t.save({ wallet });
  // No acknowledgement of our own: the order desk's payment message (link or how to approve, what was
  // bought, what follows) is the one message the customer gets; a second one only repeated it.
  t.reset();

  // Offer to save a new recipient / account under a nickname.
  const saved = (v: string) => customer.beneficiaries.some((b) => b.value === v);
  if (d.fromNickname || d.skipSaveOffer) return;
  if (d.kind === 'airtime' && d.recipient && d.recipient !== customer.phone && !saved(d.recipient)) {
    t.conv.saveOffer = { kind: 'phone', value: d.recipient, codeService: d.codeService };
    t.ask('save_offer', t.m.saveOffer('phone', showPhone(d.recipient)));
  } else if (d.kind !== 'airtime' && d.account && !saved(d.account)) {
    t.conv.saveOffer = { kind: 'account', value: d.account, codeService: d.codeService };
    t.ask('save_offer', t.m.saveOffer('account', `${label(t, d.codeService)} ${d.account}`));
  }
}

function saveBeneficiary(t: Turn, nickname: string, offer: NonNullable<Conversation['saveOffer']>): void {
  const { customer } = t.ctx;
  const ben: Beneficiary = { nickname, kind: offer.kind, value: offer.value, codeService: offer.codeService };
  const beneficiaries = [...customer.beneficiaries.filter((b) => b.nickname.toLowerCase() !== nickname), ben];
  t.save({ beneficiaries });
  const service = label(t, offer.codeService);
  const shown = offer.kind === 'phone' ? showPhone(offer.value) : `${service} ${offer.value}`;
  t.say(t.m.saved(nickname, shown, t.m.nicknameExample(offer.kind, nickname, service)));
  t.reset();
}

// ---------------------------------------------------------------- status, history, repeat

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
