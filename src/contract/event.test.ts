// Unit tests of the event contract: the examples parse, and malformed events are rejected with
// issues whose paths point at the offending field.
import { describe, expect, it } from "vitest";
import { EXAMPLES } from "../../scripts/contract-examples.js";
import { EVENT_TYPES, eventSchemas, hotlineEvent, isEventType, SCHEMA_VERSION } from "./event.js";

type JsonRecord = { [key: string]: unknown };

function isRecord(value: unknown): value is JsonRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function at(parent: JsonRecord, ...keys: string[]): JsonRecord {
  let node = parent;
  for (const key of keys) {
    const next = node[key];
    if (!isRecord(next)) throw new Error(`${key} is not an object`);
    node = next;
  }
  return node;
}

/** A JSON copy of an example, changed by `change`. */
function variant(name: string, change: (event: JsonRecord) => void): unknown {
  const example = EXAMPLES.find((e) => e.name === name);
  if (example === undefined) throw new Error(`no example ${name}`);
  const event: unknown = JSON.parse(JSON.stringify(example.event));
  if (!isRecord(event)) throw new Error("an example is an object");
  change(event);
  return event;
}

/** The issues of a rejected event as `path: code` plus the messages, or a failure if it parses. */
function issues(input: unknown): { path: string; code: string; message: string }[] {
  const result = hotlineEvent.safeParse(input);
  if (result.success) throw new Error("expected the event to be rejected");
  return result.error.issues.map((i) => ({ path: i.path.join("."), code: i.code, message: i.message }));
}

