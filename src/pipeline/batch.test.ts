// Unit tests of batch preparation: each input becomes one event or one dead letter, in-batch duplicates are kept once, dead letters carry their position and no personal data.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exampleEvents, type RawEvent } from "../../test/support/examples.js";
import type { IngestLimits } from "../contract/ingest.js";
import { createHasher } from "../contract/personal-data.js";
import { findBrokenText } from "../contract/text.js";
import type { SourceMessage, SourcePosition } from "../sources/message.js";
import { prepareBatch } from "./batch.js";

const hasher = createHasher(Buffer.from("batch-test-hash-key-0123456789"));
const limits: IngestLimits = { maxEventBytes: 64 * 1024, maxFutureSkewMs: 86_400_000, earliestEventMs: Date.UTC(2000, 0, 1) };
const NOW_MS = Date.parse("2026-12-20T00:00:00Z"); // after every example event
const examples = exampleEvents();
const PHONE = "13812345678";

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const atLine = (bytes: Uint8Array, line: number): SourceMessage => ({ bytes, position: { kind: "file", file: "in.ndjson", line } });
const numbered = (inputs: readonly Uint8Array[]) => inputs.map((bytes, i) => atLine(bytes, i + 1));

function example(type: string): RawEvent {
  const found = examples.find((e) => e.type === type);
  if (found === undefined) throw new Error(`no example of ${type}`);
  return found;
}

