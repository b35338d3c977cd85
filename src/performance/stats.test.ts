import { describe, expect, it } from "vitest";
import { fitCaseMix } from "./casemix.js";
import { pearson, ranks, spearman } from "./correlation.js";
import { scoreUnits, type UnitTotal } from "./rates.js";
import { betaQuantile, fitBetaPrior, funnelLimits, funnelZone, shrink } from "./shrink.js";

const logistic = (x: number) => 1 / (1 + Math.exp(-x));

describe("correlation", () => {
  it("ranks with ties averaged, and Spearman sees any monotone relation as 1", () => {
    expect(ranks([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1]);
    expect(spearman([1, 2, 3, 4], [1, 8, 27, 1000])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    expect(pearson([1, 2], [1, 2])).toBeUndefined();
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeUndefined();
  });
});

describe("beta-binomial shrinkage", () => {
  it("inverts the incomplete beta", () => {
    expect(betaQuantile(0.3, 1, 1)).toBeCloseTo(0.3, 9);
    expect(betaQuantile(0.5, 5, 5)).toBeCloseTo(0.5, 9);
    // Beta(2,1) has CDF x²
    expect(betaQuantile(0.25, 2, 1)).toBeCloseTo(0.5, 9);
  });

  it("pulls a small unit toward the city more than a large one, and gives it a wider interval", () => {
    const units = [0.6, 0.65, 0.7, 0.75, 0.8, 0.85].map((rate) => ({ trials: 400, rate }));
    const prior = fitBetaPrior(units)!;
    expect(prior.a / (prior.a + prior.b)).toBeCloseTo(0.725, 3);
    const small = shrink(prior, { trials: 10, rate: 0.2 });
    const large = shrink(prior, { trials: 1000, rate: 0.2 });
    expect(small.mean).toBeGreaterThan(0.55);
    expect(large.mean).toBeLessThan(0.3);
    expect(small.upper - small.lower).toBeGreaterThan(large.upper - large.lower);
    expect(small.lower).toBeLessThan(small.mean);
    expect(small.upper).toBeGreaterThan(small.mean);
  });

  it("shrinks hard when units differ no more than binomial noise", () => {
    const units = [0.69, 0.71, 0.7, 0.72, 0.68].map((rate) => ({ trials: 50, rate }));
    const prior = fitBetaPrior(units)!;
    expect(prior.a + prior.b).toBeGreaterThan(1000);
  });

  it("funnel limits narrow with volume and classify rates", () => {
    const small = funnelLimits(0.7, 25);
    const large = funnelLimits(0.7, 2500);
    expect(small.upper95 - small.lower95).toBeGreaterThan(large.upper95 - large.lower95);
    expect(large.lower998).toBeLessThan(large.lower95);
    expect(funnelZone(0.5, large)).toBe("low_998");
    expect(funnelZone(0.7, large)).toBe("within");
    expect(funnelZone(0.9, small)).toBe("high_95");
  });
});

describe("case-mix model", () => {
  it("recovers main effects from exact expected counts", () => {
    const category = { easy: 1, hard: -1.5, mid: 0 };
    const channel = { phone: 0.3, web: -0.3 };
    const cells = Object.entries(category).flatMap(([c, bc]) =>
      Object.entries(channel).map(([h, bh]) => ({ levels: [c, h], trials: 1000, events: 1000 * logistic(0.5 + bc + bh) })),
    );
    const model = fitCaseMix(["category", "channel"], cells, { penalty: 0, maxIterations: 500, tolerance: 1e-10 });
    for (const cell of cells) expect(model.predict(cell.levels) * 1000).toBeCloseTo(cell.events, 4);
    expect(model.effects[0]!.get("easy")! - model.effects[0]!.get("hard")!).toBeCloseTo(2.5, 4);
    // an unseen level is the city average of its factor (effect 0)
    expect(Number.isFinite(model.predict(["unknown", "phone"]))).toBe(true);
  });

  it("keeps a level seen only with all-successes finite thanks to the penalty", () => {
    const cells = [
      { levels: ["a"], trials: 50, events: 50 },
      { levels: ["b"], trials: 50, events: 25 },
    ];
    const model = fitCaseMix(["category"], cells, { penalty: 2 });
    expect(model.predict(["a"])).toBeLessThan(1);
    expect(model.predict(["a"])).toBeGreaterThan(model.predict(["b"]));
  });
});

describe("indirect standardisation", () => {
  it("does not penalise a unit for a harder case mix", () => {
    // unit A handles only hard tickets (expected 0.5), unit B only easy ones (expected 0.9); both do as expected
    const base = { unitKind: "department", metric: "real_resolution", periodKind: "span", periodStart: "2026-01-01", excluded: 0 } as const;
    const totals: UnitTotal[] = [
      { ...base, unitCode: "A", trials: 200, observed: 100, expected: 100 },
      { ...base, unitCode: "B", trials: 200, observed: 180, expected: 180 },
      { ...base, unitCode: "C", trials: 200, observed: 150, expected: 180 },
    ];
    const scores = scoreUnits({ totals, volumes: new Map(), minVolume: 25 });
    const by = new Map(scores.map((s) => [s.unitCode, s]));
    const calibration = 430 / 460;
    expect(by.get("A")!.rawRate).toBeCloseTo(0.5);
    expect(by.get("A")!.oeRatio).toBeCloseTo(1 / calibration, 6);
    expect(by.get("A")!.oeRatio).toBeCloseTo(by.get("B")!.oeRatio!, 6);
    expect(by.get("C")!.oeRatio!).toBeLessThan(by.get("A")!.oeRatio!);
    expect(by.get("C")!.standardisedRate!).toBeLessThan(by.get("A")!.standardisedRate!);
    expect(by.get("A")!.tooFew).toBe(false);
  });

  it("marks units under the minimum volume as too few to judge", () => {
    const base = { unitKind: "district", metric: "abnormal", periodKind: "day", periodStart: "2026-01-01", excluded: 3 } as const;
    const scores = scoreUnits({ totals: [{ ...base, unitCode: "X", trials: 24, observed: 2, expected: 2 }], volumes: new Map(), minVolume: 25 });
    expect(scores[0]!.tooFew).toBe(true);
    expect(scores[0]!.volume).toBe(27);
  });
});
