// The decision for one series and resolution: test, then open, grow or close its spike; feed final buckets to the baseline.
import { negBinomialUpperTail } from "../stats/distributions.js";
import type { SpikeConfig } from "./config.js";
import { hourOfDay } from "./calendar.js";
import type { ResolutionView } from "./resolution.js";
import type { Cusum, SeriesNode } from "./series.js";
import { type OpenSpike, type SpikeWindow, exceeds, spikeId } from "./spikes.js";
import type { SpikeStatus, SpikeTrigger } from "./types.js";

export type Emit = (node: SeriesNode, view: ResolutionView, spike: OpenSpike, status: SpikeStatus, window: SpikeWindow) => void;

/** The minimum count, excess and ratio every alarm needs, whatever its p-value. */
export function clearsFloors(observed: number, expected: number, c: SpikeConfig): boolean {
  return observed >= c.minCount && observed >= expected + c.minExcess && observed >= c.minRatio * expected;
}

function significant(observed: number, expected: number, size: number, view: ResolutionView, c: SpikeConfig): boolean {
  return clearsFloors(observed, expected, c) && negBinomialUpperTail(observed, expected, size) < view.alpha;
}

function elevated(observed: number, expected: number, size: number, c: SpikeConfig): boolean {
  return observed >= 1 && observed > expected + c.elevatedSds * Math.sqrt(expected + (expected * expected) / size);
}

/** Log-likelihood ratio of a count under rate × ratio against the baseline (negative binomial). */
export function cusumIncrement(observed: number, expected: number, size: number, ratio: number): number {
  if (!Number.isFinite(size)) return observed * Math.log(ratio) - (ratio - 1) * expected;
  const shifted = size + ratio * expected;
  return observed * Math.log((ratio * (size + expected)) / shifted) + size * Math.log((size + expected) / shifted);
}

function step(cusum: Cusum, bucket: number, observed: number, expected: number, size: number, ratio: number): void {
  const next = Math.max(0, cusum.sum + cusumIncrement(observed, expected, size, ratio));
  if (next === 0) {
    cusum.runObserved = 0;
    cusum.runExpected = 0;
  } else if (cusum.sum === 0) {
    cusum.runStart = bucket;
    cusum.runObserved = observed;
    cusum.runExpected = expected;
  } else {
    cusum.runObserved += observed;
    cusum.runExpected += expected;
  }
  cusum.sum = next;
}

function cusumAlarm(cusum: Cusum, view: ResolutionView, c: SpikeConfig): boolean {
  return view.cusum !== undefined && cusum.sum >= view.cusum.limit && clearsFloors(cusum.runObserved, cusum.runExpected, c);
}

interface Trigger {
  readonly kind: SpikeTrigger;
  readonly bucket: number;
  readonly start: number;
}

interface Bucket {
  readonly bucket: number;
  readonly observed: number;
  readonly expected: number;
}

/** Tests the buckets from firstPending to the one holding atMs; opens or grows this series' spike. */
export function evaluatePending(node: SeriesNode, view: ResolutionView, firstPending: number, atMs: number, c: SpikeConfig, emit: Emit): void {
  const counts = node.counts[view.resolution];
  const size = view.size(node);
  const cusum: Cusum = { ...node.cusum };
  const pending: Bucket[] = [];
  let trigger: Trigger | undefined;
  for (let bucket = firstPending; view.startMs(bucket) < atMs; bucket++) {
    const observed = counts.get(bucket) ?? 0;
    const expected = view.elapsedExpected(node, bucket, atMs);
    pending.push({ bucket, observed, expected });
    if (!trigger && significant(observed, expected, size, view, c)) trigger = { kind: "bucket", bucket, start: startOfRise(node, view, bucket, atMs, c) };
    if (!view.cusum) continue;
    step(cusum, bucket, observed, expected, size, view.cusum.rateRatio);
    if (!trigger && cusumAlarm(cusum, view, c)) trigger = { kind: "cusum", bucket, start: cusum.runStart };
  }
  const last = pending[pending.length - 1]?.bucket ?? firstPending - 1;
  for (const hours of view.trailingWindows) {
    if (trigger) break;
    let observed = 0;
    let expected = 0;
    let firstTicket = last;
    // Never reach back into the previous spike: its tickets were reported already.
    const earliest = Math.max(last - hours, node.lastSpikeEnd[view.resolution]);
    for (let b = last; b > earliest; b--) {
      const count = counts.get(b) ?? 0;
      observed += count;
      expected += b >= firstPending ? view.elapsedExpected(node, b, atMs) : view.expected(node, b);
      if (count > 0) firstTicket = b;
    }
    if (significant(observed, expected, size, view, c)) trigger = { kind: "window", bucket: last, start: startOfRise(node, view, firstTicket, atMs, c) };
  }
  const current = node.spikes[view.resolution];
  if (current) {
    const window = spikeWindow(current, pending, size);
    const growth = window.observed - current.reportedObserved;
    // A window that fell to its expected count is no evidence: the row keeps the figures it has.
    if (exceeds(window) && growth >= Math.max(1, c.updateGrowthRatio * current.reportedObserved)) report(node, view, current, "updated", window, emit);
    return;
  }
  if (!trigger) return;
  const spike = open(node, view, trigger, firstPending, atMs);
  const window = spikeWindow(spike, pending, size);
  // The window from the spike's start can hold less than the test saw: a CUSUM run cut at the end
  // of the previous spike or the lookback, or partial buckets after the trigger. No rise is left.
  if (!exceeds(window)) return;
  node.spikes[view.resolution] = spike;
  report(node, view, spike, "open", window, emit);
}

