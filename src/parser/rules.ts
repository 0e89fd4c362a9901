// The rule-based parser: no network, deterministic, fast. Reads one customer message into an intent
// and slots (types.ts). `confidence` is low (< 0.6) when the message is unclear, so the optional LLM
// layer may be consulted.
import type { Lang } from '../i18n/lang.js';
import { airtimeCode, type PhoneCountry } from '../phone/prefixes.js';
import { fuzzyMatch } from './fuzzy.js';
import { BILLERS, JOINS, LANG_WEIGHTS, OPERATORS, TAGS, type Tag, WALLETS } from './lexicon.js';
import { normalizeText, type Token, tokenize, type WordToken } from './normalize.js';
import { CURRENCY, MULTIPLIERS, UNITS } from './number-words.js';
import { type NumItem, readNumbers } from './numbers.js';
import { matchPhrases } from './phrases.js';
import type { Intent, ParseResult } from './types.js';

export interface RuleContext {
  expecting?: 'amount' | 'recipient' | 'account' | 'choice' | 'confirm' | 'wallet' | string;
  lang?: Lang;
}

// Linear: no two adjacent repetitions of the same letter (an "a+a*" rescans 'sal'+'a'×20 000 quadratically).
const GREETING_RE =
  /^(?:a?s+a+l+a+m*u?|m?a+l[ae]+[iy]?k+(?:ou|u)m|a+l[ae]+[iy]?k+(?:ou|u)m|salamal[ae]+[iy]?k+(?:ou|u)m)$/;

const LANG_NAMES: Record<string, Lang> = {
  francais: 'fr',
  french: 'fr',
  anglais: 'en',
  english: 'en',
  wolof: 'wo',
  ouolof: 'wo',
};

/** Words skipped when looking for a nickname after "recharge" / "woyofal" / "pour". */
const NICK_SKIP = new Set([
  'pour',
  'pr',
  'a',
  'au',
  'de',
  'du',
  'le',
  'la',
  'l',
  'd',
  'ma',
  'mon',
  'sama',
  'ci',
  'to',
  'for',
  'my',
  'the',
  'un',
  'une',
  'des',
  'of',
  'on',
  'sur',
  'chez',
  'compteur',
  'ak',
  'stp',
  'svp',
  'please',
  'pls',
  'ko',
  'ma',
]);
const STRONG_RELOAD = new Set([
  'recharge',
  'recharger',
  'rechargez',
  'rechargement',
  'recharj',
  'recharg',
  'rechage',
  'achat',
  'acheter',
  'achete',
  'jend',
  'jenda',
  'jeund',
  'buy',
  'topup',
]);
/** Words that mean topping up by themselves (not "acheter", "envoyer", which need an object). */
const RECHARGE = new Set([
  'recharge',
  'recharger',
  'rechargez',
  'rechargement',
  'recharj',
  'recharg',
  'rechage',
  'topup',
  'reload',
]);
const NICK_INTRO = new Set(['pour', 'pr', 'a', 'au', 'to', 'for', 'ci', 'chez']);

function tagsOf(w: string): Set<Tag> | undefined {
  return TAGS.get(w);
}

function isKnown(w: string): boolean {
  return (
    TAGS.has(w) ||
    OPERATORS[w] !== undefined ||
    BILLERS[w] !== undefined ||
    WALLETS[w] !== undefined ||
    LANG_NAMES[w] !== undefined ||
    UNITS[w] !== undefined ||
    MULTIPLIERS[w] !== undefined ||
    CURRENCY.has(w)
  );
}

/** First words of the JOINS keys: most words start none, and need no lookup. */
const JOIN_FIRST = new Set(Object.keys(JOINS).map((k) => k.split(' ')[0]!));

