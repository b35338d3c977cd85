// ESSENCE's Regression/EWMA switch on daily counts, faithful to CDC NSSP's R port: the other baseline to beat.
//
// Followed: Rnssp's alert_switch, which composes alert_regression and alert_ewma (ewma_loop):
//
// - Regression: ordinary least squares on the B = 28 days ending g + 1 = 3 days before today,
//   with an intercept, a linear time term and Mon…Sat indicators (Sunday the reference); the
//   forecast max(0, fit at time B + g + 1), sigma = max(√MSE·√((B+7)(B−4)/(B(B−7))),
//   1.01/qt(0.95, B−8)), a one-sided t test with B − 8 degrees of freedom.
// - EWMA: weights 0.4 (gradual) and 0.9 (sudden) run from the first day; baseline mean and sd over
//   the 11…28 days ending g + 1 days before each day; the sd is corrected for the EWMA's variance
//   and floored as Rnssp does; a smoothed value beyond the red limit is clamped back to it; the
//   smaller of the two p-values (t test, baseline length − 1 degrees of freedom) is reported.
// - Switch: regression when its adjusted R² ≥ 0.60, else EWMA. Red is p < 0.01, yellow p < 0.05.
// Rnssp's limits are rounded to 5 decimals, as here. Its current alert_switch is followed; an older
// one ran a single un-clamped 0.4 EWMA. Not ported: the growing regression baseline (we need the
// full B + g days), holidays (Rnssp omits them too) and percentages.
import type { BaselineVerdict } from "./ears.js";
import { mean, sd } from "./describe.js";
import { studentTQuantile, studentTUpperTail } from "./distributions.js";

export interface EssenceOptions {
  /** ISO day of week of today: 1 = Monday … 7 = Sunday. */
  readonly todayIsoDayOfWeek: number;
  readonly baselineDays?: number;
  readonly guardDays?: number;
  /** EWMA smoothing weights (gradual, sudden). */
  readonly ewmaWeights?: readonly [number, number];
  readonly minAdjustedR2?: number;
  readonly redPValue?: number;
  readonly yellowPValue?: number;
}

export interface EssenceVerdict extends BaselineVerdict {
  readonly method: "regression" | "ewma";
  readonly pValue: number;
  readonly level: "red" | "yellow" | "none";
  readonly adjustedR2: number;
}

const MIN_EWMA_BASELINE = 11;
const round5 = (x: number): number => Math.round(x * 1e5) / 1e5;

/** Solves the least-squares problem by the normal equations (small, well-conditioned designs). */
function leastSquares(rows: readonly number[][], y: readonly number[]): number[] {
  const p = rows[0]?.length ?? 0;
  const a = Array.from({ length: p }, () => new Array<number>(p + 1).fill(0));
  rows.forEach((row, k) => {
    for (let i = 0; i < p; i++) {
      const ai = a[i] as number[];
      for (let j = 0; j < p; j++) ai[j] = (ai[j] ?? 0) + (row[i] ?? 0) * (row[j] ?? 0);
      ai[p] = (ai[p] ?? 0) + (row[i] ?? 0) * (y[k] ?? 0);
    }
  });
  for (let col = 0; col < p; col++) {
    let pivot = col;
    for (let r = col + 1; r < p; r++) if (Math.abs(a[r]?.[col] ?? 0) > Math.abs(a[pivot]?.[col] ?? 0)) pivot = r;
    [a[col], a[pivot]] = [a[pivot] as number[], a[col] as number[]];
    const pr = a[col] as number[];
    for (let r = 0; r < p; r++) {
      const row = a[r] as number[];
      if (r === col || pr[col] === 0) continue;
      const f = (row[col] ?? 0) / (pr[col] ?? 1);
      for (let j = col; j <= p; j++) row[j] = (row[j] ?? 0) - f * (pr[j] ?? 0);
    }
  }
  return a.map((row, i) => (row[p] ?? 0) / (row[i] ?? 1));
}

function isoDayOfWeek(todayIso: number, daysBefore: number): number {
  return ((((todayIso - 1 - daysBefore) % 7) + 7) % 7) + 1;
}

interface Test {
  readonly expected: number;
  readonly statistic: number;
  readonly df: number;
  readonly pValue: number;
}

