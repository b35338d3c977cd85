// The spike detector's settings with documented defaults, validated once and frozen, and the test limits they imply.

export interface SpikeConfig {
  /** IANA zone whose local hours and days (from local midnight) are the buckets. */
  readonly timeZone: string;
  /** A bucket is final this long after it ends; later tickets for it are dropped and counted. */
  readonly latenessMs: number;
  /** Daily counts kept per series for the baseline. */
  readonly windowDays: number;
  /** No alarms until this many complete days have been seen (zeros count: they are history). */
  readonly warmupDays: number;
  /** Half-life of the weights of past days in the level (trend follows within about this). */
  readonly levelHalfLifeDays: number;
  /** Half-life of the hour-of-day profile and of the hourly dispersion estimate. */
  readonly profileHalfLifeDays: number;
  /** Pseudo-tickets of the parent series' day-of-week and hour-of-day shape (hierarchical pooling). */
  readonly poolingTickets: number;
  /** Prior tickets behind a level estimate (Gamma prior shape): keeps a silent series from alarming on one ticket. */
  readonly levelPriorTickets: number;
  /** Negative-binomial dispersion φ (variance μ + φμ²): floor, ceiling, and the root's prior (children shrink toward their parent's). */
  readonly dispersionFloor: number;
  readonly dispersionCeiling: number;
  readonly dispersionPrior: number;
  /** Every alarm needs at least this many tickets, this many above expected, and this ratio. */
  readonly minCount: number;
  readonly minExcess: number;
  readonly minRatio: number;
  /** Target false alarms per (category, district) series per day, all tests together. */
  readonly alphaPerSeriesDay: number;
  /**
   * A bucket is tested again at every advance while it fills; its per-test alpha is divided by
   * this many effective looks (a day, looked at all day long, by more; measured on the fixtures).
   */
  readonly hourLooks: number;
  readonly dayLooks: number;
  /** A partial bucket's expected count is at least this share of the full bucket's. */
  readonly hourMinElapsedShare: number;
  readonly dayMinElapsedShare: number;
  /** Besides each hour, the trailing windows of this many hours (ending now) are tested too. */
  readonly trailingWindowHours: readonly number[];
  /** The rate ratio the daily CUSUM is tuned to detect (multi-day moderate rises). */
  readonly dayCusumRateRatio: number;
  /** A bucket above expected + this many sd counts as part of a spike; counts are capped at expected + capSds·sd for the baseline. */
  readonly elevatedSds: number;
  readonly capSds: number;
  /** After this many capped days in a row the baseline takes the raw counts: the level has shifted. */
  readonly acceptShiftAfterDays: number;
  /** Quiet complete buckets in a row that close a spike. */
  readonly closeAfterQuietHours: number;
  readonly closeAfterQuietDays: number;
  /** An open spike is re-reported when its count grew by this share (at least one ticket). */
  readonly updateGrowthRatio: number;
  readonly maxSampleTickets: number;
  /** How long ticket ids are kept to sample spikes from. */
  readonly sampleRetentionMs: number;
  /**
   * A caller's further tickets in the same leaf category and district within this long of the one
   * that counted are repeats (the repeat detector's business), not more people: they do not count.
   */
  readonly repeatCallerWindowMs: number;
  /** A series with no tickets for this many days is forgotten (it returns as zeros). */
  readonly idleEvictDays: number;
}

const HOUR_MS = 3_600_000;

export const DEFAULT_SPIKE_CONFIG: SpikeConfig = Object.freeze({
  timeZone: "Asia/Shanghai",
  latenessMs: 10 * 60_000,
  windowDays: 56,
  warmupDays: 14,
  levelHalfLifeDays: 14,
  profileHalfLifeDays: 28,
  poolingTickets: 50,
  levelPriorTickets: 0.5,
  dispersionFloor: 0.02,
  dispersionCeiling: 2,
  dispersionPrior: 0.1,
  minCount: 3,
  minExcess: 2,
  minRatio: 1.2,
  alphaPerSeriesDay: 4e-3,
  hourLooks: 3,
  dayLooks: 6,
  hourMinElapsedShare: 0.25,
  dayMinElapsedShare: 0.1,
  trailingWindowHours: Object.freeze([3, 6]),
  dayCusumRateRatio: 1.5,
  elevatedSds: 1,
  capSds: 3,
  acceptShiftAfterDays: 3,
  closeAfterQuietHours: 2,
  closeAfterQuietDays: 1,
  updateGrowthRatio: 0.25,
  maxSampleTickets: 10,
  sampleRetentionMs: 48 * HOUR_MS,
  repeatCallerWindowMs: 24 * HOUR_MS,
  idleEvictDays: 56,
});

