// The WhatsApp channel on Baileys: connection lifecycle (QR / pairing code, reconnect policy),
// inbound filtering + dedupe + read receipts + typing, the send primitive the outbox drainer calls (rate,
// order and retries live in src/outbox), and WhatsApp's delivery acknowledgements (messages.update).
import {
  Browsers,
  fetchLatestWaWebVersion,
  isLidUser,
  jidNormalizedUser,
  makeCacheableSignalKeyStore,
  type ConnectionState,
  type WAMessage,
  type WAVersion,
} from '@whiskeysockets/baileys';
import qrcode from 'qrcode-terminal';
import type { Logger } from '../../logger.js';
import { type DeliveryUpdate, deliveryStatusOf } from '../../outbox/delivery.js';
import { waMessageIdFor } from './message-id.js';
import { ChannelNotReadyError, PermanentSendError } from '../../outbox/errors.js';
import type { DedupeRepo, KvRepo, OutboxPayload } from '../../store/types.js';
import type { Channel, InboundMessage } from '../channel.js';
import { type KvAuthState, useKvAuthState } from './auth-state.js';
import { createMessageDedupe } from './dedupe.js';
import { type BackoffOptions, backoffDelay, disconnectAction, statusCodeOf } from './disconnect.js';
import { skipReason, toIncoming } from './incoming.js';
import { customerIdToJid, phoneDigits, shouldIgnoreJid } from './jid.js';
import { createLidIdentities, phoneOfMapping } from './lid-map.js';
import { closePlan, isLinked, type LinkStatus, type WhatsAppState } from './link.js';
import { createLruCacheStore, createSentMessageStore, LruMap } from './sent-store.js';
import { defaultSocketFactory, type SocketFactory, type WaSocketLike } from './socket.js';

export type { LinkStatus, WhatsAppState } from './link.js';

export interface WhatsAppChannelDeps {
  kv: KvRepo;
  dedupe: DedupeRepo;
  logger: Logger;
  /** Bot's own number, digits or E.164: link with a pairing code instead of a QR. */
  pairingNumber?: string;
  socketFactory?: SocketFactory;
  /** WhatsApp's acknowledgements of sent messages (server ack, delivered, read, error). */
  onDelivery?: (update: DeliveryUpdate) => void;
  /** 403 / 440 / logged out: wired to admin alerts (a long outage is the outage watch's, src/admin). */
  onAlert?: (kind: string, message: string) => void | Promise<void>;
  /**
   * A chat known by its LID got its phone number: merge the LID-only customer into the phone one
   * (src/customers/merge.ts). Awaited before that chat's next message is handed on.
   */
  onLidMapped?: (lidJid: string, phone: string) => Promise<void>;
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
  /** Offline messages older than this are not answered (default 24 h). */
  maxMessageAgeMs?: number;
  /** A sendMessage not answered within this is treated as failed and retried (default 30 s). */
  sendTimeoutMs?: number;
}

