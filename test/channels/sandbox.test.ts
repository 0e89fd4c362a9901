import { describe, expect, it } from 'vitest';
import { createSandboxChannel } from '../../src/channels/sandbox.js';

describe('sandbox channel', () => {
  it('returns what the bot sent while handling the message, and keeps the whole transcript', async () => {
    const ch = createSandboxChannel({ now: () => Date.parse('2026-11-29T10:00:00Z') });
    await ch.start(async (m) => {
      await ch.sendText(m.customerId, `echo: ${m.text}`);
      await ch.sendImage(m.customerId, Buffer.from('png'), 'caption');
    });
    const replies = await ch.receive('+221771234567', 'salut');
    expect(replies.map((r) => r.text)).toEqual(['echo: salut', 'caption']);
    expect(replies[1]?.media?.mimetype).toBe('image/png');
    await ch.sendText('+221771234567', 'later');
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
    const ch = createSandboxChannel();
    await ch.start(async (m) => {
      await new Promise((r) => setTimeout(r, m.text === 'slow' ? 30 : 1));
      await ch.sendText(m.customerId, `for ${m.customerId}`);
    });
    const [a, b] = await Promise.all([
      ch.receive('+221771111111', 'slow'),
      ch.receive('+221772222222', 'fast'),
    ]);
    expect(a.map((r) => r.text)).toEqual(['for +221771111111']);
    expect(b.map((r) => r.text)).toEqual(['for +221772222222']);
  });

  it('notifies subscribers of every new entry', async () => {
    const ch = createSandboxChannel();
    await ch.start(async () => {});
    const seen: string[] = [];
    const off = ch.subscribe((p, e) => seen.push(`${p}:${e.direction}:${e.text}`));
    await ch.receive('+221771234567', 'a');
    off();
    await ch.sendText('+221771234567', 'b');
    expect(seen).toEqual(['+221771234567:in:a']);
  });
});
