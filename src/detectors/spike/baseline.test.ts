// The baseline on hand-made histories: level, weekday shape, pooling, the spike cap and an accepted shift.
import { describe, expect, it } from "vitest";
import { Baseline } from "./baseline.js";
import { DEFAULT_SPIKE_CONFIG, spikeConfig, spikeThresholds } from "./config.js";

const MONDAY = 20_514; // local day number of 2026-03-02, a Monday

function fill(baseline: Baseline, counts: readonly number[], firstDay: number, capped = false): number {
  counts.forEach((count, i) => {
    baseline.recordDay(count, baseline.expectedDay(firstDay + i), capped);
    baseline.refit(firstDay + i, undefined);
  });
  return firstDay + counts.length - 1;
}

describe("Baseline", () => {
  it("learns the level and the weekday shape of a steady series", () => {
    const b = new Baseline(DEFAULT_SPIKE_CONFIG, 0);
    const week = [120, 110, 100, 100, 95, 40, 35];
    fill(b, Array.from({ length: 56 }, (_, i) => week[i % 7] ?? 0), MONDAY);
    expect(b.level).toBeCloseTo(600 / 7, 0);
    expect(b.expectedDay(MONDAY + 56)).toBeGreaterThan(110);
    expect(b.expectedDay(MONDAY + 56 + 6)).toBeLessThan(45);
    expect(b.dispersion("day")).toBe(DEFAULT_SPIKE_CONFIG.dispersionFloor);
  });

  it("lets a sparse series borrow its parent's shape and keeps its level uncertain", () => {
    const parent = new Baseline(DEFAULT_SPIKE_CONFIG, 0);
    fill(parent, Array.from({ length: 56 }, (_, i) => (i % 7 < 5 ? 100 : 10)), MONDAY);
    const sparse = new Baseline(DEFAULT_SPIKE_CONFIG, 56);
    sparse.cappedDays[55] = 1;
    sparse.rawDays[55] = 1;
    sparse.refit(MONDAY + 55, parent);
    expect(sparse.weekdayShare[0]).toBeCloseTo(parent.weekdayShare[0] ?? 0, 2);
    expect(sparse.size("day")).toBeLessThan(2); // 1/(φ + 1/levelTickets) with about 1.5 tickets behind the level
  });

  it("caps a spike day for the level, and takes a lasting shift after acceptShiftAfterDays", () => {
    const b = new Baseline(DEFAULT_SPIKE_CONFIG, 0);
    let last = fill(b, new Array<number>(28).fill(20), MONDAY);
    last = fill(b, [200], last + 1, true);
    expect(b.rawDays.at(-1)).toBe(200);
    expect(b.cappedDays.at(-1)).toBeLessThan(40);
    expect(b.level).toBeLessThan(25);
    fill(b, [200, 200], last + 1, true);
    expect(b.cappedDays.slice(-3)).toEqual([200, 200, 200]);
    expect(b.level).toBeGreaterThan(40); // the level follows within its half-life
  });
});

describe("spikeConfig", () => {
  it("fills defaults, freezes, and reports every problem at once", () => {
    const c = spikeConfig({ minCount: 5 });
    expect(c.minCount).toBe(5);
    expect(Object.isFrozen(c)).toBe(true);
    expect(() => spikeConfig({ timeZone: "Mars/Olympus", minCount: 0, alphaPerSeriesDay: 2 })).toThrow(/timeZone.*minCount.*alphaPerSeriesDay/);
  });

  it("splits alphaPerSeriesDay over the hour, window, day and CUSUM tests", () => {
    const t = spikeThresholds({ ...DEFAULT_SPIKE_CONFIG, alphaPerSeriesDay: 1e-3 });
    expect(t.hourAlpha).toBeCloseTo(1e-3 / 5 / 24 / 3, 15);
    expect(t.dayAlpha).toBeCloseTo(1e-3 / 5 / 6, 15);
    expect(t.dayCusumLimit).toBeCloseTo(Math.log(5000), 12);
  });
});
