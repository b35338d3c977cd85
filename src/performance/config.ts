// The knobs of passive performance (无感监测), with their defaults. The worker's configuration
// maps environment variables onto these (see docs/performance.md); nothing here reads the environment.

/** SLA tiers (办理时限档): emergency 2 h, water/power/gas/heat 24 h, general 7 days, complex 15 days. */
export type SlaTier = "emergency" | "utility" | "general" | "complex";

export interface TierHours {
  readonly acceptHours: number;
  readonly respondHours: number;
  readonly closeHours: number;
}

export interface PerformanceConfig {
  /** A closed ticket is judged really resolved after this long without a sign it was not (default 30 days). */
  readonly observationWindowMs: number;
  /** How far back from `as_of` tickets are scored (by creation time); default 92 days. */
  readonly lookbackMs: number;
  /** Daily scores are kept for the last this many days of the span (weeks and months for all of it). */
  readonly dayPeriods: number;
  /** Units with fewer trials than this in a period are marked too few to judge (default 25). */
  readonly minVolume: number;
  /** Leave tickets of callers flagged in caller_flags out of the scores (counted separately); default true. */
  readonly excludeSuspectedAbuse: boolean;
  /** A caller flag covers tickets from this long before it was raised until this long after its last update. */
  readonly abuseWindowMs: number;
  /**
   * Count reopenings asked for by the callback survey (重办 by: callback) as a sign of non-resolution.
   * Default true; false gives the measure a hotline would have with no surveys at all.
   */
  readonly countCallbackReopens: boolean;
  /** Hours per tier when the events carry no deadline (events' deadlines always win). */
  readonly tiers: Readonly<Record<SlaTier, TierHours>>;
  /** Category code prefixes of the utility (水电气热) and complex tiers; emergencies come from urgency. */
  readonly utilityCategoryPrefixes: readonly string[];
  readonly complexCategoryPrefixes: readonly string[];
  /** Ridge penalty of the case-mix model (log-odds scale): pulls sparse categories toward the city. */
  readonly caseMixPenalty: number;
  /** Diagnosis rows kept per unit, metric and period (the largest contributors to the gap). */
  readonly diagnosisTop: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const DEFAULT_PERFORMANCE_CONFIG: PerformanceConfig = Object.freeze({
  observationWindowMs: 30 * DAY,
  lookbackMs: 92 * DAY,
  dayPeriods: 31,
  minVolume: 25,
  excludeSuspectedAbuse: true,
  abuseWindowMs: 30 * DAY,
  countCallbackReopens: true,
  tiers: Object.freeze({
    emergency: Object.freeze({ acceptHours: 0.5, respondHours: 1, closeHours: 2 }),
    utility: Object.freeze({ acceptHours: 2, respondHours: 4, closeHours: 24 }),
    general: Object.freeze({ acceptHours: 4, respondHours: 24, closeHours: 7 * 24 }),
    complex: Object.freeze({ acceptHours: 4, respondHours: 48, closeHours: 15 * 24 }),
  }),
  utilityCategoryPrefixes: Object.freeze(["03"]),
  complexCategoryPrefixes: Object.freeze([]),
  caseMixPenalty: 2,
  diagnosisTop: 5,
});

/** The defaults with `overrides` on top; throws a RangeError naming the first invalid value. */
export function performanceConfig(overrides: Partial<PerformanceConfig> = {}): PerformanceConfig {
  const config = { ...DEFAULT_PERFORMANCE_CONFIG, ...overrides };
  const positive: (keyof PerformanceConfig)[] = ["observationWindowMs", "lookbackMs", "abuseWindowMs"];
  for (const key of positive) {
    const value = config[key];
    if (typeof value !== "number" || !(value > 0)) throw new RangeError(`performance ${key} must be a positive number, got ${String(value)}`);
  }
  if (!Number.isInteger(config.minVolume) || config.minVolume < 1) throw new RangeError(`performance minVolume must be a positive integer, got ${config.minVolume}`);
  if (!Number.isInteger(config.dayPeriods) || config.dayPeriods < 0) throw new RangeError(`performance dayPeriods must be a non-negative integer, got ${config.dayPeriods}`);
  if (!(config.caseMixPenalty >= 0)) throw new RangeError(`performance caseMixPenalty must be >= 0, got ${config.caseMixPenalty}`);
  for (const [tier, hours] of Object.entries(config.tiers)) {
    for (const [name, value] of Object.entries(hours)) {
      if (!(value > 0)) throw new RangeError(`performance tier ${tier}.${name} must be positive, got ${String(value)}`);
    }
  }
  return Object.freeze(config);
}
