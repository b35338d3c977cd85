// Local hours and days: Asia/Shanghai (no DST) and a DST zone, where a local day has 23 hours.
import { describe, expect, it } from "vitest";
import { LocalCalendar, dayOfHour, hourOfDay, weekdayOfDay } from "./calendar.js";

describe("LocalCalendar", () => {
  it("buckets Asia/Shanghai hours and days from local midnight", () => {
    const calendar = new LocalCalendar("Asia/Shanghai");
    const midnight = Date.parse("2026-03-02T00:00:00+08:00"); // a Monday
    const hour = calendar.hourIndex(midnight);
    expect(hourOfDay(hour)).toBe(0);
    expect(weekdayOfDay(dayOfHour(hour))).toBe(0);
    expect(calendar.hourStartMs(hour)).toBe(midnight);
    expect(calendar.dayStartMs(dayOfHour(hour))).toBe(midnight);
    expect(calendar.hourIndex(midnight - 1)).toBe(hour - 1);
    expect(hourOfDay(calendar.hourIndex(Date.parse("2026-03-02T09:59:59+08:00")))).toBe(9);
    expect(weekdayOfDay(dayOfHour(calendar.hourIndex(Date.parse("2026-03-08T23:00:00+08:00"))))).toBe(6);
  });

  it("gives a spring-forward day 23 hours in America/New_York", () => {
    const calendar = new LocalCalendar("America/New_York");
    const day = dayOfHour(calendar.hourIndex(Date.parse("2026-03-08T12:00:00-04:00")));
    expect(calendar.dayStartMs(day)).toBe(Date.parse("2026-03-08T00:00:00-05:00"));
    expect(calendar.dayStartMs(day + 1) - calendar.dayStartMs(day)).toBe(23 * 3_600_000);
    expect(hourOfDay(calendar.hourIndex(Date.parse("2026-03-08T03:30:00-04:00")))).toBe(3);
  });
});
