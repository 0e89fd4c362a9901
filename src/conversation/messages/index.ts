import type { Lang } from '../../i18n/lang.js';
import { en } from './en.js';
import { fr } from './fr.js';
import type { Messages } from './types.js';
import { wo } from './wo.js';

const ALL: Record<Lang, Messages> = { fr, en, wo };

export function messages(lang: Lang): Messages {
  return ALL[lang] ?? fr;
}

export type { Messages } from './types.js';
