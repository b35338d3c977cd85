// The alerter: `offer(rows)` turns result rows into routed alert candidates synchronously and
// returns; in the background one admission loop checks them against the outbox (already
// announced?), records the new ones and hands them to the receivers' lanes. The queue is bounded:
// past `queueMax` waiting deliveries the lowest severity (then the oldest) is dropped and counted.
import { SensorError } from "../errors.js";
import type { TableRows } from "../pipeline/derive.js";
import type { Logger } from "../telemetry/log.js";
import { raiseAlerts, type Alert } from "./alert.js";
import type { Clock } from "./clock.js";
import { redact, type AlertConfig, type PlatformName } from "./config.js";
import { Lane, Wakeup, rankOf, type Delivery } from "./lane.js";
import type { AlertMetrics } from "./metrics.js";
import { Outbox, type DeliveryRecord, type RoutedAlert } from "./outbox.js";
import { PLATFORM_ADAPTERS } from "./platforms/index.js";
import { routeAlert } from "./route.js";
import { silencing } from "./silence.js";

const ADMISSION_BATCH = 500;

interface Candidate extends RoutedAlert {
  readonly seq: number;
  readonly rank: number;
}

export interface DispatcherOptions {
  readonly config: AlertConfig;
  readonly outbox: Outbox;
  readonly clock: Clock;
  readonly fetch: typeof fetch;
  readonly metrics: AlertMetrics;
  readonly logger: Logger;
}

export class Dispatcher {
  private readonly intake: Candidate[] = [];
  private readonly lanes = new Map<string, Lane>();
  private readonly admissionWakeup = new Wakeup();
  private readonly stopper = new AbortController();
  private readonly logWrites = new Set<Promise<void>>();
  private readonly running: Promise<void>[] = [];
  private seq = 0;
  private closing = false;
  private admitting = false;
  private admissionDone = false;
  /** Candidates of the admission batch in flight: never dropped, they are being recorded. */
  private readonly inFlight = new Set<Candidate>();

  constructor(private readonly o: DispatcherOptions) {
    const ctx = {
      clock: o.clock,
      fetch: o.fetch,
      delivery: o.config.delivery,
      digest: o.config.digest,
      message: { timeZone: o.config.timeZone, ticketIds: o.config.delivery.ticketIds },
      secrets: o.config.secrets,
      metrics: o.metrics,
      stop: this.stopper.signal,
      record: (r: DeliveryRecord) => this.log(r),
      changed: () => this.changed(),
      finished: () => this.admissionDone,
    };
    for (const receiver of o.config.receivers) {
      const logger = o.logger.child({ receiver: receiver.name, platform: receiver.platform });
      this.lanes.set(receiver.name, new Lane(receiver, PLATFORM_ADAPTERS[receiver.platform], { ...ctx, logger }));
    }
  }

  start(): void {
    this.running.push(this.admit());
    for (const lane of this.lanes.values()) this.running.push(lane.run());
  }

  /** Never blocks and never throws: the pipeline's pace does not depend on chat. */
  offer(tables: readonly TableRows[]): void {
    if (this.closing) return;
    try {
      const { alerts, malformed } = raiseAlerts(tables, this.o.config, this.o.clock.now());
      if (malformed > 0) this.o.metrics.malformedRows.inc(malformed);
      for (const alert of alerts) {
        const { routes, receivers } = routeAlert(this.o.config.routes, alert);
        this.intake.push({ alert, routes, receivers, seq: this.seq++, rank: rankOf(alert) });
      }
      if (alerts.length > 0) {
        this.enforceBound();
        this.admissionWakeup.notify();
      }
    } catch (error) {
      this.o.logger.error({ error: this.safe(error) }, "alerts: could not read result rows; no alert raised for them");
    }
  }

  /** Waiting deliveries: not yet recorded (per receiver) or recorded and not yet sent. */
  depth(): number {
    let n = 0;
    for (const c of this.intake) n += Math.max(1, c.receivers.length);
    for (const lane of this.lanes.values()) n += lane.queue.length;
    return n;
  }

  private changed(): void {
    this.o.metrics.queueDepth.set(this.depth());
  }

  private enforceBound(): void {
    while (this.depth() > this.o.config.delivery.queueMax) {
      let victim: { rank: number; seq: number; drop: () => void } | undefined;
      for (let i = 0; i < this.intake.length; i++) {
        const c = this.intake[i];
        if (c !== undefined && !this.inFlight.has(c) && (victim === undefined || c.rank < victim.rank || (c.rank === victim.rank && c.seq < victim.seq))) {
          victim = { rank: c.rank, seq: c.seq, drop: () => this.dropCandidate(c) };
        }
      }
      for (const lane of this.lanes.values()) {
        for (const d of lane.queue) {
          if (victim === undefined || d.rank < victim.rank || (d.rank === victim.rank && d.seq < victim.seq)) victim = { rank: d.rank, seq: d.seq, drop: () => this.dropDelivery(lane, d) };
        }
      }
      if (victim === undefined) break;
      victim.drop();
    }
    this.changed();
  }

