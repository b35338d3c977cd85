// Unit tests of the lateness gate: its watermark follows what a quorum of a stream's events agree
// on, so one event far ahead is admitted without making the normal events after it too late, while
// a real jump shared by several events moves it; and the verdicts do not depend on batching.
import { describe, expect, it } from "vitest";
import { exampleEvents, type RawEvent } from "../../test/support/examples.js";
import { createHasher } from "../contract/personal-data.js";
import type { SourceMessage } from "../sources/message.js";
import { prepareBatch, type PreparedEvent } from "./batch.js";
import { LatenessGate, WATERMARK_QUORUM } from "./lateness.js";

const hasher = createHasher(Buffer.from("lateness-test-hash-key-0123456789"));
const limits = { maxEventBytes: 64 * 1024, maxFutureSkewMs: 365 * 86_400_000, earliestEventMs: 0 };
const created = exampleEvents().find((e) => e.type === "ticket.created") as RawEvent;
const T0 = Date.parse("2026-11-02T08:00:00Z");
const MINUTE = 60_000;
const LATENESS_MS = 10 * MINUTE;

/** Events of one file stream, at these minutes after T0, in this order. */
function stream(minutes: readonly number[], file = "s.ndjson"): PreparedEvent[] {
  const messages: SourceMessage[] = minutes.map((m, i) => ({
    bytes: Buffer.from(JSON.stringify({ ...created, event_id: `evt-gate-${file}-${i}`, ticket_id: `T-gate-${i}`, occurred_at: new Date(T0 + m * MINUTE).toISOString() })),
    position: { kind: "file", file, line: i + 1 },
  }));
  const batch = prepareBatch(messages, hasher, limits, T0 + 365 * 86_400_000);
  expect(batch.events).toHaveLength(minutes.length);
  return [...batch.events];
}

/** Judges the events in batches of `size`, committing each; resolves the lines found too late. */
function lateLines(gate: LatenessGate, events: readonly PreparedEvent[], size = events.length): number[] {
  const late: number[] = [];
  for (let i = 0; i < events.length; i += size) {
    const judgement = gate.judge(events.slice(i, i + size));
    for (const l of judgement.late) late.push(l.event.position.kind === "file" ? l.event.position.line : -1);
    judgement.commit();
  }
  return late;
}

describe("LatenessGate", () => {
  it("admits a single event far ahead without letting it make the normal events after it too late", () => {
    const gate = new LatenessGate(LATENESS_MS);
    // a steady stream, one event a minute; line 6 is 8 hours ahead (local time labelled UTC)
    const minutes = [0, 1, 2, 3, 4, 8 * 60 + 5, 6, 7, 8, 9, 10];
    expect(lateLines(gate, stream(minutes))).toEqual([]);
    expect(gate.watermarkOf("file:s.ndjson")).toBe(T0 + 9 * MINUTE);
  });

  it("is robust to as many outliers at once as the quorum less one (two)", () => {
    expect(WATERMARK_QUORUM).toBe(3);
    const gate = new LatenessGate(LATENESS_MS);
    expect(lateLines(gate, stream([0, 1, 2, 600, 601, 3, 4, 5]))).toEqual([]);
  });

  it("moves on a real jump that several events share, and then dead-letters what is behind it", () => {
    const gate = new LatenessGate(LATENESS_MS);
    // lines 4-6 jump six hours ahead together; line 7 is back at the old time: too late now
    const late = lateLines(gate, stream([0, 1, 2, 360, 361, 362, 3, 355]));
    expect(late).toEqual([7]);
    expect(gate.watermarkOf("file:s.ndjson")).toBe(T0 + 360 * MINUTE);
  });

  it("dead-letters an event later than allowed behind the quorum, and says why", () => {
    const gate = new LatenessGate(LATENESS_MS);
    const events = stream([0, 30, 31, 32, 15, 25]);
    const judgement = gate.judge(events);
    expect(judgement.late.map((l) => l.event.row.event_id)).toEqual(["evt-gate-s.ndjson-4"]);
    const reason = gate.describe(judgement.late[0]!);
    expect(reason).toContain("is 900000 ms behind the watermark of file:s.ndjson");
    expect(reason).toContain("HOTLINE_DETECT_LATENESS_MS");
  });

  it("has no watermark until the quorum of a stream's events is admitted", () => {
    const gate = new LatenessGate(LATENESS_MS);
    expect(lateLines(gate, stream([600, 0].slice(0, WATERMARK_QUORUM - 1)))).toEqual([]);
    expect(gate.watermarkOf("file:s.ndjson")).toBeUndefined();
  });

  it("judges each stream by its own events", () => {
    const gate = new LatenessGate(LATENESS_MS);
    expect(lateLines(gate, [...stream([300, 301, 302], "ahead.ndjson"), ...stream([0, 1, 2, 3], "behind.ndjson")])).toEqual([]);
  });

  it("gives the same verdicts whatever the batches", () => {
    const minutes = Array.from({ length: 60 }, (_, i) => (i % 11 === 5 ? i + 400 : i % 7 === 3 ? i - 14 : i));
    const events = stream(minutes);
    const whole = lateLines(new LatenessGate(LATENESS_MS), events);
    expect(whole.length).toBeGreaterThan(0);
    for (const size of [1, 2, 7, 13]) expect(lateLines(new LatenessGate(LATENESS_MS), events, size)).toEqual(whole);
  });
});
