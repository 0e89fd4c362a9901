// The admin area inside the real bot (src/bot.ts), through the sandbox channel and the embedded Intech
// simulator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBot } from '../../src/bot.js';
import { say, startTestBot, transcript, waitFor } from '../e2e/helpers.js';

const TOKEN = 'wiring-admin-token-0123456789';
const ADMIN = '+221770009999';
const CUSTOMER = '+221781234567';

describe.each(['chat', 'intech'])('admin area wired into the bot (broadcast via %s)', (via) => {
  let bot: RunningBot;

  beforeAll(async () => {
    bot = await startTestBot({
      ADMIN_TOKEN: TOKEN,
      ADMIN_NUMBERS: ADMIN,
      BROADCAST_PER_MINUTE: '600',
      BROADCAST_VIA: via,
    });
    expect((await fetch(`${bot.url}/admin`)).status).toBe(200);
  }, 30_000);

  afterAll(async () => {
    await bot?.stop();
  });

  it('the API needs the token; commands answer admins only; a broadcast reaches a customer', async () => {
    expect((await fetch(`${bot.url}/admin/api/orders`)).status).toBe(401);
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect((await fetch(`${bot.url}/admin/api/orders`, { headers: auth })).status).toBe(200);

    const admin = await say(bot, ADMIN, 'solde');
    expect(admin.replies.map((r) => r.text).join('\n')).toMatch(/Solde marchand.*FCFA/);

    const customer = await say(bot, CUSTOMER, 'solde');
    const customerText = customer.replies.map((r) => r.text).join('\n');
    expect(customerText).not.toMatch(/Solde marchand|merchant balance/);

    const res = await fetch(`${bot.url}/admin/api/broadcasts`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ text: { fr: 'Annonce test diffusion' }, send: true }),
    });
    expect(res.status).toBe(201);
    await waitFor(async () =>
      (await transcript(bot, CUSTOMER)).some(
        (e) => e.direction === 'out' && e.text.includes('Annonce test diffusion'),
      ),
    );
    const got = (await transcript(bot, CUSTOMER)).filter((e) => e.text.includes('Annonce test diffusion'));
    expect(got).toHaveLength(1);
  });
});
