export type Lang = 'fr' | 'en' | 'wo';
export const LANGS: readonly Lang[] = ['fr', 'en', 'wo'];
export const DEFAULT_LANG: Lang = 'fr';

/** A message in every language; Wolof may fall back to French where we are not confident. */
export type Localized<P = void> = Record<Lang, P extends void ? string : (params: P) => string>;

/** 1000 -> "1 000 FCFA" (narrow no-break space avoided: WhatsApp renders a plain space best). */
export function formatXof(amount: number): string {
  return `${Math.round(amount)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ' ')} FCFA`;
}