/** Merges overrides into the defaults, checks every field and freezes the result. */
export function spikeConfig(overrides: Partial<SpikeConfig> = {}): Readonly<SpikeConfig> {
  const c: SpikeConfig = { ...DEFAULT_SPIKE_CONFIG, ...overrides };
  const problems: string[] = [];
  const check = (ok: boolean, field: keyof SpikeConfig, expected: string): void => {
    if (!ok) problems.push(`${field} must be ${expected}, got ${String(c[field])}`);
  };
  const positiveInt = (f: keyof SpikeConfig): void => check(Number.isInteger(c[f]) && (c[f] as number) > 0, f, "a positive integer");
  const positive = (f: keyof SpikeConfig): void => check(typeof c[f] === "number" && (c[f] as number) > 0 && Number.isFinite(c[f]), f, "a positive number");
  const share = (f: keyof SpikeConfig): void => check(typeof c[f] === "number" && (c[f] as number) > 0 && (c[f] as number) <= 1, f, "in (0, 1]");
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: c.timeZone });
  } catch {
    problems.push(`timeZone must be an IANA time zone such as Asia/Shanghai, got ${c.timeZone}`);
  }
  check(Number.isFinite(c.latenessMs) && c.latenessMs >= 0, "latenessMs", "≥ 0");
  check(Number.isFinite(c.repeatCallerWindowMs) && c.repeatCallerWindowMs >= 0, "repeatCallerWindowMs", "≥ 0");
  for (const f of ["windowDays", "warmupDays", "minCount", "hourLooks", "dayLooks", "closeAfterQuietHours", "closeAfterQuietDays", "maxSampleTickets", "idleEvictDays", "acceptShiftAfterDays"] as const) {
    positiveInt(f);
  }
  for (const f of ["levelHalfLifeDays", "profileHalfLifeDays", "poolingTickets", "levelPriorTickets", "dispersionFloor", "sampleRetentionMs", "capSds", "elevatedSds"] as const) {
    positive(f);
  }
  for (const f of ["alphaPerSeriesDay", "hourMinElapsedShare", "dayMinElapsedShare", "updateGrowthRatio"] as const) share(f);
  check(c.warmupDays <= c.windowDays, "warmupDays", `at most windowDays (${c.windowDays})`);
  check(c.idleEvictDays <= c.windowDays, "idleEvictDays", `at most windowDays (${c.windowDays})`);
  check(c.dispersionCeiling >= c.dispersionFloor, "dispersionCeiling", "≥ dispersionFloor");
  check(c.dispersionPrior >= 0, "dispersionPrior", "≥ 0");
  check(c.minExcess >= 0, "minExcess", "≥ 0");
  check(c.minRatio >= 1, "minRatio", "≥ 1");
  check(c.dayCusumRateRatio > 1, "dayCusumRateRatio", "> 1");
  const windows = c.trailingWindowHours;
  check(Array.isArray(windows) && windows.every((h) => Number.isInteger(h) && h >= 2 && h <= 24), "trailingWindowHours", "whole hours in 2…24");
  if (problems.length > 0) throw new RangeError(`invalid spike detector config: ${problems.join("; ")}`);
  return Object.freeze({ ...c, trailingWindowHours: Object.freeze([...windows]) });
}

/**
 * The per-test limits implied by the false-alarm budget, split evenly over the tests: each hour,
 * each trailing window, each day, and the daily CUSUM. Bucket tests repeat at every advance, so
 * their alpha is further divided by hourLooks or dayLooks.
 */
export interface SpikeThresholds {
  /** For one hour bucket, and for one trailing window ending in a given hour. */
  readonly hourAlpha: number;
  readonly dayAlpha: number;
  readonly dayCusumLimit: number;
}

export function spikeThresholds(c: SpikeConfig): SpikeThresholds {
  const perTest = c.alphaPerSeriesDay / (3 + c.trailingWindowHours.length);
  // A CUSUM of log-likelihood ratios crosses h about once every e^h buckets under the baseline.
  return { hourAlpha: perTest / 24 / c.hourLooks, dayAlpha: perTest / c.dayLooks, dayCusumLimit: Math.log(1 / perTest) };
}