function regression(series: readonly number[], o: Required<EssenceOptions>): Test & { adjustedR2: number } {
  const B = o.baselineDays;
  const g = o.guardDays;
  const t = series.length - 1;
  const rows: number[][] = [];
  const y: number[] = [];
  for (let k = 0; k < B; k++) {
    const index = t - g - B + k;
    const dow = isoDayOfWeek(o.todayIsoDayOfWeek, t - index);
    rows.push([1, k + 1, ...[1, 2, 3, 4, 5, 6].map((d) => (dow === d ? 1 : 0))]);
    y.push(series[index] ?? 0);
  }
  const beta = leastSquares(rows, y);
  const fitted = rows.map((row) => row.reduce((acc, x, j) => acc + x * (beta[j] ?? 0), 0));
  const rss = y.reduce((acc, v, k) => acc + (v - (fitted[k] ?? 0)) ** 2, 0);
  const fittedMean = mean(fitted);
  const mss = fitted.reduce((acc, f) => acc + (f - fittedMean) ** 2, 0);
  const df = B - 8;
  const r2Adjusted = 1 - (1 - mss / (rss + mss)) * ((B - 1) / df);
  const sigma = Math.max(Math.sqrt(rss / df) * Math.sqrt(((B + 7) * (B - 4)) / (B * (B - 7))), 1.01 / round5(studentTQuantile(0.95, df)));
  const dow = o.todayIsoDayOfWeek;
  const fit = (beta[0] ?? 0) + (B + g + 1) * (beta[1] ?? 0) + (dow < 7 ? (beta[dow + 1] ?? 0) : 0);
  const expected = Math.max(0, fit);
  const statistic = ((series[t] ?? 0) - expected) / sigma;
  return { expected, statistic, df, pValue: studentTUpperTail(statistic, df), adjustedR2: Number.isNaN(r2Adjusted) ? 0 : r2Adjusted };
}

function ewma(series: readonly number[], o: Required<EssenceOptions>): Test {
  const g = o.guardDays;
  const quantiles = new Map<string, number>();
  const ucl = (p: number, df: number): number => {
    const key = `${p}:${df}`;
    const cached = quantiles.get(key) ?? round5(studentTQuantile(p, df));
    quantiles.set(key, cached);
    return cached;
  };
  const smoothed = o.ewmaWeights.map(() => series[0] ?? 0);
  let result: Test = { expected: Number.NaN, statistic: Number.NaN, df: Number.NaN, pValue: Number.NaN };
  for (let i = 1; i < series.length; i++) {
    const yi = series[i] ?? 0;
    if (i < MIN_EWMA_BASELINE + g) {
      o.ewmaWeights.forEach((w, k) => (smoothed[k] = w * yi + (1 - w) * (smoothed[k] ?? 0)));
      continue;
    }
    const baseline = series.slice(Math.max(0, i - g - o.baselineDays), i - g);
    const n = baseline.length;
    const expected = mean(baseline);
    const sigma = sd(baseline);
    const alert = ucl(0.99, n - 1);
    const warning = ucl(0.95, n - 1);
    const tests = o.ewmaWeights.map((w, k): Test => {
      const correction = Math.sqrt(w / (2 - w) + 1 / n - (2 * (1 - w) ** (g + 1) * (1 - (1 - w) ** n)) / n);
      const minSigma = (w / warning) * (1 + 0.5 * (1 - w) ** 2);
      const constant = (0.1289 - (0.2414 - 0.1826 * (1 - w) ** 4) * Math.log(10 * 0.05)) * (w / warning);
      const s = Math.max(minSigma, sigma * correction + constant);
      const z = w * yi + (1 - w) * (smoothed[k] ?? 0);
      const statistic = (z - expected) / s;
      smoothed[k] = Math.abs(statistic) > alert ? expected + Math.sign(statistic) * alert * s : z;
      return { expected, statistic, df: n - 1, pValue: studentTUpperTail(statistic, n - 1) };
    });
    const [gradual, sudden] = tests as [Test, Test];
    result = gradual.pValue < sudden.pValue ? gradual : sudden;
  }
  return result;
}

/**
 * The ESSENCE Regression/EWMA switch for today, given the daily counts before it (oldest first,
 * yesterday last). Needs at least baselineDays + guardDays days of history.
 */
export function essenceSwitch(history: readonly number[], today: number, options: EssenceOptions): EssenceVerdict {
  const o: Required<EssenceOptions> = {
    baselineDays: 28,
    guardDays: 2,
    ewmaWeights: [0.4, 0.9],
    minAdjustedR2: 0.6,
    redPValue: 0.01,
    yellowPValue: 0.05,
    ...options,
  };
  if (!Number.isInteger(o.todayIsoDayOfWeek) || o.todayIsoDayOfWeek < 1 || o.todayIsoDayOfWeek > 7) {
    throw new RangeError(`todayIsoDayOfWeek must be 1 (Monday) … 7 (Sunday), got ${o.todayIsoDayOfWeek}`);
  }
  if (o.baselineDays < 7 || o.baselineDays % 7 !== 0) throw new RangeError(`baselineDays must be a multiple of 7, got ${o.baselineDays}`);
  if (history.length < o.baselineDays + o.guardDays) {
    throw new RangeError(`ESSENCE needs ${o.baselineDays + o.guardDays} days of history before today, got ${history.length}`);
  }
  const series = [...history, today];
  const reg = regression(series, o);
  const useRegression = reg.adjustedR2 >= o.minAdjustedR2;
  const test = useRegression ? reg : ewma(series, o);
  const pValue = test.pValue;
  return {
    alarm: pValue < o.redPValue,
    statistic: test.statistic,
    threshold: studentTQuantile(1 - o.redPValue, test.df),
    expected: test.expected,
    method: useRegression ? "regression" : "ewma",
    pValue,
    level: pValue < o.redPValue ? "red" : pValue < o.yellowPValue ? "yellow" : "none",
    adjustedR2: reg.adjustedR2,
  };
}
