// Which wallets a summary offers, in which order, and who pays (pure).
// One fixed order per country: a number always means the same wallet for a customer; the remembered
// wallet is only *suggested* (a plain yes confirms it), never moved to the top.
import type { Country } from '../catalog/types.js';
import type { Customer } from '../store/types.js';
import { countryOfPhone } from './format.js';
import type { CatalogView, Draft } from './types.js';

/** Most used first; the card (a 3-D Secure link) last. Never reordered per customer. */
export const WALLET_ORDER = ['wave', 'orange', 'free', 'expresso', 'mtn', 'moov', 'wizall', 'card'];

/** The number that pays: given in the draft, else the remembered payer, else the customer's own. */
export function payerOf(d: Draft, customer: Customer, wallet?: string): string | undefined {
  if (d.payer) return d.payer;
  if (wallet && customer.wallet?.codeService === wallet && customer.wallet.payer)
    return customer.wallet.payer;
  return customer.phone ?? customer.wallet?.payer ?? undefined;
}

/** Wallets are those of the payer's country (a Senegal payer pays with a Senegal wallet, whatever is bought). */
export function payerCountry(d: Draft, customer: Customer, catalog: CatalogView): Country {
  return (
    countryOfPhone(payerOf(d, customer)) ??
    countryOfPhone(d.recipient) ??
    (d.codeService ? catalog.get(d.codeService)?.country : undefined) ??
    'SN'
  );
}

/** Available wallets of a country, in the one fixed order. */
export function walletCodes(catalog: CatalogView, country: Country): string[] {
  const rank = (brand: string) => {
    const i = WALLET_ORDER.indexOf(brand.toLowerCase());
    return i < 0 ? WALLET_ORDER.length : i;
  };
  return catalog
    .wallets(country)
    .filter((w) => catalog.isAvailable(w.codeService))
    .sort((a, b) => rank(a.brand) - rank(b.brand) || a.codeService.localeCompare(b.codeService))
    .map((w) => w.codeService);
}

/** The wallet a plain *yes* confirms: the draft's (repeat) or the remembered one, when offered. */
export function suggestedWallet(d: Draft, customer: Customer, codes: string[]): string | undefined {
  const preferred = d.wallet ?? customer.wallet?.codeService;
  return preferred && codes.includes(preferred) ? preferred : undefined;
}

/** Names a customer may write for a wallet besides its label ("om" for Orange Money). */
export function walletAliases(brand: string): string[] {
  switch (brand) {
    case 'orange':
      return ['om', 'orange money', 'orangemoney'];
    case 'free':
      return ['free money', 'freemoney', 'yas money'];
    case 'expresso':
      return ['e-money', 'emoney', 'expresso money'];
    case 'mtn':
      return ['mtn momo', 'momo', 'mtn money', 'mobile money'];
    case 'moov':
      return ['moov money', 'flooz'];
    case 'card':
      return ['carte', 'card', 'carte bancaire'];
    default:
      return [brand];
  }
}
