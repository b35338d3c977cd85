// Empirical-Bayes shrinkage (经验贝叶斯收缩) of standardised rates and funnel-plot limits. Units
// with few tickets are pulled toward the city and carry an interval; a beta prior is fitted
// across the units of one metric and period by the method of moments (beta-binomial).
import { betaI, normalQuantile } from "../detectors/stats/index.js";

export interface UnitRate {
  /** Trials (denominator). */
  readonly trials: number;
  /** The unit's standardised rate in [0, 1]. */
  readonly rate: number;
}

export interface BetaPrior {
  readonly a: number;
  readonly b: number;
}

/** Smallest between-unit variance assumed, so the prior never becomes a point mass. */
const MIN_BETWEEN_VARIANCE = 1e-5;

/**
 * Method of moments: mean μ = Σ n r / Σ n; between-unit variance τ² = weighted variance of the
 * rates minus the binomial noise μ(1−μ)·K/Σn it would have if every unit had the same rate;
 * then a + b = μ(1−μ)/τ² − 1.
 */
export function fitBetaPrior(units: readonly UnitRate[]): BetaPrior | undefined {
  const used = units.filter((u) => u.trials > 0 && Number.isFinite(u.rate));
  const total = used.reduce((s, u) => s + u.trials, 0);
  if (used.length === 0 || total === 0) return undefined;
  const mu = Math.min(1 - 1e-6, Math.max(1e-6, used.reduce((s, u) => s + u.trials * u.rate, 0) / total));
  const spread = used.reduce((s, u) => s + u.trials * (u.rate - mu) ** 2, 0) / total;
  const noise = (mu * (1 - mu) * used.length) / total;
  const tau2 = Math.max(MIN_BETWEEN_VARIANCE, spread - noise);
  const strength = Math.max(1, (mu * (1 - mu)) / tau2 - 1);
  return { a: mu * strength, b: (1 - mu) * strength };
}

export interface Posterior {
  readonly mean: number;
  readonly lower: number;
  readonly upper: number;
}

/** Beta(a + n·r, b + n·(1−r)): the shrunk rate and its central interval (default 95 %). */
export function shrink(prior: BetaPrior, unit: UnitRate, level = 0.95): Posterior {
  const a = prior.a + unit.trials * unit.rate;
  const b = prior.b + unit.trials * (1 - unit.rate);
  const tail = (1 - level) / 2;
  return { mean: a / (a + b), lower: betaQuantile(tail, a, b), upper: betaQuantile(1 - tail, a, b) };
}

/** Inverse of the regularized incomplete beta, by bisection (monotone, always converges). */
export function betaQuantile(p: number, a: number, b: number): number {
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (betaI(mid, a, b) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export interface FunnelLimits {
  readonly lower95: number;
  readonly upper95: number;
  readonly lower998: number;
  readonly upper998: number;
}

const Z95 = normalQuantile(0.975);
const Z998 = normalQuantile(0.999);

/** Control limits around the target rate at a volume (normal approximation to the binomial), clipped to [0, 1]. */
export function funnelLimits(target: number, trials: number): FunnelLimits {
  const se = trials > 0 ? Math.sqrt((target * (1 - target)) / trials) : Infinity;
  const clip = (x: number) => Math.min(1, Math.max(0, x));
  return { lower95: clip(target - Z95 * se), upper95: clip(target + Z95 * se), lower998: clip(target - Z998 * se), upper998: clip(target + Z998 * se) };
}

export type FunnelZone = "high_998" | "high_95" | "within" | "low_95" | "low_998";

export function funnelZone(rate: number, limits: FunnelLimits): FunnelZone {
  if (rate > limits.upper998) return "high_998";
  if (rate > limits.upper95) return "high_95";
  if (rate < limits.lower998) return "low_998";
  if (rate < limits.lower95) return "low_95";
  return "within";
}
