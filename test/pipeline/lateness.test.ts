// Allowed lateness against a real ClickHouse engine (chdb): an event too far behind the newest of its
// own stream is dead-lettered as too_late with the reason, other streams are judged apart, and a
// restarted worker (newest times read back from `events`) judges exactly as one that never stopped.
import { afterAll, describe, expect, it } from "vitest";
import { openChdbStore } from "../../src/store/chdb.js";
import { migrate, repoMigrationsDir } from "../../src/store/migrations.js";
import type { Store } from "../../src/store/port.js";
import { exampleEvents, type RawEvent } from "../support/examples.js";
import { replayLines } from "../support/pipeline.js";
import { count, snapshot, tempDir } from "../support/store.js";

const LATENESS_MS = 10 * 60_000;
const created = exampleEvents().find((e) => e.type === "ticket.created") as RawEvent;

/** A ticket.created at `minutes` after 2026-11-02T08:00Z, as one NDJSON line. */
const ticketAt = (id: string, minutes: number): string =>
  JSON.stringify({ ...created, event_id: `evt-late-${id}`, ticket_id: `T-late-${id}`, occurred_at: new Date(Date.UTC(2026, 10, 2, 8, minutes)).toISOString() });

describe("allowed lateness (HOTLINE_DETECT_LATENESS_MS)", () => {
  const stores: Store[] = [];
  afterAll(async () => {
    for (const s of stores.splice(0)) await s.close();
  });
  // chdb binds one data folder per process: every store of this file lives in it, one database each.
  const dataDir = tempDir("lateness");
  let databases = 0;
  const open = async (): Promise<Store> => {
    const store = await openChdbStore({ dataDir, database: `lateness_${++databases}` });
    stores.push(store);
    await migrate(store, { dir: repoMigrationsDir(), vars: { timezone: "Asia/Shanghai" } });
    return store;
  };

  it("dead-letters an event later than allowed for its stream, with the reason, and stores the rest", async () => {
    const store = await open();
    // 60 is the newest; 55 is 5 min behind (allowed), 45 is 15 min behind (too late), 70 moves on.
    const lines = [ticketAt("a", 0), ticketAt("b", 60), ticketAt("c", 55), ticketAt("d", 45), ticketAt("e", 70), ticketAt("f", 59)];
    const { progress, registry } = await replayLines(store, "one.ndjson", lines, 2, LATENESS_MS);
    expect(progress.stored).toBe(4);
    expect(progress.deadLettersByReason).toEqual({ too_late: 2 });
    const letters = await store.query<{ event_id: string; line: number; reason_code: string; reason: string }>(
      "SELECT event_id, line, reason_code, reason FROM dead_letters ORDER BY line",
    );
    expect(letters.map((l) => [l.event_id, Number(l.line)])).toEqual([
      ["evt-late-d", 4],
      ["evt-late-f", 6],
    ]);
    expect(letters[0]?.reason).toContain("is 900000 ms behind the newest event of file:one.ndjson");
    expect(letters[0]?.reason).toContain("HOTLINE_DETECT_LATENESS_MS");
    expect(await count(store, "SELECT count() AS n FROM events WHERE event_id IN ('evt-late-d', 'evt-late-f')")).toBe(0);
    expect(await registry.getSingleMetricAsString("hotline_sensor_dead_letters_total")).toContain('reason="too_late"} 2');
  });

  it("judges each stream against its own newest event", async () => {
    const store = await open();
    await replayLines(store, "ahead.ndjson", [ticketAt("x1", 0), ticketAt("x2", 300)], 500, LATENESS_MS);
    const { progress } = await replayLines(store, "behind.ndjson", [ticketAt("y1", 10), ticketAt("y2", 20)], 500, LATENESS_MS);
    expect(progress.stored).toBe(2);
    expect(progress.deadLetters).toBe(0);
  });

  it("judges the same after a restart mid-stream as without one", async () => {
    const lines = Array.from({ length: 40 }, (_, i) => ticketAt(`r${i}`, i % 7 === 3 ? i * 5 - 30 : i * 5));
    const whole = await open();
    const once = await replayLines(whole, "stream.ndjson", lines, 7, LATENESS_MS);
    expect(once.progress.deadLettersByReason["too_late"]).toBeGreaterThan(0);

    const restarted = await open();
    // The first run stops after 24 lines, just before a late one; the second reads the whole file again (re-delivery).
    await replayLines(restarted, "stream.ndjson", lines.slice(0, 24), 7, LATENESS_MS);
    const again = await replayLines(restarted, "stream.ndjson", lines, 8, LATENESS_MS);
    expect(again.progress.stored + again.progress.deadLetters).toBeLessThan(lines.length);
    expect(await snapshot(restarted)).toEqual(await snapshot(whole));
  });

  it("admits everything when no lateness is configured", async () => {
    const store = await open();
    const { progress } = await replayLines(store, "free.ndjson", [ticketAt("n1", 600), ticketAt("n2", 0)], 500);
    expect(progress.stored).toBe(2);
  });
});