/** Joins split words ("woyo fal") and fixes one-letter slips on long keywords. */
function prepareTokens(raw: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < raw.length; i++) {
    const t = raw[i]!;
    if (t.kind === 'word') {
      const n1 = raw[i + 1];
      const n2 = raw[i + 2];
      if (JOIN_FIRST.has(t.w) && n1?.kind === 'word') {
        const j3 = n2?.kind === 'word' ? JOINS[`${t.w} ${n1.w} ${n2.w}`] : undefined;
        if (j3 && n2) {
          out.push({ kind: 'word', w: j3, start: t.start, end: n2.end });
          i += 2;
          continue;
        }
        const j2 = JOINS[`${t.w} ${n1.w}`];
        if (j2) {
          out.push({ kind: 'word', w: j2, start: t.start, end: n1.end });
          i += 1;
          continue;
        }
      }
      if (!isKnown(t.w) && !LANG_WEIGHTS[t.w]) {
        // "stoppp", "merciii", "okkk": a letter held down.
        if (t.w.length <= 12 && /(.)\1\1/.test(t.w)) {
          const two = t.w.replace(/(.)\1+/g, '$1$1');
          const one = t.w.replace(/(.)\1+/g, '$1');
          const known = [two, one].find((c) => isKnown(c) || LANG_WEIGHTS[c]);
          if (known) {
            out.push({ ...t, w: known });
            continue;
          }
        }
        const fixed = fuzzyMatch(t.w);
        if (fixed) {
          out.push({ ...t, w: fixed });
          continue;
        }
      }
    }
    out.push(t);
  }
  return out;
}

