// Agreement of the passive outcome (实际解决) with the callback survey (回访): the 2 × 2 table of
// resolved / not resolved against satisfied (incl. basically) / dissatisfied, its agreement rate
// and Cohen's kappa, and the correlation across departments of the two rates. Pure.
import { pearson, spearman } from "./correlation.js";

export interface SurveyCrosstab {
  readonly unitKind: "department" | "city";
  readonly unitCode: string;
  readonly periodKind: string;
  readonly periodStart: string;
  readonly surveyed: number;
  readonly unreachable: number;
  readonly provisional: number;
  readonly resolvedPositive: number;
  readonly resolvedNegative: number;
  readonly unresolvedPositive: number;
  readonly unresolvedNegative: number;
  /** Reachable answers, whatever the passive outcome (for the survey's own rate). */
  readonly positive: number;
  readonly negative: number;
}

export interface Agreement {
  readonly agreementRate: number | null;
  readonly kappa: number | null;
  readonly passiveRate: number | null;
  readonly surveyRate: number | null;
}

export function agreement(t: SurveyCrosstab): Agreement {
  const n = t.resolvedPositive + t.resolvedNegative + t.unresolvedPositive + t.unresolvedNegative;
  if (n === 0) return { agreementRate: null, kappa: null, passiveRate: null, surveyRate: null };
  const agree = (t.resolvedPositive + t.unresolvedNegative) / n;
  const passiveRate = (t.resolvedPositive + t.resolvedNegative) / n;
  const surveyRate = (t.resolvedPositive + t.unresolvedPositive) / n;
  const chance = passiveRate * surveyRate + (1 - passiveRate) * (1 - surveyRate);
  return { agreementRate: agree, kappa: chance < 1 ? (agree - chance) / (1 - chance) : null, passiveRate, surveyRate };
}

export interface DepartmentPair {
  /** The passive measure (e.g. the shrunk real-resolution rate). */
  readonly passive: number;
  readonly passiveRaw: number;
  /** The survey's satisfaction rate over reachable answers. */
  readonly survey: number;
}

export interface Correlation {
  readonly departments: number;
  readonly spearman: number | null;
  readonly pearson: number | null;
  readonly spearmanRaw: number | null;
}

export function correlate(pairs: readonly DepartmentPair[]): Correlation {
  const survey = pairs.map((p) => p.survey);
  return {
    departments: pairs.length,
    spearman: spearman(pairs.map((p) => p.passive), survey) ?? null,
    pearson: pearson(pairs.map((p) => p.passive), survey) ?? null,
    spearmanRaw: spearman(pairs.map((p) => p.passiveRaw), survey) ?? null,
  };
}
