// The writer's second line of defence on the real engine (chdb): rows that got past the contract
// (bypassed here, by editing prepared rows) but that ClickHouse refuses are found by halving the
// insert; they become `store_refused` dead letters and the rest of the batch is stored. A clean
// batch still costs one insert per table.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createHasher } from "../../src/contract/personal-data.js";
import { createDerivers } from "../../src/detectors/index.js";
import { SensorError } from "../../src/errors.js";
import { prepareBatch, type DeadLetterRow, type PreparedBatch } from "../../src/pipeline/batch.js";
import { writeBatch } from "../../src/pipeline/writer.js";
import type { Store } from "../../src/store/port.js";
import { exampleEvents } from "../support/examples.js";
import { replayLines, TEST_HASH_KEY } from "../support/pipeline.js";
import { count, openMigratedChdb } from "../support/store.js";

const PHONE = "13812345678";
const NOW_MS = Date.parse("2026-12-20T00:00:00Z");
const limits = { maxEventBytes: 64 * 1024, maxFutureSkewMs: 86_400_000, earliestEventMs: Date.UTC(2000, 0, 1) };
const hasher = createHasher(Buffer.from(TEST_HASH_KEY));
const offered = exampleEvents().find((e) => e.type === "call.offered")!;

/** The real store with its inserts counted per table (every call goes through to the engine). */
function countingInserts(store: Store): { readonly store: Store; readonly inserts: Map<string, number> } {
  const inserts = new Map<string, number>();
  return {
    inserts,
    store: {
      ...store,
      kind: store.kind,
      command: (sql, params) => store.command(sql, params),
      query: (sql, params) => store.query(sql, params),
      ping: () => store.ping(),
      close: () => store.close(),
      insert(table, rows, options) {
        inserts.set(table, (inserts.get(table) ?? 0) + 1);
        return store.insert(table, rows, options);
      },
    },
  };
}

/** `n` valid call events from line `firstLine` of `file`, and one input the door rejects. */
function batchOf(file: string, n: number): PreparedBatch {
  const lines = Array.from({ length: n }, (_, i) => JSON.stringify({ ...offered, event_id: `${file}-${String(i).padStart(4, "0")}`, call_id: `call-${file}-${i}` }));
  lines.push("not json");
  return prepareBatch(lines.map((l, i) => ({ bytes: Buffer.from(l), position: { kind: "file", file, line: i + 1 } })), hasher, limits, NOW_MS);
}

/** The batch with rows edited past the contract: what a gap in the text check would let through. */
function bypassing(batch: PreparedBatch, edits: Readonly<Record<number, Record<string, unknown>>>, letter?: Partial<DeadLetterRow>): PreparedBatch {
  return {
    ...batch,
    events: batch.events.map((e, i) => (edits[i] === undefined ? e : { ...e, row: { ...e.row, ...edits[i] } })),
    deadLetters: letter === undefined ? batch.deadLetters : batch.deadLetters.map((d) => ({ ...d, ...letter })),
  };
}

