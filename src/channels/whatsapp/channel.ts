// The WhatsApp channel on Baileys: connection lifecycle (QR / pairing code, reconnect policy),
// inbound filtering + dedupe + read receipts + typing, the send primitive the outbox drainer calls (rate,
// order and retries live in src/outbox), and WhatsApp's delivery acknowledgements (messages.update).
import {
  Browsers,
  fetchLatestWaWebVersion,
  jidNormalizedUser,
  makeCacheableSignalKeyStore,
  type ConnectionState,
  type WAMessage,
  type WAVersion,
} from '@whiskeysockets/baileys';
import qrcode from 'qrcode-terminal';
import type { Logger } from '../../logger.js';
import { type DeliveryUpdate, deliveryStatusOf } from '../../outbox/delivery.js';
import { ChannelNotReadyError, PermanentSendError } from '../../outbox/errors.js';
import type { DedupeRepo, KvRepo, OutboxPayload } from '../../store/types.js';
import type { Channel, InboundMessage } from '../channel.js';
import { type KvAuthState, useKvAuthState } from './auth-state.js';
import { createMessageDedupe } from './dedupe.js';
import { type BackoffOptions, backoffDelay, disconnectAction, statusCodeOf } from './disconnect.js';
import { skipReason, toIncoming } from './incoming.js';
import { customerIdToJid, phoneDigits, shouldIgnoreJid } from './jid.js';
import { createLruCacheStore, createSentMessageStore, LruMap } from './sent-store.js';
import { defaultSocketFactory, type SocketFactory, type WaSocketLike } from './socket.js';

export type WhatsAppState = 'connecting' | 'open' | 'closed' | 'logged_out' | 'stopped';

export interface WhatsAppChannelDeps {
  kv: KvRepo;
  dedupe: DedupeRepo;
  logger: Logger;
  /** Bot's own number, digits or E.164: link with a pairing code instead of a QR. */
  pairingNumber?: string;
  socketFactory?: SocketFactory;
  /** WhatsApp's acknowledgements of sent messages (server ack, delivered, read, error). */
  onDelivery?: (update: DeliveryUpdate) => void;
  /** 403 / 440 / logged out / long outage: the lead wires this to admin alerts. */
  onAlert?: (kind: string, message: string) => void | Promise<void>;
  printQr?: (qr: string) => void;
  printPairingCode?: (code: string) => void;
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** WhatsApp Web version; when absent it is fetched once (5 s timeout) with the library's as fallback. */
  version?: WAVersion;
  fetchVersion?: () => Promise<WAVersion | undefined>;
  /** KvRepo namespace of the auth state (one process per namespace). */
  authNamespace?: string;
  reconnectBackoff?: BackoffOptions;
  /** Alert once this many reconnects in a row failed (default 5). */
  alertAfterAttempts?: number;
  /** Offline messages older than this are not answered (default 24 h). */
  maxMessageAgeMs?: number;
  /** A sendMessage not answered within this is treated as failed and retried (default 30 s). */
  sendTimeoutMs?: number;
}

export type WhatsAppChannel = Channel & {
  state(): WhatsAppState;
  /** After a logout or a fatal stop: start again from a fresh connection (new QR / pairing code). */
  relink(): Promise<void>;
};

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function defaultPrintQr(qr: string): void {
  qrcode.generate(qr, { small: true }, (art) => {
    process.stdout.write(`\nScan with WhatsApp > Linked devices > Link a device:\n${art}\n`);
  });
}

function defaultPrintPairingCode(code: string): void {
  const shown = code.length === 8 ? `${code.slice(0, 4)}-${code.slice(4)}` : code;
  process.stdout.write(
    `\nWhatsApp pairing code: ${shown}\nOn the bot's phone: WhatsApp > Linked devices > Link a device > Link with phone number instead.\n`,
  );
}

