// Admin alerts: recorded for the dashboard, then sent to every admin number by one of two paths.
// - The durable outbox (the chat channel), while WhatsApp works: survives restarts, keeps order.
// - Intech's WHATSAPP_MESSAGING (another WhatsApp number, Intech's), when the chat channel is down,
//   and always for "WhatsApp is down / logged out / banned": the chat cannot carry news of its own death.
// An alert raised with a key is raised once per key (e.g. once per outage), across restarts.
import { createHash, randomUUID } from 'node:crypto';
import type { AdminAlerter, AlertOptions, ChannelHealth } from '../channels/channel.js';
import type { IntechApi } from '../intech/api.js';
import { IntechUnknownOutcomeError } from '../intech/errors.js';
import { type Logger, maskPhone } from '../logger.js';
import type { OutboxInput, Store } from '../store/types.js';

export const WHATSAPP_MESSAGING = 'WHATSAPP_MESSAGING';

/** Alerts about the chat channel itself: never through it. */
export const CHANNEL_DOWN_KINDS: ReadonlySet<string> = new Set([
  'whatsapp_down',
  'whatsapp_logged_out',
  'whatsapp_forbidden',
  'whatsapp_replaced',
  // Raised by the outbox drainer while it pauses every send: through the outbox they would wait out
  // the very pause they report.
  'whatsapp_rate_limited',
  'whatsapp_send_errors',
]);

/** Keyed alerts stay "already raised" this long (an outage longer than this alerts again). */
const KEY_TTL_MS = 30 * 24 * 3600_000;

/** Our WHATSAPP_MESSAGING ids for alerts: deterministic per (alert, admin), so a retry never sends twice. */
export function alertExtId(alertId: string, admin: string): string {
  return `AL-${createHash('sha256').update(`${alertId}|${admin}`).digest('hex').slice(0, 16)}`;
}

export function isAlertExtId(ext: string): boolean {
  return /^AL-[0-9a-f]{16}$/.test(ext);
}

export type AlertRoute = 'intech' | 'outbox';

/** Pure: which path an alert takes. */
export function alertRoute(kind: string, chatUp: boolean, intechAvailable: boolean): AlertRoute {
  if (!intechAvailable) return 'outbox';
  return CHANNEL_DOWN_KINDS.has(kind) || !chatUp ? 'intech' : 'outbox';
}

export function alertText(kind: string, message: string, orderId?: string): string {
  return `⚠️ *${kind}*${orderId ? ` (${orderId})` : ''}\n${message}`;
}

export function createAdminAlerter(deps: {
  store: Store;
  /** The chat channel's health: down (not connected) = alerts go through Intech. */
  channel: () => { health(): ChannelHealth } | undefined;
  adminNumbers: string[];
  /** WHATSAPP_MESSAGING; without it every alert goes through the outbox. */
  intech?: Pick<IntechApi, 'operation'>;
  /** Intech's callback URL for the WHATSAPP_MESSAGING operations. */
  callbackUrl?: string;
  logger: Logger;
  now?: () => number;
  newId?: () => string;
}): AdminAlerter {
  const now = deps.now ?? Date.now;
  const newId = deps.newId ?? randomUUID;
  const log = deps.logger;

  /** true = Intech took it (or may have: an unknown outcome is never resent). */
  async function viaIntech(alertId: string, admin: string, text: string): Promise<boolean> {
    const ext = alertExtId(alertId, admin);
    try {
      await deps.intech!.operation({
        codeService: WHATSAPP_MESSAGING,
        phone: admin,
        message: text,
        externalTransactionId: ext,
        callbackUrl: deps.callbackUrl ?? '',
        data: JSON.stringify({ alertId }),
      });
      log.info({ ext, admin: maskPhone(admin) }, 'admin alert sent through Intech WHATSAPP_MESSAGING');
      return true;
    } catch (err) {
      if (err instanceof IntechUnknownOutcomeError) {
        log.warn({ ext, admin: maskPhone(admin) }, 'admin alert through Intech: outcome unknown, not resent');
        return true;
      }
      log.warn(
        { ext, admin: maskPhone(admin), err: (err as Error).message },
        'admin alert through Intech refused; queued for the chat instead',
      );
      return false;
    }
  }

  return {
    async alert(kind, message, orderId, opts?: AlertOptions) {
      const at = now();
      const id = opts?.key ? `${kind}:${opts.key}` : newId();
      // Durable "already raised": a reconnect loop or a restart does not raise the same outage twice.
      if (opts?.key && !(await deps.store.dedupe.firstSeen(`alert:${id}`, at, KEY_TTL_MS))) return;
      await deps.store.alerts.add({
        id,
        at,
        kind,
        message,
        ...(orderId ? { orderId } : {}),
        resolved: false,
      });
      log.warn({ kind, orderId }, `admin alert: ${message}`);
      const text = alertText(kind, message, orderId);
      const chatUp = deps.channel()?.health().connected ?? false;
      const route = alertRoute(kind, chatUp, deps.intech !== undefined);
      const queued: OutboxInput[] = [];
      // One admin unreachable must not stop the others from hearing about it.
      await Promise.all(
        deps.adminNumbers.map(async (admin) => {
          if (route === 'intech' && (await viaIntech(id, admin, text))) return;
          queued.push({
            id: `alert:${id}:${admin}`,
            chat: admin,
            kind: 'alert',
            payload: { type: 'text', text },
          });
        }),
      );
      if (queued.length > 0) await deps.store.outbox.enqueue(queued, at);
    },
  };
}
