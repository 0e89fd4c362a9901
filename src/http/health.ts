// GET /healthz: the channel's connection, the store, and whether Intech answers (detail for humans).
// GET /readyz: can this instance serve (the channel can send, the store answers and writes)? For load
// balancers. GET /livez: the process works; for liveness probes (never fails while waiting for pairing).
import type { ChannelHealth } from '../channels/channel.js';

export interface HealthReport {
  /** pairing: nothing is broken, the WhatsApp number waits for a QR scan / pairing code (HTTP 200). */
  status: 'ok' | 'degraded' | 'pairing';
  channel: ChannelHealth & { kind: string };
  store: { ok: boolean; lastWriteError?: { code: string; at: string } };
  intech: { ok: boolean; mode: 'live' | 'simulator'; checkedAt: string; error?: string };
  uptimeSeconds: number;
  /** Counters worth watching (e.g. how often the optional LLM is consulted). */
  metrics: Record<string, number>;
}

export type HealthCheck = () => Promise<HealthReport>;

export interface ReadyReport {
  ready: boolean;
  /** Why not ready, in words an operator can act on. */
  reason?: string;
  channel: { kind: string; connected: boolean; detail?: string; standby?: boolean };
  store: { ok: boolean };
}

export type ReadyCheck = () => Promise<ReadyReport>;

interface StoreHealthDeps {
  /** store.ping(): answers, and (instrumented store) false while writes fail. */
  storePing: () => Promise<boolean>;
  /** Write failures seen by the instrumented store (ENOSPC…), for the detail. */
  writeHealth?: () => { ok: boolean; lastError?: { code: string; at: number } };
}

async function storeOk(deps: StoreHealthDeps, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    const pinged = await Promise.race([deps.storePing().catch(() => false), timeout]);
    return pinged && (deps.writeHealth?.().ok ?? true);
  } finally {
    clearTimeout(timer);
  }
}

/** HTTP status for a report: pairing is not a failure (a liveness probe must not restart a bot being linked). */
export const healthHttpStatus = (r: HealthReport): number => (r.status === 'degraded' ? 503 : 200);

export function createHealthCheck(
  deps: StoreHealthDeps & {
    channel: { kind: string; health(): ChannelHealth };
    /** A cheap read-only Intech call (balance). */
    intechPing: () => Promise<unknown>;
    intechMode: 'live' | 'simulator';
    metrics?: () => Record<string, number>;
    cacheMs?: number;
    storeTimeoutMs?: number;
    now?: () => number;
  },
): HealthCheck {
  const now = deps.now ?? Date.now;
  const started = now();
  const cacheMs = deps.cacheMs ?? 30_000;
  let intech: { ok: boolean; at: number; error?: string } | undefined;

  async function checkIntech() {
    if (intech && now() - intech.at < cacheMs) return intech;
    try {
      await deps.intechPing();
      intech = { ok: true, at: now() };
    } catch (err) {
      intech = { ok: false, at: now(), error: err instanceof Error ? err.name : 'error' };
    }
    return intech;
  }

  return async () => {
    const [sOk, i] = await Promise.all([storeOk(deps, deps.storeTimeoutMs ?? 5_000), checkIntech()]);
    const channel = { kind: deps.channel.kind, ...deps.channel.health() };
    const lastWriteError = deps.writeHealth?.().lastError;
    const status =
      sOk && i.ok && (channel.connected || channel.standby)
        ? 'ok'
        : sOk && !channel.connected && channel.pairing
          ? 'pairing'
          : 'degraded';
    return {
      status,
      channel,
      store: {
        ok: sOk,
        ...(lastWriteError
          ? { lastWriteError: { code: lastWriteError.code, at: new Date(lastWriteError.at).toISOString() } }
          : {}),
      },
      intech: {
        ok: i.ok,
        mode: deps.intechMode,
        checkedAt: new Date(i.at).toISOString(),
        ...(i.error ? { error: i.error } : {}),
      },
      uptimeSeconds: Math.round((now() - started) / 1000),
      metrics: { ...deps.metrics?.() },
    };
  };
}

export function createReadyCheck(
  deps: StoreHealthDeps & {
    channel: { kind: string; health(): ChannelHealth };
    /** false once stopping: a load balancer should take this instance out before it goes. */
    accepting?: () => boolean;
    storeTimeoutMs?: number;
  },
): ReadyCheck {
  return async () => {
    const h = deps.channel.health();
    const channel = {
      kind: deps.channel.kind,
      connected: h.connected,
      ...(h.detail ? { detail: h.detail } : {}),
      ...(h.standby ? { standby: true } : {}),
    };
    const sOk = await storeOk(deps, deps.storeTimeoutMs ?? 2_000);
    const reason =
      deps.accepting && !deps.accepting()
        ? 'stopping'
        : !sOk
          ? 'store: not answering or writes failing'
          : !h.connected && !h.standby
            ? `channel ${deps.channel.kind} cannot send (${h.pairing ? 'waiting for pairing' : (h.detail ?? 'disconnected')})`
            : undefined;
    return { ready: reason === undefined, ...(reason ? { reason } : {}), channel, store: { ok: sOk } };
  };
}
