// Descriptive statistics and multiple-testing adjustments against R's outputs; the seeded PRNG.
import { describe, expect, it } from "vitest";
import { benjaminiHochberg, benjaminiHochbergAdjust, bonferroniAdjust, mean, sd, variance } from "./describe.js";
import { mulberry32, poissonDraw } from "./random.js";

describe("describe", () => {
  it("mean, sample variance and sd", () => {
    expect(mean([2, 3, 2, 4, 3, 2, 5])).toBe(3);
    expect(variance([2, 3, 2, 4, 3, 2, 5])).toBeCloseTo(8 / 6, 15);
    expect(sd([2, 2, 2])).toBe(0);
    expect(sd([1])).toBeNaN();
    expect(mean([])).toBeNaN();
  });

  it("Benjamini–Hochberg as p.adjust(p, 'BH')", () => {
    const p = [0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205];
    const adjusted = benjaminiHochbergAdjust(p);
    [0.008, 0.032, 0.0672, 0.0672, 0.0672, 0.08, 0.084571428571, 0.205].forEach((v, i) => expect(adjusted[i]).toBeCloseTo(v, 10));
    expect(benjaminiHochberg(p, 0.05)).toEqual([true, true, false, false, false, false, false, false]);
    for (const v of benjaminiHochbergAdjust([0.05, 0.01, 0.04, 0.02, 0.03])) expect(v).toBeCloseTo(0.05, 15);
    expect(bonferroniAdjust([0.01, 0.3])).toEqual([0.02, 0.6]);
  });
});

describe("random", () => {
  it("mulberry32 replays by seed, and Poisson draws have the right mean", () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const first = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(first);
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
    const random = mulberry32(7);
    for (const m of [0.2, 4, 150]) {
      const draws = Array.from({ length: 20_000 }, () => poissonDraw(random, m));
      expect(Math.abs(mean(draws) / m - 1)).toBeLessThan(0.06);
      expect(Math.abs(variance(draws) / m - 1)).toBeLessThan(0.08);
    }
  });
});
