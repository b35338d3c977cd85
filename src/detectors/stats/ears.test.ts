// EARS C1, C2, C3 on small hand-computed arrays, including the sd = 0 weakness kept on purpose.
import { describe, expect, it } from "vitest";
import { earsC1, earsC2, earsC3 } from "./ears.js";

const Z_001 = 3.090232306167813;
const Z_025 = 1.959963984540054;

describe("EARS C1 and C2", () => {
  it("C1: mean + z·sd over t-7…t-1 with the sample sd", () => {
    const history = [40, 40, 2, 3, 2, 4, 3, 2, 5]; // the last seven: mean 3, sd √(8/6)
    const sigma = Math.sqrt(8 / 6);
    const quiet = earsC1(history, 6);
    expect(quiet.expected).toBe(3);
    expect(quiet.threshold).toBeCloseTo(Z_001, 12);
    expect(quiet.upperBound).toBeCloseTo(3 + Z_001 * sigma, 12);
    expect(quiet.statistic).toBeCloseTo(3 / sigma, 12);
    expect(quiet.alarm).toBe(false);
    expect(earsC1(history, 7).alarm).toBe(true);
  });

  it("C2: the same over t-9…t-3, skipping a 2-day guard band", () => {
    const history = [2, 3, 2, 4, 3, 2, 5, 90, 90];
    const verdict = earsC2(history, 7);
    expect(verdict.expected).toBe(3);
    expect(verdict.alarm).toBe(true);
    expect(earsC1(history, 7).alarm).toBe(false);
  });

  it("keeps the sd = 0 weakness: one count above a flat baseline alarms", () => {
    const flat = [2, 2, 2, 2, 2, 2, 2];
    expect(earsC1(flat, 3)).toMatchObject({ alarm: true, statistic: Infinity, upperBound: 2 });
    expect(earsC1(flat, 2)).toMatchObject({ alarm: false, statistic: 0 });
    expect(earsC1([0, 0, 0, 0, 0, 0, 0], 1).alarm).toBe(true);
    expect(earsC1(flat, 3, { minSigma: 1 }).alarm).toBe(false);
  });

  it("takes alpha and baseline length, and refuses too little history", () => {
    const history = [2, 3, 2, 4, 3, 2, 5];
    expect(earsC1(history, 6, { alpha: 0.05 }).alarm).toBe(true);
    expect(() => earsC1([1, 2], 3)).toThrow(RangeError);
    expect(() => earsC2(history, 3)).toThrow(/needs 9 days/);
    expect(() => earsC1(history, 3, { baselineDays: 2 })).toThrow(RangeError);
  });
});

describe("EARS C3", () => {
  // Any 7 consecutive days of 1…7 repeating have mean 4 and sd √(28/6), so each C2 baseline is equal.
  const sigma = Math.sqrt(28 / 6);
  const periodic = [1, 2, 3, 4, 5, 6, 7, 1, 2];

  it("sums max(0, C2 − 1) over t-2, t-1, t against z(0.025) ≈ 1.96", () => {
    const history = [...periodic, 6, 7]; // C2(t-2) = 0.93 → 0; C2(t-1) = 1.39 → 0.39
    const lag = 3 / sigma - 1;
    const quiet = earsC3(history, 9);
    expect(quiet.statistic).toBeCloseTo(lag + (5 / sigma - 1), 12);
    expect(quiet.threshold).toBeCloseTo(Z_025, 12);
    expect(quiet.expected).toBe(4);
    expect(quiet.upperBound).toBeCloseTo(4 + sigma * (1 + Z_025 - lag), 12);
    expect(quiet.alarm).toBe(false);
    expect(earsC3(history, 10).alarm).toBe(true);
  });

  it("alarms on the lagged excess alone once it passes z", () => {
    const verdict = earsC3([...periodic, 8, 9], 4);
    expect(verdict.statistic).toBeCloseTo(4 / sigma - 1 + (5 / sigma - 1), 12);
    expect(verdict.alarm).toBe(true);
    expect(verdict.upperBound).toBe(-Infinity);
  });

  it("with sd = 0 any count above the mean alarms, and alpha 0.001 raises the bar", () => {
    expect(earsC3([3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3], 4).alarm).toBe(true);
    expect(earsC3([...periodic, 6, 7], 10, { alpha: 0.001 }).alarm).toBe(false);
    expect(() => earsC3(periodic, 3)).toThrow(/needs 11 days/);
  });
});
