// Internal wiring shared by the engine, routes and control: resolved options, state, timers.
import type { Response } from 'express';
import { type Logger, silentLogger } from '../../logger.js';
import type { SimState } from './state.js';
import type { SimulatorOptions, WhatsappMessage } from './types.js';

export interface ResolvedOptions {
  apiKey: string;
  hmacSecret?: string;
  callbackDelayMs: number;
  callbackRetryMs: number;
  callbackMaxAttempts: number;
  approvalDelayMs: number;
  autoApprove: boolean;
  paymentTimeoutMs: number;
  merchantBalance: number;
  publicUrl?: string;
  whatsappFee: number;
  now: () => number;
  logger: Logger;
  onWhatsappMessage?: (m: WhatsappMessage) => void;
}

export function resolveOptions(o: SimulatorOptions): ResolvedOptions {
  if (!o.apiKey) throw new Error('the simulator needs an apiKey');
  return {
    apiKey: o.apiKey,
    hmacSecret: o.hmacSecret || undefined,
    callbackDelayMs: o.callbackDelayMs ?? 300,
    callbackRetryMs: o.callbackRetryMs ?? 60_000,
    callbackMaxAttempts: Math.max(1, o.callbackMaxAttempts ?? 5),
    approvalDelayMs: o.approvalDelayMs ?? 3_000,
    autoApprove: o.autoApprove ?? true,
    paymentTimeoutMs: o.paymentTimeoutMs ?? 15 * 60_000,
    merchantBalance: o.merchantBalance ?? 1_000_000,
    publicUrl: o.publicUrl?.replace(/\/+$/, ''),
    whatsappFee: o.whatsappFee ?? 10,
    now: o.now ?? Date.now,
    logger: o.logger ?? silentLogger,
    onWhatsappMessage: o.onWhatsappMessage,
  };
}

/** setTimeout with bookkeeping so stop()/reset() can clear everything. */
export class Timers {
  private handles = new Set<NodeJS.Timeout>();
  /** onFire runs after each timer (timers change the state: persistence saves then). */
  constructor(private readonly onFire: () => void = () => {}) {}
  set(ms: number, fn: () => void): void {
    const h = setTimeout(
      () => {
        this.handles.delete(h);
        try {
          fn();
        } finally {
          this.onFire();
        }
      },
      Math.max(0, ms),
    );
    // Never keep a process alive just for the simulator (its HTTP server does that when it matters).
    h.unref();
    this.handles.add(h);
  }
  clearAll(): void {
    for (const h of this.handles) clearTimeout(h);
    this.handles.clear();
  }
}

export interface SimContext {
  opts: ResolvedOptions;
  state: SimState;
  timers: Timers;
  /** Responses deliberately never answered (timeout outcomes); destroyed on stop. */
  held: Set<Response>;
  /** Bumped by reset(): late async work of a previous generation must not touch the new state. */
  generation: number;
  /** Something in `state` changed (persistence saves soon after); no-op without a statePath. */
  changed: () => void;
}
