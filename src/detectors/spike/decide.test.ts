// The alarm floors and the CUSUM's log-likelihood ratio.
import { describe, expect, it } from "vitest";
import { DEFAULT_SPIKE_CONFIG } from "./config.js";
import { clearsFloors, cusumIncrement } from "./decide.js";
import { spikeId } from "./spikes.js";

describe("decision helpers", () => {
  it("needs minCount tickets, minExcess above expected and minRatio times it", () => {
    expect(clearsFloors(2, 0.01, DEFAULT_SPIKE_CONFIG)).toBe(false);
    expect(clearsFloors(3, 0.01, DEFAULT_SPIKE_CONFIG)).toBe(true);
    expect(clearsFloors(5, 3.5, DEFAULT_SPIKE_CONFIG)).toBe(false);
    expect(clearsFloors(110, 100, DEFAULT_SPIKE_CONFIG)).toBe(false);
    expect(clearsFloors(121, 100, DEFAULT_SPIKE_CONFIG)).toBe(true);
  });

  it("scores a count by the log-likelihood ratio of rate × k against the baseline", () => {
    expect(cusumIncrement(15, 10, Infinity, 1.5)).toBeCloseTo(15 * Math.log(1.5) - 5, 12);
    expect(cusumIncrement(15, 10, 1e9, 1.5)).toBeCloseTo(cusumIncrement(15, 10, Infinity, 1.5), 6);
    // Over-dispersion flattens the evidence of the same excess.
    expect(cusumIncrement(15, 10, 5, 1.5)).toBeLessThan(cusumIncrement(15, 10, Infinity, 1.5));
    expect(cusumIncrement(10, 10, 20, 1.5)).toBeLessThan(0);
  });

  it("ids a spike by its series, resolution and start, stably", () => {
    const id = spikeId('["D1","02"]', "hour", 1_772_380_800_000);
    expect(id).toMatch(/^spike-[0-9a-f]{16}$/);
    expect(spikeId('["D1","02"]', "hour", 1_772_380_800_000)).toBe(id);
    expect(spikeId('["D1","02"]', "day", 1_772_380_800_000)).not.toBe(id);
  });
});
