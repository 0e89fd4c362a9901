// What the customer sees: a channel that records every message the outbox drainer delivers, and the
// outbox + drainer wired on a store the way src/bot.ts wires them (no rate, fast polls for tests).
import { createDrainer, type Drainer, type DrainerDeps } from '../../src/outbox/drainer.js';
import { createOutbox, type Outbox } from '../../src/outbox/outbox.js';
import { createPacer } from '../../src/outbox/pacer.js';
import type { OutboxPayload, Store } from '../../src/store/types.js';

export interface SentMessage {
  customerId: string;
  kind: 'text' | 'image';
  text?: string;
  png?: Buffer;
  caption?: string;
  waMessageId: string;
  at: number;
}

export function recordingChannel() {
  const sent: SentMessage[] = [];
  let n = 0;
  const ch = {
    sent,
    /** Every deliver throws (a transient error: the drainer retries). */
    failing: false,
    connected: true,
    canSend(): boolean {
      return ch.connected;
    },
    async deliver(chat: string, payload: OutboxPayload): Promise<{ waMessageId: string }> {
      if (ch.failing) throw new Error('channel down');
      const waMessageId = `WA${++n}`;
      if (payload.type === 'text')
        sent.push({ customerId: chat, kind: 'text', text: payload.text, waMessageId, at: Date.now() });
      else
        sent.push({
          customerId: chat,
          kind: 'image',
          png: Buffer.from(payload.imageBase64, 'base64'),
          ...(payload.caption ? { caption: payload.caption } : {}),
          waMessageId,
          at: Date.now(),
        });
      return { waMessageId };
    },
    texts(customerId?: string): string[] {
      return sent
        .filter((m) => m.kind === 'text' && (!customerId || m.customerId === customerId))
        .map((m) => m.text!);
    },
    images(customerId?: string): SentMessage[] {
      return sent.filter((m) => m.kind === 'image' && (!customerId || m.customerId === customerId));
    },
  };
  return ch;
}

export type RecordingChannel = ReturnType<typeof recordingChannel>;

let owners = 0;

/** An outbox and a running drainer on `store`, delivering to `channel`. */
export function wireOutbox(
  store: Pick<Store, 'outbox'>,
  channel: DrainerDeps['channel'],
  over: Partial<DrainerDeps> = {},
): { outbox: Outbox; drainer: Drainer; stop(): Promise<void> } {
  let drainer: Drainer | undefined;
  const outbox = createOutbox({ store, kick: () => drainer?.kick() });
  drainer = createDrainer({
    outbox: store.outbox,
    channel,
    owner: `test-${++owners}`,
    pacer: createPacer({ now: Date.now, random: () => 0 }),
    now: Date.now,
    random: () => 0.5,
    pollMs: 10,
    retryBaseMs: 20,
    retryMaxMs: 100,
    maxAttempts: 10_000,
    errorPauseMs: 50,
    ...over,
  });
  drainer.start();
  const d = drainer;
  return { outbox, drainer: d, stop: () => d.stop() };
}
