// ESSENCE's Regression/EWMA switch: regression on exact and weekly-patterned series, EWMA on flat noisy ones.
import { describe, expect, it } from "vitest";
import { essenceSwitch } from "./essence.js";
import { mulberry32, poissonDraw } from "./random.js";

/** Daily counts for `days` days ending yesterday, given today's ISO day of week. */
function series(days: number, todayIso: number, rate: (isoDow: number) => number, seed: number): number[] {
  const random = mulberry32(seed);
  return Array.from({ length: days }, (_, i) => {
    const dow = ((((todayIso - 1 - (days - i)) % 7) + 7) % 7) + 1;
    return poissonDraw(random, rate(dow));
  });
}

describe("essenceSwitch", () => {
  it("extrapolates an exact linear trend and tests against the floored sigma", () => {
    const history = Array.from({ length: 40 }, (_, i) => 10 + i);
    const onTrend = essenceSwitch(history, 50, { todayIsoDayOfWeek: 3 });
    expect(onTrend.method).toBe("regression");
    expect(onTrend.adjustedR2).toBeCloseTo(1, 12);
    expect(onTrend.expected).toBeCloseTo(50, 9);
    expect(onTrend.alarm).toBe(false);
    const minSigma = 1.01 / 1.72472; // 1.01 / round(qt(0.95, 20), 5)
    const above = essenceSwitch(history, 52, { todayIsoDayOfWeek: 3 });
    expect(above.statistic).toBeCloseTo(2 / minSigma, 6);
    expect(above.threshold).toBeCloseTo(2.527977002741573, 9);
    expect(above.pValue).toBeLessThan(0.01);
    expect(above.alarm).toBe(true);
    expect(above.level).toBe("red");
  });

  it("chooses the regression on a strong day-of-week pattern and forecasts the weekday", () => {
    const weekly = (dow: number) => (dow >= 6 ? 20 : 120);
    const history = series(56, 2, weekly, 3);
    const tuesday = essenceSwitch(history, 118, { todayIsoDayOfWeek: 2 });
    expect(tuesday.method).toBe("regression");
    expect(tuesday.adjustedR2).toBeGreaterThan(0.6);
    expect(tuesday.expected).toBeGreaterThan(105);
    expect(tuesday.expected).toBeLessThan(135);
    expect(tuesday.alarm).toBe(false);
    expect(essenceSwitch(history, 200, { todayIsoDayOfWeek: 2 }).alarm).toBe(true);
    const sunday = essenceSwitch(series(56, 7, weekly, 4), 21, { todayIsoDayOfWeek: 7 });
    expect(sunday.expected).toBeLessThan(35);
    expect(sunday.alarm).toBe(false);
  });

  it("switches to the EWMA on a flat noisy series and flags a sudden jump", () => {
    const history = series(60, 5, () => 5, 9);
    const normal = essenceSwitch(history, 6, { todayIsoDayOfWeek: 5 });
    expect(normal.method).toBe("ewma");
    expect(normal.alarm).toBe(false);
    expect(normal.expected).toBeGreaterThan(3.5);
    expect(normal.expected).toBeLessThan(6.5);
    const jump = essenceSwitch(history, 25, { todayIsoDayOfWeek: 5 });
    expect(jump.alarm).toBe(true);
    expect(jump.statistic).toBeGreaterThan(jump.threshold);
  });

  it("treats a constant series as unexplained (R² = 0) without dividing by zero", () => {
    const flat = essenceSwitch(new Array<number>(35).fill(5), 5, { todayIsoDayOfWeek: 1 });
    expect(flat.method).toBe("ewma");
    expect(flat.adjustedR2).toBe(0);
    expect(flat.statistic).toBeCloseTo(0, 12);
    expect(flat.alarm).toBe(false);
  });

  it("refuses short history and bad options", () => {
    expect(() => essenceSwitch(new Array<number>(29).fill(1), 1, { todayIsoDayOfWeek: 1 })).toThrow(/needs 30 days/);
    expect(() => essenceSwitch(new Array<number>(40).fill(1), 1, { todayIsoDayOfWeek: 8 })).toThrow(RangeError);
  });
});
