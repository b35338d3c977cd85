// Unit tests of normalisation: personal data never reaches the stored row, times become UTC
// ClickHouse text, and each event type lifts exactly its own columns.
import { describe, expect, it } from "vitest";
import { EXAMPLES } from "../../scripts/contract-examples.js";
import { hotlineEvent, type EventOf, type EventType, type HotlineEvent } from "./event.js";
import { normalise, toClickHouseTime, type EventRow } from "./normalise.js";
import { createHasher } from "./personal-data.js";

const hasher = createHasher(new TextEncoder().encode("test-secret-0123456789abcdef"));
const SOURCE = "kafka:hotline.events/0@42";

function example<K extends EventType>(name: string, type: K): EventOf<K> {
  const found = EXAMPLES.find((e) => e.name === name)?.event;
  if (found?.type !== type) throw new Error(`no example ${name} of type ${type}`);
  // The type check above is what makes this narrowing sound.
  return found as EventOf<K>;
}

function byName(name: string): HotlineEvent {
  const found = EXAMPLES.find((e) => e.name === name)?.event;
  if (found === undefined) throw new Error(`no example ${name}`);
  return found;
}

/** The row every event starts from: only the envelope is filled. */
function blankRow(event: HotlineEvent): EventRow {
  return {
    event_id: event.event_id,
    type: event.type,
    schema_version: 1,
    occurred_at: toClickHouseTime(event.occurred_at),
    source_system: event.source_system,
    source: SOURCE,
    ticket_id: "ticket_id" in event ? event.ticket_id : "",
    call_id: "call_id" in event ? event.call_id : "",
    channel: "",
    request_type: "",
    category_code: "",
    category_path: [],
    category_names: [],
    district_code: "",
    district_name: "",
    street_code: "",
    street_name: "",
    community_code: "",
    community_name: "",
    lat: null,
    lon: null,
    urgency: "",
    caller_key: "",
    caller_key_previous: "",
    department_code: "",
    department_name: "",
    hop: 0,
    resolution: "",
    survey_result: "",
    deadline: null,
    related_ticket_id: "",
    queue: "",
    agent_group: "",
    wait_seconds: null,
    talk_seconds: null,
    text: "",
    data: JSON.stringify(event.data),
  };
}

const housing = { department_code: "CY-ZJW", department_name: "朝阳区住房和城乡建设委员会" };
const urbanManagement = { department_code: "CY-CGW", department_name: "朝阳区城市管理委员会" };

/** What each example lifts into columns beyond the envelope (`data` and `text` are checked apart where scrubbed). */
const lifted: Record<string, Partial<EventRow>> = {
  "ticket.created": {
    channel: "phone",
    request_type: "complaint",
    urgency: "urgent",
    category_code: "02.05.03",
    category_path: ["02", "02.05", "02.05.03"],
    category_names: ["城乡建设", "物业管理", "电梯故障"],
    district_code: "110105",
    district_name: "朝阳区",
    street_code: "110105001",
    street_name: "建外街道",
    community_code: "110105001013",
    community_name: "永安里东社区",
    lat: 39.9087,
    lon: 116.4509,
    caller_key: hasher.callerKey("13800138000"),
    deadline: "2026-12-03 09:30:00.000",
  },
  "ticket.created.no-coordinates": {
    channel: "web",
    request_type: "consultation",
    urgency: "normal",
    category_code: "05.02",
    category_path: ["05", "05.02"],
    category_names: ["社会保障", "医疗保险"],
    district_code: "110108",
    district_name: "海淀区",
    street_code: "110108012",
    street_name: "中关村街道",
  },
  "ticket.created.caller-key": {
    channel: "app",
    request_type: "report",
    urgency: "normal",
    category_code: "03.01.07",
    category_path: ["03", "03.01", "03.01.07"],
    category_names: ["城市管理", "市容环境", "施工扰民"],
    district_code: "110106",
    district_name: "丰台区",
    street_code: "110106003",
    street_name: "右安门街道",
    lat: 39.8612,
    lon: 116.3587,
    caller_key: "3f1c9a0e7b2d4c68a5e19f0b7d3c2a41",
  },
  "ticket.dispatched": { ...urbanManagement, hop: 1, deadline: "2026-12-03 09:30:00.000" },
  "ticket.dispatched.transfer": { ...housing, hop: 2 },
  "ticket.returned": { ...urbanManagement, hop: 1 },
  "ticket.accepted": { ...housing },
  "ticket.responded": { ...housing },
  "ticket.extended": { ...housing, deadline: "2026-12-10 09:30:00.000" },
  "ticket.supervised": { ...housing },
  "ticket.closed": { ...housing, resolution: "resolved" },
  "ticket.reopened": {},
  "ticket.merged": { related_ticket_id: "BJ12345-20261126-000123" },
  "ticket.callback": { survey_result: "basically_satisfied" },
  "call.offered": { queue: "general", caller_key: hasher.callerKey("13800138000") },
  "call.answered": { queue: "general", agent_group: "话务一班", wait_seconds: 12 },
  "call.abandoned": { queue: "enterprise", wait_seconds: 47.5 },
  "call.ended": { queue: "general", agent_group: "话务一班", wait_seconds: 12, talk_seconds: 218, related_ticket_id: "BJ12345-20261126-000123" },
};

