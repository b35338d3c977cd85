// ticket_outcomes on hand-made tickets whose right answers are known: the observation window and
// provisional outcomes, each sign of non-resolution, deadlines from events against tier deadlines,
// merged tickets, and the rates and survey table built on them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scorePerformance } from "../../src/performance/index.js";
import type { Store } from "../../src/store/port.js";
import { replayEvents } from "./city.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const B = Date.parse("2026-05-01T09:00:00+08:00");
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "+00:00");
const category = (code: string) => ({ code, path: [{ code: code.slice(0, 2), name: "一级" }, { code: code.slice(0, 5), name: "二级" }, { code, name: "末级" }] });
const D1 = { code: "D1", name: "第一单位" };

let seq = 0;
function event(ticket: string, type: string, atMs: number, data: object): object {
  return { schema_version: 1, source_system: "fixture", ticket_id: ticket, event_id: `fx-${String(seq++).padStart(5, "0")}`, type, occurred_at: iso(atMs), data };
}

function created(ticket: string, atMs: number, options: { phone?: string; code?: string; sla?: boolean; urgency?: string } = {}): object {
  const sla = options.sla === false ? {} : { sla: { accept_by: iso(atMs + 4 * HOUR), respond_by: iso(atMs + DAY), close_by: iso(atMs + 7 * DAY) } };
  return event(ticket, "ticket.created", atMs, {
    channel: "phone",
    request_type: "complaint",
    category: category(options.code ?? "02.05.03"),
    caller: { phone: options.phone ?? `1380013${String(seq).padStart(4, "0")}` },
    location: { district: { code: "110105", name: "朝阳区" } },
    urgency: options.urgency ?? "normal",
    ...sla,
  });
}

/** Created, dispatched to D1, accepted, responded and closed a day later. */
function handled(ticket: string, options: Parameters<typeof created>[2] = {}, closeAfterMs = DAY): object[] {
  return [
    created(ticket, B, options),
    event(ticket, "ticket.dispatched", B + 10 * 60_000, { department: D1, hop: 1 }),
    event(ticket, "ticket.accepted", B + HOUR, { department: D1 }),
    event(ticket, "ticket.responded", B + 2 * HOUR, { department: D1, method: "phone" }),
    event(ticket, "ticket.closed", B + closeAfterMs, { department: D1, resolution: "resolved" }),
  ];
}

const EVENTS = [
  ...handled("A"),
  event("A", "ticket.callback", B + 2 * DAY, { result: "satisfied", method: "phone", resolved: true }),
  ...handled("R"),
  event("R", "ticket.reopened", B + 3 * DAY, { reason: "没解决", by: "caller" }),
  ...handled("S"),
  event("S", "ticket.callback", B + 2 * DAY, { result: "satisfied", method: "phone" }),
  event("S", "ticket.supervised", B + 5 * DAY, { by: "督查室", level: "supervision", reason: "再督办" }),
  ...handled("W"),
  event("W", "ticket.reopened", B + 33 * DAY, { reason: "又坏了", by: "caller" }),
  ...handled("U", { code: "03.01.01", sla: false }, 30 * HOUR),
  ...handled("P1", { phone: "13900139000" }),
  created("P2", B + 4 * DAY, { phone: "13900139000" }),
  // one caller, 9 tickets in a day: flagged as a very frequent caller (caller_flags), so left out of scores
  ...Array.from({ length: 9 }, (_, i) => handled(`F${i}`, { phone: "13700137000", code: "05.01.01" })).flat(),
  created("M", B + 10 * 60_000),
  event("M", "ticket.merged", B + HOUR, { into_ticket_id: "A" }),
].sort((a, b) => ((a as { occurred_at: string }).occurred_at < (b as { occurred_at: string }).occurred_at ? -1 : 1));

type Outcome = Record<string, string | number | null>;
let store: Store;
/** Judgements 2, 10 and 40 days after B, scored in that order (the newest version wins in FINAL reads). */
const at = new Map<number, Map<string, Outcome>>();

async function judge(asOfMs: number): Promise<Map<string, Outcome>> {
  await scorePerformance(store, { timeZone: "Asia/Shanghai", asOfMs });
  const rows = await store.query<Outcome>("SELECT * FROM ticket_outcomes WHERE version = {v:UInt64} LIMIT 1 BY ticket_id", { v: asOfMs });
  return new Map(rows.map((r) => [String(r.ticket_id), r]));
}

beforeAll(async () => {
  store = await replayEvents(EVENTS);
  for (const days of [2, 10, 40]) at.set(days, await judge(B + days * DAY));
}, 120_000);
afterAll(async () => {
  await store.close();
});

const outcomes = async (asOfMs: number): Promise<Map<string, Outcome>> => at.get((asOfMs - B) / DAY)!;