export function parseRules(text: string, ctx: RuleContext = {}): ParseResult {
  const tokens = prepareTokens(tokenize(normalizeText(text)));
  const items = readNumbers(tokens);

  const consumed = new Set<number>();
  for (const it of items) for (let k = it.from; k <= it.to; k++) consumed.add(k);

  // Words: tags, operators, billers, wallets, language evidence.
  const words: WordToken[] = [];
  const tags = new Set<Tag>();
  const langScore: Record<Lang, number> = { fr: 0, en: 0, wo: 0 };
  const strongLang: Record<Lang, number> = { fr: 0, en: 0, wo: 0 };
  let operator: string | undefined;
  let biller: string | undefined;
  let wallet: { SN?: string; CI?: string } | undefined;
  let langTarget: Lang | undefined;
  let unknownWords = 0;
  let contentWords = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'word') continue;
    words.push(t);
    const w = t.w;
    // "Orange CI": the country, not the Wolof "ci".
    const prevTok = tokens[i - 1];
    const countryCi = w === 'ci' && prevTok?.kind === 'word' && OPERATORS[prevTok.w] !== undefined;
    const lw = countryCi ? undefined : LANG_WEIGHTS[w];
    if (lw) {
      langScore[lw[0]] += lw[1];
      if (lw[1] >= 2) strongLang[lw[0]] += lw[1];
    }
    if (consumed.has(i)) continue;
    const next = tokens[i + 1];
    const nextWord = next?.kind === 'word' ? next.w : null;
    const ts = tagsOf(w);
    let known = false;
    if (ts) {
      for (const tg of ts) tags.add(tg);
      known = true;
      if (!ts.has('filler')) contentWords++;
    }
    if (OPERATORS[w] !== undefined) {
      known = true;
      contentWords++;
      // "orange money", "free money": a wallet, not the airtime operator.
      if (nextWord === 'money') {
        wallet = WALLETS[`${w === 'yas' ? 'yas' : OPERATORS[w]} money`] ?? wallet;
        i++;
      } else {
        operator ??= OPERATORS[w];
      }
    }
    if (BILLERS[w] !== undefined) {
      known = true;
      contentWords++;
      biller ??= BILLERS[w];
    }
    if (WALLETS[w] !== undefined) {
      known = true;
      wallet ??= WALLETS[w];
    }
    if (LANG_NAMES[w] !== undefined) {
      known = true;
      langTarget ??= LANG_NAMES[w];
    }
    // "Asalaa maalekum", "salamalekoum", "salaamu aleykum": too many spellings for a list.
    if (!known && w.length <= 30 && GREETING_RE.test(w)) {
      tags.add('greeting');
      langScore.wo += 1;
      known = true;
    }
    if (!known && !lw) {
      unknownWords++;
    }
  }
  const wordList = words.map((t) => t.w);
  const padded = ` ${wordList.join(' ')} `;
  const strongReload = wordList.some((w) => STRONG_RELOAD.has(w));
  const phrases = matchPhrases(wordList);

  // Numbers: phones, then the account (bill) and the amount.
  const phones = items.filter((it) => it.kind === 'phone');
  const numbers = items.filter((it) => it.kind === 'number');
  const firstPhone = phones[0];
  const recipient = firstPhone?.e164 ?? null;
  const phoneCountry: PhoneCountry | null = firstPhone?.phone?.ok ? firstPhone.phone.country : null;

  const isBillWord =
    biller !== undefined || tags.has('bill') || tags.has('elec') || tags.has('water') || tags.has('meter');

  let account: string | null = null;
  let accountItem: NumItem | undefined;
  const expectingAccount = ctx.expecting === 'account';
  if (isBillWord || expectingAccount) {
    accountItem = numbers.find((it) => !it.money && !it.words && !it.grouped && it.digits.length >= 6);
    if (!accountItem && expectingAccount) {
      accountItem =
        numbers.find((it) => !it.money && !it.words && it.digits.length >= 3) ??
        phones.find((it) => !it.digits.startsWith('+'));
    }
    // A meter typed like a phone number right after "compteur" / "contrat".
    if (!accountItem && firstPhone && !firstPhone.digits.startsWith('00')) {
      const prev = tokens[firstPhone.from - 1];
      if (prev?.kind === 'word' && (tagsOf(prev.w)?.has('meter') || tagsOf(prev.w)?.has('account_kw')))
        accountItem = firstPhone;
    }
    account = accountItem ? accountItem.digits.replace(/\D/g, '') : null;
  }
  const recipientOut = accountItem === firstPhone ? (phones[1]?.e164 ?? null) : recipient;

  // A small number is an amount only where an amount is meant: typed in digits in an order ("credit 50":
  // the bot then explains the limits) or when the bot asked for one. "les deux", "deux secondes",
  // "2 ou 3 ?" are no amounts (no service sells under 100 FCFA).
  const orderWords =
    isBillWord || operator !== undefined || tags.has('airtime') || tags.has('reload') || tags.has('pay');
  const meantAsAmount = (it: NumItem, v: number): boolean =>
    v >= 100 ||
    it.money ||
    (orderWords && !it.words) ||
    (ctx.expecting === 'amount' && it.from === 0 && it.to === tokens.length - 1);
  // "-500", "1000,50": refused and named back, never read as 500 or 1 000.
  const invalidItem = numbers.find(
    (it) => it.invalid !== undefined && it !== accountItem && meantAsAmount(it, Number(it.digits)),
  );
  const amountCandidates = numbers.filter(
    (it) =>
      it !== accountItem &&
      it.value !== null &&
      Number.isInteger(it.value) &&
      it.value > 0 &&
      meantAsAmount(it, it.value),
  );
  let amountItem: NumItem | undefined;
  let best = -1;
  for (const it of amountCandidates) {
    const v = it.value!;
    let score = 0;
    if (it.money) score += 4;
    if (it.grouped || it.words) score += 1;
    if (v >= 50) score += 2;
    if (it.digits.length > 7 && !it.money) score -= 5;
    if (it.digits.startsWith('0') && it.digits.length > 1) score -= 3;
    if (score > best) {
      best = score;
      amountItem = it;
    }
  }
  let amount = amountItem ? amountItem.value : null;
  if (amountItem && amountItem.digits.length > 7 && !amountItem.money) amount = null;
  if (invalidItem) amount = null;

  // A menu or list pick only when the whole message is the pick: "2", "le 2", "option 2", "2️⃣",
  // "deux", "ñett", "three". A number inside a sentence ("les deux", "2 ou 3 ?") never selects.
  const choice = wholeMessageChoice(tokens);
  const onlyNumber = numbers.length === 1 && phones.length === 0 && contentWords === 0 && unknownWords === 0;
  if (choice !== undefined && ctx.expecting !== 'amount') amount = null;

  // Language the customer wrote in.
  const language = pickLanguage(langScore, strongLang);

  // Intent, by priority.
  const shortMsg = contentWords + unknownWords <= 3;
  let intent: Intent = 'unknown';
  let confidence = 0.3;
  let codeService: string | null = null;

  const isLangSwitch =
    (langTarget !== undefined &&
      (tags.has('speak') ||
        shortMsg ||
        /\s(en|in|ci)\s(francais|french|anglais|english|wolof)\s/.test(padded))) ||
    (tags.has('lang_word') && shortMsg && items.length === 0);
  const hasAirtimeWord = tags.has('airtime');
  const hasReload = tags.has('reload');
  const recharging = wordList.some((w) => RECHARGE.has(w));
  const isRepeat = tags.has('repeat') || phrases.has('repeat');

  if (isLangSwitch && !isBillWord && !hasAirtimeWord) {
    intent = 'language';
    langTarget ??= padded.includes(' lakk ') ? 'wo' : undefined;
    confidence = langTarget ? 0.95 : 0.7;
  } else if (tags.has('stop') || phrases.has('stop')) {
    intent = 'stop';
    confidence = 0.95;
  } else if (tags.has('start') || phrases.has('start')) {
    intent = 'start';
    confidence = 0.9;
  } else if (tags.has('cancel') || phrases.has('cancel')) {
    intent = 'cancel';
    confidence = 0.95;
  } else if (tags.has('status') || phrases.has('status')) {
    // Before history: "j'ai acheté du crédit mais rien reçu" is a complaint.
    intent = 'status';
    confidence = 0.9;
  } else if (phrases.has('history') || tags.has('history')) {
    intent = 'history';
    confidence = 0.95;
  } else if (isBillWord && !(operator && !biller && (hasAirtimeWord || recipient))) {
    intent = 'bill';
    codeService = billCode(biller, tags, strongReload, amount !== null);
    confidence = codeService ? 0.92 : 0.8;
  } else if (
    !tags.has('money_word') &&
    // "ñaata la kredi bi ?", "c'est combien le crédit": a price question.
    !(tags.has('price') && amount === null && recipient === null) &&
    (hasAirtimeWord ||
      // "recharge my phone", "je veux recharger", "on fait comment pour recharger ?"
      (hasReload && tags.has('phone_word')) ||
      (recharging && !isBillWord) ||
      (operator !== undefined && ctx.expecting !== 'wallet') ||
      (hasReload && (recipient !== null || amount !== null)) ||
      (recipient !== null && amount !== null && choice === undefined))
  ) {
    intent = 'airtime';
    codeService = airtimeCodeOf(operator, phoneCountry, firstPhone);
    confidence = hasAirtimeWord || hasReload || operator ? 0.92 : 0.75;
  } else if (isRepeat) {
    intent = 'repeat';
    confidence = 0.85;
  } else if (tags.has('yes') || phrases.has('yes')) {
    // "non c'est bon", "ok non": a no-word makes it a no, but the mix is worth a second opinion.
    const mixed = tags.has('no') || phrases.has('no');
    intent = mixed ? 'no' : 'yes';
    confidence = mixed ? 0.55 : shortMsg ? 0.95 : 0.7;
  } else if (tags.has('no') || phrases.has('no')) {
    intent = 'no';
    confidence = shortMsg ? 0.95 : 0.7;
  } else if (
    phrases.has('help') ||
    ((tags.has('help') || tags.has('greeting') || tags.has('thanks') || tags.has('price')) &&
      unknownWords <= 1) ||
    (words.length > 0 && words.every((t) => t.w === '?'))
  ) {
    // Words we do not know around a help word ("tu es un robot ?", "le prix du riz a augmenté") are
    // off-topic: unknown, so the optional LLM may look.
    intent = 'help';
    confidence = 0.9;
  } else if (recipient !== null && choice === undefined) {
    // A number alone: most likely the number to top up.
    intent = 'airtime';
    codeService = airtimeCodeOf(operator, phoneCountry, firstPhone);
    confidence = 0.7;
  }

  // Answers to a question the bot asked: the slot is enough, whatever the intent.
  if (intent === 'unknown') {
    const e = ctx.expecting;
    if (e === 'amount' && amount !== null) confidence = 0.9;
    else if (e === 'recipient' && recipient !== null) confidence = 0.9;
    else if (e === 'account' && account !== null) confidence = 0.9;
    else if ((e === 'choice' || e === 'confirm') && choice !== undefined) confidence = 0.9;
    else if (e === 'wallet' && wallet) confidence = 0.9;
    else if (choice !== undefined) confidence = 0.75;
    else if (amount !== null && onlyNumber) confidence = 0.6;
    // A bare reference ("14123456789"): nothing an LLM could read more into; the question asked decides.
    else if (tokens.length === 1 && numbers.length === 1 && numbers[0]!.digits.length >= 6) confidence = 0.6;
    else if (amount !== null || recipient !== null || account !== null) confidence = 0.45;
  }
  if (ctx.expecting === 'wallet' && wallet && (intent === 'unknown' || intent === 'airtime')) {
    intent = 'unknown';
    codeService =
      wallet[phoneCountry ?? (operator === 'mtn' || operator === 'moov' ? 'CI' : 'SN')] ??
      wallet.SN ??
      wallet.CI ??
      null;
    confidence = 0.9;
  }
  // A wallet named and nothing else ("Wave", "je paye avec wave"): a clear answer to "how to pay?".
  if (intent === 'unknown' && wallet && unknownWords === 0 && confidence < 0.8) confidence = 0.8;
  // Many words we do not know: let the LLM have a look.
  const totalWords = contentWords + unknownWords;
  if (unknownWords >= 3 && unknownWords > totalWords / 2) confidence = Math.min(confidence, 0.5);

  const extra: ParseResult['extra'] = {};
  if (choice !== undefined) extra.choice = choice;
  if (invalidItem)
    extra.invalidAmount = { raw: invalidItem.raw ?? invalidItem.digits, reason: invalidItem.invalid! };
  if (operator) extra.operator = operator;
  if (intent === 'language' && langTarget) extra.targetLanguage = langTarget;
  if (intent === 'airtime' || intent === 'bill' || intent === 'repeat') {
    const nick = findNickname(tokens, consumed);
    if (nick) extra.nickname = nick;
  }
  if (intent === 'bill' && codeService === null) {
    const named = unknownBillerIn(tokens, consumed);
    if (named) extra.unknownService = asTyped(text, named);
  }

  // Words with no language signal ("Stop", "menu", "ok", "senelec …") read as French, the market's and
  // the bot's default; digits alone tell nothing.
  const lang =
    language ??
    (intent === 'language' && langTarget && words.length <= 2 ? langTarget : null) ??
    (/\p{L}{2,}/u.test(text) ? 'fr' : null);
  const keepAccount = intent === 'bill' || expectingAccount;
  return {
    intent,
    codeService,
    amount,
    recipient: accountItem === firstPhone && keepAccount ? recipientOut : recipient,
    account: keepAccount ? account : null,
    language: lang,
    confidence,
    extra,
  };
}

