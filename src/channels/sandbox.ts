// The sandbox chat channel: customers are simulated over HTTP (see src/sandbox/routes.ts).
// It keeps every conversation's transcript, including receipts that went through Intech's
// WHATSAPP_MESSAGING (the simulator hands them over), so the product can be tried end to end.
import { randomBytes, randomUUID } from 'node:crypto';
import type { OutboxMessage } from '../store/types.js';
import type { Channel, ChannelHealth, InboundMessage } from './channel.js';

export interface TranscriptMedia {
  id: string;
  mimetype: string;
  url: string;
  name?: string;
}

export interface TranscriptEntry {
  direction: 'in' | 'out';
  text: string;
  via: 'chat' | 'receipt';
  media?: TranscriptMedia;
  at: string;
}

type Listener = (phone: string, entry: TranscriptEntry) => void;

const MAX_ENTRIES_PER_CHAT = 500;
const MAX_MEDIA = 200;
/** Transcripts kept: past this, the chat idle the longest is forgotten (a load test has no end of phones). */
const MAX_CHATS = 5_000;

export interface SandboxChannel extends Channel {
  /** Delivers a customer message and returns what the bot sent back while handling it. */
  receive(from: string, text: string): Promise<TranscriptEntry[]>;
  transcript(phone: string): TranscriptEntry[];
  /** A receipt sent through WHATSAPP_MESSAGING (the simulator calls this). */
  recordReceipt(
    phone: string,
    text: string,
    media?: { base64: string; extension: string; name?: string },
  ): void;
  media(id: string): { mimetype: string; data: Buffer } | undefined;
  subscribe(listener: Listener): () => void;
  /** Phones with a transcript, the least recently active first. */
  phones(): string[];
}

const MIME: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.pdf': 'application/pdf',
};

