import type { Lang } from '../../i18n/lang.js';
import { EN_MENU, en } from './en.js';
import { FR_MENU, fr } from './fr.js';
import type { Messages } from './types.js';
import { WO_MENU, wo } from './wo.js';

const ALL: Record<Lang, Messages> = { fr, en, wo };

export function messages(lang: Lang): Messages {
  return ALL[lang] ?? fr;
}

/**
 * Every menu label the bot shows, per language, in menu order: the main menu's options mean, in
 * order, airtime, bills, history, language. The parser's tests read them from here (each label must be
 * understood in every language).
 */
export const MENU_LABELS: Record<Lang, readonly string[]> = { fr: FR_MENU, en: EN_MENU, wo: WO_MENU };
/** The intent each main-menu option stands for, in the same order as MENU_LABELS. */
export const MENU_INTENTS = ['airtime', 'bill', 'history', 'language'] as const;

export type { Messages } from './types.js';
