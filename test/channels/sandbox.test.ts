import { afterEach, describe, expect, it } from 'vitest';
import { createSandboxChannel, type SandboxChannel } from '../../src/channels/sandbox.js';
import { flushSentSince } from '../../src/outbox/flush-sent.js';
import { text } from '../../src/outbox/outbox.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { wireOutbox } from '../helpers/outbox.js';

/** The sandbox as src/bot.ts builds it: the bot's messages go through the outbox and its drainer. */
function sandbox(opts: Parameters<typeof createSandboxChannel>[0] = {}) {
  const store = createMemoryStore();
  let wired: ReturnType<typeof wireOutbox> | undefined;
  const ch: SandboxChannel = createSandboxChannel({
    ...opts,
    flushChat: (chat) => wired!.drainer.flushChat(chat),
  });
  wired = wireOutbox(store, ch);
  stops.push(wired.stop);
  let n = 0;
  const say = (chat: string, t: string) =>
    wired!.outbox.send([{ id: `m${++n}`, chat, kind: 'reply', payload: text(t) }]);
  return { ch, store, outbox: wired.outbox, say };
}

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

describe('sandbox channel', () => {
  it('two instances on one store: the reply another instance sent still answers this request', async () => {
    // As PostgreSQL does: a sent text keeps its words (the other instance reads them back).
    const store = createMemoryStore({ keepSentText: true });
    let wiredA: ReturnType<typeof wireOutbox> | undefined;
    let wiredB: ReturnType<typeof wireOutbox> | undefined;
    // As src/bot.ts wires a sandbox on a shared (PostgreSQL) store.
    const a = createSandboxChannel({
      flushSentSince: flushSentSince((c, check) => wiredA!.drainer.flushChat(c, undefined, check)),
    });
    const b = createSandboxChannel({
      flushSentSince: flushSentSince((c, check) => wiredB!.drainer.flushChat(c, undefined, check)),
    });
    wiredA = wireOutbox(store, a);
    wiredB = wireOutbox(store, b);
    stops.push(wiredA.stop, wiredB.stop);
    await b.start(async () => {});
    await a.start(async (m) => {
      m.onTurnStart?.(); // as bot.ts does once the turn holds the customer's lock
      await new Promise((r) => setTimeout(r, 2)); // rows of this turn come after its start
      // Queued without waking A's drainer: instance B's drainer gets there first (its poll, its own kick).
      await store.outbox.enqueue(
        [{ id: 'r1', chat: m.customerId, kind: 'reply', payload: text('first') }],
        Date.now(),
      );
      await wiredB!.drainer.flushChat(m.customerId);
      await wiredA!.outbox.send([{ id: 'r2', chat: m.customerId, kind: 'reply', payload: text('second') }]);
    });
    const replies = await a.receive('+221770000001', 'menu');
    expect(replies.map((r) => r.text)).toEqual(['first', 'second']);
    expect(b.transcript('+221770000001').map((e) => e.text)).toEqual(['first']);
    expect(a.transcript('+221770000001').map((e) => e.text)).toEqual(['menu', 'second', 'first']);
  });

  it('returns what the bot sent while handling the message, and keeps the whole transcript', async () => {
    const { ch, outbox, say } = sandbox({ now: () => Date.parse('2026-11-29T10:00:00Z') });
    await ch.start(async (m) => {
      await say(m.customerId, `echo: ${m.text}`);
      await outbox.send([
        {
          id: 'img',
          chat: m.customerId,
          kind: 'receipt',
          payload: { type: 'image', imageBase64: Buffer.from('png').toString('base64'), caption: 'caption' },
        },
      ]);
    });
    const replies = await ch.receive('+221771234567', 'salut');
    expect(replies.map((r) => r.text)).toEqual(['echo: salut', 'caption']);
    expect(replies[1]?.media?.mimetype).toBe('image/png');
    expect(ch.media(replies[1]!.media!.id)?.data.toString()).toBe('png');
    // Later messages (an order's notice) reach the transcript when the drainer sends them.
    await say('+221771234567', 'later');
    const until = Date.now() + 2_000;
    while (ch.transcript('+221771234567').length < 4 && Date.now() < until)
      await new Promise((r) => setTimeout(r, 10));
    ch.recordReceipt('+221771234567', 'Reçu', {
      base64: Buffer.from('img').toString('base64'),
      extension: '.png',
    });
    const t = ch.transcript('+221771234567');
    expect(t.map((e) => [e.direction, e.via, e.text])).toEqual([
      ['in', 'chat', 'salut'],
      ['out', 'chat', 'echo: salut'],
      ['out', 'chat', 'caption'],
      ['out', 'chat', 'later'],
      ['out', 'receipt', 'Reçu'],
    ]);
    const receipt = t[4]!;
    expect(receipt.media?.url).toMatch(/^\/sandbox\/media\/.+\.png$/);
    expect(ch.media(receipt.media!.url.split('/').pop()!)?.data.toString()).toBe('img');
  });

  it('does not mix customers handled at the same time', async () => {
    const { ch, say } = sandbox();
    await ch.start(async (m) => {
      await new Promise((r) => setTimeout(r, m.text === 'slow' ? 30 : 1));
      await say(m.customerId, `for ${m.customerId}`);
    });
    const [a, b] = await Promise.all([
      ch.receive('+221771111111', 'slow'),
      ch.receive('+221772222222', 'fast'),
    ]);
    expect(a.map((r) => r.text)).toEqual(['for +221771111111']);
    expect(b.map((r) => r.text)).toEqual(['for +221772222222']);
  });

  it('notifies subscribers of every new entry', async () => {
    const { ch } = sandbox();
    await ch.start(async () => {});
    const seen: string[] = [];
    const off = ch.subscribe((p, e) => seen.push(`${p}:${e.direction}:${e.text}`));
    await ch.receive('+221771234567', 'a');
    off();
    await ch.deliver('+221771234567', text('b'));
    expect(seen).toEqual(['+221771234567:in:a']);
  });

  it('keeps at most maxChats transcripts, forgetting the chat idle the longest', async () => {
    const ch = createSandboxChannel({ maxChats: 3 });
    await ch.start(async () => {});
    for (const p of ['+221770000001', '+221770000002', '+221770000003']) await ch.receive(p, 'salut');
    // The first chat is active again: the second is now the one idle the longest.
    await ch.deliver('+221770000001', text('encore'));
    await ch.receive('+221770000004', 'salut');
    expect(ch.phones()).toEqual(['+221770000003', '+221770000001', '+221770000004']);
    expect(ch.transcript('+221770000002')).toEqual([]);
    expect(ch.transcript('+221770000001').map((e) => e.text)).toEqual(['salut', 'encore']);
  });

  it('caps transcripts at 5 000 phones by default', async () => {
    const ch = createSandboxChannel();
    for (let i = 0; i < 5_010; i++) await ch.deliver(`+2217700${String(i).padStart(5, '0')}`, text('hi'));
    const phones = ch.phones();
    expect(phones).toHaveLength(5_000);
    expect(phones[0]).toBe('+221770000010');
    expect(ch.transcript('+221770000009')).toEqual([]);
    expect(ch.transcript('+221770005009').map((e) => e.text)).toEqual(['hi']);
  });
});
