// The benchmark's seeded scenarios: which city, when, how long, which holidays, and the labelled spikes staged in it.
import type { CitySize, Holiday, SpikeIncident, World } from "../../src/sources/simulator/index.js";
import { randomIncidents } from "../../src/sources/simulator/index.js";
import { DAY_MS } from "./series.js";
import { sparseSpikes } from "./sparse.js";

export const SCENARIO_NAMES = ["quiet_city", "busy_city", "sparse_categories", "holiday_effects", "quick"] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export interface Scenario {
  readonly name: ScenarioName;
  readonly size: CitySize;
  readonly seed: number;
  /** Local midnight (+08:00) of the first day replayed into the pipeline (the simulation runs BURN_IN_DAYS before it). */
  readonly startMs: number;
  readonly days: number;
  /** Days nobody is scored on: ESSENCE needs 28 + 2 days of history, the spike detector 14. */
  readonly warmupDays: number;
  readonly spikes: number;
  /** `random`: randomIncidents across levels, sized against each series' rate; `sparse`: low-volume leaves only. */
  readonly placement: "random" | "sparse";
  readonly holidays: readonly Holiday[];
  readonly description: string;
}

const localMidnight = (date: string): number => Date.parse(`${date}T00:00:00+08:00`);
const WARMUP_DAYS = 30;
/**
 * Simulated but never replayed: the simulator starts with no open tickets, so repeat callers (some
 * 14% of tickets) only build up over its first weeks, a ramp no real hotline has.
 */
export const BURN_IN_DAYS = 21;

// Burn-in and scenario stay inside one simulator season (heating 15 Nov–15 Mar, summer Jun–Aug, other
// the rest): a season change switches whole categories on or off, a level shift no label explains.
const SCENARIOS: Readonly<Record<ScenarioName, Scenario>> = {
  quiet_city: {
    name: "quiet_city",
    size: "small",
    seed: 101,
    startMs: localMidnight("2025-12-06"),
    days: 70,
    warmupDays: WARMUP_DAYS,
    spikes: 45,
    placement: "random",
    holidays: [],
    description: "small city (~300 tickets/day), random spikes at every level",
  },
  busy_city: {
    name: "busy_city",
    size: "medium",
    seed: 202,
    startMs: localMidnight("2025-04-06"),
    days: 56,
    warmupDays: WARMUP_DAYS,
    spikes: 40,
    placement: "random",
    holidays: [],
    description: "medium city (~3,000 tickets/day), random spikes at every level",
  },
  sparse_categories: {
    name: "sparse_categories",
    size: "small",
    seed: 303,
    startMs: localMidnight("2025-06-22"),
    days: 70,
    warmupDays: WARMUP_DAYS,
    spikes: 40,
    placement: "sparse",
    holidays: [],
    description: "small city, spikes of 3–8 tickets in the rarest leaf categories",
  },
  holiday_effects: {
    name: "holiday_effects",
    size: "small",
    seed: 404,
    startMs: localMidnight("2025-12-20"),
    days: 70,
    warmupDays: WARMUP_DAYS,
    spikes: 45,
    placement: "random",
    // New Year's Day (in the warm-up) and a nine-day Spring Festival at half volume.
    holidays: [
      { startMs: localMidnight("2026-01-01"), days: 1, volumeFactor: 0.6 },
      { startMs: localMidnight("2026-02-15"), days: 9, volumeFactor: 0.5 },
    ],
    description: "small city, Spring Festival at half volume and the return after it",
  },
  quick: {
    name: "quick",
    size: "small",
    seed: 505,
    startMs: localMidnight("2025-12-06"),
    days: WARMUP_DAYS + 4,
    warmupDays: WARMUP_DAYS,
    spikes: 8,
    placement: "random",
    holidays: [],
    description: "smoke run: small city, 4 scored days",
  },
};

export const FULL_RUN: readonly ScenarioName[] = ["busy_city", "quiet_city", "sparse_categories", "holiday_effects"];

export function scenario(name: ScenarioName): Scenario {
  return SCENARIOS[name];
}

export function scenarioEndMs(s: Scenario): number {
  return s.startMs + s.days * DAY_MS;
}

export function scoringStartMs(s: Scenario): number {
  return s.startMs + s.warmupDays * DAY_MS;
}

export function scenarioIncidents(s: Scenario, world: World): SpikeIncident[] {
  // Placed in the scored days only (randomIncidents caps its own warm-up at half the span).
  const options = { seed: s.seed, startMs: scoringStartMs(s), days: s.days - s.warmupDays, spikes: s.spikes };
  if (s.placement === "sparse") return sparseSpikes(world, options);
  return randomIncidents(world, options).filter((i): i is SpikeIncident => i.kind === "spike");
}
