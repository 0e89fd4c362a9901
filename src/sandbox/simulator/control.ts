// In-process control of the simulator (also exposed over HTTP under /_sim, see routes-control.ts).
import type { AmountRules } from '../../catalog/types.js';
import { rulesFor } from './amounts.js';
import type { SimContext } from './context.js';
import { approve, approveByPhone, decline, sweep } from './engine.js';
import { findService } from './services.js';
import { addScript } from './scripts.js';
import { type createState, findTx } from './state.js';
import type { SimulatorControl } from './types.js';

export function createControl(
  ctx: SimContext,
  initial: () => ReturnType<typeof createState>,
): SimulatorControl {
  return {
    script: (s) => addScript(ctx.state, s),
    clearScripts: () => {
      ctx.state.scripts = [];
    },
    approve: (id) => approve(ctx, id),
    approveByPhone: (phone) => approveByPhone(ctx, phone),
    decline: (id, errorId) => decline(ctx, id, errorId === undefined ? 2 : errorId),
    setBalance: (n) => {
      if (!Number.isFinite(n)) throw new Error('balance must be a number');
      ctx.state.balance = n;
    },
    balance: () => ctx.state.balance,
    setAmountRules: (code, rules: Partial<AmountRules>) => {
      if (!findService(code)) throw new Error(`unknown service ${code}`);
      ctx.state.amountRules[code] = { ...(ctx.state.amountRules[code] ?? {}), ...rules };
      return rulesFor(code, ctx.state.amountRules);
    },
    setServiceEnabled: (code, enabled) => {
      if (!findService(code)) throw new Error(`unknown service ${code}`);
      ctx.state.disabled = ctx.state.disabled.filter((c) => c !== code);
      if (!enabled) ctx.state.disabled.push(code);
    },
    log: () => [...ctx.state.log],
    transactions: () => Object.values(ctx.state.transactions),
    transaction: (id) => findTx(ctx.state, id),
    claims: () => [...ctx.state.claims],
    stats: () => ({ ...ctx.state.stats, heldResponses: ctx.held.size, balance: ctx.state.balance }),
    sweep: () => sweep(ctx),
    reset: () => {
      ctx.generation += 1;
      ctx.timers.clearAll();
      dropHeld(ctx);
      // Ids keep counting: a transactionId must never be reused, even after a reset.
      const { seq } = ctx.state;
      ctx.state = initial();
      ctx.state.seq = seq;
    },
    whatsappMessages: (phone) => ctx.state.whatsapp.filter((m) => phone === undefined || m.phone === phone),
  };
}

/** Held (never answered) requests: cut the socket so the client sees a dropped connection. */
export function dropHeld(ctx: SimContext): void {
  for (const res of ctx.held) res.socket?.destroy();
  ctx.held.clear();
}
