// The services the bot offers: Intech's list (GET /api-services/services, cached in kv, with the
// documented list shipped as a fallback), grouped into families, with admin settings (enabled, amount
// rules) persisted in kv namespace 'catalog'.
import type { IntechApi } from '../intech/api.js';
import type { IntechService } from '../intech/types.js';
import { type Logger, silentLogger } from '../logger.js';
import { airtimeCodeForPhone } from '../phone/phone.js';
import type { KvRepo } from '../store/types.js';
import { defaultAmountRules, nearestValidAmounts } from './amount-rules.js';
import { brandOf, countryOf, familyOf, labelOf } from './derive.js';
import documented from './documented-services.json' with { type: 'json' };
import type { AmountCheck, AmountRules, Catalog, CatalogEntry, Country, Family } from './types.js';

/** Collect services the chat cannot drive (no card data may ever pass through a chat). */
const CHAT_UNSUPPORTED_WALLETS = new Set(['BANK_CARD_API_CASH_OUT']);

export const CATALOG_NS = 'catalog';
const SERVICES_KEY = 'services';
const settingsKey = (code: string) => `settings:${code}`;

/** What an admin changed for one service. Absent fields keep the defaults. */
export interface ServiceSettings {
  enabled?: boolean;
  rules?: Partial<AmountRules>;
}

export interface CachedServices {
  services: IntechService[];
  fetchedAt: number;
}

/** The documented list (src/catalog/documented-services.json), used when Intech and the cache are out. */
export function documentedServices(): IntechService[] {
  return (documented as { services: IntechService[] }).services.map((s) => ({ ...s }));
}

export type CatalogSource = 'given' | 'cache' | 'documented';

export interface LoadedCatalog extends Catalog {
  /** Where the current service list came from. */
  source(): CatalogSource | 'api';
  /** Re-reads the cached list and admin settings from kv: what another instance synced or changed. */
  reload(): Promise<void>;
}

export async function createCatalog(opts: {
  kv: KvRepo;
  services?: IntechService[];
  logger?: Logger;
}): Promise<LoadedCatalog> {
  const { kv } = opts;
  const logger = opts.logger ?? silentLogger;
  let source: CatalogSource | 'api' = 'given';
  let services = opts.services;
  if (!services) {
    const cached = await kv.get<CachedServices>(CATALOG_NS, SERVICES_KEY).catch(() => undefined);
    if (cached && Array.isArray(cached.services) && cached.services.length > 0) {
      services = cached.services;
      source = 'cache';
    } else {
      services = documentedServices();
      source = 'documented';
    }
  }
  const settings = new Map<string, ServiceSettings>();
  const stored = await kv.list<ServiceSettings>(CATALOG_NS);
  for (const [key, value] of Object.entries(stored)) {
    if (key.startsWith('settings:') && value && typeof value === 'object') settings.set(key.slice(9), value);
  }
  const hidden = new Set<string>();
  let entries = new Map<string, CatalogEntry>();
  let current: IntechService[] = services;

  const build = (list: IntechService[]) => {
    current = list;
    const next = new Map<string, CatalogEntry>();
    for (const s of list) {
      if (!s || typeof s.codeService !== 'string') continue;
      next.set(s.codeService, entryFor(s, settings.get(s.codeService)));
    }
    entries = next;
  };
  build(services);
  logger.debug({ count: entries.size, source }, 'catalog loaded');

  const rulesOf = (code: string): AmountRules =>
    entries.get(code)?.rules ?? mergeRules(defaultAmountRules(code), settings.get(code)?.rules);

  const catalog: LoadedCatalog = {
    source: () => source,
    all: () => [...entries.values()].map(copy),
    get: (code) => {
      const e = entries.get(code);
      return e ? copy(e) : undefined;
    },
    isAvailable: (code) => {
      const e = entries.get(code);
      return !!e && e.enabled && !hidden.has(code);
    },
    airtimeCodeFor: (e164) => {
      const code = airtimeCodeForPhone(e164);
      return code && entries.has(code) ? code : null;
    },
    wallets: (country) => {
      const list = [...entries.values()].filter(
        (e) => e.family === 'wallet_collect' && e.country === country && catalog.isAvailable(e.codeService),
      );
      // MTN_CI_API_CASH_OUT_2 is a second route to the same wallet: offer it only when the first is out.
      // Card payments need the holder's names and a 3-D Secure page the chat flow does not handle yet.
      return list
        .filter((e) => !CHAT_UNSUPPORTED_WALLETS.has(e.codeService))
        .filter((e) => {
          const m = /^(.*)_\d+$/.exec(e.codeService);
          return !(m?.[1] && catalog.isAvailable(m[1]));
        })
        .map(copy);
    },
    byFamily: (family: Family, country?: Country) =>
      [...entries.values()]
        .filter((e) => e.family === family && (!country || e.country === country))
        .map(copy),
    checkAmount: (code, amount): AmountCheck => checkAmountWith(rulesOf(code), amount),
    setEnabled: async (code, enabled) => {
      const next = { ...settings.get(code), enabled };
      await kv.set(CATALOG_NS, settingsKey(code), next);
      settings.set(code, next);
      const e = entries.get(code);
      if (e) entries.set(code, { ...e, enabled });
    },
    setRules: async (code, rules) => {
      const merged = mergeRules(rulesOf(code), rules);
      validateRules(merged);
      const prev = settings.get(code);
      const next: ServiceSettings = { ...prev, rules: { ...prev?.rules, ...definedOnly(rules) } };
      await kv.set(CATALOG_NS, settingsKey(code), next);
      settings.set(code, next);
      const e = entries.get(code);
      if (e) entries.set(code, { ...e, rules: merged });
    },
    replaceServices: async (list) => {
      build(list);
      source = 'api';
    },
    reload: async () => {
      const cached = await kv.get<CachedServices>(CATALOG_NS, SERVICES_KEY);
      const stored = await kv.list<ServiceSettings>(CATALOG_NS);
      settings.clear();
      for (const [key, value] of Object.entries(stored)) {
        if (key.startsWith('settings:') && value && typeof value === 'object')
          settings.set(key.slice(9), value);
      }
      const fresh = cached && Array.isArray(cached.services) && cached.services.length > 0;
      if (fresh) source = 'cache';
      build(fresh ? cached.services : current);
    },
    setHidden: (code, isHidden) => {
      if (isHidden) hidden.add(code);
      else hidden.delete(code);
    },
  };
  return catalog;
}

