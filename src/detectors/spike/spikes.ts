// An open spike's bookkeeping, its deterministic id, and the SpikeUpdate it is reported as.
import { negBinomialUpperTail } from "../stats/distributions.js";
import type { Resolution, SpikeStatus, SpikeTrigger, SpikeUpdate } from "./types.js";

export interface OpenSpike {
  readonly id: string;
  readonly trigger: SpikeTrigger;
  readonly startBucket: number;
  readonly startedAtMs: number;
  readonly firstSeenMs: number;
  /** Complete buckets that belong to the spike (elevated ones, or the CUSUM run that opened it). */
  settledObserved: number;
  settledExpected: number;
  lastElevatedEndMs: number;
  quietBuckets: number;
  /** The figures of the last row reported: what a closing row falls back to when the settled window is no evidence. */
  reportedObserved: number;
  reportedExpected: number;
}

/** A window is evidence of a spike only with more tickets than expected; every row reports one that is. */
export const exceeds = (window: { readonly observed: number; readonly expected: number }): boolean => window.observed > window.expected;

/** A 64-bit FNV-1a hash (over UTF-16 code units) in hex: stable across processes and replays. */
export function spikeId(seriesKey: string, resolution: Resolution, startedAtMs: number): string {
  const text = `${resolution}|${seriesKey}|${startedAtMs}`;
  let hash = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) hash = BigInt.asUintN(64, (hash ^ BigInt(text.charCodeAt(i))) * 0x100000001b3n);
  return `spike-${hash.toString(16).padStart(16, "0")}`;
}

export interface SpikeWindow {
  readonly observed: number;
  readonly expected: number;
  /** Negative-binomial size used for the window's p-value. */
  readonly size: number;
}

export interface SpikeSeriesInfo {
  readonly level: number;
  readonly categoryPath: readonly string[];
  readonly district: string;
}

export function spikeUpdate(
  spike: OpenSpike,
  status: SpikeStatus,
  series: SpikeSeriesInfo,
  resolution: Resolution,
  window: SpikeWindow,
  atMs: number,
  sampleTicketIds: readonly string[],
): SpikeUpdate {
  return {
    id: spike.id,
    status,
    series: { level: series.level, category: series.categoryPath[series.categoryPath.length - 1] ?? "", district: series.district, resolution },
    categoryPath: series.categoryPath,
    trigger: spike.trigger,
    startedAtMs: spike.startedAtMs,
    endedAtMs: status === "closed" ? spike.lastElevatedEndMs : null,
    observed: window.observed,
    expected: window.expected,
    score: {
      pValue: negBinomialUpperTail(window.observed, window.expected, window.size),
      ratio: window.expected > 0 ? window.observed / window.expected : Infinity,
    },
    firstSeenMs: spike.firstSeenMs,
    lastUpdatedMs: atMs,
    sampleTicketIds,
  };
}
