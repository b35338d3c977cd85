// Allowed lateness against a real ClickHouse engine (chdb): an event too far behind its stream's
// watermark (what a quorum of the stream's events agree on) is dead-lettered as too_late with the
// reason, other streams are judged apart, one event far ahead poisons nothing, and a restarted
// worker (watermarks rebuilt from `events`) judges exactly as one that never stopped.
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
    // After 60, 61, 62 the watermark is 60: 45 is 15 min behind it (too late); after 70 it is 61:
    // 55 is 6 min behind (allowed), 50 is 11 min behind (too late).
    const lines = [ticketAt("a", 0), ticketAt("b", 60), ticketAt("c", 61), ticketAt("d", 62), ticketAt("e", 45), ticketAt("f", 70), ticketAt("g", 55), ticketAt("h", 50)];
    const { progress, registry } = await replayLines(store, "one.ndjson", lines, 2, LATENESS_MS);
    expect(progress.stored).toBe(6);
    expect(progress.deadLettersByReason).toEqual({ too_late: 2 });
    const letters = await store.query<{ event_id: string; line: number; reason_code: string; reason: string }>(
      "SELECT event_id, line, reason_code, reason FROM dead_letters ORDER BY line",
    );
    expect(letters.map((l) => [l.event_id, Number(l.line)])).toEqual([
      ["evt-late-e", 5],
      ["evt-late-h", 8],
    ]);
    expect(letters[0]?.reason).toContain("is 900000 ms behind the watermark of file:one.ndjson");
    expect(letters[0]?.reason).toContain("HOTLINE_DETECT_LATENESS_MS");
    expect(await count(store, "SELECT count() AS n FROM events WHERE event_id IN ('evt-late-e', 'evt-late-h')")).toBe(0);
    expect(await registry.getSingleMetricAsString("hotline_sensor_dead_letters_total")).toContain('reason="too_late"} 2');
  });

  it("judges each stream against its own watermark", async () => {
    const store = await open();
    await replayLines(store, "ahead.ndjson", [ticketAt("x1", 0), ticketAt("x2", 300), ticketAt("x3", 301), ticketAt("x4", 302)], 500, LATENESS_MS);
    const { progress } = await replayLines(store, "behind.ndjson", [ticketAt("y1", 10), ticketAt("y2", 20), ticketAt("y3", 30), ticketAt("y4", 40)], 500, LATENESS_MS);
    expect(progress.stored).toBe(4);
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

  it("admits one event far ahead without making the stream's normal events too late, before and after a restart", async () => {
    // one a minute; line 6 is eight hours ahead (local time labelled UTC)
    const lines = [0, 1, 2, 3, 4, 8 * 60, 5, 6, 7, 8, 9, 10, 11, 12].map((m, i) => ticketAt(`o${i}`, m));
    const whole = await open();
    const once = await replayLines(whole, "outlier.ndjson", lines, 4, LATENESS_MS);
    expect(once.progress).toMatchObject({ stored: lines.length, deadLetters: 0 });

    const restarted = await open();
    // stopped just after the outlier; started again over the same store, the whole file re-delivered
    await replayLines(restarted, "outlier.ndjson", lines.slice(0, 7), 4, LATENESS_MS);
    const again = await replayLines(restarted, "outlier.ndjson", lines, 3, LATENESS_MS);
    expect(again.progress).toMatchObject({ stored: lines.length - 7, deadLetters: 0 });
    expect(await snapshot(restarted)).toEqual(await snapshot(whole));
  });

  it("moves on a jump three events share, and a restarted worker keeps it", async () => {
    const jump = [0, 1, 2, 360, 361, 362].map((m, i) => ticketAt(`j${i}`, m));
    const after = [ticketAt("j6", 3), ticketAt("j7", 363)];
    const whole = await open();
    await replayLines(whole, "jump.ndjson", [...jump, ...after], 2, LATENESS_MS);
    const restarted = await open();
    await replayLines(restarted, "jump.ndjson", jump, 2, LATENESS_MS);
    const again = await replayLines(restarted, "jump.ndjson", [...jump, ...after], 2, LATENESS_MS);
    expect(again.progress).toMatchObject({ stored: 1, deadLettersByReason: { too_late: 1 } });
    expect(await count(restarted, "SELECT count() AS n FROM dead_letters WHERE event_id = 'evt-late-j6' AND reason_code = 'too_late'")).toBe(1);
    expect(await snapshot(restarted)).toEqual(await snapshot(whole));
  });

  it("admits everything when no lateness is configured", async () => {
    const store = await open();
    const { progress } = await replayLines(store, "free.ndjson", [ticketAt("n1", 600), ticketAt("n2", 0)], 500);
    expect(progress.stored).toBe(2);
  });
});
