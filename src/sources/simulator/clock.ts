// Local time in the simulated city (UTC+08:00): ISO stamps, the daily and weekly rhythm of
// requests, seasons, and office hours (上班时间) that departments keep.
import type { Rng } from "./random.js";

export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
/** China Standard Time, no daylight saving. */
export const LOCAL_OFFSET_MS = 8 * HOUR;

const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, "0"));
/** `YYYY-MM-DDT` by local day number: formatting dates is the simulator's hottest path. */
const datePrefixes = new Map<number, string>();

function datePrefix(day: number): string {
  let prefix = datePrefixes.get(day);
  if (prefix === undefined) {
    if (datePrefixes.size > 512) datePrefixes.clear();
    prefix = new Date(day * DAY).toISOString().slice(0, 11);
    datePrefixes.set(day, prefix);
  }
  return prefix;
}

/** `2026-11-26T09:30:00+08:00`: the local wall time with its offset, to the second. */
export function isoLocal(ms: number): string {
  const local = ms + LOCAL_OFFSET_MS;
  const day = Math.floor(local / DAY);
  const seconds = Math.floor((local - day * DAY) / SECOND);
  const h = TWO_DIGITS[Math.floor(seconds / 3600)] ?? "00";
  const m = TWO_DIGITS[Math.floor(seconds / 60) % 60] ?? "00";
  const s = TWO_DIGITS[seconds % 60] ?? "00";
  return `${datePrefix(day)}${h}:${m}:${s}+08:00`;
}

/** `20261126`, the local date, as ticket numbers carry it. */
export function localDateKey(ms: number): string {
  const prefix = datePrefix(localDay(ms));
  return `${prefix.slice(0, 4)}${prefix.slice(5, 7)}${prefix.slice(8, 10)}`;
}

/** Days since the epoch in local time (a day starts at 00:00 +08:00). */
export function localDay(ms: number): number {
  return Math.floor((ms + LOCAL_OFFSET_MS) / DAY);
}

/** Start of the local day containing `ms`, as epoch ms. */
export function localMidnight(ms: number): number {
  return localDay(ms) * DAY - LOCAL_OFFSET_MS;
}

/** Local hour of day as a fraction, 0 ≤ h < 24. */
export function localHour(ms: number): number {
  return (((ms + LOCAL_OFFSET_MS) % DAY) + DAY) % DAY / HOUR;
}

/** 0 = Sunday … 6 = Saturday, local. */
export function localWeekday(ms: number): number {
  return (localDay(ms) + 4) % 7;
}

export function roundToSecond(ms: number): number {
  return Math.round(ms / SECOND) * SECOND;
}

/** Relative request volume by local hour: peaks 9–11 and 14–17, a trough before dawn. */
const HOURLY_RAW = [
  0.16, 0.1, 0.07, 0.05, 0.05, 0.08, 0.2, 0.5, 1.1, 1.7, 1.8, 1.5, 1.0, 1.1, 1.5, 1.6, 1.5, 1.2, 0.9, 0.8, 0.75, 0.6, 0.4, 0.25,
];
const hourlyTotal = HOURLY_RAW.reduce((a, b) => a + b, 0);
/** Share of a day's requests that arrive in each local hour (sums to 1). */
export const HOURLY_SHARE: readonly number[] = HOURLY_RAW.map((v) => v / hourlyTotal);

/** Relative volume by weekday, Sunday first: Monday catches the weekend's backlog. */
export const WEEKDAY_FACTOR: readonly number[] = [0.7, 1.12, 1.06, 1.02, 1.0, 0.96, 0.76];

export type SeasonName = "heating" | "summer" | "other";

/** 供暖季 runs 15 November to 15 March in northern Chinese cities; summer is June to August. */
export function seasonOf(ms: number): SeasonName {
  const prefix = datePrefix(localDay(ms));
  const month = Number(prefix.slice(5, 7));
  const day = Number(prefix.slice(8, 10));
  if (month === 12 || month <= 2 || (month === 11 && day >= 15) || (month === 3 && day <= 15)) return "heating";
  if (month >= 6 && month <= 8) return "summer";
  return "other";
}

/**
 * Moves a moment into office hours (08:00–20:00 on duty, 值班): work that would land at night
 * starts the next morning, spread over the first ninety minutes.
 */
export function toOfficeHours(ms: number, rng: Rng, opensAt = 8, closesAt = 20): number {
  const hour = localHour(ms);
  if (hour >= opensAt && hour < closesAt) return ms;
  const midnight = localMidnight(ms) + (hour >= closesAt ? DAY : 0);
  return midnight + opensAt * HOUR + rng.between(0, 90 * MINUTE);
}

/** Numbers things per local day, as `T20261126000123`; only the last few days are remembered. */
export class DailySequence {
  private readonly counters = new Map<string, number>();

  constructor(
    private readonly prefix: string,
    private readonly width: number,
  ) {}

  next(ms: number): string {
    const day = localDateKey(ms);
    const n = (this.counters.get(day) ?? 0) + 1;
    this.counters.set(day, n);
    if (this.counters.size > 4) {
      const oldest = this.counters.keys().next().value;
      if (oldest !== undefined) this.counters.delete(oldest);
    }
    return `${this.prefix}${day}${String(n).padStart(this.width, "0")}`;
  }
}
