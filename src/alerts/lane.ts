// One receiver's delivery lane: its own queue, sent one at a time, highest severity first, within
// the robot's rate limit, each request cut at the timeout and retried with exponential backoff on
// errors, 5xx, 429 and platform throttling. Lanes are independent: a hanging robot holds only its own.
import type { Logger } from "../telemetry/log.js";
import type { Alert } from "./alert.js";
import type { Clock } from "./clock.js";
import { redact, type DeliveryConfig, type DigestConfig, type ReceiverConfig } from "./config.js";
import { renderDigest } from "./digest.js";
import type { MessageOptions } from "./message.js";
import type { AlertMetrics } from "./metrics.js";
import type { DeliveryRecord } from "./outbox.js";
import type { OutgoingRequest, Platform, Verdict } from "./platforms/index.js";
import { SlidingWindowLimit } from "./rate-limit.js";
import { severityRank } from "./severity.js";

export interface Delivery {
  readonly seq: number;
  readonly alert: Alert;
  readonly rank: number;
  attempts: number;
  /** Part of a burst: when it reached the lane, more than `digest.after` alerts had within `digest.windowMs`. */
  burst?: boolean;
}

export interface LaneContext {
  readonly clock: Clock;
  readonly fetch: typeof fetch;
  readonly delivery: DeliveryConfig;
  /** Digests: undefined sends every alert alone. */
  readonly digest: DigestConfig | undefined;
  readonly message: MessageOptions;
  readonly secrets: readonly string[];
  readonly metrics: AlertMetrics;
  readonly logger: Logger;
  /** Aborted when close() gives up waiting: cuts sleeps and requests short. */
  readonly stop: AbortSignal;
  readonly record: (record: DeliveryRecord) => void;
  readonly changed: () => void;
  /** True once no more deliveries can arrive (closing, and the intake is empty). */
  readonly finished: () => boolean;
}

/** A notification that wakes one waiter; a notify with nobody waiting is kept for the next wait. */
export class Wakeup {
  private pending = false;
  private resolve: (() => void) | undefined;
  notify(): void {
    if (this.resolve !== undefined) {
      const r = this.resolve;
      this.resolve = undefined;
      r();
    } else this.pending = true;
  }
  wait(): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((r) => (this.resolve = r));
  }
}

export class Lane {
  readonly queue: Delivery[] = [];
  readonly wakeup = new Wakeup();
  private readonly limit: SlidingWindowLimit;
  /** When alerts reached this lane within the digest window (worker clock). */
  private readonly arrivals: number[] = [];
  busy = false;

  constructor(
    readonly receiver: ReceiverConfig,
    private readonly platform: Platform,
    private readonly ctx: LaneContext,
  ) {
    this.limit = new SlidingWindowLimit(receiver.ratePerMinute);
  }

  enqueue(delivery: Delivery): void {
    const { digest } = this.ctx;
    if (digest !== undefined) {
      const now = this.ctx.clock.now();
      while (this.arrivals.length > 0 && (this.arrivals[0] ?? 0) <= now - digest.windowMs) this.arrivals.shift();
      this.arrivals.push(now);
      delivery.burst = this.arrivals.length > digest.after;
    }
    this.queue.push(delivery);
    this.wakeup.notify();
  }

  /** Removes and returns the next delivery: highest severity, then oldest. */
  private take(): Delivery | undefined {
    let best = -1;
    for (let i = 0; i < this.queue.length; i++) {
      const d = this.queue[i];
      const b = best < 0 ? undefined : this.queue[best];
      if (d !== undefined && (b === undefined || d.rank > b.rank || (d.rank === b.rank && d.seq < b.seq))) best = i;
    }
    return best < 0 ? undefined : this.queue.splice(best, 1)[0];
  }

  /**
   * The next message: one delivery, or — when digests are on, the platform takes them, more than one
   * waits and one of them came in a burst (more than `digest.after` alerts reached this lane within
   * `digest.windowMs` of it) — a digest of as many waiting deliveries (highest severity first) as
   * fit in one message. Alerts that waited for the rate limit still join a digest.
   */
  private takeMessage(): { deliveries: Delivery[]; request: (nowMs: number) => OutgoingRequest } | undefined {
    const first = this.take();
    if (first === undefined) return undefined;
    const single = { deliveries: [first], request: (nowMs: number) => this.platform.build(first.alert, this.receiver, this.ctx.message, nowMs) };
    const { digest } = this.ctx;
    const builder = this.platform.digest;
    if (digest === undefined || builder === undefined || this.queue.length === 0) return single;
    if (first.burst !== true && !this.queue.some((d) => d.burst === true)) return single;
    const taken = [first];
    while (taken.length < digest.maxAlerts) {
      const next = this.take();
      if (next === undefined) break;
      taken.push(next);
    }
    const rendered = renderDigest(taken.map((d) => d.alert), builder.markup, builder.maxBytes);
    // What did not fit goes back, to the next message.
    for (const d of taken.splice(rendered.included)) this.queue.push(d);
    if (taken.length === 1) return single;
    return { deliveries: taken, request: (nowMs) => builder.build(rendered, this.receiver, nowMs) };
  }

