// Golden fixtures on a synthetic city of 468 series: quiet-city alarm rate, injected spikes, sparse series, determinism.
import { beforeAll, describe, expect, it } from "vitest";
import { mulberry32 } from "../stats/random.js";
import { SpikeDetector } from "./detector.js";
import { type Injection, type SyntheticCity, generateTickets, standardCity } from "./synthetic-city.js";
import { DEFAULT_SPIKE_CONFIG, type SpikeConfig } from "./config.js";
import type { SpikeUpdate, TicketObservation } from "./types.js";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const START_MS = Date.parse("2026-03-02T00:00:00+08:00"); // a Monday, local midnight
const WARMUP_DAYS = 14;

/** Feeds tickets in event-time order, calling advance() every stepMs, and collects every update. */
function replay(tickets: readonly TicketObservation[], days: number, stepMs: number, config: Partial<SpikeConfig> = {}): { updates: SpikeUpdate[]; detector: SpikeDetector } {
  const detector = new SpikeDetector(config);
  const updates: SpikeUpdate[] = [];
  let next = 0;
  for (let now = START_MS + stepMs; now <= START_MS + days * DAY_MS; now += stepMs) {
    while (next < tickets.length && (tickets[next]?.occurredAtMs ?? Infinity) < now) detector.observe(tickets[next++] as TicketObservation);
    updates.push(...detector.advance(now));
  }
  return { updates, detector };
}

const opened = (updates: readonly SpikeUpdate[]): SpikeUpdate[] => updates.filter((u) => u.status === "open");
const local = (ms: number): string => new Date(ms + 8 * HOUR_MS).toISOString().slice(0, 16);

/** Watched (level ≥ 1) series keys, ignoring resolution: both resolutions share one series-day budget. */
function watchedSeries(tickets: readonly TicketObservation[]): number {
  const keys = new Set<string>();
  for (const t of tickets) {
    t.categoryPath.forEach((_, level) => {
      const path = t.categoryPath.slice(0, level + 1).join(">");
      keys.add(`${path}|`);
      keys.add(`${path}|${t.districtCode}`);
    });
  }
  return keys.size;
}

const isAncestorOf = (u: SpikeUpdate, path: readonly string[], district: string): boolean =>
  u.categoryPath.every((code, i) => path[i] === code) && (u.series.district === "" || u.series.district === district);

describe("spike detector on a quiet city", () => {
  const days = 60;
  const city = standardCity(1, START_MS, 0, days);
  let tickets: TicketObservation[];
  let first: SpikeUpdate[];

  beforeAll(() => {
    tickets = generateTickets(city);
    first = replay(tickets, days, 10 * 60_000).updates;
  });

  it("keeps false alarms within the budget (alphaPerSeriesDay), all of them closed again", () => {
    const series = watchedSeries(tickets);
    const seriesDays = series * (days - WARMUP_DAYS);
    const alarms = opened(first);
    expect(series).toBe(468);
    expect(alarms.length / seriesDays).toBeLessThanOrEqual(DEFAULT_SPIKE_CONFIG.alphaPerSeriesDay);
    expect(new Set(first.filter((u) => u.status === "closed").map((u) => u.id)).size).toBeGreaterThanOrEqual(alarms.length - 2);
    const golden = alarms.map((u) => `${u.series.resolution} ${u.trigger} ${u.categoryPath.join(">")} ${u.series.district || "city"} ${local(u.firstSeenMs)} ${u.observed}/${u.expected.toFixed(1)}`);
    expect({ tickets: tickets.length, series, seriesDays, alarms: golden }).toMatchSnapshot();
  });

  it("raises at most 1 alarm per 1,000 series-days with a budget of 1 (HOTLINE_SPIKE_ALPHA_PER_SERIES_DAY=0.001)", () => {
    const strict = opened(replay(tickets, days, 10 * 60_000, { alphaPerSeriesDay: 1e-3 }).updates);
    expect(strict.length / ((watchedSeries(tickets) * (days - WARMUP_DAYS)) / 1000)).toBeLessThanOrEqual(1);
  });

  it("is deterministic: the same calls give the same output", () => {
    expect(replay(tickets, days, 10 * 60_000).updates).toEqual(first);
  });
});

