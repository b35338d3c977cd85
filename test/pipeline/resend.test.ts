// Exactly once means by event_id, against the real engine (chdb): an event resent with its
// occurred_at shifted by seconds or minutes is stored once and counted once in volume_minute,
// whether the copies share a batch, come in batches of their own, or come after a restart (a
// second run of the pipeline over the same store).
import { afterAll, describe, expect, it } from "vitest";
import type { Store } from "../../src/store/port.js";
import { exampleEvents, type RawEvent } from "../support/examples.js";
import { replayLines } from "../support/pipeline.js";
import { count, openMigratedChdb } from "../support/store.js";

const created = exampleEvents().find((e) => e.type === "ticket.created") as RawEvent;
const BASE_MS = Date.parse(created.occurred_at);

/** The example ticket.created under `eventId`, occurred_at moved by each shift, as NDJSON lines. */
const resent = (eventId: string, shiftsMs: readonly number[]): string[] =>
  shiftsMs.map((ms) => JSON.stringify({ ...created, event_id: eventId, ticket_id: `T-${eventId}`, occurred_at: new Date(BASE_MS + ms).toISOString() }));

const SHIFTS_MS = [0, 4_000, 90_000, -30_000, 240_000];

describe("a resent event_id with another occurred_at", () => {
  let store: Store;
  afterAll(async () => {
    await store?.close();
  });

  const storedOnce = async (eventId: string): Promise<void> => {
    expect(await count(store, `SELECT count() AS n FROM events WHERE event_id = '${eventId}'`)).toBe(1);
  };

  it("is one event within a batch, across batches and across a restart; volume_minute counts it once", async () => {
    store = await openMigratedChdb();
    const inOneBatch = await replayLines(store, "one-batch.ndjson", resent("resend-batch-0001", SHIFTS_MS), 500);
    expect(inOneBatch.progress).toMatchObject({ stored: 1, duplicates: 4, deadLetters: 0 });
    await storedOnce("resend-batch-0001");

    const batchEach = await replayLines(store, "batch-each.ndjson", resent("resend-batches-0001", SHIFTS_MS), 1);
    expect(batchEach.progress).toMatchObject({ batches: 5, stored: 1, duplicates: 4, deadLetters: 0 });
    await storedOnce("resend-batches-0001");

    // a worker started again over the same store, handed copies shifted once more
    const restarted = await replayLines(store, "after-restart.ndjson", resent("resend-batches-0001", [12_000, -600_000, 3_600_000]), 2);
    expect(restarted.progress).toMatchObject({ stored: 0, duplicates: 3, deadLetters: 0 });
    await storedOnce("resend-batches-0001");

    expect(await count(store, "SELECT sum(tickets) AS n FROM volume_minute")).toBe(2);
    expect(await count(store, "SELECT count() AS n FROM tickets")).toBe(2);
  });
});
