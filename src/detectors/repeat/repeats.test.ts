// Golden fixture for repeat complaints: scripted tickets in, the exact repeat groups out.
import { describe, expect, it } from "vitest";
import { DEFAULT_REPEAT_CONFIG, RepeatDetector, type RepeatInput } from "./repeats.js";

const H = 3_600_000;
const T0 = Date.UTC(2026, 9, 1);
const created = (ticketId: string, hours: number, extra: Partial<RepeatInput> = {}): RepeatInput => ({
  type: "ticket.created",
  ticketId,
  occurredAtMs: T0 + hours * H,
  callerKey: "caller-a",
  channel: "phone",
  categoryCode: "02.05.03",
  districtCode: "d1",
  communityCode: "c1",
  departmentCode: "",
  text: "",
  ...extra,
});
const closed = (ticketId: string, hours: number, departmentCode: string): RepeatInput => ({ ...created(ticketId, hours), type: "ticket.closed", departmentCode });

const summary = (d: RepeatDetector, at: number) =>
  d.advance(T0 + at * H).map((r) => ({ id: r.repeatId, kind: r.kind, status: r.status, tickets: r.ticketIds, charged: r.chargedDepartment, callers: r.callers }));

describe("repeat complaints", () => {
  it("links the same caller on the same issue, charges a repeat after closure to the closer, and spots other channels", () => {
    const d = new RepeatDetector();
    d.observe(created("T1", 0));
    d.observe(created("T2", 10)); // same caller, same issue, T1 still open
    d.observe(closed("T1", 20, "housing"));
    d.observe(closed("T2", 21, "housing"));
    d.observe(created("T3", 24 * 5)); // after closure: 办结≠解决
    d.observe(created("T4", 24 * 5 + 1, { channel: "app" })); // T3 open, another channel: 多头受理
    d.observe(created("X1", 1, { callerKey: "caller-b", categoryCode: "01.01.01" })); // unrelated
    expect(summary(d, 24 * 5 + 2)).toEqual([
      { id: "same_caller:T1", kind: "same_caller", status: "open", tickets: ["T1", "T2"], charged: "", callers: 1 },
      { id: "after_closure:T2", kind: "after_closure", status: "open", tickets: ["T2", "T3"], charged: "housing", callers: 1 },
      { id: "multi_channel:T3", kind: "multi_channel", status: "open", tickets: ["T3", "T4"], charged: "", callers: 1 },
    ]);
  });

  it("finds a collective complaint when enough distinct callers report one place and issue within the window", () => {
    const d = new RepeatDetector({ ...DEFAULT_REPEAT_CONFIG, collectiveCallers: 3 });
    d.observe(created("A", 0, { callerKey: "p1" }));
    d.observe(created("B", 1, { callerKey: "p2" }));
    d.observe(created("C", 30, { callerKey: "p3" })); // outside 24 h of A: not yet three in a day
    d.observe(created("D", 31, { callerKey: "p4" }));
    d.observe(created("E", 32, { callerKey: "p5", communityCode: "elsewhere" }));
    expect(summary(d, 33)).toEqual([]);
    d.observe(created("F", 33, { callerKey: "p6" }));
    expect(summary(d, 34)).toEqual([{ id: "collective:C", kind: "collective", status: "open", tickets: ["C", "D", "F"], charged: "", callers: 3 }]);
    // quiet for a day: closed
    expect(summary(d, 33 + 25).map((r) => [r.id, r.status])).toEqual([["collective:C", "closed"]]);
  });

  it("links near-identical texts from different callers", () => {
    const d = new RepeatDetector();
    const text = "来电人反映：朝阳区望京街道花家地社区12号楼电梯已经停运三天，老人上下楼困难，物业不予理睬，请相关部门尽快督促维修。";
    d.observe(created("S1", 0, { callerKey: "p1", text }));
    d.observe(created("S2", 5, { callerKey: "p2", categoryCode: "02.05.01", text: text.replace("[手机号]", "") + "" }));
    d.observe(created("S3", 6, { callerKey: "p3", categoryCode: "09.01.01", text: "市民咨询：今年冬季供暖什么时候开始，小区暖气试水的时间安排是怎样的，希望能有个明确答复。" }));
    expect(summary(d, 7)).toEqual([{ id: "similar_text:S1", kind: "similar_text", status: "open", tickets: ["S1", "S2"], charged: "", callers: 2 }]);
  });

  it("does not link tickets outside the window", () => {
    const d = new RepeatDetector({ ...DEFAULT_REPEAT_CONFIG, windowMs: 24 * H });
    d.observe(created("T1", 0));
    d.observe(created("T2", 30));
    expect(summary(d, 31)).toEqual([]);
  });
});

