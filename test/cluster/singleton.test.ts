// Singletons across instances: one holder at a time; taken over after the holder dies; a holder that
// cannot renew stops acting; a clean stop hands over at once.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSingleton } from '../../src/cluster/singleton.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { LeaseRepo } from '../../src/store/types.js';
import { storesOnOneDatabase } from '../store/pg-db.js';
import { freezable } from './freeze.js';

function role() {
  const log: string[] = [];
  let acting = false;
  let lostAt = 0;
  return {
    log,
    acting: () => acting,
    lostAt: () => lostAt,
    role: {
      onAcquire() {
        acting = true;
        log.push('acquire');
      },
      onLose() {
        acting = false;
        lostAt = Date.now();
        log.push('lose');
      },
    },
  };
}

describe('singleton (memory store, manual clock)', () => {
  it('one holder; the other takes over only after expiry; the old holder stops on a refused renewal', async () => {
    let t = 1_000;
    const store = createMemoryStore({ now: () => t });
    const a = role();
    const b = role();
    const sa = createSingleton(
      { leases: store.leases, owner: 'A', ttlMs: 3_000, now: () => t },
      'sync',
      a.role,
    );
    const sb = createSingleton(
      { leases: store.leases, owner: 'B', ttlMs: 3_000, now: () => t },
      'sync',
      b.role,
    );
    await sa.tick();
    await sb.tick();
    expect([a.acting(), b.acting()]).toEqual([true, false]);
    // A renews every ttl/3: B never gets it while A lives.
    for (let i = 0; i < 5; i++) {
      t += 1_000;
      await sa.tick();
      await sb.tick();
    }
    expect([a.acting(), b.acting()]).toEqual([true, false]);
    // A hangs (no ticks): B takes over only once the lease has run out.
    t += 2_999;
    await sb.tick();
    expect(b.acting()).toBe(false);
    t += 1;
    await sb.tick();
    expect(b.acting()).toBe(true);
    // A wakes up: its renewal is refused and it stops acting.
    await sa.tick();
    expect(a.acting()).toBe(false);
    expect(a.log).toEqual(['acquire', 'lose']);
    expect((await store.leases.get('sync'))?.owner).toBe('B');
  });

  it('a holder whose renewals fail stops acting before its lease can expire', async () => {
    let t = 0;
    const store = createMemoryStore({ now: () => t });
    let down = false;
    const leases: LeaseRepo = {
      ...store.leases,
      renew: (...a) => (down ? Promise.reject(new Error('db down')) : store.leases.renew(...a)),
    };
    const a = role();
    const s = createSingleton({ leases, owner: 'A', ttlMs: 3_000, now: () => t }, 'watch', a.role);
    await s.tick();
    down = true;
    t += 1_000;
    await s.tick();
    expect(a.acting()).toBe(true); // still 2 s of lease left
    t += 1_000;
    await s.tick();
    expect(a.acting()).toBe(false); // less than one renewal period left: stop rather than overlap
    expect(t).toBeLessThan(3_000);
  });

  it('stop() releases: the next instance takes over at once', async () => {
    const t = 5_000;
    const store = createMemoryStore({ now: () => t });
    const a = role();
    const b = role();
    const sa = createSingleton(
      { leases: store.leases, owner: 'A', ttlMs: 60_000, now: () => t },
      'x',
      a.role,
    );
    const sb = createSingleton(
      { leases: store.leases, owner: 'B', ttlMs: 60_000, now: () => t },
      'x',
      b.role,
    );
    await sa.start();
    await sb.start();
    expect(b.acting()).toBe(false);
    await sa.stop();
    expect(a.acting()).toBe(false);
    await sb.tick();
    expect(b.acting()).toBe(true);
    await sb.stop();
  });
});

describe('singleton on PostgreSQL: two instances, real clock', () => {
  const db = storesOnOneDatabase(2, { poolSize: 3 });
  const { stores } = db;

  it('exactly one acts; when it hangs the other takes over within ttl + ttl/3', async () => {
    const ttl = 1_500;
    const fa = freezable(stores[0]!.leases);
    const a = role();
    const b = role();
    const sa = createSingleton({ leases: fa.repo, owner: 'A', ttlMs: ttl }, 'reconciler', a.role);
    const sb = createSingleton({ leases: stores[1]!.leases, owner: 'B', ttlMs: ttl }, 'reconciler', b.role);
    await sa.start();
    await sb.start();
    await new Promise((r) => setTimeout(r, ttl * 2));
    expect([a.acting(), b.acting()]).toEqual([true, false]);
    fa.freeze();
    const frozenAt = Date.now();
    const expiresAt = (await stores[1]!.leases.get('reconciler'))!.expiresAt;
    while (!b.acting()) {
      if (Date.now() - frozenAt > ttl * 3) throw new Error('no takeover');
      await new Promise((r) => setTimeout(r, 10));
    }
    const failover = Date.now() - frozenAt;
    const detection = frozenAt + failover - expiresAt;
    // The hung holder's renewal never came back: its watchdog stopped it before the lease could expire.
    expect(a.acting()).toBe(false);
    expect(a.lostAt()).toBeLessThan(expiresAt);
    console.log(
      `singleton failover: taken over ${failover} ms after the holder hung, ${detection} ms after its lease expired (ttl ${ttl} ms, renew/poll every ${ttl / 3} ms)`,
    );
    expect(detection).toBeGreaterThanOrEqual(0);
    // One poll period plus the database round trips (generous: two cores shared by many processes).
    expect(detection).toBeLessThanOrEqual(ttl);
    fa.thaw();
    await new Promise((r) => setTimeout(r, ttl / 3 + 100));
    expect([a.acting(), b.acting()]).toEqual([false, true]);
    await sa.stop();
    await sb.stop();
  });

  it('an instance killed with SIGKILL: another takes over after its lease expires (measured)', async () => {
    const ttl = 3_000;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'kill-child.ts'), db.url, String(ttl)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve, reject) => {
      child.on('error', reject);
      child.stdout.on('data', (d: Buffer) => d.toString().includes('acting') && resolve());
    });
    const b = role();
    const sb = createSingleton(
      { leases: stores[1]!.leases, owner: 'survivor', ttlMs: ttl },
      'singleton:reconciler',
      b.role,
    );
    await sb.start();
    await new Promise((r) => setTimeout(r, ttl));
    expect(b.acting()).toBe(false); // the child renews: no takeover while it lives
    const before = (await stores[1]!.leases.get('singleton:reconciler'))!;
    const killedAt = Date.now();
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    // A renewal it sent just before dying may still commit: read the lease once that has settled.
    await new Promise((r) => setTimeout(r, 200));
    const last = (await stores[1]!.leases.get('singleton:reconciler'))!;
    while (!b.acting()) {
      if (Date.now() - killedAt > ttl * 3) throw new Error('no takeover');
      await new Promise((r) => setTimeout(r, 10));
    }
    const tookOver = Date.now();
    console.log(
      `SIGKILL failover: taken over ${tookOver - killedAt} ms after the kill, ${tookOver - last.expiresAt} ms after the lease expired (ttl ${ttl} ms, bound ttl + ttl/3 = ${ttl + ttl / 3} ms)`,
    );
    expect(last.owner).toBe(before.owner);
    expect(tookOver).toBeGreaterThanOrEqual(last.expiresAt);
    expect(tookOver - killedAt).toBeLessThanOrEqual(ttl + ttl / 3 + 500);
    const now = (await stores[0]!.leases.get('singleton:reconciler'))!;
    expect(now).toMatchObject({ owner: 'survivor', epoch: last.epoch + 1 });
    await sb.stop();
  });
});
