// Days, hours and weeks are counted in the configured local time zone: a ticket at 23:30 and one at
// 00:30 Beijing time fall on different local days although both are on the same UTC day.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Store } from "../../src/store/port.js";
import { exampleEvents } from "../support/examples.js";
import { replayLines } from "../support/pipeline.js";
import { openMigratedChdb } from "../support/store.js";

describe("local time zone", () => {
  let store: Store;
  beforeAll(async () => {
    store = await openMigratedChdb(undefined, "Asia/Shanghai");
  });
  afterAll(async () => store.close());

  it("buckets days, hours and weeks at local midnight, not UTC", async () => {
    const created = exampleEvents().find((e) => e.type === "ticket.created")!;
    const at = (id: string, occurred_at: string) => JSON.stringify({ ...created, event_id: id, ticket_id: id, occurred_at });
    // Sunday 2026-11-22 23:30 and Monday 2026-11-23 00:30 in Beijing are both 2026-11-22 in UTC
    await replayLines(store, "tz.ndjson", [at("tz-sunday-late", "2026-11-22T23:30:00+08:00"), at("tz-monday-early", "2026-11-22T16:30:00Z")]);

    const days = await store.query<{ day: string; tickets: number }>("SELECT toString(day) AS day, sum(tickets) AS tickets FROM volume_daily GROUP BY day ORDER BY day");
    expect(days).toEqual([
      { day: "2026-11-22", tickets: 1 },
      { day: "2026-11-23", tickets: 1 },
    ]);
    const hours = await store.query<{ hour: string }>("SELECT toString(hour) AS hour FROM volume_hourly ORDER BY hour");
    expect(hours.map((h) => h.hour)).toEqual(["2026-11-22 23:00:00", "2026-11-23 00:00:00"]);
    const weeks = await store.query<{ week: string; tickets: number }>("SELECT toString(week) AS week, sum(tickets) AS tickets FROM volume_weekly GROUP BY week ORDER BY week");
    expect(weeks).toEqual([
      { week: "2026-11-16", tickets: 1 },
      { week: "2026-11-23", tickets: 1 },
    ]);
  });
});
