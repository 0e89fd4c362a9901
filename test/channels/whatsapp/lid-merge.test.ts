// One person, one customer, in the real bot: a chat known only by its LID starts an order as "…@lid";
// its number arrives (remoteJidAlt) mid-conversation; from then on it is the phone-number customer,
// with the same conversation, and the LID's orders count toward that customer's daily cap.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningBot } from '../../../src/bot.js';
import { createMemoryStore } from '../../../src/store/memory.js';
import { startTestBot, waitFor } from '../../e2e/helpers.js';
import { finish, makeOrder } from '../../store/fixtures.js';
import { fakeFactory } from './fake-socket.js';
import { LID_JID, PN_JID, waMessage } from './fixtures.js';

const PHONE = '+221771234567';

let bot: RunningBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

async function start(env: Record<string, string> = {}) {
  const store = createMemoryStore();
  const f = fakeFactory();
  bot = await startTestBot(
    { CHANNEL: 'whatsapp', WHATSAPP_SEND_PER_MINUTE: '6000', ...env },
    { store, whatsapp: { socketFactory: f.factory, version: [2, 3000, 1] } },
  );
  f.last.ev.emit('connection.update', { connection: 'open' });
  /** The customer writes; resolves with the texts the bot sent back for it. */
  const say = async (text: string, opts: { alt?: string } = {}) => {
    const sock = f.last;
    const before = sock.sendMessage.mock.calls.length;
    const m = waMessage({
      remoteJid: LID_JID,
      ...(opts.alt ? { remoteJidAlt: opts.alt } : {}),
      message: { conversation: text },
      at: Date.now(),
    });
    sock.ev.emit('messages.upsert', { messages: [m], type: 'notify' });
    await waitFor(async () => sock.sendMessage.mock.calls.length > before);
    await new Promise((r) => setTimeout(r, 150));
    return sock.sendMessage.mock.calls
      .slice(before)
      .map((c) => [c[0], (c[1] as { text?: string }).text ?? '']);
  };
  return { store, f, say };
}

describe('WhatsApp LID customer merged into the phone-number customer (real bot)', () => {
  it('the conversation started under the LID goes on under the phone number', async () => {
    const { store, say } = await start();
    const first = await say('crédit 1000 pour 77 123 45 67');
    expect(first).toEqual([[LID_JID, expect.stringMatching(/Depuis quel numéro voulez-vous payer/)]]);
    expect(await store.customers.get(LID_JID)).toBeDefined();
    // the number arrives with the answer: the same question is answered, under the phone customer
    const second = await say('78 111 22 33', { alt: PN_JID });
    expect(second).toHaveLength(1);
    // still the chat the customer writes from
    expect(second[0]![0]).toBe(LID_JID);
    expect(second[0]![1]).toMatch(/1[\s\u202f\u00a0]000 FCFA/);
    expect(second[0]![1]).toMatch(/77 123 45 67/);
    expect(second[0]![1]).toMatch(/78 111 22 33/);
    expect(await store.customers.get(LID_JID)).toBeUndefined();
    expect(await store.customers.get(PHONE)).toMatchObject({ id: PHONE, phone: PHONE, aliases: [LID_JID] });
    expect(await store.conversations.get(LID_JID)).toBeUndefined();
    expect(await store.conversations.get(PHONE)).toMatchObject({ pending: { q: 'confirm' } });
  });

  it("the LID's orders today count toward the phone customer's daily cap", async () => {
    const { store, say } = await start({ LIMIT_DAILY_TOTAL_XOF: '5000' });
    await say('bonjour');
    await store.orders.create(
      finish(makeOrder('XBLIDCAP', { customerId: LID_JID, amount: 4_500, createdAt: Date.now() - 60_000 })),
    );
    const reply = await say('crédit 1000 pour 77 123 45 67', { alt: PN_JID });
    expect(reply.map((r) => r[1]).join('\n')).toMatch(
      /la limite est de 5\s000 FCFA par jour\. Il vous reste 500 FCFA/,
    );
    expect((await store.orders.get('XBLIDCAP'))!.customerId).toBe(PHONE);
    expect(await store.customers.get(LID_JID)).toBeUndefined();
  });
});