describe("prepareBatch", () => {
  it("turns every contract example into an event row, in input order", () => {
    const batch = prepareBatch(numbered(examples.map(json)), hasher, limits, NOW_MS);
    expect(batch.deadLetters).toEqual([]);
    expect(batch.duplicatesInBatch).toBe(0);
    expect(batch.events.map((e) => e.row.event_id)).toEqual(examples.map((e) => e.event_id));
    expect(batch.events.map((e) => e.row.source)).toEqual(examples.map((_, i) => `file:in.ndjson:${i + 1}`));
  });

  it("keeps phone numbers of the examples out of the event rows", () => {
    const batch = prepareBatch(numbered(examples.map(json)), hasher, limits, NOW_MS);
    const rows = JSON.stringify(batch.events.map((e) => e.row));
    expect(rows).not.toMatch(/1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}/);
  });

  it("keeps an event_id repeated in the batch once and counts the repeats", () => {
    const created = json(example("ticket.created"));
    const offered = json(example("call.offered"));
    const batch = prepareBatch(numbered([created, offered, created, created, offered]), hasher, limits, NOW_MS);
    expect(batch.events.map((e) => e.row.source)).toEqual(["file:in.ndjson:1", "file:in.ndjson:2"]);
    expect(batch.duplicatesInBatch).toBe(3);
    expect(batch.deadLetters).toEqual([]);
  });

  it("keeps the first of an event_id resent with another occurred_at: one event, whatever its time", () => {
    const created = example("ticket.created");
    const shifted = [0, 7_000, 60_000, -120_000, 300_000].map((ms) => ({ ...created, occurred_at: new Date(Date.parse(created.occurred_at) + ms).toISOString() }));
    const batch = prepareBatch(numbered(shifted.map(json)), hasher, limits, NOW_MS);
    expect(batch.events.map((e) => [e.row.event_id, e.row.source])).toEqual([[created.event_id, "file:in.ndjson:1"]]);
    expect(batch.events[0]?.event.occurred_at).toBe(shifted[0]!.occurred_at);
    expect(batch.duplicatesInBatch).toBe(4);
  });

  it("does not let a rejected input claim its event_id: a later valid event with that id is stored", () => {
    const valid = example("call.offered");
    const invalid = { ...valid, data: { queue: 42 } };
    const batch = prepareBatch(numbered([json(invalid), json(valid)]), hasher, limits, NOW_MS);
    expect(batch.deadLetters.map((d) => d.reason_code)).toEqual(["schema_violation"]);
    expect(batch.deadLetters[0]?.event_id).toBe(valid.event_id);
    expect(batch.events.map((e) => e.row.event_id)).toEqual([valid.event_id]);
    expect(batch.duplicatesInBatch).toBe(0);
  });

  it.each([
    ["malformed_json", Buffer.from('{"schema_version":1,')],
    ["invalid_utf8", Buffer.from([0x7b, 0xff, 0x7d])],
    ["not_an_object", Buffer.from("[1,2]")],
    ["unsupported_version", json({ ...example("call.offered"), schema_version: 2 })],
    ["unknown_type", json({ ...example("call.offered"), type: "call.transferred" })],
    ["schema_violation", json({ ...example("call.offered"), event_id: "x" })],
    ["timestamp_out_of_range", json({ ...example("call.offered"), occurred_at: "1999-12-31T23:59:59+08:00" })],
    ["timestamp_in_future", json({ ...example("call.offered"), occurred_at: "2999-01-01T00:00:00+08:00" })],
    ["oversized", Buffer.from(`"${"x".repeat(limits.maxEventBytes)}"`)],
    ["invalid_text", Buffer.from(JSON.stringify(example("call.offered")).replace('"queue":"', '"queue":"\\ud800'))],
  ])("dead-letters %s inputs", (reasonCode, bytes) => {
    const batch = prepareBatch([atLine(bytes, 7)], hasher, limits, NOW_MS);
    expect(batch.events).toEqual([]);
    expect(batch.deadLetters).toHaveLength(1);
    expect(batch.deadLetters[0]).toMatchObject({ reason_code: reasonCode, payload_bytes: bytes.byteLength, source: "file:in.ndjson:7" });
    expect(batch.deadLetters[0]?.reason).not.toBe("");
  });

  it("takes the clock as a parameter: future skew is judged against nowMs", () => {
    const offered = json(example("call.offered")); // 2026-11-26T09:27:40+08:00
    const before = Date.parse("2026-11-25T00:00:00Z");
    expect(prepareBatch([atLine(offered, 1)], hasher, limits, before).deadLetters.map((d) => d.reason_code)).toEqual(["timestamp_in_future"]);
    expect(prepareBatch([atLine(offered, 1)], hasher, limits, NOW_MS).events).toHaveLength(1);
  });

  it("dead-letters an event more than the allowed skew ahead as timestamp_in_future, saying what to check", () => {
    const fiveMinutes = { ...limits, maxFutureSkewMs: 5 * 60_000 };
    const offered = example("call.offered");
    const sentAtMs = Date.parse(offered.occurred_at);
    // a sender whose +08:00 local time went out labelled UTC is eight hours ahead
    const labelledUtc = { ...offered, occurred_at: offered.occurred_at.replace("+08:00", "Z") };
    const batch = prepareBatch(numbered([json(labelledUtc), json(offered)]), hasher, fiveMinutes, sentAtMs + 4 * 60_000);
    expect(batch.events.map((e) => e.row.source)).toEqual(["file:in.ndjson:2"]);
    expect(batch.deadLetters.map((d) => [d.reason_code, d.line])).toEqual([["timestamp_in_future", 1]]);
    expect(batch.deadLetters[0]?.reason).toContain("HOTLINE_MAX_FUTURE_SKEW_MS (300000 ms)");
    expect(batch.deadLetters[0]?.reason).toContain("UTC offset");
    expect(prepareBatch(numbered([json(offered)]), hasher, fiveMinutes, sentAtMs - 5 * 60_000).events).toHaveLength(1);
    expect(prepareBatch(numbered([json(offered)]), hasher, fiveMinutes, sentAtMs - 5 * 60_000 - 1).deadLetters.map((d) => d.reason_code)).toEqual(["timestamp_in_future"]);
  });

  const positions: readonly [string, SourcePosition, Record<string, unknown>][] = [
    [
      "kafka",
      { kind: "kafka", topic: "hotline.events", partition: 3, offset: 1_234_567 },
      { source: "kafka:hotline.events/3@1234567", source_kind: "kafka", topic: "hotline.events", partition: 3, offset: 1_234_567, file: "", line: null },
    ],
    [
      "file",
      { kind: "file", file: "/data/backfill.ndjson", line: 42 },
      { source: "file:/data/backfill.ndjson:42", source_kind: "file", topic: "", partition: null, offset: null, file: "/data/backfill.ndjson", line: 42 },
    ],
    [
      "simulator",
      { kind: "simulator", seed: 12345, seq: 9 },
      { source: "sim:12345#9", source_kind: "simulator", topic: "", partition: null, offset: null, file: "", line: null },
    ],
  ];

  it.each(positions)("fills the dead-letter row of a %s position", (_kind, position, expected) => {
    const bytes = json({ ...example("call.offered"), schema_version: 2 });
    const batch = prepareBatch([{ bytes, position }], hasher, limits, NOW_MS);
    expect(batch.deadLetters).toEqual([
      {
        ...expected,
        dead_lettered_at: "2026-12-20 00:00:00.000",
        reason_code: "unsupported_version",
        reason: "schema_version must be 1, got 2",
        event_id: example("call.offered").event_id,
        type: "call.offered",
        payload: expect.stringContaining('"schema_version":2') as unknown,
        payload_bytes: bytes.byteLength,
      },
    ]);
  });

  it("scrubs a mobile number out of the reason and the payload of a dead letter", () => {
    const bytes = json({ ...example("call.offered"), type: `投诉${PHONE}` });
    const [letter] = prepareBatch([atLine(bytes, 1)], hasher, limits, NOW_MS).deadLetters;
    expect(letter?.reason_code).toBe("unknown_type");
    expect(letter?.reason).not.toContain(PHONE);
    expect(letter?.reason).toContain("[手机号]");
    expect(letter?.payload).not.toContain(PHONE);
  });

  it("scrubs full-width and separated mobile numbers out of a schema violation's reason", () => {
    const bytes = json({ ...example("call.offered"), schema_version: "１３８ １２３４ ５６７８" });
    const [letter] = prepareBatch([atLine(bytes, 1)], hasher, limits, NOW_MS).deadLetters;
    expect(letter?.reason_code).toBe("unsupported_version");
    expect(letter?.reason).not.toMatch(/138|１３８/);
  });

  // The dead_letters table is read by analysts; "nothing downstream of ingest sees a phone number
  // in clear" has to hold for every column, not only reason and payload.
  it("keeps a mobile number out of every column of the dead-letter row", () => {
    const bytes = json({ ...example("call.offered"), type: `投诉${PHONE}` });
    const batch = prepareBatch([atLine(bytes, 1)], hasher, limits, NOW_MS);
    expect(batch.deadLetters).toHaveLength(1);
    expect(JSON.stringify(batch.deadLetters)).not.toContain(PHONE);
  });

  // ClickHouse refuses a lone surrogate (Code 25) and breaks a lone low one (contract/text.ts):
  // the event is a dead letter naming the field, and the letter's own text is repaired.
  it("dead-letters a lone surrogate in any string as invalid_text, naming the field, with the letter repaired", () => {
    const created = JSON.stringify(example("ticket.created"));
    const inText = Buffer.from(created.replace(/"text":"/, '"text":"\\ud800'));
    const inKey = Buffer.from(created.replace(/"data":\{/, '"data":{"\\udc00x":1,'));
    const invalidWithBrokenId = Buffer.from(JSON.stringify({ ...example("call.offered"), data: {} }).replace(/"event_id":"/, '"event_id":"\\udbff'));
    const batch = prepareBatch(numbered([inText, inKey, invalidWithBrokenId, json(example("call.offered"))]), hasher, limits, NOW_MS);
    expect(batch.events.map((e) => e.row.event_id)).toEqual([example("call.offered").event_id]);
    expect(batch.deadLetters.map((d) => d.reason_code)).toEqual(["invalid_text", "invalid_text", "invalid_text"]);
    expect(batch.deadLetters[0]?.reason).toMatch(/^data\.text holds a lone UTF-16 surrogate \(\\ud800 at character 0\).*send well-formed UTF-8/);
    expect(batch.deadLetters[1]?.reason).toMatch(/^the key data\.\ufffdx holds a lone UTF-16 surrogate \(\\udc00/);
    expect(batch.deadLetters[2]?.reason).toMatch(/^event_id holds/);
    expect(batch.deadLetters[2]?.event_id).toBe(`\ufffd${example("call.offered").event_id}`);
    expect(batch.deadLetters.map((d) => d.payload_bytes)).toEqual([inText.byteLength, inKey.byteLength, invalidWithBrokenId.byteLength]);
    expect(findBrokenText(batch.deadLetters)).toBeUndefined();
  });

  it("never makes a dead letter or an event row with a lone surrogate, whatever UTF-16 the strings hold", () => {
    const offered = example("call.offered");
    const anyUtf16 = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 12 }).map((units) => String.fromCharCode(...units));
    fc.assert(
      fc.property(anyUtf16, anyUtf16, anyUtf16, fc.integer({ min: 0, max: 3 }), (id, queue, key, cut) => {
        const inputs = [
          json({ ...offered, event_id: `ev-${id}-00000000`, data: { ...(offered["data"] as object), queue } }),
          json({ ...offered, type: id, [key]: queue }),
          // a cut through a surrogate pair at the dead letter's payload limit (16 KiB of text)
          Buffer.from(`${" ".repeat(16 * 1024 - 1 - cut)}😀${id}x`),
        ];
        const batch = prepareBatch(numbered(inputs), hasher, limits, NOW_MS);
        expect(batch.events.length + batch.deadLetters.length).toBe(inputs.length);
        expect(findBrokenText(batch.deadLetters)).toBeUndefined();
        expect(findBrokenText(batch.events.map((e) => e.row))).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it("accounts for every input exactly once, whatever the mix", () => {
    const pool: readonly Uint8Array[] = [
      ...examples.map(json),
      Buffer.from("not json"),
      Buffer.from([0xc3, 0x28]),
      json({ ...example("ticket.created"), data: {} }),
      json({ ...example("call.ended"), type: "call.lost" }),
    ];
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: pool.length - 1 }), { maxLength: 60 }), (picks) => {
        const messages = numbered(picks.map((i) => pool[i]!));
        const batch = prepareBatch(messages, hasher, limits, NOW_MS);
        expect(batch.events.length + batch.deadLetters.length + batch.duplicatesInBatch).toBe(messages.length);
        const ids = batch.events.map((e) => e.row.event_id);
        expect(new Set(ids).size).toBe(ids.length);
        const sources = [...batch.events.map((e) => e.row.source), ...batch.deadLetters.map((d) => d.source)];
        expect(new Set(sources).size).toBe(sources.length);
        const firstOfEachValidId = picks.filter((p, i) => p < examples.length && picks.indexOf(p) === i).map((p) => examples[p]!.event_id);
        expect(ids).toEqual(firstOfEachValidId);
      }),
      { numRuns: 200 },
    );
  });
});
