// A clock that moves only when the test says so: rate limits, backoff and timeouts are checked by
// advancing it, never by waiting on the wall clock.
import type { Clock } from "../../../src/alerts/clock.js";

interface Sleeper {
  readonly at: number;
  readonly resolve: () => void;
}

export class ManualClock implements Clock {
  private sleepers: Sleeper[] = [];
  constructor(private t: number) {}

  now(): number {
    return this.t;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted === true || ms <= 0) return resolve();
      const sleeper: Sleeper = { at: this.t + Math.max(0, ms), resolve };
      this.sleepers.push(sleeper);
      signal?.addEventListener(
        "abort",
        () => {
          this.sleepers = this.sleepers.filter((s) => s !== sleeper);
          resolve();
        },
        { once: true },
      );
    });
  }

  /** Moves time forward and wakes every sleep that has ended. */
  advance(ms: number): void {
    this.t += ms;
    const due = this.sleepers.filter((s) => s.at <= this.t);
    this.sleepers = this.sleepers.filter((s) => s.at > this.t);
    for (const s of due) s.resolve();
  }

  /** Sleeps waiting now (timeouts of requests in flight, backoffs, rate-limit waits). */
  get sleeping(): number {
    return this.sleepers.length;
  }
}

/**
 * Polls `condition` until it holds; fails with `what` after `limitMs` of real time (generous: chdb
 * writes crawl when the cores are busy with other test files, yet under the 120 s test timeout, so
 * a failure names what it waited for).
 */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, limitMs = 90_000): Promise<void> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > limitMs) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
