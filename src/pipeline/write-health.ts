// Whether the store takes the worker's writes, for /readyz: a worker whose every write fails (the
// store unreachable, or refusing for a reason retrying may cure: too many parts, memory) stores
// nothing and answers no POST, so it must not say ready because `SELECT 1` still answers.
export type WriteState =
  | { readonly ready: true }
  | { readonly ready: false; readonly reason: string; readonly sinceMs: number };

export class WriteHealth {
  private current: WriteState = { ready: true };

  /** A write went through: ready again. */
  succeeded(): void {
    this.current = { ready: true };
  }

  /** A write failed and will be retried; `since` stays the first failure of the run. */
  failed(reason: string, nowMs: number): void {
    this.current = { ready: false, reason, sinceMs: this.current.ready ? nowMs : this.current.sinceMs };
  }

  get state(): WriteState {
    return this.current;
  }
}

/** The readiness check's answer: true, or why not. */
export function writesReadiness(health: WriteHealth): true | { readonly ready: false; readonly reason: string } {
  const state = health.state;
  return state.ready ? true : { ready: false, reason: `${state.reason} (failing since ${new Date(state.sinceMs).toISOString()})` };
}