describe("spike detector on injected spikes", () => {
  const days = 50;
  const base = standardCity(1, START_MS, 0, days);
  const byVolume = [...base.leaves].sort((a, b) => b.perDay - a.perDay);
  const inject = (rank: number, district: string, day: number, hour: number): Injection => {
    const fromMs = START_MS + day * DAY_MS + hour * HOUR_MS;
    return { path: byVolume[rank]?.path ?? [], district, fromMs, toMs: fromMs + 6 * HOUR_MS, rateMultiplier: 3 };
  };
  // 3× for 6 hours on weekdays: a busy leaf × district (~69 tickets a day) and a moderate one (~35).
  const busy = inject(0, "D3", 45, 10);
  const moderate = inject(3, "D1", 44, 10);
  // 1.5× for a whole week in a busy leaf × district (~47 tickets a day): a moderate multi-day rise.
  const week = { path: byVolume[1]?.path ?? [], district: "D2", fromMs: START_MS + 30 * DAY_MS, toMs: START_MS + 37 * DAY_MS, rateMultiplier: 1.5 };
  const city: SyntheticCity = { ...base, injections: [busy, moderate, week] };
  let updates: SpikeUpdate[];

  beforeAll(() => {
    updates = replay(generateTickets(city), days, 5 * 60_000).updates;
  });

  it.each([
    ["busy", 2, busy],
    ["moderate", 4, moderate],
  ] as const)("finds the %s leaf × district within %i hours, in it and its ancestors only", (_, maxDelayHours, injection) => {
    const during = opened(updates).filter((u) => u.firstSeenMs >= injection.fromMs && u.firstSeenMs < injection.fromMs + DAY_MS);
    const target = during.filter((u) => u.series.district === injection.district && u.categoryPath.join() === injection.path.join());
    expect(target.length).toBeGreaterThan(0);
    const delayMs = Math.min(...target.map((u) => u.firstSeenMs)) - injection.fromMs;
    expect(delayMs).toBeLessThanOrEqual(maxDelayHours * HOUR_MS);
    expect(during.filter((u) => !isAncestorOf(u, injection.path, injection.district)).length).toBeLessThanOrEqual(1);
    const hourly = target.find((u) => u.series.resolution === "hour");
    expect(hourly?.startedAtMs).toBeGreaterThanOrEqual(injection.fromMs - HOUR_MS);
    expect(hourly?.startedAtMs).toBeLessThanOrEqual(injection.fromMs + HOUR_MS);
    expect(hourly?.sampleTicketIds.length).toBe(10);
    const closed = updates.find((u) => u.id === hourly?.id && u.status === "closed");
    expect(closed?.endedAtMs).toBeLessThanOrEqual(injection.toMs + 2 * HOUR_MS);
    expect(closed?.score.ratio).toBeGreaterThan(2);
  });

  it("catches the week-long 1.5× rise within 4 days, dated from its first day, the daily CUSUM included", () => {
    const daily = updates.filter((u) => u.series.resolution === "day" && u.series.district === week.district && isAncestorOf(u, week.path, week.district));
    const opens = opened(daily).filter((u) => u.firstSeenMs >= week.fromMs && u.firstSeenMs < week.toMs);
    const leaf = opens.find((u) => u.categoryPath.join() === week.path.join());
    expect(leaf?.startedAtMs).toBe(week.fromMs);
    expect((leaf?.firstSeenMs ?? Infinity) - week.fromMs).toBeLessThanOrEqual(4 * DAY_MS);
    expect(opens.some((u) => u.trigger === "cusum")).toBe(true);
    for (const u of opens) {
      const closed = daily.find((c) => c.id === u.id && c.status === "closed");
      expect(closed?.lastUpdatedMs).toBeLessThanOrEqual(week.toMs + 2 * DAY_MS);
      expect(closed?.score.ratio).toBeGreaterThan(1.25);
    }
  });
});

