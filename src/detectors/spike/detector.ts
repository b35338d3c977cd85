// 突增 spike detector: created tickets in; spikes of every category × district series, hourly and daily, out.
import { LocalCalendar, dayOfHour, hourOfDay } from "./calendar.js";
import { type SpikeConfig, spikeConfig, spikeThresholds } from "./config.js";
import { type Emit, type RecordMode, evaluatePending, finalizeBucket } from "./decide.js";
import { type ResolutionView, dayView, hourView } from "./resolution.js";
import { RecentTickets } from "./samples.js";
import { type SeriesNode, SeriesRegistry } from "./series.js";
import { spikeUpdate } from "./spikes.js";
import type { SpikeUpdate, TicketObservation } from "./types.js";

const STATUS_ORDER = { open: 0, updated: 1, closed: 2 } as const;

interface Emitted {
  readonly atMs: number;
  readonly sortKey: string;
  readonly update: SpikeUpdate;
}

export interface SpikeDetectorStats {
  readonly series: number;
  readonly openSpikes: number;
  /** Tickets that arrived after their hour was final (later than latenessMs) and were not counted. */
  readonly droppedLateTickets: number;
  /** Tickets not counted because their caller had one on the same leaf and district within repeatCallerWindowMs. */
  readonly repeatTickets: number;
}

/**
 * Watches every category prefix × district (and city-wide) at local-hour and local-day resolution.
 * observe(ticket) counts a created ticket; advance(nowMs) moves event time: it tests every bucket
 * that is not final yet, the current partial one included (its count so far against the expected
 * count for the part elapsed), the trailing 3- and 6-hour windows and a daily CUSUM, then makes
 * buckets older than latenessMs final and folds them into the baselines. Tests are negative-
 * binomial tail probabilities against a per-test alpha that keeps false alarms under
 * alphaPerSeriesDay per series and day, behind minimum count, excess and ratio floors.
 * Pure and synchronous: the same calls give the same output, so state is rebuilt by replaying.
 */
export class SpikeDetector {
  readonly config: Readonly<SpikeConfig>;
  private readonly calendar: LocalCalendar;
  private readonly registry: SeriesRegistry;
  private readonly recent = new RecentTickets();
  private readonly hours: ResolutionView;
  private readonly days: ResolutionView;
  /** Series with tickets in buckets that are not final yet: the only ones that can open a spike. */
  private readonly pending = new Set<SeriesNode>();
  /** Series with tickets since the last evaluation. */
  private readonly dirty = new Set<SeriesNode>();
  private evaluatedHour = -Infinity;
  private originHour: number | undefined;
  /** The first local hour that is not final. */
  private nextHour = 0;
  private historyDays = 0;
  private lastDay = 0;
  private nowMs = -Infinity;
  private droppedLate = 0;
  private repeatTickets = 0;
  /** When each (caller, district, leaf) last had a ticket that counted. */
  private readonly callerCounted = new Map<string, number>();
  private emitted: Emitted[] = [];

  constructor(config: Partial<SpikeConfig> = {}) {
    this.config = spikeConfig(config);
    this.calendar = new LocalCalendar(this.config.timeZone);
    this.registry = new SeriesRegistry(this.config);
    const thresholds = spikeThresholds(this.config);
    this.hours = hourView(this.calendar, this.config, thresholds);
    this.days = dayView(this.calendar, this.config, thresholds);
  }

  /** Read-only: (caller, district, leaf) keys remembered to count a caller's repeats once, for bench:memory. */
  get trackedCallers(): number {
    return this.callerCounted.size;
  }

  get stats(): SpikeDetectorStats {
    let openSpikes = 0;
    for (const node of this.registry.byDepth()) openSpikes += (node.spikes.hour ? 1 : 0) + (node.spikes.day ? 1 : 0);
    return { series: this.registry.size, openSpikes, droppedLateTickets: this.droppedLate, repeatTickets: this.repeatTickets };
  }

  observe(ticket: TicketObservation): void {
    if (!Number.isFinite(ticket.occurredAtMs) || ticket.categoryPath.length === 0) {
      throw new RangeError(`a ticket needs a finite occurredAtMs and a category path (ticket ${ticket.ticketId})`);
    }
    this.begin(ticket.occurredAtMs);
    const hour = this.calendar.hourIndex(ticket.occurredAtMs);
    if (hour < this.nextHour) {
      this.droppedLate++;
      return;
    }
    if (this.isRepeat(ticket)) {
      this.repeatTickets++;
      return;
    }
    const day = dayOfHour(hour);
    for (const node of this.registry.chain(ticket.categoryPath, ticket.districtCode, this.historyDays, this.lastDay)) {
      node.counts.hour.set(hour, (node.counts.hour.get(hour) ?? 0) + 1);
      node.counts.day.set(day, (node.counts.day.get(day) ?? 0) + 1);
      this.pending.add(node);
      this.dirty.add(node);
    }
    this.recent.add({ ...ticket, categoryPath: [...ticket.categoryPath] });
  }

