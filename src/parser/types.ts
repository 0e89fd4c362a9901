import type { Lang } from '../i18n/lang.js';
import type { ChoiceOption } from './choice.js';

export type Intent =
  | 'airtime'
  | 'bill'
  | 'history'
  | 'status'
  | 'help'
  | 'cancel'
  | 'yes'
  | 'no'
  | 'stop'
  | 'start' // resubscribe to broadcasts
  | 'repeat' // "encore", "même chose", "comme la dernière fois"
  | 'language'
  | 'unknown';

export interface ParseResult {
  intent: Intent;
  /** Intech catalog code (airtime code from the operator word or the number's prefix; bill code). */
  codeService: string | null;
  /** Whole XOF. */
  amount: number | null;
  /** E.164, e.g. +221771234567 */
  recipient: string | null;
  /** Bill / meter / card number, digits only. */
  account: string | null;
  /** Language the customer wrote in: French when words carry no signal ("Stop"); null for digits alone ("1000"). */
  language: Lang | null;
  /** 0..1: how sure the rules are. Below ~0.6 the optional LLM may be consulted. */
  confidence: number;
  /** Things the conversation needs beyond the measured shape. */
  extra: {
    /** A bare small number, e.g. a menu or list pick: "2". */
    choice?: number;
    /**
     * Set by the parser when the bot offered options (ParseContext.expecting.options): 'unclear' when
     * the message holds a number or "both" without being one whole option. Never a pick, never an amount.
     */
    choiceUnclear?: boolean;
    /** With choiceUnclear: the message as the customer typed it (trimmed, bounded), to quote back. */
    choiceQuote?: string;
    /**
     * The message's words, lowercased, punctuation dropped: the conversation matches the customer's saved
     * nicknames against them ("tonton ali 2000"), as the parser does not know those names.
     */
    words?: string[];
    /** A phone-like number we could not read as a mobile number, as typed ("77 123 45", "99 123 45 67"). */
    badPhone?: { raw: string; reason: 'incomplete' | 'too_long' | 'unknown_prefix' };
    /** A number given as the one that pays ("payer avec le 77 …", "pay from …", "fey ak …"). */
    payer?: string;
    /** With expecting 'name': the message is a plausible nickname ("maman", "tonton ali"). */
    name?: string;
    /** Operator named explicitly by the customer ("orange", "free"...). */
    operator?: string;
    /** A bill service named that we do not know, as typed: "payer ma facture Sonatel" -> "Sonatel". */
    unknownService?: string;
    /** A nickname the customer used: "recharge maman 1000" -> "maman". */
    nickname?: string;
    /** For intent 'language': the language asked for. */
    targetLanguage?: Lang;
    /**
     * An amount typed in a form we refuse ("-500", "1000,50", "1000.50"), as typed: the amount is left
     * null (never read as 500 or 1 000) so the conversation can quote it back and ask again.
     */
    invalidAmount?: { raw: string; reason: 'negative' | 'decimal' };
    /** The rules' parse was overridden/augmented by the LLM. */
    viaLlm?: boolean;
  };
}

/** What the bot is waiting for: 'choice' | 'recipient' | 'amount' | 'account' | 'confirm' | 'name'. */
export type ExpectedSlot = 'choice' | 'recipient' | 'amount' | 'account' | 'confirm' | 'name';

/** The pending question as the parser needs it: the slot asked and the numbered options shown. */
export interface Expecting {
  slot: ExpectedSlot;
  /** Options shown with their numbers; a choice is read only when the whole message is one of them. */
  options?: ChoiceOption[];
}

export interface ParseContext {
  expecting?: Expecting;
  lang?: Lang;
}

/** The async parser the conversation uses: rules, then the LLM when rules are unsure (if enabled). */
export interface Parser {
  parse(text: string, context?: ParseContext): Promise<ParseResult>;
}
