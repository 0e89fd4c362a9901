// A manual clock: now() and sleep(ms) follow it; advance() moves time and wakes the sleepers due,
// letting the promise chains they start run between steps (real setImmediate, no fake timers).
export function manualClock(start = Date.UTC(2026, 11, 2, 10, 0, 0)) {
  let t = start;
  let sleepers: { at: number; resolve: () => void }[] = [];
  const settle = async (rounds = 20) => {
    for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
  };
  const clock = {
    now: () => t,
    sleep: (ms: number) =>
      new Promise<void>((resolve) => {
        sleepers.push({ at: t + Math.max(0, ms), resolve });
      }),
    settle,
    /** Moves time forward in steps of `stepMs`, waking sleepers as they fall due. */
    async advance(ms: number, stepMs = 50) {
      const end = t + ms;
      while (t < end) {
        t = Math.min(end, t + stepMs);
        const due = sleepers.filter((s) => s.at <= t);
        sleepers = sleepers.filter((s) => s.at > t);
        for (const s of due) s.resolve();
        await settle();
      }
    },
  };
  return clock;
}