describe("ticket_outcomes", () => {
  it("is provisional inside the observation window and resolved after it", async () => {
    const early = await outcomes(B + 10 * DAY);
    expect(early.get("A")).toMatchObject({ outcome: "provisional", real_resolution: null, repeat_after_close: null });
    const late = await outcomes(B + 40 * DAY);
    expect(late.get("A")).toMatchObject({ outcome: "resolved", real_resolution: 1, failure_reason: "", repeat_after_close: 0, callback_result: "satisfied", callback_resolved: 1 });
    // reopened after the 30-day window: still resolved
    expect(late.get("W")).toMatchObject({ outcome: "resolved", real_resolution: 1, reopens: 1 });
  });

  it("names the first sign of non-resolution as soon as it is seen", async () => {
    const o = await outcomes(B + 10 * DAY);
    expect(o.get("R")).toMatchObject({ outcome: "not_resolved", real_resolution: 0, failure_reason: "reopened", reopened_by: "caller" });
    expect(o.get("S")).toMatchObject({ outcome: "not_resolved", failure_reason: "supervised_after_close", callback_result: "satisfied" });
    expect(o.get("P1")).toMatchObject({ outcome: "not_resolved", failure_reason: "repeat_after_close", repeat_after_close: 1 });
    expect(String(o.get("P1")!.repeat_id)).toBe("after_closure:P1");
    expect(o.get("P2")).toMatchObject({ outcome: "open", real_resolution: null });
    expect(o.get("M")).toMatchObject({ outcome: "merged", merged: 1, merged_into: "A", closed_on_time: null });
    // before the reopening happened, R was still provisional
    expect((await outcomes(B + 2 * DAY)).get("R")).toMatchObject({ outcome: "provisional" });
  });

  it("takes deadlines from the events, and from the tier when the events carry none", async () => {
    const o = await outcomes(B + 40 * DAY);
    expect(o.get("A")).toMatchObject({ deadline_source: "event", sla_tier: "general", closed_on_time: 1, responded_on_time: 1, accepted_on_time: 1 });
    expect(Number(o.get("A")!.hours_to_close)).toBeCloseTo(24, 6);
    // 停水 (03…) is a utility: 24 h; closed after 30 h
    expect(o.get("U")).toMatchObject({ deadline_source: "tier", sla_tier: "utility", closed_on_time: 0, responded_on_time: 1 });
    expect(Date.parse(`${String(o.get("U")!.close_deadline)}Z`)).toBe(B + 24 * HOUR);
    // P2 was never dispatched nor closed: its deadlines passed, so the flags are 0, not unknown
    expect(o.get("P2")).toMatchObject({ closed_on_time: 0, responded_on_time: 0 });
  });

  it("marks the tickets of a flagged caller as suspected abuse", async () => {
    const o = await outcomes(B + 40 * DAY);
    for (let i = 0; i < 9; i++) expect(o.get(`F${i}`)).toMatchObject({ suspected_abuse: 1 });
    expect(o.get("A")).toMatchObject({ suspected_abuse: 0 });
  });

  it("scores the department on the judged tickets (flagged callers' left out and counted) and cross-tabulates the survey", async () => {
    const asOfMs = B + 40 * DAY;
    const [score] = await store.query<Record<string, number | string>>(
      "SELECT * FROM performance_scores FINAL WHERE version = {v:UInt64} AND unit_kind = 'department' AND unit_code = 'D1' AND metric = 'real_resolution' AND period_kind = 'span'",
      { v: asOfMs },
    );
    // A and W resolved; R, S, P1 not; U resolved (no sign) — 6 trials, 3 resolved; below 25: too few;
    // volume counts every ticket of the unit; the flagged caller's 9 are no trials
    expect(score).toMatchObject({ trials: 6, observed: 3, too_few: 1, volume: 15, excluded_suspected: 9 });
    const [survey] = await store.query<Record<string, number>>(
      "SELECT * FROM survey_agreement FINAL WHERE version = {v:UInt64} AND unit_kind = 'department' AND unit_code = 'D1' AND period_kind = 'span'",
      { v: asOfMs },
    );
    expect(survey).toMatchObject({ surveyed: 2, resolved_positive: 1, unresolved_positive: 1, agreement_rate: 0.5 });
  });

  it("documents every column of the performance and call-centre tables and views in Chinese and English", async () => {
    const objects = ["ticket_outcomes", "performance_trials", "performance_casemix", "performance_scores", "performance_funnel", "performance_diagnosis",
      "survey_agreement", "survey_correlation", "service_level_agent_group_hourly", "call_abandonment_hourly", "call_queue_minute", "call_queue_now"];
    const rows = await store.query<{ table: string; name: string; comment: string }>(
      "SELECT table, name, comment FROM system.columns WHERE database = currentDatabase() AND table IN {objects:Array(String)}",
      { objects },
    );
    expect(new Set(rows.map((r) => r.table))).toEqual(new Set(objects));
    const bilingual = (c: string) => c.includes("|") && /[\u4e00-\u9fff]/.test(c) && /[A-Za-z]{2}/.test(c);
    expect(rows.filter((r) => !bilingual(r.comment)).map((r) => `${r.table}.${r.name}`)).toEqual([]);
  });
});
