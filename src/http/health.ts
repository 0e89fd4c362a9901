// GET /healthz: the channel's connection, the store, and whether Intech answers.
import type { ChannelHealth } from '../channels/channel.js';

export interface HealthReport {
  status: 'ok' | 'degraded';
  channel: ChannelHealth & { kind: string };
  store: { ok: boolean };
  intech: { ok: boolean; mode: 'live' | 'simulator'; checkedAt: string; error?: string };
  uptimeSeconds: number;
  /** Counters worth watching (e.g. how often the optional LLM is consulted). */
  metrics: Record<string, number>;
}

export type HealthCheck = () => Promise<HealthReport>;

export function createHealthCheck(deps: {
  channel: { kind: string; health(): ChannelHealth };
  storePing: () => Promise<boolean>;
  /** A cheap read-only Intech call (balance). */
  intechPing: () => Promise<unknown>;
  intechMode: 'live' | 'simulator';
  metrics?: () => Record<string, number>;
  cacheMs?: number;
  now?: () => number;
}): HealthCheck {
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
    const [storeOk, i] = await Promise.all([deps.storePing().catch(() => false), checkIntech()]);
    const channel = { kind: deps.channel.kind, ...deps.channel.health() };
    const ok = storeOk && i.ok && channel.connected;
    return {
      status: ok ? 'ok' : 'degraded',
      channel,
      store: { ok: storeOk },
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
