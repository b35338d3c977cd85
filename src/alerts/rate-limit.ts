// Per-robot rate limit: at most `perMinute` requests in any sliding 60-second window, counted by
// the injected clock. Failed requests count too: the platforms count what they receive.

export class SlidingWindowLimit {
  private readonly sent: number[] = [];

  constructor(
    readonly perMinute: number,
    private readonly windowMs = 60_000,
  ) {}

  /** Milliseconds to wait before the next request may go at `nowMs` (0: now). */
  waitMs(nowMs: number): number {
    while (this.sent.length > 0 && (this.sent[0] ?? 0) <= nowMs - this.windowMs) this.sent.shift();
    if (this.sent.length < this.perMinute) return 0;
    return (this.sent[0] ?? nowMs) + this.windowMs - nowMs;
  }

  /** Records a request sent at `nowMs`. */
  record(nowMs: number): void {
    this.sent.push(nowMs);
  }
}