describe("normalise: columns", () => {
  it("has an expectation for every example", () => {
    expect(Object.keys(lifted).sort()).toEqual(EXAMPLES.map((e) => e.name).sort());
  });

  it.each(EXAMPLES.map((e) => [e.name, e.event] as const))("lifts the columns of %s and nothing else", (name, event) => {
    const row = normalise(event, SOURCE, hasher);
    const { data: _data, text: _text, ...columns } = row;
    const { data: _blankData, text: _blankText, ...expected } = { ...blankRow(event), ...lifted[name] };
    expect(columns).toEqual(expected);
  });

  it("keeps the text of the event in `text`", () => {
    const texts = (name: string) => normalise(byName(name), SOURCE, hasher).text;
    expect(texts("ticket.created")).toMatch(/^小区电梯停运三天无人维修\n市民来电反映：永安里小区3号楼2单元电梯自2026年11月23日起停运/);
    expect(texts("ticket.created")).toContain("备用电话[手机号]");
    expect(texts("ticket.returned")).toBe(example("ticket.returned", "ticket.returned").data.reason);
    expect(texts("ticket.extended")).toBe(example("ticket.extended", "ticket.extended").data.reason);
    expect(texts("ticket.supervised")).toBe(example("ticket.supervised", "ticket.supervised").data.reason);
    expect(texts("ticket.reopened")).toBe(example("ticket.reopened", "ticket.reopened").data.reason);
    expect(texts("ticket.closed")).toBe(example("ticket.closed", "ticket.closed").data.summary);
    expect(texts("ticket.callback")).toBe(example("ticket.callback", "ticket.callback").data.comment);
    for (const name of ["ticket.dispatched", "ticket.accepted", "ticket.merged", "call.offered", "call.ended"]) expect(texts(name)).toBe("");
  });

  it("keeps payloads without personal data as they are", () => {
    for (const name of ["ticket.dispatched", "ticket.accepted", "ticket.responded", "ticket.merged", "call.answered", "call.abandoned", "call.ended"]) {
      const event = byName(name);
      expect(JSON.parse(normalise(event, SOURCE, hasher).data)).toEqual(event.data);
    }
  });
});

describe("normalise: occurred_at", () => {
  it.each([
    ["2026-11-26T09:31:12+08:00", "2026-11-26 01:31:12.000"],
    ["2026-11-26T01:31:12Z", "2026-11-26 01:31:12.000"],
    ["2026-01-01T03:00:00.5+08:00", "2025-12-31 19:00:00.500"],
    ["2026-11-25T20:31:12.123-05:00", "2026-11-26 01:31:12.123"],
    ["2026-11-26T09:31:12.123456+08:00", "2026-11-26 01:31:12.123"],
  ])("stores %s as %s (UTC)", (occurredAt, stored) => {
    const event = { ...example("ticket.accepted", "ticket.accepted"), occurred_at: occurredAt };
    expect(hotlineEvent.safeParse(event).success).toBe(true);
    expect(normalise(event, SOURCE, hasher).occurred_at).toBe(stored);
  });
});

