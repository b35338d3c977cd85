// Time for the dispatcher: now, and sleeps that an abort signal can cut short. Injected so that
// rate limits, backoff and timeouts are tested by advancing a manual clock, never by waiting.

export interface Clock {
  now(): number;
  /** Resolves after `ms` (or at once when `signal` aborts); never rejects. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted === true) return resolve();
      const timer = setTimeout(done, Math.max(0, ms));
      // Unref: a pending retry must never keep the process alive on its own.
      timer.unref();
      function done() {
        signal?.removeEventListener("abort", done);
        clearTimeout(timer);
        resolve();
      }
      signal?.addEventListener("abort", done, { once: true });
    });
  },
};