  async run(): Promise<void> {
    while (!this.ctx.stop.aborted) {
      if (this.queue.length === 0) {
        if (this.ctx.finished()) return;
        await this.wakeup.wait(); // the dispatcher wakes every lane on close and on stop
        continue;
      }
      // Wait for the rate limit before choosing what to send: alerts arriving meanwhile can join a digest.
      const wait = this.limit.waitMs(this.ctx.clock.now());
      if (wait > 0) {
        await this.ctx.clock.sleep(wait, this.ctx.stop);
        continue;
      }
      const next = this.takeMessage();
      if (next === undefined) continue;
      this.busy = true;
      this.ctx.changed();
      try {
        await this.deliver(next.deliveries, next.request);
      } finally {
        this.busy = false;
        this.ctx.changed();
      }
    }
  }

  private async deliver(ds: readonly Delivery[], request: (nowMs: number) => OutgoingRequest): Promise<void> {
    const { clock, delivery } = this.ctx;
    const d = ds[0];
    if (d === undefined) return;
    const digest = ds.length > 1 ? { digest: ds.length } : {};
    const record = (base: Omit<DeliveryRecord, "alertId" | "attempt">) => {
      for (const x of ds) this.ctx.record({ ...base, alertId: x.alert.alertId, attempt: x.attempts });
    };
    const count = (outcome: "sent" | "retried" | "failed") => this.ctx.metrics.deliveries.inc({ platform: this.receiver.platform, outcome }, ds.length);
    for (;;) {
      const wait = this.limit.waitMs(clock.now());
      if (wait > 0) {
        await clock.sleep(wait, this.ctx.stop);
        if (this.ctx.stop.aborted) return;
        continue;
      }
      this.limit.record(clock.now());
      for (const x of ds) x.attempts++;
      const { verdict, status } = await this.attempt(request(clock.now()));
      if (this.ctx.stop.aborted && !verdict.ok) return; // cut short by close(): left unfinished for the next start
      const base = { receiver: this.receiver.name, platform: this.receiver.platform, httpStatus: status, atMs: clock.now() };
      if (verdict.ok) {
        record({ ...base, outcome: "sent", error: "" });
        count("sent");
        if (ds.length > 1) this.ctx.metrics.digests.inc({ platform: this.receiver.platform });
        this.ctx.logger.info({ alertId: d.alert.alertId, attempt: d.attempts, ...digest }, ds.length > 1 ? "alert digest sent" : "alert sent");
        return;
      }
      const error = redact(verdict.reason, this.ctx.secrets);
      if (verdict.retriable && d.attempts <= delivery.retries) {
        record({ ...base, outcome: "retry", error });
        count("retried");
        const backoff = Math.min(delivery.backoffMaxMs, delivery.backoffBaseMs * 2 ** (d.attempts - 1));
        const delay = Math.min(delivery.backoffMaxMs, Math.max(backoff, verdict.retryAfterMs ?? 0));
        this.ctx.logger.warn({ alertId: d.alert.alertId, attempt: d.attempts, error, retryInMs: delay, ...digest }, "alert delivery failed, will retry");
        await clock.sleep(delay, this.ctx.stop);
        if (this.ctx.stop.aborted) return;
        continue;
      }
      record({ ...base, outcome: "failed", error });
      count("failed");
      this.ctx.logger.error({ alertId: d.alert.alertId, attempt: d.attempts, error, ...digest }, "alert delivery failed, giving up");
      return;
    }
  }

  private async attempt(request: OutgoingRequest): Promise<{ verdict: Verdict; status: number }> {
    const { clock, delivery } = this.ctx;
    const timer = new AbortController();
    const cancel = new AbortController();
    let timedOut = false;
    void clock.sleep(delivery.timeoutMs, timer.signal).then(() => {
      if (!timer.signal.aborted) {
        timedOut = true;
        cancel.abort();
      }
    });
    try {
      const response = await this.ctx.fetch(request.url, {
        method: "POST",
        headers: request.headers,
        body: request.body,
        signal: AbortSignal.any([cancel.signal, this.ctx.stop]),
      });
      const text = await response.text();
      return { verdict: this.platform.verdict(response.status, response.headers.get("retry-after"), text.slice(0, 4096)), status: response.status };
    } catch (error) {
      const reason = timedOut ? `no answer within ${delivery.timeoutMs} ms` : this.ctx.stop.aborted ? "stopped by close()" : describe(error);
      return { verdict: { ok: false, retriable: true, reason }, status: 0 };
    } finally {
      timer.abort();
    }
  }
}

/** An error's message and its causes' codes, never the request (whose URL carries the robot's key). */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  const code = typeof cause?.code === "string" ? ` (${cause.code})` : "";
  return `${error.message}${code}`;
}

export function rankOf(alert: Alert): number {
  return severityRank(alert.severity);
}
