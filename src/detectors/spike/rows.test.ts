// Every spike row is right in its final version: observed above expected, never the 0/0 of an empty window.
import { describe, expect, it } from "vitest";
import { mulberry32, poissonDraw } from "../stats/random.js";
import { SpikeDetector } from "./detector.js";
import type { SpikeUpdate, TicketObservation } from "./types.js";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const START_MS = Date.parse("2026-03-02T00:00:00+08:00"); // a Monday, local midnight

/** The last update of each spike: what `spikes FINAL` holds. */
function finalRows(updates: readonly SpikeUpdate[]): SpikeUpdate[] {
  const last = new Map<string, SpikeUpdate>();
  for (const u of updates) last.set(u.id, u);
  return [...last.values()];
}

describe("spike rows", () => {
  it("a daily spike opened on a partial day that ends normal closes with the figures that opened it, not 0/0", () => {
    // 20 days of about 24 tickets a day, one an hour; on day 20 a burst of 20 before 05:00, then nothing.
    const random = mulberry32(3);
    const tickets: TicketObservation[] = [];
    for (let day = 0; day < 20; day++) {
      for (let hour = 0; hour < 24; hour++) {
        const count = poissonDraw(random, 1);
        for (let k = 0; k < count; k++) tickets.push({ occurredAtMs: START_MS + day * DAY_MS + hour * HOUR_MS + k * 60_000, categoryPath: ["01"], districtCode: "D1", ticketId: `t${tickets.length}` });
      }
    }
    const burstMs = START_MS + 20 * DAY_MS + 4 * HOUR_MS;
    for (let k = 0; k < 20; k++) tickets.push({ occurredAtMs: burstMs + k * 3 * 60_000, categoryPath: ["01"], districtCode: "D1", ticketId: `b${k}` });
    const detector = new SpikeDetector();
    const updates: SpikeUpdate[] = [];
    let next = 0;
    for (let now = START_MS + 5 * 60_000; now <= START_MS + 23 * DAY_MS; now += 5 * 60_000) {
      while (next < tickets.length && (tickets[next]?.occurredAtMs ?? Infinity) < now) detector.observe(tickets[next++] as TicketObservation);
      updates.push(...detector.advance(now));
    }
    const daily = updates.filter((u) => u.series.resolution === "day" && u.series.district === "D1" && u.startedAtMs === START_MS + 20 * DAY_MS);
    expect(daily.map((u) => u.status)).toEqual(["open", "closed"]);
    const [open, closed] = daily as [SpikeUpdate, SpikeUpdate];
    expect(closed.observed).toBe(open.observed);
    expect(closed.expected).toBe(open.expected);
    expect(closed.observed).toBeGreaterThan(closed.expected);
    for (const row of finalRows(updates)) expect(row.observed).toBeGreaterThan(row.expected);
  });
});