describe("normalise: personal data", () => {
  const phone = "+86 138 0013 8000";
  const idNumber = "11010519491231002X";
  /** Forms in which a leaked phone or ID number would show up in the stored row. */
  const secrets = ["13800138000", "138 0013 8000", "138-0013-8000", "13900139000", "139-0013-9000", "65123456", idNumber, "110105491231002", "19491231"];

  function expectNoPersonalData(row: EventRow): void {
    const stored = JSON.stringify(row);
    for (const secret of secrets) expect(stored, `the row contains ${secret}`).not.toContain(secret);
    expect(row.data).not.toMatch(/"(?:phone|id_number)":/);
  }

  const leaky = (text: string) => `市民${text}反映电梯停运，手机139-0013-9000，座机010-65123456，身份证${idNumber}，老证110105491231002。`;

  const created: EventOf<"ticket.created"> = {
    ...example("ticket.created", "ticket.created"),
    data: {
      ...example("ticket.created", "ticket.created").data,
      caller: { phone, id_number: idNumber },
      title: leaky("标题"),
      text: leaky("诉求"),
      location: { ...example("ticket.created", "ticket.created").data.location, address: leaky("地址") },
    },
  };

  it("hashes the caller and scrubs title, text and address of ticket.created", () => {
    expect(hotlineEvent.safeParse(created).success).toBe(true);
    const row = normalise(created, SOURCE, hasher);
    expectNoPersonalData(row);
    expect(row.caller_key).toBe(hasher.callerKey("13800138000"));
    const data: unknown = JSON.parse(row.data);
    expect(data).toMatchObject({
      caller: { caller_key: hasher.callerKey("13800138000"), id_key: hasher.idKey(idNumber) },
      title: expect.stringContaining("[手机号]"),
      text: expect.stringContaining("[身份证号]"),
      location: { address: expect.stringContaining("[电话]"), lat: 39.9087, lon: 116.4509 },
    });
    expect(row.text).toContain("[手机号]");
  });

  it("hashes the caller of call.offered", () => {
    const offered = { ...example("call.offered", "call.offered"), data: { queue: "general", caller: { phone, id_number: idNumber } } };
    const row = normalise(offered, SOURCE, hasher);
    expectNoPersonalData(row);
    expect(row.caller_key).toBe(hasher.callerKey("13800138000"));
    expect(JSON.parse(row.data)).toEqual({ queue: "general", caller: { caller_key: hasher.callerKey("13800138000"), id_key: hasher.idKey(idNumber) } });
  });

  it("during a key rotation stores the caller's key under both secrets, and nothing in clear", () => {
    const rotating = createHasher(new TextEncoder().encode("rotated-in-secret-0123456789"), new TextEncoder().encode("test-secret-0123456789abcdef"));
    const row = normalise(created, SOURCE, rotating);
    expectNoPersonalData(row);
    expect(row.caller_key).toBe(rotating.callerKey(phone));
    expect(row.caller_key_previous).toBe(hasher.callerKey(phone));
    expect(row.caller_key_previous).not.toBe(row.caller_key);
    expect(JSON.parse(row.data)).toMatchObject({
      caller: { caller_key: row.caller_key, caller_key_previous: row.caller_key_previous, id_key: rotating.idKey(idNumber), id_key_previous: hasher.idKey(idNumber) },
    });
    const offered = normalise({ ...example("call.offered", "call.offered"), data: { queue: "general", caller: { phone } } }, SOURCE, rotating);
    expect([offered.caller_key, offered.caller_key_previous]).toEqual([row.caller_key, row.caller_key_previous]);
    // outside a rotation, and for keys computed upstream, there is no previous key
    expect(normalise(created, SOURCE, hasher).caller_key_previous).toBe("");
    expect(normalise(example("ticket.created.caller-key", "ticket.created"), SOURCE, rotating).caller_key_previous).toBe("");
  });

  it("gives the same caller_key to a ticket and a call from the same phone, however written", () => {
    const offered = example("call.offered", "call.offered");
    expect(normalise(offered, SOURCE, hasher).caller_key).toBe(normalise(created, SOURCE, hasher).caller_key);
  });

  it("leaves caller_key empty for an anonymous caller and for a call without caller", () => {
    expect(normalise(example("ticket.created.no-coordinates", "ticket.created"), SOURCE, hasher).caller_key).toBe("");
    const { caller: _caller, ...withoutCaller } = example("call.offered", "call.offered").data;
    expect(normalise({ ...example("call.offered", "call.offered"), data: withoutCaller }, SOURCE, hasher).caller_key).toBe("");
  });

  it.each([
    ["ticket.returned", (e: HotlineEvent) => ({ ...e, data: { ...e.data, reason: leaky("退单") } })],
    ["ticket.extended", (e: HotlineEvent) => ({ ...e, data: { ...e.data, reason: leaky("延期") } })],
    ["ticket.reopened", (e: HotlineEvent) => ({ ...e, data: { ...e.data, reason: leaky("重办") } })],
    ["ticket.supervised", (e: HotlineEvent) => ({ ...e, data: { ...e.data, reason: leaky("督办"), by: `督查室${leaky("")}` } })],
    ["ticket.closed", (e: HotlineEvent) => ({ ...e, data: { ...e.data, summary: leaky("办结") } })],
    ["ticket.callback", (e: HotlineEvent) => ({ ...e, data: { ...e.data, comment: leaky("回访") } })],
  ])("scrubs the free text of %s", (name, change) => {
    const event = hotlineEvent.parse(change(byName(name)));
    const row = normalise(event, SOURCE, hasher);
    expectNoPersonalData(row);
    expect(row.text).toContain("[身份证号]");
    expect(row.text).toContain("[手机号]");
  });

  it.each(["未提供", "不详号", "匿名来电", "---"])("does not give every caller whose phone reads %j one shared caller_key", (placeholder) => {
    const event = { ...created, data: { ...created.data, caller: { phone: placeholder } } };
    const parsed = hotlineEvent.safeParse(event);
    // Either the contract rejects a phone without digits, or it is stored as no caller at all.
    if (parsed.success) expect(normalise(parsed.data, SOURCE, hasher).caller_key).toBe("");
  });
});

