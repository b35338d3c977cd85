// CDC EARS C1, C2 and C3 on daily counts, faithful to R's surveillance::earsC: the baseline to beat.
//
// After Salmon, Schumacher and Höhle (2016), JSS 70(10), and the package source (R/earsC.R):
//
// - C1: baseline t-7…t-1; C2: baseline t-9…t-3 (a 2-day guard band). Upper bound mean + z·sd with
//   the sample sd (n − 1) and z = qnorm(1 − alpha); alarm when today > upper bound (strictly, as
//   the package's `observed > upperbound`). Default alpha 0.001 (z ≈ 3.09), the package default.
// - C3: the sum over t-2, t-1, t of max(0, C2 − 1), each day against its own C2 baseline; alarm
//   when that sum > z. Default alpha 0.025 (z ≈ 1.96): what earsC picks for C3 when `alpha` is
//   left out of a control list ("the choices made at the CDC"). Note that calling earsC(sts) with
//   no control at all uses its signature default alpha = 0.001 for C3 too; pass alpha to match.
//   The package code derives C3's upper bound as y_t + S·(z − lag terms), which ignores y_t's
//   own term; we follow the documented statistic and report the count that would alarm.
// - sd = 0 is used as is (minSigma defaults to 0, as in the package): every count above the
//   baseline mean alarms, which is EARS's known weakness on sparse series. A z-score of 0/0
//   (today equal to a constant baseline) counts as 0, where R yields NaN and no alarm.
import { mean, sd } from "./describe.js";
import { normalQuantile } from "./distributions.js";

/** What every baseline method returns for one day. */
export interface BaselineVerdict {
  readonly alarm: boolean;
  /** The method's test statistic (a z-score, C3 sum or t statistic). */
  readonly statistic: number;
  /** The value the statistic must exceed to alarm. */
  readonly threshold: number;
  /** The expected count for today. */
  readonly expected: number;
}

export interface EarsVerdict extends BaselineVerdict {
  /** Today's count must exceed this to alarm. */
  readonly upperBound: number;
}

export interface EarsOptions {
  /** Baseline length in days (surveillance's `baseline`, default 7, at least 3). */
  readonly baselineDays?: number;
  /** One-sided error rate; z = qnorm(1 − alpha). */
  readonly alpha?: number;
  /** A floor under the baseline sd (surveillance's `minSigma`, default 0). */
  readonly minSigma?: number;
}

interface Resolved {
  readonly baselineDays: number;
  readonly z: number;
  readonly minSigma: number;
}

function resolve(options: EarsOptions, defaultAlpha: number): Resolved {
  const baselineDays = options.baselineDays ?? 7;
  const minSigma = options.minSigma ?? 0;
  if (!Number.isInteger(baselineDays) || baselineDays < 3) throw new RangeError(`baselineDays must be an integer ≥ 3, got ${baselineDays}`);
  if (minSigma < 0) throw new RangeError(`minSigma must be ≥ 0, got ${minSigma}`);
  return { baselineDays, minSigma, z: normalQuantile(1 - (options.alpha ?? defaultAlpha)) };
}

function zScore(value: number, center: number, sigma: number): number {
  if (sigma > 0) return (value - center) / sigma;
  return value > center ? Infinity : value < center ? -Infinity : 0;
}

function requireHistory(history: readonly number[], needed: number, method: string): void {
  if (history.length < needed) throw new RangeError(`EARS ${method} needs ${needed} days of history before today, got ${history.length}`);
}

function shewhart(baseline: readonly number[], today: number, r: Resolved): EarsVerdict {
  const center = mean(baseline);
  const sigma = Math.max(sd(baseline), r.minSigma);
  const upperBound = center + r.z * sigma;
  return { alarm: today > upperBound, statistic: zScore(today, center, sigma), threshold: r.z, expected: center, upperBound };
}

/** EARS C1-MILD: today against the mean and sd of the 7 days before it. */
export function earsC1(history: readonly number[], today: number, options: EarsOptions = {}): EarsVerdict {
  const r = resolve(options, 0.001);
  requireHistory(history, r.baselineDays, "C1");
  return shewhart(history.slice(history.length - r.baselineDays), today, r);
}

/** EARS C2-MEDIUM: as C1 with a 2-day guard band, baseline t-9…t-3. */
export function earsC2(history: readonly number[], today: number, options: EarsOptions = {}): EarsVerdict {
  const r = resolve(options, 0.001);
  requireHistory(history, r.baselineDays + 2, "C2");
  return shewhart(history.slice(history.length - r.baselineDays - 2, history.length - 2), today, r);
}

/** EARS C3-ULTRA: the positive excess of the C2 statistic over t-2, t-1 and t, summed. */
export function earsC3(history: readonly number[], today: number, options: EarsOptions = {}): EarsVerdict {
  const r = resolve(options, 0.025);
  requireHistory(history, r.baselineDays + 4, "C3");
  const series = [...history, today];
  const t = series.length - 1;
  const c2At = (i: number): { center: number; sigma: number; c2: number } => {
    const baseline = series.slice(i - r.baselineDays - 2, i - 2);
    const center = mean(baseline);
    const sigma = Math.max(sd(baseline), r.minSigma);
    return { center, sigma, c2: zScore(series[i] ?? 0, center, sigma) };
  };
  const lagExcess = [t - 2, t - 1].reduce((acc, i) => acc + Math.max(0, c2At(i).c2 - 1), 0);
  const now = c2At(t);
  const statistic = lagExcess + Math.max(0, now.c2 - 1);
  const upperBound = lagExcess > r.z ? -Infinity : now.center + now.sigma * (1 + r.z - lagExcess);
  return { alarm: statistic > r.z, statistic, threshold: r.z, expected: now.center, upperBound };
}
