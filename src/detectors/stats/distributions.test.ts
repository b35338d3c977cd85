// The tails and quantiles against known values (R, mpmath at 40 digits) and plain log-space sums.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  betaI,
  gammaP,
  gammaQ,
  logGamma,
  negBinomialLogPmf,
  negBinomialUpperTail,
  normalCdf,
  normalQuantile,
  normalUpperTail,
  poissonUpperTail,
  studentTQuantile,
  studentTUpperTail,
} from "./distributions.js";

/** P(X ≥ k) by summing the mass function in log space up to far past the mean. */
function upperTailBySum(k: number, mean: number, size: number): number {
  const logs: number[] = [];
  let peak = -Infinity;
  for (let x = k; x < k + 1_000_000; x++) {
    const l = negBinomialLogPmf(x, mean, size);
    logs.push(l);
    peak = Math.max(peak, l);
    if (x > mean && l < peak - 60) break;
  }
  const max = Math.max(...logs);
  return Math.exp(max) * logs.reduce((acc, l) => acc + Math.exp(l - max), 0);
}

describe("special functions", () => {
  it("logGamma matches factorials and Γ(1/2)", () => {
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
    expect(logGamma(10)).toBeCloseTo(Math.log(362_880), 12);
    expect(logGamma(171)).toBeCloseTo(706.5730622457874, 9);
  });

  it("the incomplete gamma and beta reduce to closed forms", () => {
    for (const x of [0.01, 0.5, 3, 40]) {
      expect(gammaP(1, x)).toBeCloseTo(1 - Math.exp(-x), 14);
      expect(gammaQ(1, x) / Math.exp(-x)).toBeCloseTo(1, 12);
    }
    for (const x of [0.001, 0.3, 0.9]) expect(betaI(x, 1, 1)).toBeCloseTo(x, 14);
    expect(betaI(0.5, 7, 7)).toBeCloseTo(0.5, 14);
    expect(betaI(0.2, 2, 3)).toBeCloseTo(0.1808, 14); // 1 − Σ_{j<2} C(4,j) 0.2^j 0.8^(4−j)
  });
});

describe("Poisson and negative-binomial tails", () => {
  it("P(X ≥ 5 | λ = 2) = 1 − 7e⁻² = 0.05265…", () => {
    expect(poissonUpperTail(5, 2)).toBeCloseTo(1 - 7 * Math.exp(-2), 14);
    expect(poissonUpperTail(5, 2)).toBeCloseTo(0.0526530173437111, 14);
    expect(poissonUpperTail(0, 2)).toBe(1);
    expect(poissonUpperTail(1, 0)).toBe(0);
  });

  it("stays accurate for large means and far tails", () => {
    for (const [k, mean] of [
      [1100, 1000],
      [1300, 1000],
      [52_000, 50_000],
      [40, 5],
    ] as const) {
      const exact = upperTailBySum(k, mean, Infinity);
      expect(poissonUpperTail(k, mean) / exact).toBeCloseTo(1, 8);
    }
    expect(poissonUpperTail(1300, 1000)).toBeGreaterThan(0);
    expect(poissonUpperTail(1300, 1000)).toBeLessThan(1e-18);
  });

  it("a negative binomial with size 1 is geometric: P(X ≥ k) = (μ/(μ+1))^k", () => {
    expect(negBinomialUpperTail(5, 2, 1)).toBeCloseTo((2 / 3) ** 5, 14);
    expect(negBinomialUpperTail(30, 2, 1) / (2 / 3) ** 30).toBeCloseTo(1, 10);
  });

  it("matches a log-space sum of the mass function, and the Poisson as size grows", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), fc.double({ min: 0.05, max: 300, noNaN: true }), fc.double({ min: 0.3, max: 100_000, noNaN: true }), (k, mean, size) => {
        const exact = upperTailBySum(k, mean, size);
        const got = negBinomialUpperTail(k, mean, size);
        return exact < 1e-300 || Math.abs(got / exact - 1) < 1e-7;
      }),
      { numRuns: 300, seed: 11 },
    );
    expect(negBinomialUpperTail(12, 4, 1e9) / poissonUpperTail(12, 4)).toBeCloseTo(1, 6);
    expect(negBinomialUpperTail(12, 4, Infinity)).toBe(poissonUpperTail(12, 4));
  });
});

describe("normal and Student t", () => {
  it("normal quantiles and tails match R", () => {
    expect(normalQuantile(0.999)).toBeCloseTo(3.090232306167813, 12);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 10);
    expect(normalUpperTail(5) / 2.866515718791939e-7).toBeCloseTo(1, 10);
    expect(normalCdf(0)).toBeCloseTo(0.5, 15);
    for (const p of [1e-12, 0.01, 0.3, 0.5, 0.77, 0.999999]) expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 12);
  });

  it("t tails and quantiles match R", () => {
    expect(studentTUpperTail(2, 10)).toBeCloseTo(0.03669401738537018, 12);
    expect(studentTQuantile(0.99, 20)).toBeCloseTo(2.527977002741573, 10);
    expect(studentTQuantile(0.95, 20)).toBeCloseTo(1.724718242920787, 10);
    expect(studentTQuantile(0.975, 5)).toBeCloseTo(2.570581835636315, 10);
    expect(studentTQuantile(0.01, 27)).toBeCloseTo(-2.472659911956007, 10);
  });
});
