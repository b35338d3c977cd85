// One series' baseline: expected tickets per local hour and day, and how much they scatter.
import type { SpikeConfig } from "./config.js";
import { weekdayOfDay } from "./calendar.js";

const UNIFORM_WEEK: readonly number[] = new Array<number>(7).fill(1 / 7);
const UNIFORM_DAY: readonly number[] = new Array<number>(24).fill(1 / 24);

/** The shape a child borrows from its parent. */
export interface Shape {
  readonly weekdayShare: readonly number[];
  readonly hourShare: readonly number[];
  dispersion(resolution: "hour" | "day"): number;
}

/**
 * Expected tickets in a local day = level × day-of-week factor, in a local hour × hour-of-day share.
 * The level is a weighted mean (half-life levelHalfLifeDays) of the last windowDays daily counts,
 * each capped when recorded so one spike does not become the norm; the shapes pool the series' own
 * counts with its parent's shape (poolingTickets pseudo-tickets), so sparse series borrow theirs.
 * The scatter is a negative binomial: dispersion φ by moments, shrunk toward the parent's φ, plus
 * the level's own uncertainty (1 / tickets behind it).
 */
export class Baseline implements Shape {
  /** Daily counts, oldest first, aligned so the last entry is the detector's last complete day. */
  readonly rawDays: number[];
  /** The same, each capped at expected + capSds·sd when recorded, so a spike does not become the norm. */
  readonly cappedDays: number[];
  private readonly hourProfile: number[] = new Array<number>(24).fill(0);
  private hourResidual = 0;
  private hourScale = 0;
  private cappedStreak = 0;

  level = 0;
  levelTickets: number;
  weekdayShare: readonly number[] = UNIFORM_WEEK;
  hourShare: readonly number[] = UNIFORM_DAY;
  private cumulativeHourShare: readonly number[] = cumulative(UNIFORM_DAY);
  private dayDispersion = 0;
  private hourDispersion = 0;

  constructor(
    private readonly c: SpikeConfig,
    historyDays: number,
  ) {
    this.rawDays = new Array<number>(historyDays).fill(0);
    this.cappedDays = new Array<number>(historyDays).fill(0);
    this.levelTickets = c.levelPriorTickets;
  }

  get historyDays(): number {
    return this.rawDays.length;
  }

  expectedDay(day: number): number {
    return this.level * 7 * (this.weekdayShare[weekdayOfDay(day)] ?? 0);
  }

  expectedHour(day: number, hourOfDay: number): number {
    return this.expectedDay(day) * (this.hourShare[hourOfDay] ?? 0);
  }

  /** The share of a day's expected tickets due by `fraction` of the way through local hour `hourOfDay`. */
  dayShareBy(hourOfDay: number, fraction: number): number {
    return (this.cumulativeHourShare[hourOfDay] ?? 0) + (this.hourShare[hourOfDay] ?? 0) * fraction;
  }

  /** Negative-binomial size (1/φ) for a bucket, widened by the level's own sampling uncertainty. */
  size(resolution: "hour" | "day"): number {
    return 1 / (this.dispersion(resolution) + 1 / this.levelTickets);
  }

  /** The count recorded into the baseline: never below minCount − 1, so sparse tickets stay whole. */
  cap(count: number, expected: number, size: number): number {
    const limit = expected + this.c.capSds * Math.sqrt(expected + (expected * expected) / size);
    return Math.min(count, Math.max(limit, this.c.minCount - 1));
  }

  /** Folds a final hour in; `capped` is false while the baseline is still warming up. */
  recordHour(hourOfDay: number, count: number, expected: number, capped: boolean): void {
    const kept = capped ? this.cap(count, expected, this.size("hour")) : count;
    this.hourProfile[hourOfDay] = (this.hourProfile[hourOfDay] ?? 0) + kept;
    // Before a full week the expectation itself is rough; its misfit is not the series' dispersion.
    if (this.rawDays.length < 7) return;
    const decay = 0.5 ** (1 / (24 * this.c.profileHalfLifeDays));
    this.hourResidual = this.hourResidual * decay + (kept - expected) ** 2 - expected;
    this.hourScale = this.hourScale * decay + expected * expected;
  }

  recordDay(count: number, expected: number, capped: boolean): void {
    const kept = capped ? this.cap(count, expected, this.size("day")) : count;
    this.rawDays.push(count);
    this.cappedDays.push(kept);
    this.cappedStreak = kept < count ? this.cappedStreak + 1 : 0;
    // Days in a row far above the baseline are a new level, not a spike: take them as they were.
    if (this.cappedStreak >= this.c.acceptShiftAfterDays) {
      for (let i = this.rawDays.length - this.cappedStreak; i < this.rawDays.length; i++) this.cappedDays[i] = this.rawDays[i] ?? 0;
      this.cappedStreak = 0;
    }
    if (this.rawDays.length > this.c.windowDays) {
      this.rawDays.shift();
      this.cappedDays.shift();
    }
    const decay = 0.5 ** (1 / this.c.profileHalfLifeDays);
    for (let h = 0; h < 24; h++) this.hourProfile[h] = (this.hourProfile[h] ?? 0) * decay;
  }