export type WhatsAppChannel = Channel & {
  state(): WhatsAppState;
  /** State, QR and pairing code for the admin dashboard (never for /healthz: the QR is a credential). */
  link(): LinkStatus;
  /**
   * Admin action. Logged out or never linked: a fresh pairing now (new QR / pairing code). Stopped
   * (403 / 440): connect again with the kept session. Already open: nothing.
   */
  relink(): Promise<'relinking' | 'already_open'>;
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
  'To link the bot again: press "Relink" on the admin dashboard (/admin) or send the admin command *relink*, ' +
  'then scan the QR code shown there (WhatsApp > Linked devices > Link a device), ' +
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
  const pairingDigits = deps.pairingNumber ? phoneDigits(deps.pairingNumber) : undefined;

  const dedupe = createMessageDedupe(deps.dedupe, now);
  const sent = createSentMessageStore(1000);
  const retryCounters = createLruCacheStore(5000);
  /** customerId -> the chat JID the customer last wrote from (a LID chat stays a LID chat). */
  const chatOf = new LruMap<string>(20_000);
  const inboundChains = new Map<string, Promise<void>>();

  let state: WhatsAppState = 'closed';
  let stateSince = now();
  /** QR / pairing code of the live socket (they die with it) and the last close, for link(). */
  let linkInfo: Pick<LinkStatus, 'qr' | 'qrAt' | 'pairingCode' | 'pairingCodeAt' | 'lastDisconnect'> = {};
  let handler: ((m: InboundMessage) => Promise<void>) | undefined;
  let auth: KvAuthState | undefined;
  let keys: ReturnType<typeof makeCacheableSignalKeyStore> | undefined;
  let version: WAVersion | undefined;
  let current: WaSocketLike | undefined;
  let stopped = false;
  let attempts = 0;

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

  const setState = (next: WhatsAppState) => {
    if (next !== state) stateSince = now();
    state = next;
  };

  const identities = createLidIdentities({
    kv: deps.kv,
    logger: log,
    ...(deps.onLidMapped ? { onMapped: deps.onLidMapped } : {}),
  });

  /** Runs work after everything already queued for this chat (inbound messages, merges). */
  const onChat = (chat: string, work: () => Promise<void>) => {
    const previous = inboundChains.get(chat) ?? Promise.resolve();
    const next = previous.then(work);
    inboundChains.set(chat, next);
    void next.then(() => {
      if (inboundChains.get(chat) === next) inboundChains.delete(chat);
    });
  };

  const mapped = async (lidJid: string, phone: string) => {
    try {
      await identities.seen(lidJid, phone);
    } catch (err) {
      log.error(
        { err },
        'recording / merging a WhatsApp LID identity failed; tried again on the next message',
      );
    }
  };

  /** Forget a half-made or dead session; the key cache too, or the next socket would be served its keys. */
  async function resetAuth(): Promise<void> {
    try {
      await auth?.clear();
      if (auth) keys = makeCacheableSignalKeyStore(auth.state.keys, baileysLog);
    } catch (err) {
      log.error({ err }, 'clearing the WhatsApp auth state failed');
    }
  }

  function connect(): void {
    if (stopped || !auth || !keys) return;
    setState('connecting');
    linkInfo = { ...(linkInfo.lastDisconnect ? { lastDisconnect: linkInfo.lastDisconnect } : {}) };
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
        linkInfo.qr = update.qr;
        linkInfo.qrAt = now();
        if (pairingDigits && !authState.state.creds.registered) {
          if (!pairingRequested) {
            pairingRequested = true;
            sock.requestPairingCode(pairingDigits).then(
              (code) => {
                log.info('WhatsApp pairing code issued');
                if (current === sock) {
                  linkInfo.pairingCode = code;
                  linkInfo.pairingCodeAt = now();
                }
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
        setState('open');
        linkInfo = {};
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
        onChat(chat, () => onInbound(sock, msg, type));
      }
    });

    // The server tells a LID's number: the merge runs in that chat's queue, between its messages.
    sock.ev.on('lid-mapping.update', ({ lid, pn }) => {
      const chat = jidNormalizedUser(lid) || lid;
      const phone = phoneOfMapping(pn);
      if (!isLidUser(chat) || !phone) return;
      onChat(chat, () => mapped(chat, phone));
    });
  }

  async function onClose(update: Partial<ConnectionState>): Promise<void> {
    current = undefined;
    if (stopped) return;
    setState('closed');
    const code = statusCodeOf(update.lastDisconnect?.error);
    // The QR / pairing code died with the socket.
    linkInfo = { lastDisconnect: { code: code ?? null, at: now() } };
    const action = auth ? closePlan(code, auth.state.creds) : disconnectAction(code);
    log.warn({ code, action }, 'WhatsApp connection closed');
    switch (action) {
      case 'restart':
        connect();
        return;
      case 'repair': {
        // Never linked: no logout, no alert; a fresh QR / pairing code after a short wait.
        attempts++;
        log.info({ code }, 'WhatsApp pairing not completed; starting a fresh pairing');
        await resetAuth();
        await sleep(backoffDelay(attempts, random, deps.reconnectBackoff));
        if (!stopped && current === undefined && state === 'closed') connect();
        return;
      }
      case 'reconnect': {
        // Reconnect attempts do not alert: the outage watch (src/admin) alerts once per outage.
        attempts++;
        const delay = backoffDelay(attempts, random, deps.reconnectBackoff);
        // 405: WhatsApp rejects our client version; look up the current one (unless pinned).
        const refresh = code === 405 && !deps.version ? resolveVersion() : Promise.resolve(version);
        const [fresh] = await Promise.all([refresh, sleep(delay)]);
        version = fresh ?? version;
        if (!stopped && current === undefined && state === 'closed') connect();
        return;
      }
      case 'logout': {
        // A linked session really ended: wait for an admin's relink (dashboard / command).
        setState('logged_out');
        await resetAuth();
        alert(
          'whatsapp_logged_out',
          `WhatsApp session ended (code ${code}: ${code === 411 ? 'multi-device mismatch' : 'logged out'}); the saved session was deleted. ${HOW_TO_PAIR}`,
        );
        return;
      }
      case 'fatal': {
        setState('stopped');
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
      // Baileys' mapping is a local cache; the persisted one answers after a restart or a miss.
      const incoming = await toIncoming(
        msg,
        async (lid) => (await sock.signalRepository.lidMapping.getPNForLID(lid)) ?? identities.pnJidFor(lid),
        now,
      );
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
      // Before the message is handed on: its customer is the merged phone-number one.
      if (incoming.phone && isLidUser(chat)) await mapped(chat, incoming.phone);
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

  async function deliver(
    chat: string,
    payload: OutboxPayload,
    outboxId?: string,
  ): Promise<{ waMessageId?: string }> {
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
      const sending = outboxId
        ? sock.sendMessage(jid, content, { messageId: waMessageIdFor(outboxId) })
        : sock.sendMessage(jid, content);
      const msg = await Promise.race([sending, timeout]);
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
      setState('stopped');
      const sock = current;
      current = undefined;
      try {
        await sock?.end(undefined);
      } catch (err) {
        log.debug({ err }, 'closing the WhatsApp socket failed');
      }
    },

    link: () => ({
      state,
      linked: auth ? isLinked(auth.state.creds) : false,
      since: stateSince,
      ...linkInfo,
    }),

    async relink() {
      if (!auth) throw new Error('WhatsApp channel not started');
      if (state === 'open') return 'already_open';
      log.info({ state }, 'WhatsApp relink requested');
      stopped = false;
      attempts = 0;
      // A dead (logged out) or half-made session is wiped: the new socket shows a fresh QR / code.
      if (state === 'logged_out' || !isLinked(auth.state.creds)) await resetAuth();
      const old = current;
      current = undefined; // its close event is ignored; a pending backoff sees the new socket
      try {
        await old?.end(undefined);
      } catch (err) {
        log.debug({ err }, 'closing the old WhatsApp socket failed');
      }
      connect();
      return 'relinking';
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
      // Never linked: waiting for a human to scan / type a code (even before WhatsApp sent a QR, e.g.
      // no network yet), not broken; a logged-out or stopped channel needs a human too, but is not fine.
      ...(state !== 'open' &&
      state !== 'logged_out' &&
      state !== 'stopped' &&
      auth &&
      !isLinked(auth.state.creds)
        ? { pairing: true }
        : {}),
    }),
  };
}