  private dropCandidate(c: Candidate): void {
    this.intake.splice(this.intake.indexOf(c), 1);
    const platforms = c.receivers.map((r) => this.lanes.get(r)?.receiver.platform).filter((p): p is PlatformName => p !== undefined);
    for (const platform of platforms.length > 0 ? platforms : ["none"]) this.o.metrics.deliveries.inc({ platform, outcome: "dropped" });
    this.o.logger.warn({ alertId: c.alert.alertId, severity: c.alert.severity }, "alert queue full: dropped the lowest-severity alert before recording it");
  }

  private dropDelivery(lane: Lane, d: Delivery): void {
    lane.queue.splice(lane.queue.indexOf(d), 1);
    const { name, platform } = lane.receiver;
    this.o.metrics.deliveries.inc({ platform, outcome: "dropped" });
    this.log({ alertId: d.alert.alertId, receiver: name, platform, attempt: d.attempts, outcome: "dropped", httpStatus: 0, error: "queue full", atMs: this.o.clock.now() });
    this.o.logger.warn({ alertId: d.alert.alertId, receiver: name, severity: d.alert.severity }, "alert queue full: dropped the lowest-severity delivery");
  }

  private deliver(routed: RoutedAlert): void {
    for (const receiver of routed.receivers) {
      this.lanes.get(receiver)?.enqueue({ seq: this.seq++, alert: routed.alert, rank: rankOf(routed.alert), attempts: 0 });
    }
  }

  private async admit(): Promise<void> {
    const { outbox, clock, config, logger } = this.o;
    let failures = 0;
    let resumed = false;
    while (!this.stopper.signal.aborted) {
      try {
        if (!resumed) {
          const owed = await outbox.unfinished(clock.now() - config.delivery.maxAgeMs).catch((error: unknown) => {
            if (error instanceof SensorError && !error.retriable) {
              logger.error({ error: this.safe(error) }, "alerts: cannot read unfinished deliveries; they will not be resumed");
              return [];
            }
            throw error;
          });
          for (const routed of owed) this.deliver({ ...routed, receivers: routed.receivers.filter((r) => this.lanes.has(r)) });
          if (owed.length > 0) logger.info({ alerts: owed.length }, "alerts: resuming deliveries left unfinished before the restart");
          resumed = true;
          this.enforceBound();
        }
        if (this.intake.length === 0) {
          if (this.closing) break;
          await this.admissionWakeup.wait();
          continue;
        }
        const batch = this.intake.slice(0, ADMISSION_BATCH);
        this.admitting = true;
        for (const c of batch) this.inFlight.add(c);
        const known = await outbox.announced(batch.map((c) => c.alert));
        const admitted: RoutedAlert[] = [];
        const priorRank = new Map<string, number>();
        for (const c of batch) {
          const key = Outbox.keyOf(c.alert);
          const before = known.get(key);
          if (before !== undefined && c.alert.step <= before.step && c.rank <= before.rank) {
            this.o.metrics.deduplicated.inc();
            continue;
          }
          known.set(key, { step: Math.max(c.alert.step, before?.step ?? 0), rank: Math.max(c.rank, before?.rank ?? 0) });
          const alert: Alert = { ...c.alert, change: before === undefined ? "new" : "grew" };
          priorRank.set(alert.alertId, before?.rank ?? -1);
          admitted.push({ alert, routes: c.routes, receivers: c.receivers });
        }
        const quiet = await this.quieted(admitted, priorRank);
        // The final rows of silenced and acknowledged deliveries go first: once an alert is recorded
        // a restart resumes whatever has no final row, and these must never be sent.
        await outbox.logDeliveries(quiet.records);
        await outbox.record(admitted, clock.now());
        // Only now leave the intake: a failed check or record keeps the batch for the next try.
        for (const c of batch) {
          const at = this.intake.indexOf(c);
          if (at >= 0) this.intake.splice(at, 1);
        }
        for (const routed of admitted) {
          this.o.metrics.raised.inc({ severity: routed.alert.severity });
          const why = quiet.why.get(routed.alert.alertId);
          logger.info({ alertId: routed.alert.alertId, kind: routed.alert.kind, severity: routed.alert.severity, routes: routed.routes, ...(why === undefined ? {} : { quiet: why }) }, "alert raised");
          if (why === undefined) this.deliver(routed);
        }
        for (const r of quiet.records) this.o.metrics.deliveries.inc({ platform: r.platform, outcome: r.outcome });
        failures = 0;
        this.enforceBound();
      } catch (error) {
        failures++;
        const delay = Math.min(config.delivery.backoffMaxMs, config.delivery.backoffBaseMs * 2 ** Math.min(failures - 1, 20));
        logger.warn({ error: this.safe(error), retryInMs: delay }, "alerts: the outbox in the store is unavailable; alerts wait");
        await clock.sleep(delay, this.stopper.signal);
      } finally {
        this.admitting = false;
        this.inFlight.clear();
      }
    }
    this.admissionDone = true;
    for (const lane of this.lanes.values()) lane.wakeup.notify();
  }

