// One scenario end to end: simulate the city with labelled spikes, replay it through the real pipeline into chdb, read `spikes FINAL` and the daily counts, and score every detector.
import type { HotlineEvent } from "../../src/contract/event.js";
import { buildWorld, openSimulation, type EventStream, type SpikeIncident, type SpikeLabel } from "../../src/sources/simulator/index.js";
import type { SpikeConfig } from "../../src/detectors/spike/config.js";
import type { Store } from "../../src/store/port.js";
import { baselineAlarms, BASELINES, type BaselineName } from "./baselines.js";
import { naturalBursts } from "./bursts.js";
import { openBenchStore, replayEvents } from "./replay.js";
import { BURN_IN_DAYS, scenarioEndMs, scenarioIncidents, scoringStartMs, type Scenario } from "./scenarios.js";
import { score, type Counts, type Truth } from "./score.js";
import { dailyCounts, DAY_MS, HOUR_MS, levelsOf, type Alarm } from "./series.js";

export type DetectorName = "spike" | BaselineName;
export const DETECTORS: readonly DetectorName[] = ["spike", ...BASELINES];

/** How late a spike may start after its incident ended and still be the incident's (redials, late registration). */
export const SPIKE_GRACE_MS = HOUR_MS;

export interface ScenarioResult {
  readonly name: string;
  readonly description: string;
  readonly size: string;
  readonly days: number;
  readonly warmupDays: number;
  readonly eventsStored: number;
  readonly ticketsCreated: number;
  readonly watchedSeries: number;
  readonly incidents: number;
  readonly labelledTickets: number;
  readonly naturalBursts: number;
  /** Spike rows with no ticket in their own window: re-opened on evidence a closed spike already reported. */
  readonly emptySpikeRows: number;
  readonly seconds: { readonly pipeline: number; readonly scoring: number };
  readonly detectors: Readonly<Record<DetectorName, Counts>>;
}

export interface RunOptions {
  readonly dataDir: string;
  /** Replay every event type, not only the ticket.created the spike detector reads (slower, same spikes). */
  readonly allEvents: boolean;
  /** Overrides of the spike detector's defaults (tuning runs only). */
  readonly spike?: Partial<SpikeConfig>;
  readonly log: (message: string) => void;
}

interface SpikeRow extends Record<string, unknown> {
  readonly observed: string | number;
  readonly category_code: string;
  readonly district_code: string;
  readonly started_ms: string | number;
  readonly ended_ms: string | number | null;
  readonly first_seen_ms: string | number;
  readonly last_updated_ms: string | number;
}

async function spikeAlarms(store: Store, fromMs: number): Promise<(Alarm & { observed: number })[]> {
  const rows = await store.query<SpikeRow>(
    `SELECT category_code, district_code, observed, toUnixTimestamp64Milli(started_at) AS started_ms, toUnixTimestamp64Milli(ended_at) AS ended_ms,
            toUnixTimestamp64Milli(first_seen) AS first_seen_ms, toUnixTimestamp64Milli(last_updated) AS last_updated_ms
     FROM spikes FINAL ORDER BY spike_id`,
  );
  return rows
    .map((r) => ({
      category: r.category_code,
      district: r.district_code,
      startMs: Number(r.started_ms),
      endMs: Number(r.ended_ms ?? r.last_updated_ms),
      firstSeenMs: Number(r.first_seen_ms),
      observed: Number(r.observed),
    }))
    .filter((a) => a.firstSeenMs >= fromMs);
}

function truthOf(incident: SpikeIncident, label: SpikeLabel | undefined): Truth {
  return {
    id: incident.id,
    category: incident.categoryCode,
    district: incident.districtCode ?? "",
    startMs: incident.startMs,
    endMs: incident.startMs + incident.durationMs,
    level: levelsOf(incident.categoryCode).length,
    tickets: label?.ticketIds.length ?? 0,
  };
}

/** The events from `fromMs` on (the burn-in is dropped), by default only the ticket.created the spike detector reads. */
function* replayed(stream: EventStream, fromMs: number, all: boolean): Generator<HotlineEvent> {
  for (let event = stream.next(); event !== undefined; event = stream.next()) {
    if (stream.atMs >= fromMs && (all || event.type === "ticket.created")) yield event;
  }
}

export async function runScenario(s: Scenario, options: RunOptions): Promise<ScenarioResult> {
  const started = performance.now();
  const incidents = scenarioIncidents(s, buildWorld(s.seed, s.size));
  const simulation = openSimulation({
    seed: s.seed,
    startMs: s.startMs - BURN_IN_DAYS * DAY_MS,
    days: s.days + BURN_IN_DAYS,
    size: s.size,
    incidents,
    holidays: s.holidays,
  });
  const store = await openBenchStore(options.dataDir, `bench_${s.name}`);
  try {
    let lastLog = 0;
    const progress = await replayEvents(store, replayed(simulation, s.startMs, options.allEvents), options.spike ?? {}, (p) => {
      if (performance.now() - lastLog < 10_000) return;
      lastLog = performance.now();
      options.log(`${p.stored.toLocaleString("en-US")} events stored`);
    });
    const pipelineSeconds = (performance.now() - started) / 1000;
    options.log(`pipeline done: ${progress.stored.toLocaleString("en-US")} events in ${pipelineSeconds.toFixed(1)} s; scoring`);

    const labels = simulation.labels().filter((l): l is SpikeLabel => l.kind === "spike");
    // An incident whose Poisson draws produced no ticket at all is nothing any method could see.
    const truths = incidents.map((i) => truthOf(i, labels.find((l) => l.id === i.id))).filter((t) => t.tickets > 0);
    const labelled = new Set(labels.flatMap((l) => l.ticketIds));
    const fromMs = scoringStartMs(s);
    const counts = await dailyCounts(store, s.startMs, s.days);
    const seriesDays = counts.bySeries.size * (s.days - s.warmupDays);
    const bursts = (await naturalBursts(store, labelled, s.days)).filter((b) => b.endMs >= fromMs - SPIKE_GRACE_MS && b.startMs < scenarioEndMs(s));
    const spikes = await spikeAlarms(store, fromMs);
    const alarms: Record<DetectorName, Alarm[]> = { spike: spikes, ...baselineAlarms(counts, s.startMs, s.warmupDays) };
    const judge = (d: DetectorName): Counts => score(alarms[d], truths, bursts, d === "spike" ? SPIKE_GRACE_MS : 0, seriesDays);
    const detectors = { spike: judge("spike"), ears_c1: judge("ears_c1"), ears_c2: judge("ears_c2"), ears_c3: judge("ears_c3"), essence_switch: judge("essence_switch") };
    const created = await store.query<{ n: string | number }>("SELECT count() AS n FROM events WHERE type = 'ticket.created'");
    return {
      name: s.name,
      description: s.description,
      size: s.size,
      days: s.days,
      warmupDays: s.warmupDays,
      eventsStored: progress.stored,
      ticketsCreated: Number(created[0]?.n ?? 0),
      watchedSeries: counts.bySeries.size,
      incidents: truths.length,
      labelledTickets: labelled.size,
      naturalBursts: bursts.length,
      emptySpikeRows: spikes.filter((a) => a.observed === 0).length,
      seconds: { pipeline: Math.round(pipelineSeconds * 10) / 10, scoring: Math.round(((performance.now() - started) / 1000 - pipelineSeconds) * 10) / 10 },
      detectors,
    };
  } finally {
    await store.close();
  }
}