  /** Tickets in the last `days` complete days. */
  recentTickets(days: number): number {
    let total = 0;
    for (let i = Math.max(0, this.rawDays.length - days); i < this.rawDays.length; i++) total += this.rawDays[i] ?? 0;
    return total;
  }

  /** Re-estimates shapes, level and dispersion after a day is recorded; the parent is already refitted. */
  refit(lastDay: number, parent: Shape | undefined): void {
    const days = this.cappedDays;
    const n = days.length;
    const dayOf = (i: number): number => lastDay - (n - 1 - i);
    this.weekdayShare = this.pooledWeekdays(dayOf, parent?.weekdayShare ?? UNIFORM_WEEK);
    this.hourShare = pool(this.hourProfile, parent?.hourShare ?? UNIFORM_DAY, this.c.poolingTickets);
    this.cumulativeHourShare = cumulative(this.hourShare);

    let tickets = this.c.levelPriorTickets;
    let exposure = 0;
    for (let i = 0; i < n; i++) {
      const weight = 0.5 ** ((n - 1 - i) / this.c.levelHalfLifeDays);
      tickets += weight * (days[i] ?? 0);
      exposure += weight * 7 * (this.weekdayShare[weekdayOfDay(dayOf(i))] ?? 0);
    }
    this.level = exposure > 0 ? tickets / exposure : 0;
    this.levelTickets = tickets;

    // Residuals around a fit made from the same days understate the spread: undo the lost degrees
    // of freedom (the level, and the weekday shares as far as they are this series' own).
    const ownWeekdays = this.recentTickets(n) / (this.recentTickets(n) + this.c.poolingTickets);
    const fitted = Math.min(n - 1, 1 + 6 * ownWeekdays);
    let squares = 0;
    let sumExpected = 0;
    let scale = 0;
    for (let i = 0; i < n; i++) {
      const expected = this.expectedDay(dayOf(i));
      squares += ((days[i] ?? 0) - expected) ** 2;
      sumExpected += expected;
      scale += expected * expected;
    }
    const residual = n > 1 ? (squares * n) / (n - fitted) - sumExpected : 0;
    this.dayDispersion = this.estimateDispersion(residual, scale, n, sumExpected / Math.max(1, n), parent?.dispersion("day"));
    const hours = 24 * Math.min(n, this.c.profileHalfLifeDays / Math.LN2);
    this.hourDispersion = this.estimateDispersion(this.hourResidual, this.hourScale, hours, this.level / 24, parent?.dispersion("hour"));
  }

  dispersion(resolution: "hour" | "day"): number {
    return resolution === "hour" ? this.hourDispersion : this.dayDispersion;
  }

  /**
   * φ in variance μ + φμ² by the method of moments, shrunk toward the parent's φ by how much the
   * series can tell: Var(φ̂) ≈ 2(1/μ + φ)²/n against a spread of the parent's φ itself.
   */
  private estimateDispersion(residual: number, scale: number, buckets: number, meanExpected: number, parent: number | undefined): number {
    const c = this.c;
    const prior = parent ?? c.dispersionPrior;
    const own = scale > 0 ? Math.max(0, residual / scale) : prior;
    const ownVariance = meanExpected > 0 && buckets > 0 ? (2 * (1 / meanExpected + prior) ** 2) / buckets : Infinity;
    const weight = prior * prior / (prior * prior + ownVariance);
    return Math.min(c.dispersionCeiling, Math.max(c.dispersionFloor, weight * own + (1 - weight) * prior));
  }

  private pooledWeekdays(dayOf: (i: number) => number, parent: readonly number[]): readonly number[] {
    const sums = new Array<number>(7).fill(0);
    const counts = new Array<number>(7).fill(0);
    this.cappedDays.forEach((count, i) => {
      const weekday = weekdayOfDay(dayOf(i));
      sums[weekday] = (sums[weekday] ?? 0) + count;
      counts[weekday] = (counts[weekday] ?? 0) + 1;
    });
    // Rates per weekday, since a short window holds more of some weekdays than of others.
    if (counts.some((k) => k === 0)) return parent;
    const rates = sums.map((s, k) => s / (counts[k] ?? 1));
    const ratesTotal = rates.reduce((a, b) => a + b, 0);
    const tickets = sums.reduce((a, b) => a + b, 0);
    return pool(
      rates.map((r) => (ratesTotal > 0 ? (r * tickets) / ratesTotal : 0)),
      parent,
      this.c.poolingTickets,
    );
  }
}

/** Own counts' shape pooled with the parent's shape weighted as `strength` pseudo-tickets. */
function pool(counts: readonly number[], parent: readonly number[], strength: number): readonly number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((count, k) => (count + strength * (parent[k] ?? 0)) / (total + strength));
}

function cumulative(shares: readonly number[]): readonly number[] {
  const out = [0];
  for (const s of shares) out.push((out[out.length - 1] ?? 0) + s);
  return out;
}