function pickLanguage(score: Record<Lang, number>, strong: Record<Lang, number>): Lang | null {
  const order: Lang[] = ['wo', 'fr', 'en'];
  let best: Lang | null = null;
  let bestScore = 0;
  // Wolof markers are the distinctive ones in a mixed message: they win ties.
  for (const l of order) {
    if (score[l] > bestScore) {
      best = l;
      bestScore = score[l];
    }
  }
  // Code-switching: a Wolof marker among French or English words makes the message Wolof.
  if (best !== 'wo' && strong.wo >= 2 && score.wo * 2 >= bestScore) return 'wo';
  if (best && strong[best] === 0 && (strong.fr > 0 || strong.en > 0 || strong.wo > 0)) {
    for (const l of order) if (strong[l] > 0 && score[l] >= bestScore) return l;
  }
  return best;
}

function billCode(
  biller: string | undefined,
  tags: Set<Tag>,
  strongReload: boolean,
  hasAmount: boolean,
): string | null {
  // Buying power ("acheter du courant", "électricité 5000") is Woyofal; paying a bill is Senelec.
  const reloadHint =
    tags.has('meter') || ((tags.has('reload') || hasAmount) && !tags.has('bill') && !tags.has('pay'));
  // "recharge senelec 5000", "acheter senelec": prepaid electricity is Woyofal (sold by Senelec).
  if (
    biller === 'SENELEC_SN_BILL_PAY' &&
    (tags.has('meter') || (strongReload && !tags.has('bill') && !tags.has('pay')))
  )
    return 'WOYOFAL_SN_BILL_RELOAD';
  if (biller) return biller;
  if (tags.has('elec') || tags.has('meter'))
    return reloadHint ? 'WOYOFAL_SN_BILL_RELOAD' : 'SENELEC_SN_BILL_PAY';
  if (tags.has('water')) return 'SENEAU_SN_BILL_PAY';
  return null;
}