async function fetchVersionGuarded(): Promise<WAVersion | undefined> {
  try {
    const res = await fetchLatestWaWebVersion({ signal: AbortSignal.timeout(5_000) });
    return res.version;
  } catch {
    return undefined; // the library's bundled version is used
  }
}

export const HOW_TO_PAIR =
  'To link the bot again: restart it and scan the QR code it prints (WhatsApp > Linked devices > Link a device), ' +
  'or set WHATSAPP_PAIRING_NUMBER to the bot number to get a pairing code instead.';

export function createWhatsAppChannel(deps: WhatsAppChannelDeps): WhatsAppChannel {
  const log = deps.logger.child({ module: 'whatsapp' });
  // Baileys is chatty: at most warnings from it, and never more verbose than our own logger.
  const baileysLog = deps.logger.child(
    { module: 'baileys' },
    { level: deps.logger.levelVal < 40 ? 'warn' : deps.logger.level },
  );
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const sleep = deps.sleep ?? defaultSleep;
  const factory = deps.socketFactory ?? defaultSocketFactory;
  const printQr = deps.printQr ?? defaultPrintQr;
  const printPairingCode = deps.printPairingCode ?? defaultPrintPairingCode;
  const maxAgeMs = deps.maxMessageAgeMs ?? 24 * 60 * 60 * 1000;
  const sendTimeoutMs = deps.sendTimeoutMs ?? 30_000;
  const alertAfter = deps.alertAfterAttempts ?? 5;
  const pairingDigits = deps.pairingNumber ? phoneDigits(deps.pairingNumber) : undefined;

  const dedupe = createMessageDedupe(deps.dedupe, now);
  const sent = createSentMessageStore(1000);
  const retryCounters = createLruCacheStore(5000);
  /** customerId -> the chat JID the customer last wrote from (a LID chat stays a LID chat). */
  const chatOf = new LruMap<string>(20_000);
  const inboundChains = new Map<string, Promise<void>>();

  let state: WhatsAppState = 'closed';
  let handler: ((m: InboundMessage) => Promise<void>) | undefined;
  let auth: KvAuthState | undefined;
  let keys: ReturnType<typeof makeCacheableSignalKeyStore> | undefined;
  let version: WAVersion | undefined;
  let current: WaSocketLike | undefined;
  let stopped = false;
  let attempts = 0;
  /** A QR / pairing code is out and not used yet: waiting for a human, not broken (health().pairing). */
  let awaitingLink = false;

  const alert = (kind: string, message: string) => {
    log.error({ kind }, message);
    try {
      void Promise.resolve(deps.onAlert?.(kind, message)).catch((err) => log.error({ err }, 'alert failed'));
    } catch (err) {
      log.error({ err }, 'alert failed');
    }
  };

  const resolveVersion = async (): Promise<WAVersion | undefined> => {
    try {
      return await (deps.fetchVersion ?? fetchVersionGuarded)();
    } catch (err) {
      log.warn({ err }, 'WhatsApp Web version lookup failed; using the library default');
      return undefined;
    }
  };

  const jidFor = (customerId: string): string => chatOf.get(customerId) ?? customerIdToJid(customerId);

  function connect(): void {
    if (stopped || !auth || !keys) return;
    state = 'connecting';
    let pairingRequested = false;
    const sock = factory({
      auth: { creds: auth.state.creds, keys },
      logger: baileysLog,
      ...(version ? { version } : {}),
      browser: Browsers.macOS('Chrome'),
      markOnlineOnConnect: false,
      syncFullHistory: false,
      shouldIgnoreJid,
      msgRetryCounterCache: retryCounters,
      generateHighQualityLinkPreview: false,
      getMessage: async (key) => sent.get(key),
    });
    current = sock;
    const authState = auth;

    sock.ev.on('creds.update', () => {
      authState.saveCreds().catch((err) => log.error({ err }, 'saving WhatsApp creds failed'));
    });

    sock.ev.on('connection.update', (update: Partial<ConnectionState>) => {
      if (current !== sock) return; // a dead socket's late events
      if (update.qr) {
        awaitingLink = true;
        if (pairingDigits && !authState.state.creds.registered) {
          if (!pairingRequested) {
            pairingRequested = true;
            sock.requestPairingCode(pairingDigits).then(
              (code) => {
                log.info('WhatsApp pairing code issued');
                printPairingCode(code);
              },
              (err) => {
                pairingRequested = false; // try again on the next QR refresh
                log.error({ err }, 'WhatsApp pairing code request failed');
              },
            );
          }
        } else {
          printQr(update.qr);
        }
      }
      if (update.connection === 'open') {
        state = 'open';
        awaitingLink = false;
        attempts = 0;
        log.info({ me: sock.user?.id }, 'WhatsApp connected');
      } else if (update.connection === 'close') {
        void onClose(update);
      }
    });

    sock.ev.on('messages.update', (updates) => {
      for (const { key, update } of updates) {
        const status = deliveryStatusOf(update.status);
        if (!key.fromMe || !key.id || !status) continue;
        const error = status === 'error' ? update.messageStubParameters?.[0] : undefined;
        try {
          deps.onDelivery?.({ waMessageId: key.id, status, at: now(), ...(error ? { error } : {}) });
        } catch (err) {
          log.error({ err }, 'delivery status handler failed');
        }
      }
    });

    sock.ev.on('messages.upsert', ({ messages, type }) => {
      if (current !== sock) return;
      for (const msg of messages) {
        const raw = msg.key?.remoteJid ?? '';
        const chat = jidNormalizedUser(raw) || raw;
        const previous = inboundChains.get(chat) ?? Promise.resolve();
        const next = previous.then(() => onInbound(sock, msg, type));
        inboundChains.set(chat, next);
        void next.then(() => {
          if (inboundChains.get(chat) === next) inboundChains.delete(chat);
        });
      }
    });
  }

  async function onClose(update: Partial<ConnectionState>): Promise<void> {
    current = undefined;
    if (stopped) return;
    state = 'closed';
    const code = statusCodeOf(update.lastDisconnect?.error);
    const action = disconnectAction(code);
    log.warn({ code, action }, 'WhatsApp connection closed');
    switch (action) {
      case 'restart':
        connect();
        return;
      case 'reconnect': {
        attempts++;
        if (attempts === alertAfter) {
          alert(
            'whatsapp_down',
            `WhatsApp keeps disconnecting (code ${code ?? 'none'}, ${attempts} attempts); still retrying.`,
          );
        }
        const delay = backoffDelay(attempts, random, deps.reconnectBackoff);
        // 405: WhatsApp rejects our client version; look up the current one (unless pinned).
        const refresh = code === 405 && !deps.version ? resolveVersion() : Promise.resolve(version);
        const [fresh] = await Promise.all([refresh, sleep(delay)]);
        version = fresh ?? version;
        if (!stopped && current === undefined && state === 'closed') connect();
        return;
      }
      case 'logout': {
        state = 'logged_out';
        try {
          await auth?.clear();
          // Drop the key cache too, or a relink would be served the dead session's keys.
          if (auth) keys = makeCacheableSignalKeyStore(auth.state.keys, baileysLog);
        } catch (err) {
          log.error({ err }, 'clearing the WhatsApp auth state failed');
        }
        alert(
          'whatsapp_logged_out',
          `WhatsApp session ended (code ${code}: ${code === 411 ? 'multi-device mismatch' : 'logged out'}); the saved session was deleted. ${HOW_TO_PAIR}`,
        );
        return;
      }
      case 'fatal': {
        state = 'stopped';
        stopped = true;
        const why =
          code === 403
            ? 'WhatsApp refused the connection (403: number banned or locked). The bot stopped; check the number in the WhatsApp app.'
            : 'Another client took over this WhatsApp session (440: connection replaced). The bot stopped so the two do not fight; make sure only one bot process uses this session, then restart it.';
        alert(code === 403 ? 'whatsapp_forbidden' : 'whatsapp_replaced', why);
        return;
      }
    }
  }

  async function onInbound(sock: WaSocketLike, msg: WAMessage, type: string): Promise<void> {
    try {
      const reason = skipReason(msg);
      if (reason) {
        log.debug({ reason, type }, 'WhatsApp message ignored');
        return;
      }
      const incoming = await toIncoming(msg, (lid) => sock.signalRepository.lidMapping.getPNForLID(lid), now);
      if (!incoming) return;
      const chat = jidNormalizedUser(msg.key.remoteJid as string);
      if (!(await dedupe.firstSeen(chat, incoming.id))) {
        log.debug({ type }, 'WhatsApp duplicate message ignored');
        return;
      }
      if (now() - incoming.at > maxAgeMs) {
        log.info({ type }, 'WhatsApp message too old, not answered');
        return;
      }
      chatOf.set(incoming.customerId, chat);
      await sock.readMessages([msg.key]).catch((err) => log.warn({ err }, 'read receipt failed'));
      await presence(sock, chat, true);
      try {
        await handler?.(incoming);
      } catch (err) {
        log.error({ err }, 'WhatsApp message handler failed');
      } finally {
        await presence(current ?? sock, chat, false);
      }
    } catch (err) {
      // e.g. the dedupe store is down: skip rather than risk answering twice
      log.error({ err }, 'WhatsApp inbound processing failed');
    }
  }

  async function presence(sock: WaSocketLike, jid: string, typing: boolean): Promise<void> {
    try {
      await sock.sendPresenceUpdate(typing ? 'composing' : 'paused', jid);
    } catch (err) {
      log.debug({ err }, 'presence update failed');
    }
  }

  async function deliver(chat: string, payload: OutboxPayload): Promise<{ waMessageId?: string }> {
    const sock = current;
    if (state !== 'open' || !sock) throw new ChannelNotReadyError(`WhatsApp is ${state}`);
    let jid: string;
    try {
      jid = jidFor(chat);
    } catch (err) {
      throw new PermanentSendError((err as Error).message); // no address will ever come of it
    }
    const content =
      payload.type === 'text'
        ? { text: payload.text }
        : {
            image: Buffer.from(payload.imageBase64, 'base64'),
            ...(payload.caption ? { caption: payload.caption } : {}),
          };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('WhatsApp send timed out')), sendTimeoutMs);
      timer.unref?.();
    });
    try {
      // A timeout may still have sent it: the drainer retries (at-least-once, see src/outbox/drainer.ts).
      const msg = await Promise.race([sock.sendMessage(jid, content), timeout]);
      sent.remember(msg);
      return msg?.key?.id ? { waMessageId: msg.key.id } : {};
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    kind: 'whatsapp',
    state: () => state,

    async start(h) {
      if (handler) throw new Error('WhatsApp channel already started');
      handler = h;
      stopped = false;
      auth = await useKvAuthState(deps.kv, deps.authNamespace);
      keys = makeCacheableSignalKeyStore(auth.state.keys, baileysLog);
      version = deps.version ?? (await resolveVersion());
      connect();
    },

    async stop() {
      stopped = true;
      state = 'stopped';
      const sock = current;
      current = undefined;
      try {
        await sock?.end(undefined);
      } catch (err) {
        log.debug({ err }, 'closing the WhatsApp socket failed');
      }
    },

    async relink() {
      if (!auth) throw new Error('WhatsApp channel not started');
      if (state !== 'logged_out' && state !== 'stopped') return;
      stopped = false;
      attempts = 0;
      connect();
    },

    deliver,

    canSend: () => state === 'open' && current !== undefined,

    async setTyping(customerId, typing) {
      if (state !== 'open' || !current) return;
      await presence(current, jidFor(customerId), typing);
    },

    health: () => ({
      connected: state === 'open',
      detail: state,
      ...(state !== 'open' && awaitingLink ? { pairing: true } : {}),
    }),
  };
}