/**
 * Catalog sync: GET /api-services/services, cache it in kv, replace the catalog's list. When Intech
 * fails, the catalog keeps what it has (cache or documented list) and the error is logged.
 */
export async function refreshCatalog(
  catalog: Catalog,
  api: Pick<IntechApi, 'listServices'>,
  kv: KvRepo,
  opts: { now?: () => number; logger?: Logger } = {},
): Promise<{ ok: true; count: number } | { ok: false; error: string }> {
  const logger = opts.logger ?? silentLogger;
  try {
    const services = await api.listServices();
    if (!Array.isArray(services) || services.length === 0) throw new Error('empty service list');
    const cached: CachedServices = { services, fetchedAt: (opts.now ?? Date.now)() };
    await kv.set(CATALOG_NS, SERVICES_KEY, cached);
    await catalog.replaceServices(services);
    logger.info({ count: services.length }, 'catalog refreshed from Intech');
    return { ok: true, count: services.length };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    logger.warn({ error }, 'catalog refresh failed; keeping the current list');
    return { ok: false, error };
  }
}

export function checkAmountWith(rules: AmountRules, amount: number): AmountCheck {
  if (!Number.isFinite(amount) || amount < rules.min)
    return { ok: false, reason: 'below_min', rules, suggestions: nearestValidAmounts(amount || 0, rules) };
  if (amount > rules.max)
    return { ok: false, reason: 'above_max', rules, suggestions: nearestValidAmounts(amount, rules) };
  if (!Number.isInteger(amount) || amount % rules.multiple !== 0)
    return { ok: false, reason: 'not_multiple', rules, suggestions: nearestValidAmounts(amount, rules) };
  return { ok: true };
}

function entryFor(s: IntechService, set: ServiceSettings | undefined): CatalogEntry {
  const family = familyOf(s);
  const brand = brandOf(s.codeService);
  return {
    ...s,
    family,
    country: countryOf(s.codeService),
    brand,
    label: labelOf(family, brand, s.name),
    enabled: set?.enabled ?? true,
    rules: mergeRules(defaultAmountRules(s.codeService), set?.rules),
  };
}

function mergeRules(base: AmountRules, over: Partial<AmountRules> | undefined): AmountRules {
  return { ...base, ...definedOnly(over ?? {}) };
}

function definedOnly(r: Partial<AmountRules>): Partial<AmountRules> {
  const out: Partial<AmountRules> = {};
  for (const k of ['min', 'max', 'multiple'] as const) if (typeof r[k] === 'number') out[k] = r[k];
  return out;
}

function validateRules(r: AmountRules): void {
  const ints = [r.min, r.max, r.multiple].every((v) => Number.isInteger(v) && v >= 0);
  if (!ints || r.multiple < 1 || r.min > r.max) throw new Error(`invalid amount rules ${JSON.stringify(r)}`);
}

function copy(e: CatalogEntry): CatalogEntry {
  return { ...e, rules: { ...e.rules } };
}

/** createCatalog, then one refresh from Intech when an API is given (failures keep cache/fallback). */
export async function loadCatalog(opts: {
  kv: KvRepo;
  api?: Pick<IntechApi, 'listServices'>;
  logger?: Logger;
  now?: () => number;
}): Promise<LoadedCatalog> {
  const catalog = await createCatalog({ kv: opts.kv, ...(opts.logger ? { logger: opts.logger } : {}) });
  if (opts.api) await refreshCatalog(catalog, opts.api, opts.kv, opts);
  return catalog;
}

/** Periodic catalog sync (CATALOG_SYNC_MINUTES); 0 disables it. Returns a stop function. */
export function startCatalogSync(
  catalog: Catalog,
  api: Pick<IntechApi, 'listServices'>,
  kv: KvRepo,
  opts: { intervalMs: number; logger?: Logger; now?: () => number },
): () => void {
  if (opts.intervalMs <= 0) return () => {};
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void refreshCatalog(catalog, api, kv, opts).finally(() => {
      running = false;
    });
  }, opts.intervalMs);
  timer.unref?.();
  return () => clearInterval(timer);
}