function airtimeCodeOf(
  operator: string | undefined,
  country: PhoneCountry | null,
  phone: NumItem | undefined,
): string | null {
  if (operator) {
    const opCountry: PhoneCountry = operator === 'mtn' || operator === 'moov' ? 'CI' : 'SN';
    const c = country ?? opCountry;
    const code = airtimeCode(c, operator);
    if (code) return code;
  }
  const ph = phone?.phone;
  if (ph?.ok && ph.type === 'mobile' && ph.operator) return airtimeCode(ph.country, ph.operator);
  return null;
}

/** Words that may introduce a pick: "le 2", "option 2", "numéro 3", "choix 1", "the 2". */
const CHOICE_LEAD = new Set([
  'le',
  'l',
  'la',
  'option',
  'opt',
  'numero',
  'num',
  'no',
  'n',
  'choix',
  'choice',
  'number',
  'the',
  'nimero',
]);
/** Number words that are too common as plain words to be a pick on their own ("a", "ben"). */
const NOT_A_PICK = new Set(['a', 'ben', 'nar']);
const MAX_CHOICE = 20;

/** The pick a message is, when the whole message is one: a lead word at most, then one small number. */
function wholeMessageChoice(tokens: Token[]): number | undefined {
  let i = 0;
  if (tokens.length === 2 && tokens[0]!.kind === 'word' && CHOICE_LEAD.has(tokens[0]!.w)) i = 1;
  if (tokens.length !== i + 1) return undefined;
  const t = tokens[i]!;
  if (t.kind === 'num') {
    if (t.negative || t.groups.length !== 1 || t.groups[0]!.startsWith('+')) return undefined;
    const d = t.groups[0]!;
    if (d.length > 2 || (d.length === 2 && d.startsWith('0'))) return undefined;
    const v = Number(d);
    return v <= MAX_CHOICE ? v : undefined;
  }
  if (NOT_A_PICK.has(t.w)) return undefined;
  const v = UNITS[t.w];
  return v !== undefined && v >= 1 && v <= MAX_CHOICE ? v : undefined;
}