  /**
   * Which admitted alerts are not sent, and their final delivery rows: those an active silence
   * (routing file or API) matches, and those that only grew (same or lower severity than announced
   * before) while their result has an acknowledgement younger than `ackQuietMs`.
   */
  private async quieted(admitted: readonly RoutedAlert[], priorRank: ReadonlyMap<string, number>): Promise<{ why: Map<string, string>; records: DeliveryRecord[] }> {
    const why = new Map<string, string>();
    const records: DeliveryRecord[] = [];
    if (admitted.length === 0) return { why, records };
    const { outbox, clock, config } = this.o;
    const now = clock.now();
    const silences = [...config.silences, ...(await outbox.activeSilences(now))];
    const growing = admitted.filter((r) => r.alert.change === "grew");
    const acked = config.ackQuietMs > 0 && growing.length > 0 ? await outbox.acknowledged(growing.map((r) => r.alert), now - config.ackQuietMs) : new Set<string>();
    for (const { alert, receivers } of admitted) {
      const silence = silencing(silences, alert, now);
      let outcome: "silenced" | "acknowledged" | undefined;
      let reason = "";
      if (silence !== undefined) {
        outcome = "silenced";
        reason = `silence ${silence.silenceId} by ${silence.createdBy} until ${new Date(silence.untilMs).toISOString()}: ${silence.reason}`;
      } else if (alert.change === "grew" && acked.has(Outbox.keyOf(alert)) && rankOf(alert) <= (priorRank.get(alert.alertId) ?? -1)) {
        outcome = "acknowledged";
        reason = `acknowledged within the last ${config.ackQuietMs} ms; it only grew`;
      }
      if (outcome === undefined) continue;
      why.set(alert.alertId, outcome);
      for (const receiver of receivers) {
        const platform = this.lanes.get(receiver)?.receiver.platform;
        if (platform === undefined) continue;
        records.push({ alertId: alert.alertId, receiver, platform, attempt: 0, outcome, httpStatus: 0, error: redact(reason, config.secrets).slice(0, 1000), atMs: now });
      }
    }
    return { why, records };
  }

  private log(record: DeliveryRecord): void {
    const write = this.o.outbox.logDeliveries([record]).catch((error: unknown) => {
      this.o.logger.warn({ error: this.safe(error), alertId: record.alertId }, "alerts: could not record a delivery attempt");
    });
    this.logWrites.add(write);
    void write.finally(() => this.logWrites.delete(write));
  }

  private safe(error: unknown): string {
    return redact(error instanceof Error ? error.message : String(error), this.o.config.secrets);
  }

  /** True when nothing waits and nothing is in flight. */
  drained(): boolean {
    return this.intake.length === 0 && !this.admitting && [...this.lanes.values()].every((l) => l.queue.length === 0 && !l.busy);
  }

  /**
   * Stops taking offers and delivers what waits until `deadlineMs` (on the injected clock) has
   * passed; then cuts requests and sleeps short. What is recorded but unsent stays in the outbox
   * and is resumed by the next start (within `maxAgeMs`).
   */
  async close(deadlineMs: number): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.admissionWakeup.notify();
    const all = Promise.all(this.running);
    const deadline = new AbortController();
    const timedOut = this.o.clock.sleep(deadlineMs, deadline.signal).then(() => !deadline.signal.aborted);
    const cut = await Promise.race([all.then(() => false), timedOut]);
    deadline.abort();
    if (cut) {
      this.o.logger.warn({ waiting: this.depth() }, "alerts: close deadline reached; unsent alerts stay in the outbox for the next start");
      this.stopper.abort();
      this.admissionWakeup.notify();
      for (const lane of this.lanes.values()) lane.wakeup.notify();
      await all;
    }
    await Promise.allSettled([...this.logWrites]);
    this.changed();
  }
}
