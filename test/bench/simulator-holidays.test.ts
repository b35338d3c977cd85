// The simulator's additive `holidays` option the holiday_effects scenario uses: absent or empty it changes nothing; a holiday scales the day's volume.
import { describe, expect, it } from "vitest";
import { simulateTimed, type SimulationOptions } from "../../src/sources/simulator/index.js";

const DAY = 86_400_000;
const START = Date.parse("2025-12-01T00:00:00+08:00");
const base: SimulationOptions = { seed: 77, startMs: START, days: 3, size: "small" };

function run(options: SimulationOptions): { atMs: number; line: string; created: boolean }[] {
  return [...simulateTimed(options)].map(({ atMs, event }) => ({ atMs, line: JSON.stringify(event), created: event.type === "ticket.created" }));
}

describe("simulator holidays", () => {
  it("leaves the events byte-identical when there are none", () => {
    expect(run({ ...base, holidays: [] }).map((e) => e.line)).toEqual(run(base).map((e) => e.line));
  });

  it("runs a holiday's arrivals at its volume factor and leaves the days before it untouched", () => {
    const holidayStart = START + DAY;
    const normal = run(base);
    const holiday = run({ ...base, holidays: [{ startMs: holidayStart, days: 1, volumeFactor: 0.4 }] });
    const before = (events: typeof normal) => events.filter((e) => e.atMs < holidayStart).map((e) => e.line);
    expect(before(holiday)).toEqual(before(normal));
    const createdOn = (events: typeof normal) => events.filter((e) => e.created && e.atMs >= holidayStart && e.atMs < holidayStart + DAY).length;
    const ratio = createdOn(holiday) / createdOn(normal);
    // Repeat callers and frequent callers are people, not arrivals: they keep coming, so the ratio sits a little above 0.4.
    expect(ratio).toBeGreaterThan(0.3);
    expect(ratio).toBeLessThan(0.6);
  });

  it("rejects a holiday without a positive length or with a negative factor", () => {
    expect(() => run({ ...base, holidays: [{ startMs: START, days: 0, volumeFactor: 0.5 }] })).toThrow(RangeError);
    expect(() => run({ ...base, holidays: [{ startMs: START, days: 1, volumeFactor: -1 }] })).toThrow(RangeError);
  });
});
