// The sandbox chat channel: customers are simulated over HTTP (see src/sandbox/routes.ts).
// It keeps every conversation's transcript, including receipts that went through Intech's
// WHATSAPP_MESSAGING (the simulator hands them over), so the product can be tried end to end.
import { randomUUID } from 'node:crypto';
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
  } = {},
): SandboxChannel {
  const now = opts.now ?? Date.now;
  const mediaBase = opts.mediaBaseUrl ?? '/sandbox/media';
  const chats = new Map<string, TranscriptEntry[]>();
  const mediaStore = new Map<string, { mimetype: string; data: Buffer }>();
  const listeners = new Set<Listener>();
  // Collectors capture what is sent to a customer while one of their messages is being handled.
  const collectors = new Map<string, TranscriptEntry[][]>();
  let handler: ((m: InboundMessage) => Promise<void>) | undefined;

  function push(phone: string, entry: TranscriptEntry): void {
    const list = chats.get(phone) ?? [];
    if (!chats.has(phone)) chats.set(phone, list);
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
  let seq = 0;
  let outSeq = 0;

  return {
    kind: 'sandbox',
    async start(h) {
      handler = h;
    },
    async stop() {
      handler = undefined;
    },
    async deliver(chat, payload) {
      if (payload.type === 'text')
        push(chat, { direction: 'out', text: payload.text, via: 'chat', at: at() });
      else
        push(chat, {
          direction: 'out',
          text: payload.caption ?? '',
          via: 'chat',
          media: storeMedia(Buffer.from(payload.imageBase64, 'base64'), 'image/png'),
          at: at(),
        });
      return { waMessageId: `sbx-out-${++outSeq}-${randomUUID()}` };
    },
    canSend: () => handler !== undefined,
    async setTyping() {},
    health(): ChannelHealth {
      return { connected: handler !== undefined, detail: 'sandbox' };
    },
    async receive(from, text) {
      if (!handler) throw new Error('sandbox channel not started');
      push(from, { direction: 'in', text, via: 'chat', at: at() });
      const collected: TranscriptEntry[] = [];
      const list = collectors.get(from) ?? [];
      list.push(collected);
      collectors.set(from, list);
      try {
        // Unique across instances too: two instances behind one load balancer share the dedupe.
        await handler({
          id: `sbx-${now()}-${++seq}-${randomUUID()}`,
          customerId: from,
          phone: from,
          text,
          at: now(),
        });
        // The replies were queued in the outbox; send them now so this response carries them.
        await opts.flushChat?.(from);
      } finally {
        list.splice(list.indexOf(collected), 1);
        if (list.length === 0) collectors.delete(from);
      }
      return collected;
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