describe("normalise: personal numbers in identifiers and names (issue 12)", () => {
  const PHONE = "13923456789";
  const written = ["139.2345.6789", "139-2345-6789", "13923456789"];
  const inClear = (row: EventRow) => JSON.stringify(row).replace(/[^0-9]/g, " ").split(/\s+/).filter((run) => run.includes(PHONE.slice(3)));
  const id = (n: number) => `T${written[n % written.length]}`;

  function withNumbers<E extends HotlineEvent>(event: E): E {
    const envelope = { ...event, source_system: `sys.${written[0]}` };
    return ("ticket_id" in envelope ? { ...envelope, ticket_id: id(0) } : { ...envelope, call_id: id(1) }) as E;
  }

  it("hashes ticket_id, call_id, source_system, codes, queues and agent groups that hold a number, and scrubs names", () => {
    const created = example("ticket.created", "ticket.created");
    const leaf = { code: `C${written[1]}`, name: `电梯${written[2]}` };
    const event = hotlineEvent.parse(withNumbers({
      ...created,
      data: {
        ...created.data,
        category: { code: leaf.code, path: [...created.data.category.path.slice(0, -1), leaf] },
        location: { ...created.data.location, district: { code: `D${written[0]}`, name: `朝阳区${written[1]}` }, street: { code: "S1", name: `街道 ${written[2]}` } },
      },
    }));
    const row = normalise(event, SOURCE, hasher);
    expect(inClear(row)).toEqual([]);
    expect(row.ticket_id).toBe(hasher.identifier(id(0)));
    expect(row.ticket_id).toMatch(/^pii:[a-p]+$/);
    expect(row.source_system).toMatch(/^pii:/);
    expect(row.category_code).toBe(row.category_path.at(-1));
    expect(row.district_name).toBe("朝阳区[手机号]");
    expect(row.street_name).toBe("街道 [手机号]");
  });

  it("keeps a hashed ticket id joinable: ticket_id, into_ticket_id and a call's ticket_id agree", () => {
    const merged = hotlineEvent.parse(withNumbers({ ...example("ticket.merged", "ticket.merged"), data: { into_ticket_id: id(0) } }));
    const ended = example("call.ended", "call.ended");
    const call = hotlineEvent.parse(withNumbers({ ...ended, data: { ...ended.data, queue: `q${written[2]}`, agent_group: `班组${written[0]}`, ticket_id: id(0) } }));
    const mergedRow = normalise(merged, SOURCE, hasher);
    const callRow = normalise(call, SOURCE, hasher);
    for (const row of [mergedRow, callRow]) expect(inClear(row)).toEqual([]);
    expect(mergedRow.related_ticket_id).toBe(hasher.identifier(id(0)));
    expect(callRow.related_ticket_id).toBe(mergedRow.related_ticket_id);
    expect(callRow.call_id).toBe(hasher.identifier(id(1)));
    expect([callRow.queue, callRow.agent_group].every((v) => v.startsWith("pii:"))).toBe(true);
  });

  it("scrubs department names and supervising offices, and leaves plain identifiers as they are", () => {
    const supervised = example("ticket.supervised", "ticket.supervised");
    const event = hotlineEvent.parse({ ...supervised, data: { ...supervised.data, department: { code: `CY-${written[0]}`, name: `住建委 ${written[1]}` } } });
    const row = normalise(event, SOURCE, hasher);
    expect(inClear(row)).toEqual([]);
    expect(row.department_code).toMatch(/^pii:/);
    expect(row.department_name).toBe("住建委 [手机号]");
    expect(row.ticket_id).toBe(supervised.ticket_id);
    expect(row.source_system).toBe(supervised.source_system);
  });
});
