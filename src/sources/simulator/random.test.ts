// Seeded randomness: replayable streams and draws with the intended shape.
import { describe, expect, it } from "vitest";
import { Rng, WeightedPicker, weightedKey } from "./random.js";

describe("random", () => {
  it("replays the same stream for the same seed, another for another seed or name", () => {
    const draw = (rng: Rng) => Array.from({ length: 20 }, () => rng.next());
    expect(draw(new Rng(1))).toEqual(draw(new Rng(1)));
    expect(draw(new Rng(1))).not.toEqual(draw(new Rng(2)));
    expect(draw(Rng.stream(1, "city"))).not.toEqual(draw(Rng.stream(1, "departments")));
  });

  it("draws floats in [0, 1) with the right mean, and Poisson counts with the right mean", () => {
    const rng = new Rng(7);
    const floats = Array.from({ length: 20_000 }, () => rng.next());
    expect(Math.min(...floats)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...floats)).toBeLessThan(1);
    expect(floats.reduce((a, b) => a + b, 0) / floats.length).toBeCloseTo(0.5, 1);
    for (const mean of [0.3, 5, 200]) {
      const counts = Array.from({ length: 5_000 }, () => rng.poisson(mean));
      expect(counts.reduce((a, b) => a + b, 0) / counts.length).toBeCloseTo(mean, mean < 10 ? 1 : -1);
    }
  });

  it("picks by weight", () => {
    const rng = new Rng(9);
    const picker = new WeightedPicker(["a", "b", "c"], (k) => (k === "a" ? 1 : k === "b" ? 3 : 0));
    const picks = Array.from({ length: 4_000 }, () => picker.pick(rng));
    expect(picks.includes("c")).toBe(false);
    expect(picks.filter((p) => p === "b").length / picks.length).toBeCloseTo(0.75, 1);
    const keys = Array.from({ length: 1_000 }, () => weightedKey(rng, { x: 1, y: 0 }));
    expect(new Set(keys)).toEqual(new Set(["x"]));
  });
});
