// The simulator end to end: determinism, the contract, time order, coherent lifecycles, rhythm, repeats, calls.
import { describe, expect, it } from "vitest";
import { hotlineEvent, type EventOf, type HotlineEvent } from "../../contract/event.js";
import { normalisePhone, scrubText } from "../../contract/personal-data.js";
import { simulate, type SimulationOptions } from "./simulate.js";

const START = Date.parse("2026-11-23T00:00:00+08:00"); // a Monday in the heating season
const options: SimulationOptions = { seed: 42, startMs: START, days: 3, size: "small" };
const events = [...simulate(options)];

const ofType = <K extends HotlineEvent["type"]>(type: K) => events.filter((e): e is EventOf<K> => e.type === type);
const byTicket = new Map<string, HotlineEvent[]>();
for (const event of events) {
  if (!("ticket_id" in event)) continue;
  const list = byTicket.get(event.ticket_id) ?? [];
  list.push(event);
  byTicket.set(event.ticket_id, list);
}

/** The rules a ticket's events follow in the ticketing system; returns what is wrong, if anything. */
function lifecycleProblem(ticket: readonly HotlineEvent[]): string | undefined {
  if (ticket[0]?.type !== "ticket.created") return "does not start with created";
  let hop = 0;
  let awaiting: "none" | "decision" | "accepted" = "none";
  let closed = false;
  let extension = 0;
  for (const event of ticket.slice(1)) {
    switch (event.type) {
      case "ticket.created":
        return "created twice";
      case "ticket.merged":
        if (event !== ticket[ticket.length - 1]) return "events after merged";
        break;
      case "ticket.dispatched":
        if (event.data.hop !== hop + 1) return `hop ${event.data.hop} after hop ${hop}`;
        hop = event.data.hop;
        awaiting = "decision";
        closed = false;
        break;
      case "ticket.returned":
        if (awaiting !== "decision" || event.data.hop !== hop) return "returned without a pending dispatch";
        awaiting = "none";
        break;
      case "ticket.accepted":
        if (awaiting !== "decision") return "accepted without a pending dispatch";
        awaiting = "accepted";
        break;
      case "ticket.closed":
        if (hop > 0 && awaiting !== "accepted") return "closed before accepted";
        closed = true;
        break;
      case "ticket.callback":
      case "ticket.reopened":
        if (!closed) return `${event.type} before closed`;
        if (event.type === "ticket.reopened") closed = false;
        break;
      case "ticket.extended":
        if (event.data.extension !== ++extension) return "extensions out of order";
        break;
      case "ticket.responded":
      case "ticket.supervised":
        if (closed) return `${event.type} after closed`;
        break;
    }
  }
  return undefined;
}

