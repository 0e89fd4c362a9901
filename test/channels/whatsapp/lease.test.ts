// One WhatsApp socket per number across instances (two store objects on one PostgreSQL database, two
// channels on the fake socket): only the lease holder connects; when it hangs, the other takes over once
// the lease has expired; the stale owner's auth writes are refused and it closes its socket on waking.
import type { ConnectionState } from '@whiskeysockets/baileys';
import { describe, expect, it } from 'vitest';
import { createWhatsAppChannel } from '../../../src/channels/whatsapp/channel.js';
import { createLeasedWhatsAppChannel, whatsappLeaseName } from '../../../src/channels/whatsapp/lease.js';
import { silentLogger } from '../../../src/logger.js';
import type { Store } from '../../../src/store/types.js';
import { freezable } from '../../cluster/freeze.js';
import { storesOnOneDatabase } from '../../store/pg-db.js';
import { fakeFactory, settle } from './fake-socket.js';

const TTL = 1_500;
const db = storesOnOneDatabase(2, { poolSize: 3 });
const { stores } = db;

function instance(store: Store, owner: string) {
  const f = fakeFactory();
  const frozen = freezable(store.leases);
  const channel = createLeasedWhatsAppChannel({
    leases: frozen.repo,
    kv: store.kv,
    owner,
    number: '+221 77 000 00 00',
    ttlMs: TTL,
    logger: silentLogger,
    make: (kv) =>
      createWhatsAppChannel({
        kv,
        dedupe: store.dedupe,
        logger: silentLogger,
        socketFactory: f.factory,
        version: [2, 3000, 1],
        printQr: () => {},
      }),
  });
  return { f, frozen, channel };
}

const open = (sock: { ev: { emit(e: 'connection.update', u: Partial<ConnectionState>): unknown } }) =>
  sock.ev.emit('connection.update', { connection: 'open' });

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('WhatsApp socket lease across two instances', () => {
  it('one socket; takeover after the holder hangs; the stale owner cannot write auth keys and closes', async () => {
    const a = instance(stores[0]!, 'inst-a');
    const b = instance(stores[1]!, 'inst-b');
    await a.channel.start(async () => {});
    await b.channel.start(async () => {});
    await new Promise((r) => setTimeout(r, TTL * 1.5));
    // Only A connected; B stands by and says so.
    expect(a.f.sockets).toHaveLength(1);
    expect(b.f.sockets).toHaveLength(0);
    open(a.f.last);
    expect(a.channel.health().connected).toBe(true);
    expect(b.channel.health()).toMatchObject({ connected: false });
    expect(b.channel.canSend()).toBe(false);
    await expect(b.channel.deliver('+221771234567', { type: 'text', text: 'hi' })).rejects.toThrow(
      /another instance/,
    );
    // A's creds are written under its fence.
    a.f.configs[0]!.auth.creds.registered = true;
    a.f.last.ev.emit('creds.update', { registered: true });
    await settle(20);
    const saved = async () => (await stores[1]!.kv.get<string>('wa-auth', 'creds')) ?? '';
    for (let i = 0; i < 100 && !(await saved()).includes('"registered":true'); i++) await settle(5);
    expect(await saved()).toContain('"registered":true');

    // A hangs (stops renewing). B connects once the lease has run out.
    const lease = (await stores[1]!.leases.get(whatsappLeaseName('+221770000000')))!;
    a.frozen.freeze();
    const hungAt = Date.now();
    await until(() => b.f.sockets.length === 1, TTL * 3, 'takeover');
    const tookOverAt = Date.now();
    console.log(
      `WhatsApp failover: second instance connected ${tookOverAt - hungAt} ms after the holder hung, ${tookOverAt - lease.expiresAt} ms after its lease expired (ttl ${TTL} ms, renew/poll every ${TTL / 3} ms)`,
    );
    expect(tookOverAt).toBeGreaterThanOrEqual(lease.expiresAt);
    // One poll period plus connecting (generous: two cores shared by many processes).
    expect(tookOverAt - lease.expiresAt).toBeLessThanOrEqual(TTL);
    const now = (await stores[0]!.leases.get(lease.name))!;
    expect(now.owner).toBe('inst-b');
    expect(now.epoch).toBe(lease.epoch + 1);
    // B reads the session A saved (same number, same auth state): no new pairing.
    expect(b.f.configs[0]!.auth.creds.registered).toBe(true);
    open(b.f.last);
    b.f.configs[0]!.auth.creds.me = { id: 'written-by-b' };
    b.f.last.ev.emit('creds.update', { me: { id: 'written-by-b' } });
    for (let i = 0; i < 100 && !(await saved()).includes('written-by-b'); i++) await settle(5);

    // The stale owner's socket still emits (it has not noticed yet): its write is refused, B's stays.
    a.f.configs[0]!.auth.creds.me = { id: 'stale-a' };
    a.f.sockets[0]!.ev.emit('creds.update', { me: { id: 'stale-a' } });
    await Promise.resolve(a.f.configs[0]!.auth.keys.set({ session: { 'stale.0': Buffer.from('x') } })).catch(
      () => undefined,
    );
    await settle(20);
    await new Promise((r) => setTimeout(r, 50));
    const creds = (await stores[0]!.kv.get<string>('wa-auth', 'creds'))!;
    expect(creds).toContain('written-by-b');
    expect(creds).not.toContain('stale-a');
    expect(await stores[0]!.kv.get('wa-auth', 'session:stale.0')).toBeUndefined();

    // A wakes up: its renewal is refused, it closes its socket and stands by.
    a.frozen.thaw();
    await until(() => a.f.sockets[0]!.end.mock.calls.length > 0, TTL * 2, 'stale socket closed');
    expect(a.channel.holding()).toBe(false);
    expect(a.channel.health().connected).toBe(false);
    expect(b.channel.holding()).toBe(true);
    expect(a.f.sockets).toHaveLength(1);

    // A clean stop hands the socket over without waiting for expiry.
    const stoppedAt = Date.now();
    await b.channel.stop();
    await until(() => a.f.sockets.length === 2, TTL, 'handover after a clean stop');
    console.log(`WhatsApp handover after a clean stop: ${Date.now() - stoppedAt} ms`);
    await a.channel.stop();
  });
});
