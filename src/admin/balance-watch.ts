// Balance watch: polls the merchant balance. Under the threshold, admins are alerted once per crossing,
// and every DEBIT service whose smallest sale (rules.min) the balance cannot cover is hidden from
// customers; it reappears as soon as the balance covers it again. (The order side still checks each
// order against the balance: hiding only spares customers a dead end.)
import type { AdminAlerter } from '../channels/channel.js';
import type { Catalog } from '../catalog/types.js';
import { formatXof } from '../i18n/lang.js';
import type { IntechApi } from '../intech/api.js';
import { type Logger, silentLogger } from '../logger.js';

export interface BalanceStatus {
  at: number;
  balance: number;
  currency: string;
  below: boolean;
  threshold: number;
  /** Codes hidden by the watch right now. */
  hidden: string[];
}

export interface BalanceWatch {
  checkNow(): Promise<BalanceStatus | undefined>;
  last(): BalanceStatus | undefined;
  start(): void;
  stop(): void;
}

export function createBalanceWatch(deps: {
  intech: Pick<IntechApi, 'getBalance'>;
  catalog: Catalog;
  alerter: AdminAlerter;
  thresholdXof: number;
  intervalMs: number;
  now?: () => number;
  logger?: Logger;
}): BalanceWatch {
  const now = deps.now ?? Date.now;
  const logger = deps.logger ?? silentLogger;
  const hidden = new Set<string>();
  let wasBelow = false;
  let last: BalanceStatus | undefined;
  let timer: NodeJS.Timeout | undefined;

  async function checkNow(): Promise<BalanceStatus | undefined> {
    let b: { currency: string; balance: number };
    try {
      b = await deps.intech.getBalance();
    } catch (err) {
      // Unknown balance: change nothing (the order side refuses orders it cannot verify).
      logger.warn({ err: (err as Error).message }, 'balance watch: balance unavailable');
      return last;
    }
    const below = b.balance < deps.thresholdXof;
    for (const e of deps.catalog.all()) {
      if (e.typeOperation !== 'DEBIT') continue;
      const cannot = below && e.rules.min > b.balance;
      if (cannot && !hidden.has(e.codeService)) {
        deps.catalog.setHidden(e.codeService, true);
        hidden.add(e.codeService);
      } else if (!cannot && hidden.has(e.codeService)) {
        deps.catalog.setHidden(e.codeService, false);
        hidden.delete(e.codeService);
      }
    }
    if (below && !wasBelow) {
      const list = [...hidden];
      await deps.alerter.alert(
        'merchant_balance_low',
        `Solde marchand ${formatXof(b.balance)} sous le seuil de ${formatXof(deps.thresholdXof)}. Rechargez le compte Intech.` +
          (list.length ? ` Services masqués : ${list.join(', ')}.` : ''),
      );
    } else if (!below && wasBelow) {
      await deps.alerter.alert('merchant_balance_ok', `Solde marchand revenu à ${formatXof(b.balance)}.`);
    }
    wasBelow = below;
    last = {
      at: now(),
      balance: b.balance,
      currency: b.currency,
      below,
      threshold: deps.thresholdXof,
      hidden: [...hidden],
    };
    return last;
  }

  return {
    checkNow,
    last: () => last,
    start() {
      if (timer || deps.intervalMs <= 0) return;
      void checkNow().catch(() => undefined);
      timer = setInterval(() => void checkNow().catch(() => undefined), deps.intervalMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
