// Exactly once means by event_id, against the real engine (chdb): an event resent with its
// occurred_at shifted by seconds or minutes is stored once and counted once in volume_minute,
// whether the copies share a batch, come in batches of their own, or come after a restart (a
// second run of the pipeline over the same store); events stored before migration 028 are found
// by id too, the migration having built the id projection for them.
import { cpSync, readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openChdbStore } from "../../src/store/chdb.js";
import { migrate, repoMigrationsDir } from "../../src/store/migrations.js";
import type { Store } from "../../src/store/port.js";
import { storedEvents } from "../../src/store/stored-events.js";
import { exampleEvents, type RawEvent } from "../support/examples.js";
import { replayLines } from "../support/pipeline.js";
import { count, tempDir } from "../support/store.js";

const created = exampleEvents().find((e) => e.type === "ticket.created") as RawEvent;
const BASE_MS = Date.parse(created.occurred_at);

/** The example ticket.created under `eventId`, occurred_at moved by each shift, as NDJSON lines. */
const resent = (eventId: string, shiftsMs: readonly number[]): string[] =>
  shiftsMs.map((ms) => JSON.stringify({ ...created, event_id: eventId, ticket_id: `T-${eventId}`, occurred_at: new Date(BASE_MS + ms).toISOString() }));

const SHIFTS_MS = [0, 4_000, 90_000, -30_000, 240_000];

describe("a resent event_id with another occurred_at", () => {
  // chdb binds one data folder per process: both stores of this file live in it, one database each
  const dataDir = tempDir("resend");
  let store: Store;
  let older: Store | undefined;
  afterAll(async () => {
    await store?.close();
    await older?.close();
  });

  const storedOnce = async (eventId: string): Promise<void> => {
    expect(await count(store, `SELECT count() AS n FROM events WHERE event_id = '${eventId}'`)).toBe(1);
  };

  it("is one event within a batch, across batches and across a restart; volume_minute counts it once", async () => {
    store = await openChdbStore({ dataDir, database: "resend" });
    await migrate(store, { dir: repoMigrationsDir(), vars: { timezone: "Asia/Shanghai" } });
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

  it("is found by id among events stored before migration 028, which builds the id projection for them", async () => {
    const before = path.join(tempDir("resend-migrations"), "up-to-027");
    for (const file of readdirSync(repoMigrationsDir()).filter((f) => f < "028")) cpSync(path.join(repoMigrationsDir(), file), path.join(before, file));
    older = await openChdbStore({ dataDir, database: "before_028" });
    await migrate(older, { dir: before, vars: { timezone: "Asia/Shanghai" } });
    await replayLines(older, "old.ndjson", resent("resend-old-0001", [0]).concat(resent("resend-old-0002", [60_000])), 500);

    const { applied } = await migrate(older, { dir: repoMigrationsDir(), vars: { timezone: "Asia/Shanghai" } });
    expect(applied).toContain("028_events_by_event_id.sql");
    const parts = await older.query<{ projections: string[] }>("SELECT projections FROM system.parts WHERE database = currentDatabase() AND table = 'events' AND active");
    expect(parts.length).toBeGreaterThan(0);
    expect(parts.every((p) => p.projections.includes("by_event_id"))).toBe(true);
    expect([...(await storedEvents(older, ["resend-old-0001", "resend-old-0002", "never-sent"])).keys()].sort()).toEqual(["resend-old-0001", "resend-old-0002"]);
    const again = await replayLines(older, "old-again.ndjson", resent("resend-old-0001", [45_000]), 500);
    expect(again.progress).toMatchObject({ stored: 0, duplicates: 1 });
  });
});
