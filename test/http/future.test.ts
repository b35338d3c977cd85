// POST /v1/events with the default configuration, over real HTTP into the embedded pipeline on
// chdb: an event from the future beyond HOTLINE_MAX_FUTURE_SKEW_MS (a day ahead, or +08:00 local
// time labelled UTC) is rejected as timestamp_in_future, and the client's normal events after it
// are still accepted, not too_late.
import { afterAll, describe, expect, it } from "vitest";
import type { Store } from "../../src/store/port.js";
import { exampleEvents, type RawEvent } from "../support/examples.js";
import { openMigratedChdb } from "../support/store.js";
import { bearer, count, startApi, type RunningApi } from "./support.js";

const created = exampleEvents().find((e) => e.type === "ticket.created") as RawEvent;
const at = (id: string, ms: number): RawEvent => ({ ...created, event_id: `future-${id}`, ticket_id: `T-future-${id}`, occurred_at: new Date(ms).toISOString() });
/** `ms` as local Beijing time written with a Z: eight hours ahead of the real instant. */
const labelledUtc = (id: string, ms: number): RawEvent => ({ ...at(id, ms), occurred_at: new Date(ms + 8 * 3_600_000).toISOString() });

describe("POST /v1/events: event time from the future", () => {
  let store: Store;
  let api: RunningApi;
  afterAll(async () => {
    await api?.close();
    await store?.close();
  });

  async function post(events: readonly RawEvent[]): Promise<{ status: string; reason_code?: string; message?: string }[]> {
    const response = await fetch(`${api.url}/v1/events`, { method: "POST", headers: { ...bearer("gongdan"), "content-type": "application/json" }, body: JSON.stringify(events) });
    return ((await response.json()) as { results: { status: string; reason_code?: string; message?: string }[] }).results;
  }

  it("rejects what is beyond the allowed skew as timestamp_in_future and goes on accepting the sender's normal events", async () => {
    store = await openMigratedChdb();
    api = await startApi(store, { hashKey: "future-test-key-0123456789abcdef" });
    const now = Date.now();
    expect((await post([at("n1", now - 3 * 60_000), at("n2", now - 2 * 60_000), at("n3", now - 60_000)])).map((r) => r.status)).toEqual(["accepted", "accepted", "accepted"]);

    const ahead = await post([at("day", now + 23 * 3_600_000), labelledUtc("utc", now)]);
    expect(ahead.map((r) => [r.status, r.reason_code])).toEqual([
      ["rejected", "timestamp_in_future"],
      ["rejected", "timestamp_in_future"],
    ]);
    expect(ahead[0]?.message).toContain("HOTLINE_MAX_FUTURE_SKEW_MS (300000 ms)");

    // within the skew (a clock a little fast) is fine; so is every normal event after all this
    expect((await post([at("fast", Date.now() + 2 * 60_000)])).map((r) => r.status)).toEqual(["accepted"]);
    const later = await post([at("n4", Date.now() - 30_000), at("n5", Date.now() - 20_000), at("n6", Date.now() - 5 * 60_000)]);
    expect(later.map((r) => r.status)).toEqual(["accepted", "accepted", "accepted"]);
    expect(await count(store, "SELECT count() AS n FROM events WHERE startsWith(event_id, 'future-')")).toBe(7);
  });
});
