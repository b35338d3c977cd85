// Local time in the simulated city (UTC+08:00): ISO stamps, the daily and weekly rhythm of
// requests, seasons, and office hours (上班时间) that departments keep.
import type { Rng } from "./random.js";

export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
/** China Standard Time, no daylight saving. */
export const LOCAL_OFFSET_MS = 8 * HOUR;

/** `2026-11-26T09:30:00+08:00`: the local wall time with its offset, to the second. */
export function isoLocal(ms: number): string {
  return `${new Date(ms + LOCAL_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}

/** `20261126`, the local date, as ticket numbers carry it. */
export function localDateKey(ms: number): string {
  const iso = new Date(ms + LOCAL_OFFSET_MS).toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}`;
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
  const iso = new Date(ms + LOCAL_OFFSET_MS).toISOString();
  const month = Number(iso.slice(5, 7));
  const day = Number(iso.slice(8, 10));
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