describe("repeat complaints in a burst (群体诉求 of many identical tickets)", () => {
  const text = "市民来电反映：花家地西里小区从昨天开始停暖，家中温度只有十二度，老人孩子受冻，请尽快恢复供暖。";
  const burst = (d: RepeatDetector, n: number, order: (i: number) => number = (i) => i) => {
    for (let k = 0; k < n; k++) {
      const i = order(k);
      d.observe(created(`B${String(i).padStart(5, "0")}`, i / 3600, { callerKey: `p${i}`, text }));
    }
  };

  it("puts every ticket in one collective and one similar-text group, counts them all, and lists the oldest up to the row cap", () => {
    const d = new RepeatDetector({ ...DEFAULT_REPEAT_CONFIG, scanCap: 8, rowTicketIds: 5 });
    burst(d, 2_000);
    const rows = d.advance(T0 + H).sort((a, b) => (a.repeatId < b.repeatId ? -1 : 1));
    expect(rows.map((r) => [r.repeatId, r.tickets, r.callers, r.ticketIds])).toEqual([
      ["collective:B00000", 2_000, 2_000, ["B00000", "B00001", "B00002", "B00003", "B00004"]],
      ["similar_text:B00000", 2_000, 2_000, ["B00000", "B00001", "B00002", "B00003", "B00004"]],
    ]);
  });

  it("groups the same way when tickets arrive out of order (parallel senders)", () => {
    const d = new RepeatDetector({ ...DEFAULT_REPEAT_CONFIG, scanCap: 8 });
    // four senders of 250 tickets each, interleaved: later tickets first, then earlier ones
    burst(d, 1_000, (k) => (3 - (k % 4)) * 250 + Math.floor(k / 4));
    const rows = d.advance(T0 + H).sort((a, b) => (a.kind < b.kind ? -1 : 1));
    expect(rows.map((r) => [r.kind, r.tickets])).toEqual([
      ["collective", 1_000],
      ["similar_text", 1_000],
    ]);
  });

  it("keeps one same-caller group past the cap instead of starting one per ticket", () => {
    const d = new RepeatDetector({ ...DEFAULT_REPEAT_CONFIG, scanCap: 4 });
    for (let i = 0; i < 50; i++) d.observe(created(`S${String(i).padStart(2, "0")}`, i));
    const rows = d.advance(T0 + 60 * H);
    expect(rows.map((r) => [r.repeatId, r.tickets])).toEqual([["same_caller:S00", 50]]);
  });

  it("counts the callers of a place among its scanCap newest tickets only: within the window but beyond the cap, not counted", () => {
    const d = new RepeatDetector({ ...DEFAULT_REPEAT_CONFIG, collectiveCallers: 3, scanCap: 2 });
    for (const [id, caller] of [["A", "p1"], ["B", "p2"], ["C", "p2"], ["D", "p3"]] as const) d.observe(created(id, id.charCodeAt(0) - 64, { callerKey: caller, categoryCode: "07.01" }));
    // three callers within 24 h, but D sees only B, C and itself: two callers
    expect(d.advance(T0 + 5 * H).filter((r) => r.kind === "collective")).toEqual([]);
    d.observe(created("E", 6, { callerKey: "p4", categoryCode: "07.01" }));
    expect(d.advance(T0 + 7 * H).filter((r) => r.kind === "collective").map((r) => r.ticketIds)).toEqual([["C", "D", "E"]]);
  });
});
