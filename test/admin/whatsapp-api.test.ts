// /admin/api/whatsapp behind the token; with the sandbox channel it says so and relink is 404.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAdminServer, TOKEN } from './server.js';

describe('admin API: WhatsApp link without a WhatsApp channel', () => {
  let srv: Awaited<ReturnType<typeof startAdminServer>>;
  beforeAll(async () => {
    srv = await startAdminServer();
  });
  afterAll(async () => srv?.close());
  const auth = { authorization: `Bearer ${TOKEN}` };

  it('needs the token', async () => {
    expect((await fetch(`${srv.url}/admin/api/whatsapp`)).status).toBe(401);
    expect((await fetch(`${srv.url}/admin/api/whatsapp/relink`, { method: 'POST' })).status).toBe(401);
  });

  it('sandbox: no link to show, nothing to relink', async () => {
    const res = await fetch(`${srv.url}/admin/api/whatsapp`, { headers: auth });
    expect(await res.json()).toEqual({ channel: 'sandbox', qrImage: null, pairingCode: null });
    const relink = await fetch(`${srv.url}/admin/api/whatsapp/relink`, { method: 'POST', headers: auth });
    expect(relink.status).toBe(404);
  });
});