/** "recharge maman 1000", "woyofal maison 5000", "crédit pour fatou": a word where a number would be. */
/**
 * "payer ma facture Sonatel", "facture de la sonatel", "my canal bill": a name where a bill service goes
 * that is none we know. A family word ("facture maman") is a nickname, never a service.
 */
function unknownBillerIn(tokens: Token[], consumed: Set<number>): string | undefined {
  const candidate = (j: number): string | undefined => {
    const u = tokens[j];
    if (u?.kind !== 'word' || consumed.has(j)) return undefined;
    if (isKnown(u.w) || LANG_WEIGHTS[u.w] || FAMILY.has(u.w) || NICK_SKIP.has(u.w)) return undefined;
    return /^[a-z][a-z'-]{2,23}$/.test(u.w) ? u.w : undefined;
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'word' || !TAGS.get(t.w)?.has('bill')) continue;
    // After the bill word, past a few small words ("facture de la sonatel").
    for (let j = i + 1; j < tokens.length && j <= i + 3; j++) {
      const u = tokens[j]!;
      if (u.kind === 'word' && NICK_SKIP.has(u.w)) continue;
      const w = candidate(j);
      if (w) return w;
      break;
    }
    // English puts it before: "my sonatel bill".
    const before = candidate(i - 1);
    if (before) return before;
  }
  return undefined;
}