  advance(nowMs: number): SpikeUpdate[] {
    this.begin(nowMs);
    const now = Math.max(nowMs, this.nowMs);
    this.nowMs = now;
    // Every pending bucket (complete or not) is tested with the tickets so far before it is final.
    this.evaluate(now);
    const watermark = now - this.config.latenessMs;
    let refitted = false;
    while (this.calendar.hourStartMs(this.nextHour + 1) <= watermark) {
      this.finalizeHour(this.nextHour, now);
      this.nextHour++;
      if (hourOfDay(this.nextHour) === 0) refitted = this.finalizeDay(dayOfHour(this.nextHour) - 1, now) || refitted;
    }
    if (refitted) {
      // A new fit changes what today's buckets should hold: test them all again.
      this.evaluatedHour = -Infinity;
      this.evaluate(now);
    }
    this.recent.forgetBefore(watermark - this.config.sampleRetentionMs);
    const out = this.emitted.sort((a, b) => a.atMs - b.atMs || (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
    this.emitted = [];
    return out.map((e) => e.update);
  }

  /** A caller's further ticket on the same leaf and district soon after one that counted. */
  private isRepeat(ticket: TicketObservation): boolean {
    const caller = ticket.callerKey ?? "";
    if (caller === "" || this.config.repeatCallerWindowMs === 0) return false;
    const key = `${caller}\u0000${ticket.districtCode}\u0000${ticket.categoryPath.join("\u0000")}`;
    const counted = this.callerCounted.get(key);
    if (counted !== undefined && ticket.occurredAtMs - counted < this.config.repeatCallerWindowMs) return true;
    this.callerCounted.set(key, ticket.occurredAtMs);
    return false;
  }

  private begin(ms: number): void {
    if (this.originHour !== undefined) return;
    this.originHour = this.calendar.hourIndex(ms);
    this.nextHour = this.originHour;
  }

  /**
   * Tests the series with new tickets; in a new hour, every series with pending tickets (trailing
   * windows move). Between tickets, within an hour, a series' evidence only weakens as its
   * expected count grows, so skipping it changes nothing.
   */
  private evaluate(atMs: number): void {
    const hour = this.calendar.hourIndex(atMs - 1);
    const nodes = hour === this.evaluatedHour ? this.dirty : this.pending;
    this.evaluatedHour = hour;
    if (this.historyDays >= this.config.warmupDays) {
      const firstHour = this.nextHour;
      const firstDay = dayOfHour(firstHour);
      const emit = this.emitAt(atMs);
      for (const node of nodes) {
        if (node.level === 0) continue;
        evaluatePending(node, this.hours, firstHour, atMs, this.config, emit);
        evaluatePending(node, this.days, firstDay, atMs, this.config, emit);
      }
    }
    this.dirty.clear();
  }

  private finalizeHour(hour: number, atMs: number): void {
    const emit = this.emitAt(atMs);
    for (const node of this.registry.byDepth()) {
      finalizeBucket(node, this.hours, hour, this.recordMode(true), this.config, emit);
      for (const h of node.counts.hour.keys()) if (h < hour - this.hours.lookbackBuckets) node.counts.hour.delete(h);
    }
  }

  /** Returns whether the baselines were refitted. */
  private finalizeDay(day: number, atMs: number): boolean {
    const emit = this.emitAt(atMs);
    // The detector's first day is partial unless it began at local midnight: it is not history.
    const complete = day * 24 >= (this.originHour ?? 0);
    for (const node of this.registry.byDepth()) finalizeBucket(node, this.days, day, this.recordMode(complete), this.config, emit);
    if (complete) {
      this.historyDays = Math.min(this.historyDays + 1, this.config.windowDays);
      this.lastDay = day;
      for (const node of this.registry.byDepth()) node.baseline.refit(day, node.parent?.baseline);
    }
    this.pending.clear();
    for (const node of this.registry.byDepth()) {
      for (const d of node.counts.day.keys()) if (d < day - this.days.lookbackBuckets) node.counts.day.delete(d);
      for (const d of node.counts.day.keys()) if (d > day) this.pending.add(node);
    }
    this.registry.evictIdle();
    const forgetBefore = atMs - this.config.latenessMs - this.config.repeatCallerWindowMs;
    for (const [key, ms] of this.callerCounted) if (ms < forgetBefore) this.callerCounted.delete(key);
    return complete;
  }

  private recordMode(complete: boolean): RecordMode {
    if (!complete) return "skip";
    return this.historyDays < this.config.warmupDays ? "raw" : "capped";
  }

  private emitAt(atMs: number): Emit {
    return (node, view, spike, status, window) => {
      const matches = (t: TicketObservation): boolean =>
        (node.district === "" || t.districtCode === node.district) && node.categoryPath.every((code, i) => t.categoryPath[i] === code);
      const samples = this.recent.sample(spike.startedAtMs, atMs, this.config.maxSampleTickets, matches);
      const update = spikeUpdate(spike, status, node, view.resolution, window, atMs, samples);
      this.emitted.push({ atMs, sortKey: `${view.resolution}|${node.key}|${STATUS_ORDER[status]}`, update });
    };
  }
}
