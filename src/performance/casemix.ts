// The case-mix model of indirect standardisation (间接标化): a main-effects logistic model of a
// metric on the ticket's category, channel, district and urgency, fitted on city-wide counts with
// a ridge penalty that pulls sparse levels toward the city average. Main effects, not full cells:
// a full category × district cell is often handled by one department alone, so its "expected"
// would be that department's own rate and every unit would look average.

/** One cell of aggregated trials: the level of each factor, trials and events. */
export interface CaseMixCell {
  readonly levels: readonly string[];
  readonly trials: number;
  readonly events: number;
}

export interface CaseMixModel {
  readonly factors: readonly string[];
  readonly intercept: number;
  /** Per factor, level → log-odds effect; an unseen level has effect 0 (the city average). */
  readonly effects: readonly ReadonlyMap<string, number>[];
  /** Per factor, level → trials seen, for the record. */
  readonly trials: readonly ReadonlyMap<string, number>[];
  /** Probability of the event for a ticket with these levels. */
  predict(levels: readonly string[]): number;
}

export interface FitOptions {
  /** Ridge penalty on every level effect (log-odds); 0 fits plain maximum likelihood. */
  readonly penalty: number;
  readonly maxIterations?: number;
  readonly tolerance?: number;
}

const logistic = (x: number) => 1 / (1 + Math.exp(-x));
const logit = (p: number) => Math.log(p / (1 - p));

/**
 * Fits by cyclic block Newton: the intercept, then each factor's levels at once (levels of one
 * factor never share a cell, so their Hessian block is diagonal and the step is exact per block).
 */
export function fitCaseMix(factors: readonly string[], cells: readonly CaseMixCell[], options: FitOptions): CaseMixModel {
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-7;
  const lambda = options.penalty;
  const index = factors.map(() => new Map<string, number>());
  const cellLevels = cells.map((cell) =>
    factors.map((_, f) => {
      const map = index[f]!;
      const level = cell.levels[f] ?? "";
      let i = map.get(level);
      if (i === undefined) {
        i = map.size;
        map.set(level, i);
      }
      return i;
    }),
  );
  const beta = index.map((map) => new Float64Array(map.size));
  const totalTrials = cells.reduce((s, c) => s + c.trials, 0);
  const totalEvents = cells.reduce((s, c) => s + c.events, 0);
  // Start at the city rate, kept away from 0 and 1 so the logit is finite.
  let intercept = totalTrials === 0 ? 0 : logit(Math.min(1 - 1e-6, Math.max(1e-6, (totalEvents + 0.5) / (totalTrials + 1))));
  const eta = new Float64Array(cells.length).fill(intercept);

  for (let iteration = 0; iteration < maxIterations && totalTrials > 0; iteration++) {
    let change = 0;
    // intercept
    let g = 0;
    let h = 0;
    cells.forEach((cell, c) => {
      const p = logistic(eta[c]!);
      g += cell.events - cell.trials * p;
      h += cell.trials * p * (1 - p);
    });
    const step0 = h > 0 ? g / h : 0;
    intercept += step0;
    for (let c = 0; c < cells.length; c++) eta[c]! += step0;
    change = Math.max(change, Math.abs(step0));
    // each factor's block
    for (let f = 0; f < factors.length; f++) {
      const coef = beta[f]!;
      const grad = new Float64Array(coef.length);
      const hess = new Float64Array(coef.length);
      cells.forEach((cell, c) => {
        const l = cellLevels[c]![f]!;
        const p = logistic(eta[c]!);
        grad[l]! += cell.events - cell.trials * p;
        hess[l]! += cell.trials * p * (1 - p);
      });
      const step = new Float64Array(coef.length);
      for (let l = 0; l < coef.length; l++) {
        const gl = grad[l]! - lambda * coef[l]!;
        const hl = hess[l]! + lambda;
        step[l] = hl > 0 ? Math.max(-5, Math.min(5, gl / hl)) : 0;
        coef[l]! += step[l]!;
        change = Math.max(change, Math.abs(step[l]!));
      }
      for (let c = 0; c < cells.length; c++) eta[c]! += step[cellLevels[c]![f]!]!;
    }
    if (change < tolerance) break;
  }

  const effects = index.map((map, f) => new Map([...map].map(([level, i]) => [level, beta[f]![i]!] as const)));
  const trials = index.map((map, f) => {
    const counts = new Map<string, number>([...map.keys()].map((level) => [level, 0]));
    cells.forEach((cell) => {
      const level = cell.levels[f] ?? "";
      counts.set(level, (counts.get(level) ?? 0) + cell.trials);
    });
    return counts;
  });
  return {
    factors,
    intercept,
    effects,
    trials,
    predict(levels: readonly string[]): number {
      let x = intercept;
      effects.forEach((map, f) => {
        x += map.get(levels[f] ?? "") ?? 0;
      });
      return logistic(x);
    },
  };
}
