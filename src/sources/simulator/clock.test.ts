// Local time in the simulated city: formatting, weekdays, seasons, office hours.
import { describe, expect, it } from "vitest";
import { HOURLY_SHARE, isoLocal, localDateKey, localHour, localWeekday, seasonOf, toOfficeHours } from "./clock.js";
import { Rng } from "./random.js";

describe("clock", () => {
  it("formats local time with the +08:00 offset, like Date does", () => {
    const rng = new Rng(3);
    for (let i = 0; i < 1_000; i++) {
      const ms = Math.floor(rng.between(0, 4e12) / 1000) * 1000;
      const expected = `${new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`;
      expect(isoLocal(ms)).toBe(expected);
      expect(Date.parse(isoLocal(ms))).toBe(ms);
    }
    expect(localDateKey(Date.parse("2026-11-26T23:59:59+08:00"))).toBe("20261126");
  });

  it("knows weekdays, seasons and the daily shape", () => {
    expect(localWeekday(Date.parse("2026-11-23T01:00:00+08:00"))).toBe(1); // Monday
    expect(seasonOf(Date.parse("2026-12-01T12:00:00+08:00"))).toBe("heating");
    expect(seasonOf(Date.parse("2026-07-01T12:00:00+08:00"))).toBe("summer");
    expect(HOURLY_SHARE.reduce((a, b) => a + b, 0)).toBeCloseTo(1);
  });

  it("moves night work into office hours, the next morning", () => {
    const rng = new Rng(4);
    const night = Date.parse("2026-11-23T23:30:00+08:00");
    const moved = toOfficeHours(night, rng);
    expect(moved).toBeGreaterThan(night);
    expect(localHour(moved)).toBeGreaterThanOrEqual(8);
    expect(localHour(moved)).toBeLessThan(9.5);
    const noon = Date.parse("2026-11-23T12:00:00+08:00");
    expect(toOfficeHours(noon, rng)).toBe(noon);
  });
});
