// A singleton role (catalog sync, balance watch, reconciler loop, broadcast runner) held by one instance at
// a time through a store lease: the holder renews it every ttl/3; an instance that cannot renew before
// the lease runs out stops acting at once, and any other instance takes it over once it has expired.
import { type Logger, silentLogger } from '../logger.js';
import type { Fence, Lease, LeaseRepo } from '../store/types.js';

export interface SingletonRole {
  /** Called when this instance becomes the holder: start acting. */
  onAcquire(lease: Lease): void | Promise<void>;
  /** Called when the lease is lost, given up or could not be renewed in time: stop acting. */
  onLose(): void | Promise<void>;
}

export interface SingletonDeps {
  leases: LeaseRepo;
  /** This instance's id (config INSTANCE_ID). */
  owner: string;
  ttlMs: number;
  now?: () => number;
  logger?: Logger;
}

export interface Singleton {
  readonly name: string;
  /** Tries at once, then every ttl/3. */
  start(): Promise<void>;
  /** Stops acting and hands the lease back so another instance takes over without waiting for expiry. */
  stop(): Promise<void>;
  holding(): boolean;
  /** The fence of the lease while held (for fenced writes). */
  fence(): Fence | undefined;
  /** One renew-or-acquire step (the timer calls it; tests call it to skip the wait). */
  tick(): Promise<void>;
}

export function createSingleton(deps: SingletonDeps, name: string, role: SingletonRole): Singleton {
  const now = deps.now ?? Date.now;
  const log = (deps.logger ?? silentLogger).child({ lease: name });
  const every = Math.max(10, Math.floor(deps.ttlMs / 3));
  let held: Lease | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let stopped = false;
  let ticking: Promise<void> | undefined;
  let starting: Promise<unknown> = Promise.resolve();

  async function lose(why: string): Promise<void> {
    if (!held) return;
    held = undefined;
    if (why === 'stopping') log.info('singleton lease given back');
    else log.warn({ why }, 'singleton lease lost: stopping');
    await starting;
    try {
      await role.onLose();
    } catch (err) {
      log.error({ err: (err as Error).message }, 'singleton stop failed');
    }
  }

  async function step(): Promise<void> {
    const t = now();
    const mine = held;
    if (mine) {
      let next: Lease | null;
      try {
        next = await deps.leases.renew(name, deps.owner, mine.epoch, t, deps.ttlMs);
      } catch (err) {
        // The database is unreachable: keep acting only while the lease we hold is surely still ours.
        log.warn({ err: (err as Error).message }, 'singleton lease renewal failed');
        if (held === mine && now() >= mine.expiresAt - every) await lose('renewal failed before expiry');
        return;
      }
      if (held !== mine) {
        // Given up while this renewal hung (watchdog): hand it back rather than hold it idle.
        if (next) await deps.leases.release(name, deps.owner, next.epoch).catch(() => undefined);
        return;
      }
      if (next) held = next;
      else await lose('renewal refused');
      return;
    }
    if (stopped) return;
    let got: Lease | null;
    try {
      got = await deps.leases.acquire(name, deps.owner, t, deps.ttlMs);
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'singleton lease acquisition failed');
      return;
    }
    if (!got || stopped) {
      if (got) await deps.leases.release(name, deps.owner, got.epoch).catch(() => undefined);
      return;
    }
    held = got;
    log.info({ epoch: got.epoch }, 'singleton lease taken: acting');
    // Not awaited by the tick: a slow start (WhatsApp version lookup) must not delay the renewals.
    starting = (async () => role.onAcquire(got))().catch((err) =>
      log.error({ err: (err as Error).message }, 'singleton start failed'),
    );
  }

  function tick(): Promise<void> {
    // One step at a time: a slow database never stacks renewals.
    ticking ??= step().finally(() => {
      ticking = undefined;
    });
    return ticking;
  }

  return {
    name,
    async start() {
      if (running) return;
      running = true;
      stopped = false;
      await tick();
      timer = setInterval(() => {
        // A renewal still hanging at the next tick after it started (slow database, exhausted pool): stop
        // acting now, a whole interval before another instance may take the lease over. (At `- every` an
        // interval firing a few ms early would leave the decision to the tick at expiry itself.)
        if (ticking && held && now() >= held.expiresAt - 2 * every)
          void lose('renewal did not complete in time');
        void tick();
      }, every);
      timer.unref();
    },
    async stop() {
      running = false;
      stopped = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      // A renewal hanging on an unreachable database must not hold the shutdown up for long.
      let wait: NodeJS.Timeout | undefined;
      await Promise.race([ticking, new Promise((r) => (wait = setTimeout(r, every)))]);
      clearTimeout(wait);
      const lease = held;
      await lose('stopping');
      if (lease) await deps.leases.release(name, deps.owner, lease.epoch).catch(() => undefined);
    },
    holding: () => held !== undefined,
    fence: () => (held ? { lease: name, owner: deps.owner, epoch: held.epoch } : undefined),
    tick,
  };
}