/** The spike's complete buckets and its pending ones so far. */
function spikeWindow(spike: OpenSpike, pending: readonly Bucket[], size: number): SpikeWindow {
  let observed = spike.settledObserved;
  let expected = spike.settledExpected;
  for (const b of pending) {
    if (b.bucket < spike.startBucket) continue;
    observed += b.observed;
    expected += b.expected;
  }
  return { observed, expected, size };
}

function report(node: SeriesNode, view: ResolutionView, spike: OpenSpike, status: SpikeStatus, window: SpikeWindow, emit: Emit): void {
  spike.reportedObserved = window.observed;
  spike.reportedExpected = window.expected;
  emit(node, view, spike, status, window);
}

/** Walks back from the triggering bucket over the elevated buckets just before it. */
function startOfRise(node: SeriesNode, view: ResolutionView, bucket: number, atMs: number, c: SpikeConfig): number {
  const counts = node.counts[view.resolution];
  const size = view.size(node);
  const earliest = Math.max(bucket - view.lookbackBuckets, node.lastSpikeEnd[view.resolution] + 1);
  let start = bucket;
  for (let b = bucket - 1; b >= earliest; b--) {
    if (!elevated(counts.get(b) ?? 0, view.elapsedExpected(node, b, atMs), size, c)) break;
    start = b;
  }
  return start;
}

function open(node: SeriesNode, view: ResolutionView, trigger: Trigger, firstPending: number, atMs: number): OpenSpike {
  const start = Math.max(trigger.start, node.lastSpikeEnd[view.resolution] + 1, firstPending - view.lookbackBuckets);
  const startedAtMs = view.startMs(start);
  let settledObserved = 0;
  let settledExpected = 0;
  for (let b = start; b < firstPending; b++) {
    settledObserved += node.counts[view.resolution].get(b) ?? 0;
    settledExpected += view.expected(node, b);
  }
  return {
    id: spikeId(node.key, view.resolution, startedAtMs),
    trigger: trigger.kind,
    startBucket: start,
    startedAtMs,
    firstSeenMs: atMs,
    settledObserved,
    settledExpected,
    lastElevatedEndMs: view.endMs(trigger.bucket),
    quietBuckets: 0,
    reportedObserved: 0,
    reportedExpected: 0,
  };
}

/** How a final bucket enters the baseline: not at all (a partial first day), as is (warm-up), or capped. */
export type RecordMode = "skip" | "raw" | "capped";

/** A bucket is final: feed the CUSUM (reset after an alarm) and the baseline; close a quiet spike. */
export function finalizeBucket(node: SeriesNode, view: ResolutionView, bucket: number, record: RecordMode, c: SpikeConfig, emit: Emit): void {
  const observed = node.counts[view.resolution].get(bucket) ?? 0;
  const expected = view.expected(node, bucket);
  const size = view.size(node);
  if (view.cusum) {
    step(node.cusum, bucket, observed, expected, size, view.cusum.rateRatio);
    if (cusumAlarm(node.cusum, view, c)) Object.assign(node.cusum, { sum: 0, runObserved: 0, runExpected: 0 });
  }
  const spike = node.spikes[view.resolution];
  if (spike && bucket >= spike.startBucket) {
    if (elevated(observed, expected, size, c)) {
      spike.settledObserved += observed;
      spike.settledExpected += expected;
      spike.lastElevatedEndMs = view.endMs(bucket);
      spike.quietBuckets = 0;
    } else if (++spike.quietBuckets >= view.closeAfterQuiet) {
      // The closing row replaces the spike's figures under FINAL. Its complete elevated buckets are
      // the spike's figures; when there are none that exceed (it opened on a day or an hour that
      // ended normal), it keeps the figures it last reported, never the 0/0 of an empty window.
      const settled = { observed: spike.settledObserved, expected: spike.settledExpected, size };
      emit(node, view, spike, "closed", exceeds(settled) ? settled : { observed: spike.reportedObserved, expected: spike.reportedExpected, size });
      node.spikes[view.resolution] = undefined;
      node.lastSpikeEnd[view.resolution] = bucket;
    }
  }
  if (record === "skip") return;
  if (view.resolution === "hour") node.baseline.recordHour(hourOfDay(bucket), observed, expected, record === "capped");
  else node.baseline.recordDay(observed, expected, record === "capped");
}
