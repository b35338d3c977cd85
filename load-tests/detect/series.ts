// Watched series (a category at one level × a district or city-wide), their local daily counts from the events table, and how two series nest.
import type { Store } from "../../src/store/port.js";
import { BENCH_TIME_ZONE } from "./replay.js";

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

/** One series: `district` is "" for city-wide. */
export interface SeriesRef {
  readonly category: string;
  readonly district: string;
}

/** Something in a series over a time window: a labelled incident, a natural burst, a spike row or a baseline alarm. */
export interface Window extends SeriesRef {
  readonly startMs: number;
  readonly endMs: number;
}

/** A detector's report: a spike row (its span) or a baseline alarm (its day), first known at `firstSeenMs`. */
export interface Alarm extends Window {
  readonly firstSeenMs: number;
}

export const seriesKey = (s: SeriesRef): string => `${s.district}|${s.category}`;

/** Whether category `a` is `b`, or above or below it in the tree (codes like 02, 02.05, 02.05.03). */
export function categoriesNest(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);
}

/** Whether a series holds tickets of another or the other way round (nested categories, same district or city-wide), itself excluded. */
export function related(a: SeriesRef, b: SeriesRef): boolean {
  const placesNest = a.district === b.district || a.district === "" || b.district === "";
  return placesNest && categoriesNest(a.category, b.category) && seriesKey(a) !== seriesKey(b);
}

/** Every level's category code of a leaf path: ["02", "02.05", "02.05.03"] for 02.05.03. */
export function levelsOf(leaf: string): string[] {
  const parts = leaf.split(".");
  return parts.map((_, i) => parts.slice(0, i + 1).join("."));
}

export interface DailyCounts {
  /** Local days from the scenario's first day. */
  readonly days: number;
  /** Counts per day for every series that had at least one ticket: the watched series. */
  readonly bySeries: ReadonlyMap<string, { readonly ref: SeriesRef; readonly counts: readonly number[] }>;
}

interface DayRow extends Record<string, unknown> {
  readonly day_start_s: string | number;
  readonly district_code: string;
  readonly category_code: string;
  readonly n: string | number;
}

/** ticket.created per local day from the events table, added up into every level and into city-wide. */
export async function dailyCounts(store: Store, firstDayMs: number, days: number): Promise<DailyCounts> {
  const rows = await store.query<DayRow>(
    `SELECT toUnixTimestamp(toStartOfDay(occurred_at, '${BENCH_TIME_ZONE}')) AS day_start_s, district_code, category_code, count() AS n
     FROM events WHERE type = 'ticket.created' GROUP BY day_start_s, district_code, category_code`,
  );
  const bySeries = new Map<string, { ref: SeriesRef; counts: number[] }>();
  const add = (ref: SeriesRef, day: number, n: number): void => {
    const key = seriesKey(ref);
    let entry = bySeries.get(key);
    if (entry === undefined) {
      entry = { ref, counts: new Array<number>(days).fill(0) };
      bySeries.set(key, entry);
    }
    entry.counts[day] = (entry.counts[day] ?? 0) + n;
  };
  for (const row of rows) {
    const day = Math.round((Number(row.day_start_s) * 1000 - firstDayMs) / DAY_MS);
    if (day < 0 || day >= days) continue;
    for (const category of levelsOf(row.category_code)) {
      add({ category, district: "" }, day, Number(row.n));
      if (row.district_code !== "") add({ category, district: row.district_code }, day, Number(row.n));
    }
  }
  return { days, bySeries };
}