describe("spike detector on sparse series and late tickets", () => {
  const days = 35;
  const background = generateTickets(standardCity(3, START_MS, 0, days, 300));
  const sparsePath = ["05", "05.01", "05.01.01"];
  const sparse = (extra: readonly number[]): TicketObservation[] => {
    const random = mulberry32(5);
    const weekly = Array.from({ length: days / 7 }, (_, week) => START_MS + week * 7 * DAY_MS + Math.floor(random() * 7 * DAY_MS));
    return [...weekly, ...extra].map((occurredAtMs, i) => ({ occurredAtMs, categoryPath: sparsePath, districtCode: "D1", ticketId: `s${i}` }));
  };
  const merged = (extra: readonly TicketObservation[]): TicketObservation[] =>
    [...background, ...extra].sort((a, b) => a.occurredAtMs - b.occurredAtMs || (a.ticketId < b.ticketId ? -1 : 1));
  const sparseUpdates = (updates: readonly SpikeUpdate[]): SpikeUpdate[] => updates.filter((u) => u.categoryPath[0] === "05");

  it("stays quiet for a 1-a-week series on a day with 2 tickets", () => {
    const day = START_MS + 30 * DAY_MS;
    const { updates } = replay(merged(sparse([day + 10 * HOUR_MS, day + 10.5 * HOUR_MS])), days, 15 * 60_000);
    expect(sparseUpdates(updates)).toEqual([]);
  });

  it("but reports 6 tickets in one hour in it, within the hour", () => {
    const burst = START_MS + 30 * DAY_MS + 10 * HOUR_MS;
    const { updates } = replay(merged(sparse([0, 1, 2, 3, 4, 5].map((k) => burst + k * 5 * 60_000))), days, 15 * 60_000);
    const leaf = opened(sparseUpdates(updates)).filter((u) => u.series.level === 3 && u.series.district === "D1");
    expect(leaf.length).toBeGreaterThan(0);
    expect(Math.min(...leaf.map((u) => u.firstSeenMs)) - burst).toBeLessThanOrEqual(HOUR_MS);
  });

  it("counts one caller's repeats once: the same 6 tickets from one caller raise nothing", () => {
    const burst = START_MS + 30 * DAY_MS + 10 * HOUR_MS;
    const repeats = sparse([0, 1, 2, 3, 4, 5].map((k) => burst + k * 5 * 60_000)).map((t, i) => (i >= days / 7 ? { ...t, callerKey: "caller-1" } : t));
    const { updates, detector } = replay(merged(repeats), days, 15 * 60_000);
    expect(sparseUpdates(updates)).toEqual([]);
    expect(detector.stats.repeatTickets).toBe(5);
  });

  it("ignores the order of tickets between two advances, counts late ones and drops later ones", () => {
    const tickets = background.filter((t) => t.occurredAtMs < START_MS + 21 * DAY_MS);
    const stepMs = 15 * 60_000;
    const random = mulberry32(9);
    const keyed = tickets.map((t) => ({ t, interval: Math.floor(t.occurredAtMs / stepMs), key: random() }));
    const shuffled = keyed.sort((a, b) => a.interval - b.interval || a.key - b.key).map((k) => k.t);
    expect(replay(shuffled, 21, stepMs, { warmupDays: 7 }).updates).toEqual(replay(tickets, 21, stepMs, { warmupDays: 7 }).updates);

    const detector = new SpikeDetector({ latenessMs: 10 * 60_000 });
    const ticket = (minute: number, ticketId: string): TicketObservation => ({ occurredAtMs: START_MS + minute * 60_000, categoryPath: ["01"], districtCode: "D1", ticketId });
    detector.observe(ticket(0, "first"));
    detector.advance(START_MS + 65 * 60_000);
    detector.observe(ticket(30, "late-but-in-time")); // its hour is final only at 01:10
    detector.advance(START_MS + 75 * 60_000);
    detector.observe(ticket(40, "too-late"));
    expect(detector.stats).toMatchObject({ droppedLateTickets: 1, series: 3 });
  });
});