describe("writer: rows the store refuses", () => {
  let store: Store;
  beforeAll(async () => {
    store = await openMigratedChdb();
  });
  afterAll(async () => {
    await store.close();
  });

  it("stores a clean batch with one insert per table", async () => {
    const counted = countingInserts(store);
    const result = await writeBatch(counted.store, batchOf("clean", 30), undefined, () => undefined);
    expect(result).toMatchObject({ refused: 0, alreadyStoredEvents: 0 });
    expect(result.stored).toHaveLength(30);
    expect(Object.fromEntries(counted.inserts)).toEqual({ events: 1, dead_letters: 1 });
  });

  it("halves a refused events insert to find the refused rows: they become store_refused dead letters, the rest is stored", async () => {
    const clean = batchOf("poison", 40);
    const refusedIds = [clean.events[7]!.row.event_id, clean.events[31]!.row.event_id];
    const batch = bypassing(clean, { 7: { text: `\ud800 callback ${PHONE}` }, 31: { district_name: "x\udbff" } });
    const counted = countingInserts(store);
    const published: DeadLetterRow[] = [];
    const result = await writeBatch(counted.store, batch, { publish: async (letters) => void published.push(...letters) }, () => undefined);

    expect(result.refused).toBe(2);
    expect(result.stored.map((e) => e.row.event_id)).toEqual(clean.events.map((e) => e.row.event_id).filter((id) => !refusedIds.includes(id)));
    expect(counted.inserts.get("events")).toBeGreaterThan(1);
    expect(await count(store, "SELECT count() AS n FROM events WHERE startsWith(event_id, 'poison-')")).toBe(38);
    const letters = await store.query<DeadLetterRow & Record<string, unknown>>("SELECT * FROM dead_letters WHERE file = 'poison' ORDER BY line");
    expect(letters.map((l) => [l.line, l.reason_code, l.event_id])).toEqual([
      [8, "store_refused", refusedIds[0]],
      [32, "store_refused", refusedIds[1]],
      [41, "malformed_json", ""],
    ]);
    for (const letter of letters.slice(0, 2)) {
      expect(letter.reason).toMatch(/^ClickHouse refused this event's values \(code 25 CANNOT_PARSE_ESCAPE_SEQUENCE: .*Cannot parse escape sequence.*\); the event was not stored.*send it again with a new event_id/);
      expect(letter.payload).toContain(letter.event_id);
    }
    expect(JSON.stringify(letters)).not.toContain(PHONE);
    // the Kafka dead-letter topic gets them too, before they are stored
    expect(published.map((l) => l.reason_code).sort()).toEqual(["malformed_json", "store_refused", "store_refused"]);

    // re-delivered (a crash before the ack): nothing is stored twice, the refused ones are found again and skipped
    const again = await writeBatch(store, batch, undefined, () => undefined);
    expect(again).toMatchObject({ alreadyStoredEvents: 38, refused: 2 });
    expect(await count(store, "SELECT count() AS n FROM dead_letters WHERE file = 'poison'")).toBe(3);
    expect(await count(store, "SELECT count() AS n FROM events WHERE startsWith(event_id, 'poison-')")).toBe(38);
  });

  it("stores a dead letter the store refuses with its text escaped to ASCII", async () => {
    const batch = bypassing(batchOf("letter", 2), {}, { payload: "not json \ud800 中", event_id: "\udbff" });
    await writeBatch(store, batch, undefined, () => undefined);
    const [letter] = await store.query<DeadLetterRow & Record<string, unknown>>("SELECT * FROM dead_letters WHERE file = 'letter'");
    expect(letter).toMatchObject({ reason_code: "malformed_json", payload: "not json \\ud800 \\u4e2d", event_id: "\\udbff" });
    expect(letter?.reason).toMatch(/stored with its text escaped to ASCII: the store refused it as it was \(code 25/);
    expect(await count(store, "SELECT count() AS n FROM events WHERE startsWith(event_id, 'letter-')")).toBe(2);
  });

  it("stops, instead of looping, on a dead letter the store refuses even as a placeholder", async () => {
    const batch = bypassing(batchOf("hopeless", 1), {}, { line: -1 });
    const error = await writeBatch(store, batch, undefined, () => undefined).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(SensorError);
    expect(error).toMatchObject({ code: "STORE_REJECTED", retriable: false, storeCode: 72 });
    expect((error as Error).message).toMatch(/refuses even a placeholder dead letter for file:hopeless:2.*check the dead_letters table/);
  });
});

describe("pipeline: events the store refuses after the detectors saw them", () => {
  it("dead-letters them, stores the rest, and rebuilds the detectors from what is stored", async () => {
    const store = await openMigratedChdb();
    try {
      // a CHECK constraint the contract knows nothing of: the engine refuses the row (Code 469)
      await store.command("ALTER TABLE events ADD CONSTRAINT not_this_one CHECK event_id != 'refused-by-check'");
      const lines = exampleEvents().filter((e) => Date.parse(e.occurred_at) < Date.now()).map((e) => JSON.stringify(e));
      const created = exampleEvents().find((e) => e.type === "ticket.created")!;
      lines.splice(3, 0, JSON.stringify({ ...created, event_id: "refused-by-check", ticket_id: "t-refused" }));
      const rebuilds: number[] = [];
      const config = loadConfig({});
      const { progress } = await replayLines(store, "checked.ndjson", lines, 500, undefined, {
        derivers: () => createDerivers(config),
        onRebuild: (report) => rebuilds.push(report.events),
      });
      expect(progress).toMatchObject({ inputs: lines.length, stored: lines.length - 1, deadLettersByReason: { store_refused: 1 } });
      const [letter] = await store.query<{ line: number; reason: string }>("SELECT line, reason FROM dead_letters WHERE file = 'checked.ndjson'");
      expect(letter?.line).toBe(4);
      expect(letter?.reason).toMatch(/^ClickHouse refused this event's values \(code 469 VIOLATED_CONSTRAINT/);
      // once before the first batch (nothing stored yet), once after the refusal, from the stored events
      expect(rebuilds).toEqual([0, lines.length - 1]);
      expect(await count(store, "SELECT count() AS n FROM events WHERE ticket_id = 't-refused'")).toBe(0);
      expect(await count(store, "SELECT count() AS n FROM tickets WHERE ticket_id = 't-refused'")).toBe(0);
    } finally {
      await store.close();
    }
  });
});
