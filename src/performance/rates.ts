// From unit totals to fair scores: expected counts calibrated to the city's total in each period,
// observed over expected, the indirectly standardised rate, beta-binomial shrinkage with a 95 %
// interval, funnel-plot limits and the too-few mark. Pure: rows in, rows out.
import { fitBetaPrior, funnelLimits, funnelZone, shrink } from "./shrink.js";

export const METRICS = ["timely_response", "on_time_closure", "real_resolution", "repeat_after_close", "returned", "abnormal"] as const;
export type Metric = (typeof METRICS)[number];
export type UnitKind = "department" | "district";
export type PeriodKind = "day" | "week" | "month" | "span";

/** Whether a higher rate is the good direction (response, closure, resolution) or the bad one. */
export const HIGHER_IS_BETTER: Readonly<Record<Metric, boolean>> = {
  timely_response: true,
  on_time_closure: true,
  real_resolution: true,
  repeat_after_close: false,
  returned: false,
  abnormal: false,
};

export interface UnitTotal {
  readonly unitKind: UnitKind;
  readonly metric: Metric;
  readonly unitCode: string;
  readonly periodKind: PeriodKind;
  /** Local date, YYYY-MM-DD. */
  readonly periodStart: string;
  readonly trials: number;
  readonly observed: number;
  readonly expected: number;
  readonly excluded: number;
}

export interface UnitScore extends UnitTotal {
  readonly volume: number;
  readonly provisional: number;
  readonly rawRate: number | null;
  readonly cityRate: number | null;
  readonly oeRatio: number | null;
  readonly standardisedRate: number | null;
  readonly shrunkRate: number | null;
  readonly lower: number | null;
  readonly upper: number | null;
  readonly tooFew: boolean;
  readonly funnel: { lower95: number; upper95: number; lower998: number; upper998: number } | null;
  readonly funnelZone: string;
  readonly priorA: number;
  readonly priorB: number;
}

export interface ScoreInputs {
  readonly totals: readonly UnitTotal[];
  /** unit_kind:unit_code:period_kind:period_start → tickets and provisional closed tickets. */
  readonly volumes: ReadonlyMap<string, { readonly volume: number; readonly provisional: number }>;
  readonly minVolume: number;
}

const clip01 = (x: number) => Math.min(1, Math.max(0, x));

export function volumeKey(unitKind: string, unitCode: string, periodKind: string, periodStart: string): string {
  return `${unitKind}:${unitCode}:${periodKind}:${periodStart}`;
}

/** Scores every unit of every (unit kind, metric, period) group against the others of its group. */
export function scoreUnits(inputs: ScoreInputs): UnitScore[] {
  const groups = new Map<string, UnitTotal[]>();
  for (const total of inputs.totals) {
    const key = `${total.unitKind}|${total.metric}|${total.periodKind}|${total.periodStart}`;
    const list = groups.get(key) ?? [];
    list.push(total);
    groups.set(key, list);
  }
  const out: UnitScore[] = [];
  for (const units of groups.values()) out.push(...scoreGroup(units, inputs));
  return out;
}

function scoreGroup(units: readonly UnitTotal[], inputs: ScoreInputs): UnitScore[] {
  const cityTrials = units.reduce((s, u) => s + u.trials, 0);
  const cityObserved = units.reduce((s, u) => s + u.observed, 0);
  const cityExpected = units.reduce((s, u) => s + u.expected, 0);
  const cityRate = cityTrials > 0 ? cityObserved / cityTrials : null;
  // The model is fitted over the whole span; a period's own level may differ (trend), so expected
  // counts are scaled to sum to the period's observed total: O/E then averages 1 in every period.
  const calibration = cityExpected > 0 ? cityObserved / cityExpected : 1;
  const standardised = units.map((u) => {
    const expected = u.expected * calibration;
    const rawRate = u.trials > 0 ? u.observed / u.trials : null;
    const oeRatio = expected > 0 ? u.observed / expected : null;
    const rate = cityRate !== null && oeRatio !== null ? clip01(cityRate * oeRatio) : rawRate;
    return { u, expected, rawRate, oeRatio, rate };
  });
  const prior = fitBetaPrior(standardised.filter((s) => s.rate !== null).map((s) => ({ trials: s.u.trials, rate: s.rate ?? 0 })));
  return standardised.map(({ u, expected, rawRate, oeRatio, rate }) => {
    const posterior = prior !== undefined && rate !== null ? shrink(prior, { trials: u.trials, rate }) : undefined;
    const funnel = cityRate !== null && u.trials > 0 ? funnelLimits(cityRate, u.trials) : null;
    const volume = inputs.volumes.get(volumeKey(u.unitKind, u.unitCode, u.periodKind, u.periodStart));
    return {
      ...u,
      expected,
      volume: volume?.volume ?? u.trials + u.excluded,
      provisional: u.metric === "real_resolution" || u.metric === "repeat_after_close" ? (volume?.provisional ?? 0) : 0,
      rawRate,
      cityRate,
      oeRatio,
      standardisedRate: rate,
      shrunkRate: posterior?.mean ?? null,
      lower: posterior?.lower ?? null,
      upper: posterior?.upper ?? null,
      tooFew: u.trials < inputs.minVolume,
      funnel,
      funnelZone: funnel !== null && rate !== null ? funnelZone(rate, funnel) : "",
      priorA: prior?.a ?? 0,
      priorB: prior?.b ?? 0,
    };
  });
}
