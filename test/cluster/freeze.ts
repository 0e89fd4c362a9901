// A LeaseRepo that can be frozen, as a process that hangs (GC pause, SIGSTOP, lost network) would be:
// calls made while frozen wait, then run when thawed.
import type { LeaseRepo } from '../../src/store/types.js';

export function freezable(inner: LeaseRepo) {
  let gate: Promise<void> | undefined;
  let open: (() => void) | undefined;
  const wait = async () => {
    while (gate) await gate;
  };
  const repo: LeaseRepo = {
    acquire: async (...a) => {
      await wait();
      return inner.acquire(...a);
    },
    renew: async (...a) => {
      await wait();
      return inner.renew(...a);
    },
    release: async (...a) => {
      await wait();
      return inner.release(...a);
    },
    get: async (...a) => {
      await wait();
      return inner.get(...a);
    },
  };
  return {
    repo,
    freeze() {
      gate ??= new Promise<void>((r) => {
        open = r;
      });
    },
    thaw() {
      const o = open;
      gate = undefined;
      open = undefined;
      o?.();
    },
  };
}
