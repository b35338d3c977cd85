// POST /v1/events over real HTTP into the embedded pipeline on chdb: an event_id resent with its
// occurred_at shifted is answered "duplicate" and stored once, in one request, in later requests
// and after the API and pipeline were stopped and started again over the same store; volume_minute
// counts the ticket once.
import { afterAll, describe, expect, it } from "vitest";
import type { Store } from "../../src/store/port.js";
import { exampleEvents, type RawEvent } from "../support/examples.js";
import { openMigratedChdb } from "../support/store.js";
import { bearer, count, startApi, type RunningApi } from "./support.js";

const HASH_KEY = "resend-test-key-0123456789abcdef";
const created = exampleEvents().find((e) => e.type === "ticket.created") as RawEvent;
const baseMs = Date.now() - 30 * 60_000;

const copy = (eventId: string, shiftMs: number): RawEvent => ({ ...created, event_id: eventId, ticket_id: `T-${eventId}`, occurred_at: new Date(baseMs + shiftMs).toISOString() });

async function post(api: RunningApi, events: readonly RawEvent[]): Promise<{ status: number; statuses: string[] }> {
  const response = await fetch(`${api.url}/v1/events`, { method: "POST", headers: { ...bearer("gongdan"), "content-type": "application/json" }, body: JSON.stringify(events) });
  const body = (await response.json()) as { results: { status: string }[] };
  return { status: response.status, statuses: body.results.map((r) => r.status) };
}

describe("POST /v1/events: a resent event_id with another occurred_at", () => {
  let store: Store;
  let api: RunningApi | undefined;
  afterAll(async () => {
    await api?.close();
    await store?.close();
  });

  it("is a duplicate within a request, across requests and across a restart, stored and counted once", async () => {
    store = await openMigratedChdb();
    api = await startApi(store, { hashKey: HASH_KEY });

    const inOne = await post(api, [0, 5_000, 60_000, -45_000, 180_000].map((ms) => copy("resend-http-a", ms)));
    expect(inOne).toEqual({ status: 200, statuses: ["accepted", "duplicate", "duplicate", "duplicate", "duplicate"] });

    expect(await post(api, [copy("resend-http-b", 0)])).toEqual({ status: 200, statuses: ["accepted"] });
    for (const ms of [3_000, 120_000, -240_000, 30_000]) expect(await post(api, [copy("resend-http-b", ms)])).toEqual({ status: 200, statuses: ["duplicate"] });

    await api.close();
    api = await startApi(store, { hashKey: HASH_KEY });
    for (const ms of [9_000, -420_000]) {
      expect(await post(api, [copy("resend-http-a", ms), copy("resend-http-b", ms)])).toEqual({ status: 200, statuses: ["duplicate", "duplicate"] });
    }

    expect(await count(store, "SELECT event_id, count() AS n FROM events GROUP BY event_id ORDER BY n DESC LIMIT 1")).toBe(1);
    expect(await count(store, "SELECT count() AS n FROM events")).toBe(2);
    expect(await count(store, "SELECT sum(tickets) AS n FROM volume_minute")).toBe(2);
  });
});
