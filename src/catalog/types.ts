import type { IntechService } from '../intech/types.js';

export type Country = 'SN' | 'CI';
export type Family = 'airtime' | 'bill_pay' | 'bill_reload' | 'wallet_collect' | 'wallet_send' | 'messaging';

export interface AmountRules {
  min: number;
  max: number;
  multiple: number;
}

export interface CatalogEntry extends IntechService {
  family: Family;
  country: Country;
  /** Operator or biller short name: 'orange', 'free', 'wave', 'senelec', 'woyofal'... */
  brand: string;
  /** Short display name for customers: "Orange", "Woyofal", "Wave". */
  label: string;
  /** An admin may disable a service; balance watch may hide it. */
  enabled: boolean;
  rules: AmountRules;
}

export type AmountCheck =
  | { ok: true }
  | {
      ok: false;
      reason: 'below_min' | 'above_max' | 'not_multiple';
      rules: AmountRules;
      suggestions: number[];
    };

export interface Catalog {
  all(): CatalogEntry[];
  get(codeService: string): CatalogEntry | undefined;
  /** Enabled and not hidden. */
  isAvailable(codeService: string): boolean;
  /** Airtime code for an E.164 number from our prefix table, or null (fixed line, Promobile, foreign...). */
  airtimeCodeFor(e164: string): string | null;
  /** Available wallets to collect a payment from, for a country. */
  wallets(country: Country): CatalogEntry[];
  byFamily(family: Family, country?: Country): CatalogEntry[];
  checkAmount(codeService: string, amount: number): AmountCheck;
  setEnabled(codeService: string, enabled: boolean): Promise<void>;
  setRules(codeService: string, rules: Partial<AmountRules>): Promise<void>;
  /** Replace the service list (catalog sync); keeps admin settings of known codes. */
  replaceServices(services: IntechService[]): Promise<void>;
  /** Hide/unhide for balance watch (not an admin decision, not persisted as one). */
  setHidden(codeService: string, hidden: boolean): void;
}
