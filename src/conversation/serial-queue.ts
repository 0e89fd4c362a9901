// Runs tasks one at a time per key, in arrival order; different keys run in parallel.

export interface SerialQueue {
  run(key: string, task: () => Promise<void>): Promise<void>;
  /** Resolves once every queued task (including ones queued meanwhile) has finished. */
  idle(): Promise<void>;
}

export function createSerialQueue(onError: (err: unknown, key: string) => void): SerialQueue {
  const tails = new Map<string, Promise<void>>();
  return {
    run(key, task) {
      const prev = tails.get(key) ?? Promise.resolve();
      const next = prev.then(task).catch((err) => onError(err, key));
      tails.set(key, next);
      // Forget the key once its last task is done, so the map does not grow with every customer.
      void next.then(() => {
        if (tails.get(key) === next) tails.delete(key);
      });
      return next;
    },
    async idle() {
      while (tails.size > 0) await Promise.all([...tails.values()]);
    },
  };
}
