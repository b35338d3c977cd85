// Scores a detector's alarms against the labelled spikes: matched (TP), excused (a related or natural burst: neither), false alarm; recall and delays per incident.
import { categoriesNest, related, seriesKey, type Alarm, type Window } from "./series.js";

/** A labelled spike incident as scored: its series, window, tree level and the tickets it actually produced. */
export interface Truth extends Window {
  readonly id: string;
  readonly level: number;
  readonly tickets: number;
}

export interface Counts {
  readonly alarms: number;
  readonly matched: number;
  /** Neither TP nor FP: in a related series of an incident, or in a series a natural burst fed, while it ran. */
  readonly excused: number;
  readonly falseAlarms: number;
  readonly incidents: number;
  readonly detected: number;
  /** Per detected incident: its earliest matching alarm's first_seen − the incident's start, in minutes. */
  readonly delaysMinutes: readonly number[];
  readonly seriesDays: number;
  /** Incidents and detected incidents by level of the category tree (1 = top). */
  readonly byLevel: Readonly<Record<string, { readonly incidents: number; readonly detected: number }>>;
  /** The same by how many tickets the incident produced (SIZE_CLASSES). */
  readonly bySize: Readonly<Record<string, { readonly incidents: number; readonly detected: number }>>;
}

/** Incidents by the tickets they produced: a spike of a few tickets is hard to tell from chance. */
export const SIZE_CLASSES = ["1-4", "5-9", "10+"] as const;
const sizeClass = (tickets: number): string => (tickets < 5 ? "1-4" : tickets < 10 ? "5-9" : "10+");

export interface Figures {
  readonly precision: number | null;
  readonly recall: number | null;
  readonly f1: number | null;
  readonly median_delay_minutes: number | null;
  readonly false_alarms_per_1000_series_days: number | null;
}

const overlaps = (alarm: Window, w: Window, graceMs: number): boolean => alarm.startMs <= w.endMs + graceMs && alarm.endMs >= w.startMs;

/** A natural burst in a leaf feeds that leaf's ancestors in its district and city-wide. */
const fedBy = (alarm: Window, burst: Window): boolean => (alarm.district === "" || alarm.district === burst.district) && categoriesNest(alarm.category, burst.category);

export function score(alarms: readonly Alarm[], truths: readonly Truth[], bursts: readonly Window[], graceMs: number, seriesDays: number): Counts {
  const bySeries = new Map<string, Truth[]>();
  for (const t of truths) bySeries.set(seriesKey(t), [...(bySeries.get(seriesKey(t)) ?? []), t]);
  const firstDelay = new Map<string, number>();
  let matched = 0;
  let excused = 0;
  for (const alarm of alarms) {
    const hits = (bySeries.get(seriesKey(alarm)) ?? []).filter((t) => overlaps(alarm, t, graceMs));
    for (const t of hits) {
      // An alarm already open when the incident began counts as detecting it at once.
      const delay = Math.max(0, alarm.firstSeenMs - t.startMs) / 60_000;
      firstDelay.set(t.id, Math.min(delay, firstDelay.get(t.id) ?? Infinity));
    }
    if (hits.length > 0) matched++;
    else if (truths.some((t) => related(alarm, t) && overlaps(alarm, t, graceMs)) || bursts.some((b) => fedBy(alarm, b) && overlaps(alarm, b, graceMs))) excused++;
  }
  const byLevel: Record<string, { incidents: number; detected: number }> = {};
  const bySize: Record<string, { incidents: number; detected: number }> = {};
  for (const t of truths) {
    for (const entry of [(byLevel[String(t.level)] ??= { incidents: 0, detected: 0 }), (bySize[sizeClass(t.tickets)] ??= { incidents: 0, detected: 0 })]) {
      entry.incidents++;
      if (firstDelay.has(t.id)) entry.detected++;
    }
  }
  return {
    alarms: alarms.length,
    matched,
    excused,
    falseAlarms: alarms.length - matched - excused,
    incidents: truths.length,
    detected: firstDelay.size,
    delaysMinutes: [...firstDelay.values()].sort((a, b) => a - b),
    seriesDays,
    byLevel,
    bySize,
  };
}

/** Scenarios pooled: counts add up, delays join (never an average of averages). */
export function pool(all: readonly Counts[]): Counts {
  const merge = (pick: (c: Counts) => Counts["byLevel"]): Record<string, { incidents: number; detected: number }> => {
    const out: Record<string, { incidents: number; detected: number }> = {};
    for (const c of all) {
      for (const [key, v] of Object.entries(pick(c))) {
        const entry = (out[key] ??= { incidents: 0, detected: 0 });
        entry.incidents += v.incidents;
        entry.detected += v.detected;
      }
    }
    return out;
  };
  const sum = (f: (c: Counts) => number): number => all.reduce((acc, c) => acc + f(c), 0);
  return {
    alarms: sum((c) => c.alarms),
    matched: sum((c) => c.matched),
    excused: sum((c) => c.excused),
    falseAlarms: sum((c) => c.falseAlarms),
    incidents: sum((c) => c.incidents),
    detected: sum((c) => c.detected),
    delaysMinutes: all.flatMap((c) => c.delaysMinutes).sort((a, b) => a - b),
    seriesDays: sum((c) => c.seriesDays),
    byLevel: merge((c) => c.byLevel),
    bySize: merge((c) => c.bySize),
  };
}

function median(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** The headline figures; null where undefined (no alarms to judge, no incidents, nothing detected). */
export function figures(c: Counts): Figures {
  const judged = c.matched + c.falseAlarms;
  const precision = judged > 0 ? c.matched / judged : null;
  const recall = c.incidents > 0 ? c.detected / c.incidents : null;
  const f1 = precision !== null && recall !== null ? (precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0) : null;
  const delay = median(c.delaysMinutes);
  return {
    precision: precision === null ? null : round(precision, 4),
    recall: recall === null ? null : round(recall, 4),
    f1: f1 === null ? null : round(f1, 4),
    median_delay_minutes: delay === null ? null : round(delay, 1),
    false_alarms_per_1000_series_days: c.seriesDays > 0 ? round((c.falseAlarms / c.seriesDays) * 1000, 3) : null,
  };
}
