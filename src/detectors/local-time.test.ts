import { describe, expect, it } from "vitest";
import { LocalDays } from "./local-time.js";

describe("local days", () => {
  it("start at local midnight", () => {
    const days = new LocalDays("Asia/Shanghai");
    const late = days.dayOf(Date.parse("2026-11-22T23:30:00+08:00"));
    const early = days.dayOf(Date.parse("2026-11-23T00:30:00+08:00"));
    expect(early - late).toBe(1);
    expect(days.label(late)).toBe("2026-11-22");
    expect(new Date(days.endOf(late)).toISOString()).toBe("2026-11-22T16:00:00.000Z");
  });
});