export function createSandboxChannel(
  opts: {
    mediaBaseUrl?: string;
    now?: () => number;
    /** Sends this chat's outbox now (the drainer): receive() answers with the replies of its message. */
    flushChat?: (chat: string) => Promise<unknown>;
    /** Tells the drainer this chat's turn will flush it (its kicks need not wake the loop); returns the release. */
    holdChat?: (chat: string) => () => void;
    /**
     * Instead of flushChat (several instances on one store): sends the chat's outbox and answers with its
     * rows sent since `since`, by seq (another instance's drainer may have sent this turn's replies, into
     * its own transcript).
     */
    flushSentSince?: (chat: string, since: number) => Promise<OutboxMessage[]>;
    /** Transcripts kept (default 5 000). */
    maxChats?: number;
  } = {},
): SandboxChannel {
  const now = opts.now ?? Date.now;
  const mediaBase = opts.mediaBaseUrl ?? '/sandbox/media';
  const maxChats = Math.max(1, opts.maxChats ?? MAX_CHATS);
  const chats = new Map<string, TranscriptEntry[]>();
  const mediaStore = new Map<string, { mimetype: string; data: Buffer }>();
  const listeners = new Set<Listener>();
  // Collectors capture what is sent to a customer while one of their messages is being handled.
  const collectors = new Map<string, TranscriptEntry[][]>();
  // What this instance delivered, by message id, while a receive() of that chat waits for its replies.
  // Per chat, forgotten with the chat's last collector.
  const deliveredHere = new Map<string, Map<string, TranscriptEntry>>();
  let handler: ((m: InboundMessage) => Promise<void>) | undefined;

  function push(phone: string, entry: TranscriptEntry): void {
    const list = chats.get(phone) ?? [];
    // Re-inserted on every entry: the Map's order is then least recently active first.
    chats.delete(phone);
    chats.set(phone, list);
    if (chats.size > maxChats) chats.delete(chats.keys().next().value as string);
    list.push(entry);
    if (list.length > MAX_ENTRIES_PER_CHAT) list.splice(0, list.length - MAX_ENTRIES_PER_CHAT);
    if (entry.direction === 'out') for (const c of collectors.get(phone) ?? []) c.push(entry);
    for (const l of listeners) l(phone, entry);
  }

  function storeMedia(data: Buffer, mimetype: string, name?: string): TranscriptMedia {
    const id = randomUUID();
    mediaStore.set(id, { mimetype, data });
    if (mediaStore.size > MAX_MEDIA) mediaStore.delete(mediaStore.keys().next().value as string);
    const ext = Object.entries(MIME).find(([, m]) => m === mimetype)?.[0] ?? '';
    return { id, mimetype, url: `${mediaBase}/${id}${ext}`, ...(name ? { name } : {}) };
  }

  const at = () => new Date(now()).toISOString();
  // Ids unique across instances (a process's random prefix) and short: each is kept in the dedupe and
  // outbox keys of every message, for days.
  const instance = randomBytes(6).toString('base64url');
  let seq = 0;
  let outSeq = 0;

  /**
   * The turn's replies in send order, whichever instance sent them: the chat's outbox rows created since
   * the turn started (an earlier turn's, sent meanwhile, are left out). Rows this instance delivered keep
   * their entry (media included); another instance's are added as text, to this transcript too.
   */
  function turnReplies(
    chat: string,
    since: number,
    rows: OutboxMessage[],
    collected: TranscriptEntry[],
  ): TranscriptEntry[] {
    const out: TranscriptEntry[] = [];
    const here = deliveredHere.get(chat) ?? new Map<string, TranscriptEntry>();
    const fromOutbox = new Set(here.values());
    // Strictly after: an earlier turn's last rows may carry the very millisecond this turn started.
    for (const r of rows) {
      if (r.createdAt <= since || !r.waMessageId) continue;
      const local = here.get(r.waMessageId);
      if (local) out.push(local);
      else {
        const text = r.payload.type === 'text' ? r.payload.text : (r.payload.caption ?? '');
        const entry: TranscriptEntry = { direction: 'out', text, via: 'chat', at: at() };
        push(chat, entry);
        out.push(entry);
      }
    }
    // What was not an outbox row (a receipt through WHATSAPP_MESSAGING) keeps its place at the end.
    for (const e of collected) if (!fromOutbox.has(e) && !out.includes(e)) out.push(e);
    return out;
  }

  return {
    kind: 'sandbox',
    async start(h) {
      handler = h;
    },
    async stop() {
      handler = undefined;
    },
    async deliver(chat, payload) {
      const entry: TranscriptEntry =
        payload.type === 'text'
          ? { direction: 'out', text: payload.text, via: 'chat', at: at() }
          : {
              direction: 'out',
              text: payload.caption ?? '',
              via: 'chat',
              media: storeMedia(Buffer.from(payload.imageBase64, 'base64'), 'image/png'),
              at: at(),
            };
      push(chat, entry);
      const waMessageId = `sbx-out-${instance}-${(++outSeq).toString(36)}`;
      if (collectors.has(chat)) {
        const here = deliveredHere.get(chat) ?? new Map<string, TranscriptEntry>();
        deliveredHere.set(chat, here.set(waMessageId, entry));
      }
      return { waMessageId };
    },
    canSend: () => handler !== undefined,
    async setTyping() {},
    health(): ChannelHealth {
      return { connected: handler !== undefined, detail: 'sandbox' };
    },
    async receive(from, text) {
      if (!handler) throw new Error('sandbox channel not started');
      push(from, { direction: 'in', text, via: 'chat', at: at() });
      // Moved to the moment the turn holds the customer's lock (another instance may hold it first).
      let started = now();
      const collected: TranscriptEntry[] = [];
      const list = collectors.get(from) ?? [];
      list.push(collected);
      collectors.set(from, list);
      const release = opts.holdChat?.(from);
      try {
        // Unique across instances too: two instances behind one load balancer share the dedupe.
        await handler({
          id: `sbx-${instance}-${now().toString(36)}-${(++seq).toString(36)}`,
          customerId: from,
          phone: from,
          text,
          at: now(),
          onTurnStart: () => {
            started = now();
          },
        });
        // The replies were queued in the outbox; send them now so this response carries them.
        if (opts.flushSentSince)
          return turnReplies(from, started, await opts.flushSentSince(from, started), collected);
        await opts.flushChat?.(from);
        return collected;
      } finally {
        release?.();
        list.splice(list.indexOf(collected), 1);
        if (list.length === 0) {
          collectors.delete(from);
          deliveredHere.delete(from);
        }
      }
    },
    transcript(phone) {
      return [...(chats.get(phone) ?? [])];
    },
    recordReceipt(phone, text, media) {
      const m = media
        ? storeMedia(
            Buffer.from(media.base64, 'base64'),
            MIME[media.extension.toLowerCase()] ?? 'application/octet-stream',
            media.name,
          )
        : undefined;
      push(phone, { direction: 'out', text, via: 'receipt', ...(m ? { media: m } : {}), at: at() });
    },
    media(id) {
      return mediaStore.get(id.replace(/\.[a-z]+$/i, ''));
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    phones() {
      return [...chats.keys()];
    },
  };
}