/** The word as the customer wrote it ("Sonatel"), else capitalised. */
function asTyped(text: string, w: string): string {
  const at = text.toLowerCase().indexOf(w);
  if (at >= 0) return text.slice(at, at + w.length);
  return w.charAt(0).toUpperCase() + w.slice(1);
}

function findNickname(tokens: Token[], consumed: Set<number>): string | undefined {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'word' || consumed.has(i)) continue;
    const ts = TAGS.get(t.w);
    const anchor =
      ts?.has('airtime') ||
      ts?.has('reload') ||
      BILLERS[t.w] !== undefined ||
      NICK_INTRO.has(t.w) ||
      ts?.has('meter');
    if (!anchor) continue;
    // A few skip words at most ("pour ma", "chez le"): a long run of them must not be rescanned
    // from every anchor (quadratic on "a a a a …").
    for (let j = i + 1; j < tokens.length && j <= i + 4; j++) {
      const u = tokens[j]!;
      if (u.kind !== 'word' || consumed.has(j)) break;
      if (NICK_SKIP.has(u.w) || BILLERS[u.w] !== undefined || OPERATORS[u.w] !== undefined) continue;
      if (FAMILY.has(u.w)) return u.w;
      if (!isKnown(u.w) && !LANG_WEIGHTS[u.w] && /^[a-z]{2,}$/.test(u.w)) return u.w;
      break;
    }
  }
  return undefined;
}

const FAMILY = new Set([
  'maman',
  'papa',
  'maison',
  'frere',
  'soeur',
  'mere',
  'pere',
  'tonton',
  'tata',
  'yaay',
  'baay',
  'mom',
  'dad',
  'home',
  'bureau',
  'boutique',
]);

/**
 * The service codes a message names in words: an operator ("orange", "yas") names its airtime in either
 * country, a biller its bill, "courant"/"compteur" electricity (Senelec or Woyofal), "eau" SenEau. The
 * LLM's service is kept only when it is one of these, as its amounts and numbers must be in the text.
 */
export function namedServiceCodes(text: string): Set<string> {
  const out = new Set<string>();
  for (const t of prepareTokens(tokenize(normalizeText(text)))) {
    if (t.kind !== 'word') continue;
    const op = OPERATORS[t.w];
    if (op !== undefined) {
      for (const c of ['SN', 'CI'] as const) {
        const code = airtimeCode(c, op);
        if (code) out.add(code);
      }
    }
    const biller = BILLERS[t.w];
    if (biller !== undefined) {
      out.add(biller);
      if (biller === 'SENELEC_SN_BILL_PAY') out.add('WOYOFAL_SN_BILL_RELOAD');
    }
    const ts = TAGS.get(t.w);
    if (ts?.has('elec') || ts?.has('meter')) {
      out.add('SENELEC_SN_BILL_PAY');
      out.add('WOYOFAL_SN_BILL_RELOAD');
    }
    if (ts?.has('water')) out.add('SENEAU_SN_BILL_PAY');
  }
  return out;
}
