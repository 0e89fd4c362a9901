// bot.stop() (what SIGTERM runs) while 20 conversations are under way: every reply reaches its customer,
// before the exit or after the restart on the same lowdb data dir, and none twice.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Channel, InboundMessage } from '../../src/channels/channel.js';
import type { OutboxPayload } from '../../src/store/types.js';
import { startTestBot, waitFor } from '../e2e/helpers.js';
import { dropDatabase, freshDatabase } from '../store/pg-db.js';

interface Delivered {
  chat: string;
  text: string;
  run: number;
}

/** A WhatsApp-like channel (kind 'whatsapp': the send rate applies) that records what customers got. */
function fakeWhatsApp(log: Delivered[], run: number) {
  let handler: ((m: InboundMessage) => Promise<void>) | undefined;
  let open = false;
  let n = 0;
  const ch: Channel & { receive(m: InboundMessage): Promise<void> } = {
    kind: 'whatsapp',
    async start(h) {
      handler = h;
      open = true;
    },
    async stop() {
      open = false;
    },
    canSend: () => open,
    async deliver(chat: string, payload: OutboxPayload) {
      await new Promise((r) => setTimeout(r, 5));
      log.push({ chat, text: payload.type === 'text' ? payload.text : (payload.caption ?? ''), run });
      return { waMessageId: `WA-${run}-${++n}` };
    },
    async setTyping() {},
    health: () => ({ connected: open }),
    receive: (m) => handler!(m),
  };
  return ch;
}

const dirs: string[] = [];
const dbs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  for (const u of dbs) await dropDatabase(u);
});

/** The store a bot and its restart share: a lowdb data dir, or one PostgreSQL database. */
async function sharedStore(kind: 'lowdb' | 'postgres'): Promise<Record<string, string>> {
  if (kind === 'postgres') {
    const url = await freshDatabase();
    dbs.push(url);
    return { STORE: 'postgres', DATABASE_URL: url };
  }
  const dir = await mkdtemp(join(tmpdir(), 'xaalis-stop-'));
  dirs.push(dir);
  return { STORE: 'lowdb', DATA_DIR: dir };
}

describe('graceful stop', () => {
  it.each(['lowdb', 'postgres'] as const)(
    '%s: stopping during 20 conversations loses no reply and sends none twice (restart on the same store)',
    async (kind) => {
      // 90 a minute: the 10 s flush at stop sends part of the queue, the restart sends the rest.
      const env = { ...(await sharedStore(kind)), WHATSAPP_SEND_PER_MINUTE: '90' };
      const log: Delivered[] = [];
      const customers = Array.from({ length: 20 }, (_, i) => `+2217760000${String(i).padStart(2, '0')}`);

      const ch1 = fakeWhatsApp(log, 1);
      const bot1 = await startTestBot(env, { channel: ch1 });
      const turns = customers.map((c, i) =>
        ch1.receive({ id: `IN${i}`, customerId: c, phone: c, text: 'menu', at: Date.now() }),
      );
      const stopping = bot1.stop();
      await Promise.all(turns);
      await stopping;
      const beforeExit = log.length;
      expect(beforeExit).toBeGreaterThan(0);
      expect(beforeExit).toBeLessThan(customers.length); // 20 at 90/min take > 13 s: the flush stops at 10 s

      const ch2 = fakeWhatsApp(log, 2);
      const bot2 = await startTestBot(env, { channel: ch2 });
      try {
        await waitFor(async () => log.length >= customers.length || undefined, 20_000);
        await new Promise((r) => setTimeout(r, 1_500)); // a duplicate would show up by now
        for (const c of customers) {
          const got = log.filter((d) => d.chat === c);
          expect(got, c).toHaveLength(1);
          expect(got[0]!.text).toContain('Que voulez-vous faire');
        }
        expect(log).toHaveLength(customers.length);
        // Part before the exit, the rest after the restart (the flush has a deadline, the rate holds).
        expect(log.filter((d) => d.run === 2).length).toBe(customers.length - beforeExit);
      } finally {
        await bot2.stop();
      }
    },
    90_000,
  );
});
