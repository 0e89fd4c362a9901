// Watches the chat channel and raises one "WhatsApp is down" alert per outage, within a minute of its
// start (not one per reconnect attempt). The outage's start is kept in store.kv, so a restart during
// an outage neither forgets it nor alerts twice; its key is that start. When WhatsApp is back the
// dashboard alert is resolved and the admins are told (through the chat, which works again).
import type { AdminAlerter, ChannelHealth } from '../channels/channel.js';
import type { Logger } from '../logger.js';
import type { KvRepo, Store } from '../store/types.js';

export const OUTAGE_NS = 'whatsapp';
const OUTAGE_KEY = 'outage';

interface Outage {
  since: number;
  alerted: boolean;
}

export type OutageStep =
  | { do: 'nothing' }
  | { do: 'start'; outage: Outage }
  | { do: 'alert'; outage: Outage }
  | { do: 'end'; outage: Outage };

/**
 * Pure: what one look at the channel means. A logged-out or stopped channel raised its own, more
 * precise alert (whatsapp_logged_out / forbidden / replaced): the outage is tracked, not re-alerted.
 */
export function outageStep(
  h: ChannelHealth,
  stored: Outage | undefined,
  at: number,
  afterMs: number,
): OutageStep {
  if (h.connected) return stored ? { do: 'end', outage: stored } : { do: 'nothing' };
  const ownAlert = h.detail === 'logged_out' || h.detail === 'stopped';
  if (!stored) return { do: 'start', outage: { since: at, alerted: ownAlert } };
  if (!stored.alerted && !ownAlert && at - stored.since >= afterMs) return { do: 'alert', outage: stored };
  return { do: 'nothing' };
}

const hhmm = (t: number) => `${new Date(t).toISOString().slice(11, 16)} UTC`;

export function downMessage(h: ChannelHealth, since: number): string {
  if (h.pairing)
    return `WhatsApp is not linked since ${hhmm(since)}: the bot waits for a QR scan or a pairing code and cannot answer customers. Open the admin dashboard (/admin, WhatsApp section) to scan the QR code, or press Relink for a new one.`;
  return `WhatsApp is down since ${hhmm(since)} (${h.detail ?? 'disconnected'}): customers get no replies until it is back. The bot keeps reconnecting; the admin dashboard (/admin) shows the connection state.`;
}

export interface OutageWatch {
  check(): Promise<void>;
  start(): void;
  stop(): void;
}

export function createOutageWatch(deps: {
  channel: { health(): ChannelHealth };
  kv: KvRepo;
  alerts: Store['alerts'];
  alerter: AdminAlerter;
  /** Alert once the channel has been down this long. */
  afterMs: number;
  intervalMs?: number;
  now?: () => number;
  logger: Logger;
}): OutageWatch {
  const now = deps.now ?? Date.now;
  const intervalMs = deps.intervalMs ?? 5_000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  async function check(): Promise<void> {
    const h = deps.channel.health();
    const at = now();
    const stored = await deps.kv.get<Outage>(OUTAGE_NS, OUTAGE_KEY);
    const step = outageStep(h, stored, at, deps.afterMs);
    switch (step.do) {
      case 'nothing':
        return;
      case 'start':
        await deps.kv.set(OUTAGE_NS, OUTAGE_KEY, step.outage);
        // afterMs 0: alert at once.
        if (!step.outage.alerted && deps.afterMs <= 0) await check();
        return;
      case 'alert': {
        const { since } = step.outage;
        await deps.alerter.alert('whatsapp_down', downMessage(h, since), undefined, { key: String(since) });
        await deps.kv.set(OUTAGE_NS, OUTAGE_KEY, { since, alerted: true });
        return;
      }
      case 'end': {
        const { since, alerted } = step.outage;
        await deps.kv.set(OUTAGE_NS, OUTAGE_KEY, null);
        if (!alerted) return;
        await deps.alerts.resolve(`whatsapp_down:${since}`);
        const minutes = Math.max(1, Math.round((at - since) / 60_000));
        await deps.alerter.alert(
          'whatsapp_back',
          `WhatsApp is connected again (down since ${hhmm(since)}, about ${minutes} min).`,
          undefined,
          { key: String(since) },
        );
        return;
      }
    }
  }

  const tick = () => {
    if (running) return; // a slow store: never two checks at once
    running = check()
      .catch((err) => deps.logger.error({ err }, 'WhatsApp outage check failed'))
      .finally(() => {
        running = undefined;
      });
  };

  return {
    check,
    start() {
      if (timer) return;
      tick();
      timer = setInterval(tick, intervalMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
