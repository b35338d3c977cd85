// Hourly and daily buckets behind one interface: bounds, expected counts (full or elapsed so far) and test limits.
import { dayOfHour, hourOfDay, type LocalCalendar } from "./calendar.js";
import type { SpikeConfig, SpikeThresholds } from "./config.js";
import type { SeriesNode } from "./series.js";
import type { Resolution } from "./types.js";

export interface ResolutionView {
  readonly resolution: Resolution;
  startMs(bucket: number): number;
  endMs(bucket: number): number;
  bucketAt(ms: number): number;
  expected(node: SeriesNode, bucket: number): number;
  /** Expected tickets in the bucket before atMs, at least a minimum share of the full bucket. */
  elapsedExpected(node: SeriesNode, bucket: number, atMs: number): number;
  size(node: SeriesNode): number;
  /** For one bucket and for one trailing window. */
  readonly alpha: number;
  readonly trailingWindows: readonly number[];
  readonly cusum: { readonly limit: number; readonly rateRatio: number } | undefined;
  readonly closeAfterQuiet: number;
  /** How far back a spike's start is searched, and how long complete buckets' counts are kept. */
  readonly lookbackBuckets: number;
}

const fractionOf = (atMs: number, startMs: number, endMs: number): number =>
  endMs > startMs ? Math.min(1, Math.max(0, (atMs - startMs) / (endMs - startMs))) : 1;

export function hourView(calendar: LocalCalendar, c: SpikeConfig, t: SpikeThresholds): ResolutionView {
  const startMs = (hour: number): number => calendar.hourStartMs(hour);
  const endMs = (hour: number): number => calendar.hourStartMs(hour + 1);
  const expected = (node: SeriesNode, hour: number): number => node.baseline.expectedHour(dayOfHour(hour), hourOfDay(hour));
  return {
    resolution: "hour",
    startMs,
    endMs,
    bucketAt: (ms) => calendar.hourIndex(ms),
    expected,
    elapsedExpected(node, hour, atMs) {
      const fraction = fractionOf(atMs, startMs(hour), endMs(hour));
      return expected(node, hour) * (fraction >= 1 ? 1 : Math.max(fraction, c.hourMinElapsedShare));
    },
    size: (node) => node.baseline.size("hour"),
    alpha: t.hourAlpha,
    trailingWindows: c.trailingWindowHours,
    cusum: undefined,
    closeAfterQuiet: c.closeAfterQuietHours,
    lookbackBuckets: 24,
  };
}

export function dayView(calendar: LocalCalendar, c: SpikeConfig, t: SpikeThresholds): ResolutionView {
  const startMs = (day: number): number => calendar.dayStartMs(day);
  const endMs = (day: number): number => calendar.dayStartMs(day + 1);
  const expected = (node: SeriesNode, day: number): number => node.baseline.expectedDay(day);
  return {
    resolution: "day",
    startMs,
    endMs,
    bucketAt: (ms) => dayOfHour(calendar.hourIndex(ms)),
    expected,
    elapsedExpected(node, day, atMs) {
      if (atMs >= endMs(day)) return expected(node, day);
      const hour = calendar.hourIndex(atMs);
      const fraction = fractionOf(atMs, calendar.hourStartMs(hour), calendar.hourStartMs(hour + 1));
      // Within the day the hour-of-day profile, not the clock, says how much should have come.
      const share = dayOfHour(hour) < day ? 0 : node.baseline.dayShareBy(hourOfDay(hour), fraction);
      return expected(node, day) * Math.max(share, c.dayMinElapsedShare);
    },
    size: (node) => node.baseline.size("day"),
    alpha: t.dayAlpha,
    trailingWindows: [],
    cusum: { limit: t.dayCusumLimit, rateRatio: c.dayCusumRateRatio },
    closeAfterQuiet: c.closeAfterQuietDays,
    lookbackBuckets: 7,
  };
}