describe("hotlineEvent", () => {
  it.each(EXAMPLES.map((e) => [e.name, e.event] as const))("parses the example %s unchanged", (_name, event) => {
    const json: unknown = JSON.parse(JSON.stringify(event));
    expect(hotlineEvent.parse(json)).toEqual(event);
    expect(eventSchemas[event.type].parse(json)).toEqual(event);
  });

  it("has a schema for every listed type and only those", () => {
    expect(EVENT_TYPES).toHaveLength(15);
    expect(new Set(EVENT_TYPES)).toEqual(new Set(hotlineEvent.options.map((o) => o.shape.type.value)));
    for (const type of EVENT_TYPES) expect(isEventType(type)).toBe(true);
    for (const notAType of ["ticket", "ticket.created ", "toString", "__proto__", 1, undefined]) expect(isEventType(notAType)).toBe(false);
  });

  it("rejects an unknown type at `type`, naming the known ones", () => {
    const [issue, ...rest] = issues(variant("ticket.accepted", (e) => (e["type"] = "ticket.archived")));
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({ path: "type", code: "invalid_union" });
    expect(issue?.message).toContain("ticket.created");
  });

  it("rejects another schema_version", () => {
    expect(issues(variant("ticket.accepted", (e) => (e["schema_version"] = SCHEMA_VERSION + 1)))).toEqual([
      expect.objectContaining({ path: "schema_version", code: "invalid_value" }),
    ]);
  });

  it("rejects a ticket event without ticket_id", () => {
    expect(issues(variant("ticket.closed", (e) => delete e["ticket_id"]))).toEqual([
      expect.objectContaining({ path: "ticket_id", code: "invalid_type" }),
    ]);
  });

  it("rejects a call event that carries ticket_id instead of call_id", () => {
    const found = issues(
      variant("call.answered", (e) => {
        e["ticket_id"] = e["call_id"];
        delete e["call_id"];
      }),
    );
    expect(found).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: "call_id", code: "invalid_type" }),
        expect.objectContaining({ path: "", code: "unrecognized_keys" }),
      ]),
    );
  });

  it.each(["event_id", "occurred_at", "source_system", "data"])("rejects an event without %s", (field) => {
    expect(issues(variant("ticket.accepted", (e) => delete e[field]))).toEqual([expect.objectContaining({ path: field })]);
  });

  it.each(["short", "has space 123", "evt/2026/1"])("rejects the event_id %j", (eventId) => {
    expect(issues(variant("ticket.accepted", (e) => (e["event_id"] = eventId)))).toEqual([expect.objectContaining({ path: "event_id" })]);
  });

  describe("occurred_at", () => {
    it.each(["2026-11-26T09:31:12", "2026-11-26 09:31:12+08:00", "2026-11-26T09:31:12+0800", "2026-11-26T09:31+08:00", "2026-11-26", "1764120672000", "2026-02-30T09:31:12+08:00"])(
      "rejects %j (an instant needs seconds and its UTC offset)",
      (value) => {
        expect(issues(variant("ticket.accepted", (e) => (e["occurred_at"] = value)))).toEqual([
          expect.objectContaining({ path: "occurred_at", code: "invalid_format" }),
        ]);
      },
    );

    it.each(["2026-11-26T01:31:12Z", "2026-11-26T09:31:12.123+08:00", "2026-11-25T20:31:12-05:00"])("accepts %j", (value) => {
      expect(hotlineEvent.safeParse(variant("ticket.accepted", (e) => (e["occurred_at"] = value))).success).toBe(true);
    });

    it("applies to instants inside data too", () => {
      const input = variant("ticket.created", (e) => (at(e, "data", "sla")["close_by"] = "2026-12-03T17:30:00"));
      expect(issues(input)).toEqual([expect.objectContaining({ path: "data.sla.close_by", code: "invalid_format" })]);
    });
  });

  describe("deadlines (issue 12)", () => {
    it.each([
      ["ticket.created", ["data", "sla"], "close_by", "0001-01-01T00:00:00Z"],
      ["ticket.created", ["data", "sla"], "accept_by", "9999-12-31T23:59:59+08:00"],
      ["ticket.dispatched", ["data"], "close_by", "9999-12-31T00:00:00Z"],
      ["ticket.extended", ["data"], "new_close_by", "1970-01-01T00:00:00Z"],
    ] as const)("rejects a %s deadline at %j %s = %s with a message naming the range", (name, parent, key, value) => {
      const found = issues(variant(name, (e) => (at(e, ...parent)[key] = value)));
      expect(found).toEqual([expect.objectContaining({ path: [...parent, key].join("."), code: "custom" })]);
      expect(found[0]!.message).toMatch(/within 10 years of occurred_at, got one in the year (1|9999|1970)\b/);
    });

    it("accepts deadlines within 10 years of occurred_at, before and after", () => {
      for (const value of ["2036-11-20T00:00:00+08:00", "2017-01-01T00:00:00+08:00"]) {
        expect(hotlineEvent.safeParse(variant("ticket.extended", (e) => (at(e, "data")["new_close_by"] = value))).success, value).toBe(true);
      }
    });
  });

  it.each(["evt-13812345678", "id.139.2345.6789", "evt-110105194912310021"])("rejects the event_id %j, which holds a personal number", (eventId) => {
    expect(issues(variant("ticket.accepted", (e) => (e["event_id"] = eventId)))).toEqual([expect.objectContaining({ path: "event_id", message: expect.stringMatching(/UUID/) })]);
  });

  describe("category", () => {
    it("rejects a code that is not the last code of the path", () => {
      const input = variant("ticket.created", (e) => (at(e, "data", "category")["code"] = "02.05"));
      expect(issues(input)).toEqual([
        { path: "data.category.code", code: "custom", message: "category.code must equal the code of the last item of category.path" },
      ]);
    });

    it("rejects an empty path", () => {
      const input = variant("ticket.created", (e) => (at(e, "data", "category")["path"] = []));
      expect(issues(input)).toEqual(expect.arrayContaining([expect.objectContaining({ path: "data.category.path", code: "too_small" })]));
    });
  });

  describe("location", () => {
    it("rejects lat without lon", () => {
      const input = variant("ticket.created", (e) => delete at(e, "data", "location")["lon"]);
      expect(issues(input)).toEqual([{ path: "data.location.lat", code: "custom", message: "lat and lon come together or not at all" }]);
    });

    it("rejects lon without lat", () => {
      const input = variant("ticket.created", (e) => delete at(e, "data", "location")["lat"]);
      expect(issues(input)).toEqual([expect.objectContaining({ path: "data.location.lat", code: "custom" })]);
    });

    it("rejects a latitude out of range", () => {
      const input = variant("ticket.created", (e) => (at(e, "data", "location")["lat"] = 116.4509));
      expect(issues(input)).toEqual([expect.objectContaining({ path: "data.location.lat", code: "too_big" })]);
    });

    it("accepts a location without coordinates", () => {
      const input = variant("ticket.created", (e) => {
        delete at(e, "data", "location")["lat"];
        delete at(e, "data", "location")["lon"];
      });
      expect(hotlineEvent.safeParse(input).success).toBe(true);
    });
  });

  describe("caller", () => {
    it.each([
      ["phone and caller_key", { phone: "13800138000", caller_key: "3f1c9a0e7b2d4c68a5e19f0b7d3c2a41" }],
      ["phone and anonymous", { phone: "13800138000", anonymous: true }],
      ["nothing", {}],
      ["anonymous: false", { anonymous: false }],
    ])("rejects a caller with %s at data.caller", (_label, caller) => {
      const input = variant("ticket.created", (e) => (at(e, "data")["caller"] = caller));
      expect(issues(input)).toEqual([expect.objectContaining({ path: "data.caller", code: "invalid_union" })]);
    });

    // When one form clearly applies, zod reports that form's own issue, which reads better.
    it.each([
      ["an upper-case caller_key", { caller_key: "3F1C9A0E7B2D4C68A5E19F0B7D3C2A41" }, "data.caller.caller_key", "invalid_format"],
      ["a caller_key that is too short", { caller_key: "3f1c9a0e" }, "data.caller.caller_key", "invalid_format"],
      ["a name besides the phone", { phone: "13800138000", name: "张伟" }, "data.caller", "unrecognized_keys"],
    ])("rejects a caller with %s at the field", (_label, caller, path, code) => {
      const input = variant("ticket.created", (e) => (at(e, "data")["caller"] = caller));
      expect(issues(input)).toEqual([expect.objectContaining({ path, code })]);
    });

    it.each([
      { phone: "010-65123456", id_number: "11010519491231002X" },
      { caller_key: "3f1c9a0e7b2d4c68a5e19f0b7d3c2a41" },
      { anonymous: true },
    ])("accepts the caller %j", (caller) => {
      expect(hotlineEvent.safeParse(variant("ticket.created", (e) => (at(e, "data")["caller"] = caller))).success).toBe(true);
    });
  });

  describe("closed objects", () => {
    it("rejects an unknown envelope field at the root, naming it", () => {
      expect(issues(variant("ticket.accepted", (e) => (e["priority"] = "high")))).toEqual([
        { path: "", code: "unrecognized_keys", message: 'Unrecognized key: "priority"' },
      ]);
    });

    it("rejects an unknown data field at data", () => {
      expect(issues(variant("ticket.closed", (e) => (at(e, "data")["satisfaction"] = 5)))).toEqual([
        expect.objectContaining({ path: "data", code: "unrecognized_keys", message: 'Unrecognized key: "satisfaction"' }),
      ]);
    });

    it("rejects an unknown nested field where it is", () => {
      const input = variant("ticket.created", (e) => (at(e, "data", "location", "district")["level"] = 3));
      expect(issues(input)).toEqual([expect.objectContaining({ path: "data.location.district", code: "unrecognized_keys" })]);
    });

    it("rejects a field of another event type", () => {
      expect(issues(variant("ticket.accepted", (e) => (at(e, "data")["hop"] = 1)))).toEqual([
        expect.objectContaining({ path: "data", code: "unrecognized_keys" }),
      ]);
    });
  });

  it("rejects a string where a number belongs", () => {
    expect(issues(variant("call.answered", (e) => (at(e, "data")["wait_seconds"] = "12")))).toEqual([
      expect.objectContaining({ path: "data.wait_seconds", code: "invalid_type" }),
    ]);
  });
});