describe("simulate", () => {
  it("is deterministic: the same options give the same bytes, another seed other ones", () => {
    const oneDay = { ...options, days: 1 };
    const first = JSON.stringify([...simulate(oneDay)]);
    expect(JSON.stringify([...simulate(oneDay)])).toBe(first);
    expect(JSON.stringify([...simulate({ ...oneDay, seed: 43 })])).not.toBe(first);
  });

  it("gives a prefix of a longer run when asked for fewer days", () => {
    const oneDay = [...simulate({ ...options, days: 1 })];
    expect(events.slice(0, oneDay.length)).toEqual(oneDay);
    expect(events.length).toBeGreaterThan(oneDay.length * 2);
  });

  it("emits only events that pass the contract", () => {
    const failures = events.filter((e) => !hotlineEvent.safeParse(e).success);
    expect(failures).toEqual([]);
    expect(events.length).toBeGreaterThan(5_000);
  });

  it("emits in non-decreasing occurred_at order, all at +08:00, inside the simulated days", () => {
    const times = events.map((e) => Date.parse(e.occurred_at));
    expect(times.every((t, i) => i === 0 || t >= (times[i - 1] ?? t))).toBe(true);
    expect(events.every((e) => e.occurred_at.endsWith("+08:00"))).toBe(true);
    expect(times[0]).toBeGreaterThanOrEqual(START);
    expect(times[times.length - 1]).toBeLessThan(START + 3 * 86_400_000);
  });

  it("numbers events, tickets and calls in the expected forms, without duplicates", () => {
    expect(new Set(events.map((e) => e.event_id)).size).toBe(events.length);
    expect(events[0]?.event_id).toBe("sim-42-0000000000");
    const created = ofType("ticket.created");
    expect(created.every((e) => /^T2026112[345]\d{6}$/.test(e.ticket_id))).toBe(true);
    expect(new Set(created.map((e) => e.ticket_id)).size).toBe(created.length);
    expect(ofType("call.offered").every((e) => /^C\d{15}$/.test(e.call_id))).toBe(true);
  });

  it("plays a city of about 300 tickets a day", () => {
    const perDay = ofType("ticket.created").length / 3;
    expect(perDay).toBeGreaterThan(200);
    expect(perDay).toBeLessThan(450);
  });

  it("keeps every ticket's lifecycle coherent", () => {
    const problems = [...byTicket].map(([id, ticket]) => [id, lifecycleProblem(ticket)]).filter(([, p]) => p !== undefined);
    expect(problems).toEqual([]);
    for (const type of ["ticket.returned", "ticket.closed", "ticket.callback", "ticket.merged", "ticket.supervised", "ticket.extended"] as const) {
      expect(ofType(type).length, type).toBeGreaterThan(0);
    }
  });

  it("follows the daily rhythm: 10:00 is far busier than 03:00", () => {
    const atHour = (h: number) => ofType("ticket.created").filter((e) => Number(e.occurred_at.slice(11, 13)) === h).length;
    expect(atHour(10)).toBeGreaterThan(4 * atHour(3));
  });

  it("follows the weekly rhythm: weekends are quieter than weekdays", () => {
    const week = [...simulate({ ...options, days: 7 })].filter((e) => e.type === "ticket.created");
    const perWeekday = new Array<number>(7).fill(0);
    for (const e of week) {
      const weekday = new Date(Date.parse(e.occurred_at) + 8 * 3_600_000).getUTCDay();
      perWeekday[weekday] = (perWeekday[weekday] ?? 0) + 1;
    }
    const [sunday = 0, monday = 0, , , , , saturday = 0] = perWeekday;
    expect(saturday + sunday).toBeLessThan(0.85 * 2 * monday);
  });

  it("has repeat callers: the same phone about the same category more than once", () => {
    const counts = new Map<string, number>();
    for (const e of ofType("ticket.created")) {
      if (!("phone" in e.data.caller)) continue;
      const key = `${normalisePhone(e.data.caller.phone)}|${e.data.category.code}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const repeated = [...counts.values()].filter((n) => n > 1);
    expect(repeated.length).toBeGreaterThan(10);
    expect(Math.max(...repeated)).toBeGreaterThan(5); // a very frequent caller
    expect(ofType("ticket.created").some((e) => e.data.text?.includes("此前已反映过"))).toBe(true);
  });

  it("writes phone and ID numbers into some free texts, for ingest to scrub", () => {
    const texts = ofType("ticket.created").map((e) => e.data.text ?? "");
    const withPersonalData = texts.filter((t) => scrubText(t) !== t);
    expect(withPersonalData.length).toBeGreaterThan(10);
    expect(withPersonalData.length).toBeLessThan(texts.length * 0.1);
    expect(withPersonalData.some((t) => scrubText(t).includes("[身份证号]"))).toBe(true);
    const callers = ofType("ticket.created").filter((e) => "phone" in e.data.caller && e.data.text?.includes(e.data.caller.phone));
    expect(callers.length).toBeGreaterThan(0);
  });

  it("runs a plausible call centre: most calls answered, some abandoned, talk time recorded", () => {
    const offered = ofType("call.offered").length;
    const answered = ofType("call.answered").length;
    const abandoned = ofType("call.abandoned").length;
    expect(answered / offered).toBeGreaterThan(0.8);
    expect(abandoned).toBeGreaterThan(0);
    const ended = ofType("call.ended");
    expect(ended.filter((e) => e.data.talk_seconds === 0).length).toBeGreaterThanOrEqual(abandoned - 1);
    const ticketIds = new Set(ofType("ticket.created").map((e) => e.ticket_id));
    const producing = ended.filter((e) => e.data.ticket_id !== undefined);
    expect(producing.length).toBeGreaterThan(0);
    expect(producing.length).toBeLessThan(ended.length); // consultations answered on the spot
    expect(producing.every((e) => ticketIds.has(e.data.ticket_id ?? ""))).toBe(true);
  });

  it("streams lazily when days is Infinity", () => {
    let count = 0;
    for (const event of simulate({ ...options, days: Infinity })) {
      expect(event.schema_version).toBe(1);
      if (++count === 2_000) break;
    }
    expect(count).toBe(2_000);
  });

  it("rejects options it cannot honour", () => {
    expect(() => [...simulate({ ...options, seed: -1 })]).toThrow(RangeError);
    expect(() => [...simulate({ ...options, days: 0 })]).toThrow(/days/);
  });
});
