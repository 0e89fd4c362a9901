// The admin command "relink": from an admin only, it restarts the WhatsApp pairing (new QR / code on
// the dashboard); with the sandbox channel it says there is no WhatsApp.
import { describe, expect, it, vi } from 'vitest';
import { createBroadcastService } from '../../src/admin/broadcasts.js';
import { createCatalogSync } from '../../src/admin/catalog-sync.js';
import { createAdminCommands, parseAdminCommand } from '../../src/admin/commands.js';
import type { WhatsAppLink } from '../../src/admin/whatsapp-link.js';
import { createCatalog } from '../../src/catalog/catalog.js';
import { createMemoryStore } from '../../src/store/index.js';
import { fakeIntech, inlineOutbox, recordingChannel, SERVICES } from './helpers.js';

const ADMIN = '+221770000001';
const CUSTOMER = '+221760000002';

async function setup(whatsapp?: WhatsAppLink) {
  const store = createMemoryStore();
  const catalog = await createCatalog({ kv: store.kv, services: SERVICES });
  const intech = fakeIntech();
  const channel = recordingChannel();
  const outbox = inlineOutbox(store, channel);
  const broadcasts = createBroadcastService({ store, outbox, via: 'chat', perMinute: 600 });
  const sync = createCatalogSync({ catalog, intech, kv: store.kv });
  const commands = createAdminCommands({
    store,
    catalog,
    intech,
    outbox,
    adminNumbers: [ADMIN],
    broadcasts,
    sync,
    ...(whatsapp ? { whatsapp } : {}),
  });
  let n = 0;
  const say = (from: string, text: string) =>
    commands.handle({ id: `r${++n}`, customerId: from, phone: from, text, at: Date.now() });
  return { channel, say };
}

function fakeWhatsApp(result: 'relinking' | 'already_open') {
  return {
    link: () => ({ state: 'logged_out' as const, linked: false, since: 0 }),
    relink: vi.fn(async () => result),
  };
}

describe('admin command relink', () => {
  it('parses relink / relier / Relier WhatsApp', () => {
    for (const t of ['relink', 'Relier', 'relier whatsapp', ' RELINK ']) {
      expect(parseAdminCommand(t)).toEqual({ kind: 'relink' });
    }
  });

  it('an admin relinks; the reply says where the QR code is', async () => {
    const wa = fakeWhatsApp('relinking');
    const { say, channel } = await setup(wa);
    expect(await say(ADMIN, 'relink')).toBe(true);
    expect(wa.relink).toHaveBeenCalledTimes(1);
    expect(channel.last(ADMIN)).toMatch(/\/admin.*QR/);
  });

  it('already connected: says so', async () => {
    const { say, channel } = await setup(fakeWhatsApp('already_open'));
    await say(ADMIN, 'relier');
    expect(channel.last(ADMIN)).toMatch(/déjà connecté/);
  });

  it('from a customer it is an ordinary message and relinks nothing', async () => {
    const wa = fakeWhatsApp('relinking');
    const { say, channel } = await setup(wa);
    expect(await say(CUSTOMER, 'relink')).toBe(false);
    expect(wa.relink).not.toHaveBeenCalled();
    expect(channel.sent).toEqual([]);
  });

  it('with the sandbox channel: no WhatsApp to relink', async () => {
    const { say, channel } = await setup();
    await say(ADMIN, 'relink');
    expect(channel.last(ADMIN)).toMatch(/Pas de canal WhatsApp/);
  });
});
