import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type seedOrder as SeedOrder, seedOrder, startAdminServer, TOKEN } from './server.js';

type Srv = Awaited<ReturnType<typeof startAdminServer>>;

const ROUTES: [method: string, path: string, body?: unknown][] = [
  ['GET', '/admin/api/orders'],
  ['GET', '/admin/api/orders/XB000001'],
  ['GET', '/admin/api/attention'],
  ['POST', '/admin/api/alerts/a1/resolve'],
  ['GET', '/admin/api/catalog'],
  ['POST', '/admin/api/catalog/sync'],
  ['PATCH', '/admin/api/catalog/WOYOFAL_SN_BILL_RELOAD', { enabled: false }],
  ['GET', '/admin/api/broadcasts'],
  ['POST', '/admin/api/broadcasts', { text: 'Promo', send: true }],
  ['GET', '/admin/api/broadcasts/b1'],
  ['POST', '/admin/api/broadcasts/b1/send'],
  ['POST', '/admin/api/broadcasts/b1/cancel'],
  ['GET', '/admin/api/balance'],
  ['GET', '/admin/api/stats'],
  ['GET', '/admin/api/nothing-here'],
];

function call(
  srv: Srv,
  method: string,
  path: string,
  opts: { token?: string | null; header?: string; body?: unknown } = {},
) {
  const headers: Record<string, string> = {};
  if (opts.header !== undefined) headers.authorization = opts.header;
  else if (opts.token !== null) headers.authorization = `Bearer ${opts.token ?? TOKEN}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  return fetch(`${srv.url}${path}`, {
    method,
    headers,
    ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
  });
}

describe('admin API authentication', () => {
  let srv: Srv;
  beforeEach(async () => {
    srv = await startAdminServer();
    await srv.store.orders.create(seedOrder('XB000001'));
  });
  afterEach(() => srv.close());

  it.each(ROUTES)(
    '%s %s refuses a missing, wrong or malformed token and changes nothing',
    async (method, path, body) => {
      const variants: { token?: string | null; header?: string }[] = [
        { token: null },
        { token: 'wrong' },
        { token: `${TOKEN.slice(0, -1)}x` },
        { token: `${TOKEN}x` },
        { header: TOKEN },
        { header: `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}` },
        { header: 'Bearer ' },
      ];
      for (const v of variants) {
        const res = await call(srv, method, path, { ...v, body });
        expect(res.status, JSON.stringify(v)).toBe(401);
        expect(res.headers.get('www-authenticate')).toBe('Bearer');
        const text = await res.text();
        expect(text).not.toContain('XB000001');
      }
      expect(srv.catalog.isAvailable('WOYOFAL_SN_BILL_RELOAD')).toBe(true);
      expect(await srv.store.broadcasts.list(100)).toHaveLength(0);
      expect(srv.channel.sent).toHaveLength(0);
    },
  );

  it.each(ROUTES)('%s %s answers with the right token', async (method, path, body) => {
    const res = await call(srv, method, path, { body });
    expect(res.status).not.toBe(401);
    expect(res.status).not.toBe(429);
  });

  it('the dashboard page is served without data and with a strict CSP', async () => {
    const res = await fetch(`${srv.url}/admin`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('data-testid="token-input"');
    expect(html).not.toContain('XB000001');
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'nonce-[^']+'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});

describe('admin API disabled without ADMIN_TOKEN', () => {
  it('every /admin route answers 404, whatever the Authorization header', async () => {
    const srv = await startAdminServer({ token: '' });
    try {
      await srv.store.orders.create(seedOrder('XB000001'));
      for (const [method, path, body] of [...ROUTES, ['GET', '/admin'] as [string, string]]) {
        for (const header of [undefined, 'Bearer ', 'Bearer undefined', `Bearer ${TOKEN}`]) {
          const res = await call(srv, method, path, {
            body,
            ...(header === undefined ? { token: null } : { header }),
          });
          expect(res.status, `${method} ${path} ${header}`).toBe(404);
          expect(await res.text()).not.toContain('XB000001');
        }
      }
      expect(srv.channel.sent).toHaveLength(0);
    } finally {
      await srv.close();
    }
  });
});

describe('admin API rate limits', () => {
  it('limits anonymous requests per address per minute; the right token is never slowed down', async () => {
    const srv = await startAdminServer({ perMinute: 5 });
    try {
      const page: number[] = [];
      for (let i = 0; i < 7; i++) page.push((await fetch(`${srv.url}/admin`)).status);
      expect(page).toEqual([200, 200, 200, 200, 200, 429, 429]);
      const api: number[] = [];
      for (let i = 0; i < 7; i++) api.push((await call(srv, 'GET', '/admin/api/stats')).status);
      expect(api).toEqual([200, 200, 200, 200, 200, 200, 200]);
    } finally {
      await srv.close();
    }
  });

  it('after too many wrong tokens further guesses get 429, but the right token still gets in', async () => {
    const srv = await startAdminServer({ maxAuthFailures: 3 });
    try {
      for (let i = 0; i < 3; i++)
        expect((await call(srv, 'GET', '/admin/api/stats', { token: `guess${i}` })).status).toBe(401);
      const locked = await call(srv, 'GET', '/admin/api/stats', { token: 'guess-again' });
      expect(locked.status).toBe(429);
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await call(srv, 'GET', '/admin/api/stats', { token: null })).status).toBe(429);
      const right = await call(srv, 'GET', '/admin/api/stats');
      expect(right.status).toBe(200);
    } finally {
      await srv.close();
    }
  });
});

describe('admin API with the right token', () => {
  let srv: Srv;
  beforeEach(async () => {
    srv = await startAdminServer();
  });
  afterEach(() => srv.close());
  const json = async (res: Response) => {
    expect(res.status, await res.clone().text()).toBeLessThan(300);
    return res.json() as Promise<Record<string, unknown>>;
  };

  it('lists orders with state and search filters, newest first', async () => {
    const now = Date.now();
    const o: ReturnType<typeof SeedOrder>[] = [
      seedOrder('XBAAAA01', { createdAt: now - 3000 }),
      seedOrder('XBAAAA02', { createdAt: now - 2000, state: 'needs_human', recipient: '+221761112233' }),
      seedOrder('XBAAAA03', { createdAt: now - 1000, state: 'refunded' }),
    ];
    for (const x of o) await srv.store.orders.create(x);
    const all = (await json(await call(srv, 'GET', '/admin/api/orders'))) as { orders: { id: string }[] };
    expect(all.orders.map((x) => x.id)).toEqual(['XBAAAA03', 'XBAAAA02', 'XBAAAA01']);
    const st = (await json(await call(srv, 'GET', '/admin/api/orders?state=needs_human,refunded'))) as {
      orders: { id: string }[];
    };
    expect(st.orders.map((x) => x.id)).toEqual(['XBAAAA03', 'XBAAAA02']);
    const q = (await json(await call(srv, 'GET', '/admin/api/orders?search=761112233'))) as {
      orders: { id: string }[];
    };
    expect(q.orders.map((x) => x.id)).toEqual(['XBAAAA02']);
  });

  it('shows one order with its timeline: operations, callbacks and receipt', async () => {
    const order = seedOrder('XB7K2M9Q');
    await srv.store.orders.create(order);
    await srv.store.callbacks.record({
      externalTransactionId: 'XB7K2M9Q-DLV',
      transactionId: 'TXD-XB7K2M9Q',
      status: 'SUCCESS',
      receivedAt: order.createdAt + 8_900,
      body: {},
    });
    const r = (await json(await call(srv, 'GET', '/admin/api/orders/xb7k2m9q'))) as {
      order: { id: string };
      callbacks: unknown[];
      timeline: { at: number; kind: string; label: string }[];
    };
    expect(r.order.id).toBe('XB7K2M9Q');
    expect(r.callbacks).toHaveLength(1);
    const labels = r.timeline.map((e) => e.label);
    expect(labels[0]).toBe('created');
    expect(labels).toContain('callback SUCCESS');
    expect(labels).toContain('deliver success');
    expect(labels).toContain('receipt success');
    expect(labels.at(-1)).toBe('completed');
    const ats = r.timeline.map((e) => e.at);
    expect([...ats].sort((a, b) => a - b)).toEqual(ats);
    expect((await call(srv, 'GET', '/admin/api/orders/NOPE')).status).toBe(404);
  });

  it("an order's timeline shows its messages until retention prunes them, then the rest alone", async () => {
    const order = seedOrder('XB7K2M9R');
    await srv.store.orders.create(order);
    const t = order.createdAt + 10_000;
    const base = { chat: order.customerId, kind: 'receipt' as const, orderId: order.id };
    await srv.store.outbox.enqueue(
      [
        { ...base, id: `${order.id}:receipt`, payload: { type: 'text', text: 'Reçu' } },
        {
          ...base,
          id: `${order.id}:receipt:image`,
          payload: { type: 'image', imageBase64: Buffer.from('png').toString('base64'), caption: 'Reçu' },
        },
      ],
      t,
    );
    for (let i = 0; i < 2; i++) {
      const [m] = await srv.store.outbox.claim('w', t + i, 1_000, 1);
      await srv.store.outbox.markSent(m!.id, 'w', { waMessageId: `WA${i}`, at: t + 100 + i });
    }
    const timeline = async () =>
      (
        (await json(await call(srv, 'GET', `/admin/api/orders/${order.id}`))) as {
          timeline: { kind: string; label: string; detail?: string }[];
        }
      ).timeline;
    const before = await timeline();
    expect(before.filter((e) => e.kind === 'message').map((e) => e.label)).toEqual([
      'receipt queued',
      'receipt queued',
      'receipt sent',
      'receipt sent',
    ]);
    expect(before.find((e) => e.label === 'receipt sent' && e.detail?.includes('image'))).toBeDefined();
    expect(await srv.store.outbox.prune(t + 1_000, 10)).toBe(2);
    const after = await timeline();
    expect(after.filter((e) => e.kind === 'message')).toEqual([]);
    expect(after.map((e) => e.label)).toEqual(before.filter((e) => e.kind !== 'message').map((e) => e.label));
    expect(after.at(-1)?.label).toBe('completed');
  });

  it('lists what needs a person: needs_human and refunding orders and open alerts', async () => {
    await srv.store.orders.create(seedOrder('XB00HUM1', { state: 'needs_human' }));
    await srv.store.orders.create(seedOrder('XB00OK01'));
    await srv.store.alerts.add({
      id: 'a1',
      at: 1,
      kind: 'refund_failed',
      message: 'refund failed',
      orderId: 'XB00HUM1',
      resolved: false,
    });
    const r = (await json(await call(srv, 'GET', '/admin/api/attention'))) as {
      orders: { id: string }[];
      alerts: { id: string }[];
    };
    expect(r.orders.map((o) => o.id)).toEqual(['XB00HUM1']);
    expect(r.alerts.map((a) => a.id)).toEqual(['a1']);
    await json(await call(srv, 'POST', '/admin/api/alerts/a1/resolve'));
    const after = (await json(await call(srv, 'GET', '/admin/api/attention'))) as { alerts: unknown[] };
    expect(after.alerts).toHaveLength(0);
  });

  it('catalog: enable/disable and amount rules, with validation', async () => {
    const off = (await json(
      await call(srv, 'PATCH', '/admin/api/catalog/WOYOFAL_SN_BILL_RELOAD', { body: { enabled: false } }),
    )) as { entry: { available: boolean } };
    expect(off.entry.available).toBe(false);
    expect(srv.catalog.isAvailable('WOYOFAL_SN_BILL_RELOAD')).toBe(false);
    await json(
      await call(srv, 'PATCH', '/admin/api/catalog/WOYOFAL_SN_BILL_RELOAD', {
        body: { rules: { min: 2000, multiple: 100 } },
      }),
    );
    expect(srv.catalog.get('WOYOFAL_SN_BILL_RELOAD')?.rules).toMatchObject({ min: 2000, multiple: 100 });
    expect(srv.catalog.checkAmount('WOYOFAL_SN_BILL_RELOAD', 1500).ok).toBe(false);
    const bad = await call(srv, 'PATCH', '/admin/api/catalog/WOYOFAL_SN_BILL_RELOAD', {
      body: { rules: { min: 9_000_000 } },
    });
    expect(bad.status).toBe(400);
    expect(
      (await call(srv, 'PATCH', '/admin/api/catalog/WOYOFAL_SN_BILL_RELOAD', { body: { enabled: 'yes' } }))
        .status,
    ).toBe(400);
    expect((await call(srv, 'PATCH', '/admin/api/catalog/NOPE', { body: { enabled: true } })).status).toBe(
      404,
    );
    const list = (await json(await call(srv, 'GET', '/admin/api/catalog'))) as {
      entries: { codeService: string; enabled: boolean }[];
    };
    expect(list.entries.find((e) => e.codeService === 'WOYOFAL_SN_BILL_RELOAD')?.enabled).toBe(false);
  });

  it('broadcasts: draft, send, progress to 100 %', async () => {
    const created = (await json(
      await call(srv, 'POST', '/admin/api/broadcasts', { body: { text: { fr: 'Bonjour', en: 'Hello' } } }),
    )) as { broadcast: { id: string; state: string } };
    expect(created.broadcast.state).toBe('draft');
    expect(srv.channel.sent).toHaveLength(0);
    await json(await call(srv, 'POST', `/admin/api/broadcasts/${created.broadcast.id}/send`));
    await srv.broadcasts.settled(created.broadcast.id);
    const p = (await json(await call(srv, 'GET', `/admin/api/broadcasts/${created.broadcast.id}`))) as {
      broadcast: { percent: number; sent: number; state: string };
    };
    expect(p.broadcast).toMatchObject({ percent: 100, sent: 3, state: 'done' });
    expect(srv.channel.sent.map((m) => m.to).sort()).toEqual([...srv.subscribers].sort());
    expect(
      (await call(srv, 'POST', '/admin/api/broadcasts', { body: { text: { en: 'no french' } } })).status,
    ).toBe(400);
    const list = (await json(await call(srv, 'GET', '/admin/api/broadcasts'))) as {
      broadcasts: unknown[];
      subscribers: number;
    };
    expect(list.subscribers).toBe(3);
    expect(list.broadcasts).toHaveLength(1);
  });

  it('answers a malformed JSON body with 400', async () => {
    const res = await fetch(`${srv.url}/admin/api/broadcasts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: '{"text": ',
    });
    expect(res.status).toBe(400);
    expect(await srv.store.broadcasts.list(100)).toHaveLength(0);
  });

  it('balance and stats', async () => {
    expect(await json(await call(srv, 'GET', '/admin/api/balance'))).toMatchObject({
      balance: 321_000,
      currency: 'XOF',
    });
    srv.intech.balanceFails = true;
    expect((await call(srv, 'GET', '/admin/api/balance')).status).toBe(502);
    await srv.store.orders.create(seedOrder('XBST0001', { amount: 5000, createdAt: Date.now() }));
    const s = (await json(await call(srv, 'GET', '/admin/api/stats'))) as {
      orders: number;
      volume: number;
      byHour: number[];
    };
    expect(s.orders).toBe(1);
    expect(s.volume).toBe(5000);
    expect(s.byHour.reduce((a, b) => a + b, 0)).toBe(5000);
  });
});
