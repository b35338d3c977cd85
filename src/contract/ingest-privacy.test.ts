// Unit tests of what ingest's rejections say: a number quoted from the input (a parser's excerpt,
// an unknown key, a payload cut at its size limit) never survives in clear, even cut in two, while
// the worker's own numbers in a reason (limits, skews) stay readable.
import { describe, expect, it } from "vitest";
import { ingest, type Rejection } from "./ingest.js";
import { createHasher } from "./personal-data.js";

const hasher = createHasher(new TextEncoder().encode("test-secret-0123456789abcdef"));
const limits = { maxEventBytes: 64 * 1024, maxFutureSkewMs: 86_400_000, earliestEventMs: Date.UTC(2000, 0, 1) };
const NOW = Date.parse("2026-11-26T12:00:00Z");

function rejected(text: string, max = limits.maxEventBytes): Rejection {
  const result = ingest(new TextEncoder().encode(text), "file:x.ndjson:1", hasher, { ...limits, maxEventBytes: max }, NOW);
  if (result.kind !== "rejected") throw new Error("expected a rejection");
  return result.rejection;
}

/** Runs of digits (separators ignored) that share 5 consecutive digits with the phone. */
const partsOf = (phone: string, text: string) =>
  (text.replace(/[\s.-]/g, "").match(/\d{5,}/g) ?? []).filter((run) => [...run].some((_, i) => i + 5 <= run.length && phone.includes(run.slice(i, i + 5))));

describe("ingest: rejection reasons and payloads", () => {
  it.each([0, 1, 2, 3, 4, 5, 6, 7])("quotes no part of a number from a malformed line (pad shifted by %i)", (shift) => {
    const line = `{"pad":"${"a".repeat(80 + shift)}","t": x13812345678}`;
    const rejection = rejected(line);
    expect(rejection.reasonCode).toBe("malformed_json");
    expect(partsOf("13812345678", rejection.reason)).toEqual([]);
    expect(partsOf("13812345678", rejection.payload)).toEqual([]);
  });

  it("quotes no number from an unknown key, an unknown type or a version", () => {
    const event = { schema_version: 1, event_id: "0b9f6c1e-4d2a", type: "ticket.accepted", ticket_id: "T1", occurred_at: "2026-11-26T09:00:00+08:00", source_system: "s", data: {} };
    const key = rejected(JSON.stringify({ ...event, "13812345678": 1 }));
    expect(key.reasonCode).toBe("schema_violation");
    expect(partsOf("13812345678", key.reason)).toEqual([]);
    expect(partsOf("13812345678", rejected(JSON.stringify({ ...event, type: "x1381234567" })).reason)).toEqual([]);
    expect(partsOf("13812345678", rejected(JSON.stringify({ ...event, schema_version: 1381234567 })).reason)).toEqual([]);
  });

  it("drops a number cut in two where an oversized payload is cut", () => {
    for (const shift of [0, 3, 6, 9]) {
      const line = `{"text":"${"字".repeat(16 * 1024 - 12 + shift)}13812345678${"x".repeat(70_000)}"}`;
      const rejection = rejected(line);
      expect(rejection.reasonCode).toBe("oversized");
      expect(partsOf("13812345678", rejection.payload)).toEqual([]);
    }
  });

  it("keeps the worker's own numbers readable in a reason", () => {
    const future = JSON.stringify({ schema_version: 1, event_id: "0b9f6c1e-4d2a", type: "ticket.accepted", ticket_id: "T1", occurred_at: "2027-11-26T09:00:00+08:00", source_system: "s", data: { department: { code: "D", name: "n" } } });
    const reason = rejected(future).reason;
    expect(reason).toContain("31496400000 ms ahead");
    expect(reason).toContain("(86400000 ms)");
  });
});
