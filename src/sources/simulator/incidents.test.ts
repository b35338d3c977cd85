// Labelled incidents: no incidents changes nothing, incidents add exactly what their labels say
// and nothing else, and the labels hold the truth (ticket ids, chains, groups) but no phone number.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hotlineEvent, type EventOf, type HotlineEvent } from "../../contract/event.js";
import { normalisePhone } from "../../contract/personal-data.js";
import type { Incident, IncidentLabel } from "./incidents.js";
import { simulate, simulateWithLabels, type SimulationOptions } from "./simulate.js";
import { buildWorld } from "./world.js";

const START = Date.parse("2026-11-23T00:00:00+08:00"); // a Monday in the heating season
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const base: SimulationOptions = { seed: 42, startMs: START, days: 6, size: "small" };
const world = buildWorld(42, "small");
const district = world.city.districts[2]?.code ?? "";
const community = world.city.communities.find((c) => c.street.district.code !== district)?.code ?? "";
const streetOffice = world.departments.all.find((d) => d.kind === "street")?.code ?? "";

const spike: Incident = { kind: "spike", id: "spike", categoryCode: "01", districtCode: district, startMs: START + 2 * DAY + 9 * HOUR, durationMs: 6 * HOUR, extraPerHour: 6 };
const incidents: readonly Incident[] = [
  spike,
  { kind: "emerging_hotspot", id: "emerging", categoryCode: "01.01.01", communityCode: community, startMs: START + DAY, durationMs: 3 * DAY, extraPerDay: 6 },
  { kind: "chronic_hotspot", id: "chronic", categoryCode: "03.01", communityCode: world.city.communities[30]?.code ?? "", extraPerDay: 3 },
  { kind: "repeat_chain", id: "chain", departmentCode: streetOffice, count: 5, ticketsPerChain: 3, durationMs: DAY },
  { kind: "cross_channel_duplicate", id: "copies", count: 5 },
  { kind: "collective_complaint", id: "crowd", categoryCode: "02", communityCode: community, startMs: START + 3 * DAY + 9 * HOUR, callers: 15, spanMs: 4 * HOUR },
  { kind: "abusive_caller", id: "abuser", callsPerDay: 20, startMs: START + DAY, durationMs: 2 * DAY, identicalText: true },
];

const baseline = [...simulate(base)];
const run = simulateWithLabels({ ...base, incidents });
const events = [...run.events];
const labels = run.labels();

const labelOf = <K extends IncidentLabel["kind"]>(kind: K) => labels.find((l): l is Extract<IncidentLabel, { kind: K }> => l.kind === kind);
const created = (list: readonly HotlineEvent[]) => list.filter((e): e is EventOf<"ticket.created"> => e.type === "ticket.created");
const createdById = new Map(created(events).map((e) => [e.ticket_id, e]));
const phoneOf = (id: string) => {
  const caller = createdById.get(id)?.data.caller;
  return caller !== undefined && "phone" in caller ? normalisePhone(caller.phone) : undefined;
};
const inSpikeSeries = (e: EventOf<"ticket.created">) => e.data.category.code.startsWith("01.") && e.data.location.district?.code === district;
/** What a ticket.created says, without the numbers that staging an incident shifts. */
const signature = (e: EventOf<"ticket.created">) => JSON.stringify([e.occurred_at, e.data]);

describe("incidents", () => {
  it("without incidents, the events are byte-identical to before incidents existed", () => {
    const hash = createHash("sha256");
    const options = { seed: 42, startMs: START, days: 2, size: "small" } as const;
    for (const event of simulate(options)) hash.update(`${JSON.stringify(event)}\n`);
    expect(hash.digest("hex")).toBe("b422d36f1e0ace8a0a8ddab89e698fb7ae3c37a54efc442f1950a5fadf130110");
    expect(JSON.stringify([...simulate({ ...options, incidents: [] })])).toBe(JSON.stringify([...simulate(options)]));
  });

  it("is deterministic with incidents too", () => {
    const again = simulateWithLabels({ ...base, days: 2, incidents });
    const first = simulateWithLabels({ ...base, days: 2, incidents });
    expect(JSON.stringify([...again.events])).toBe(JSON.stringify([...first.events]));
    expect(again.labels()).toEqual(first.labels());
  });

  it("emits only events that pass the contract, in time order", () => {
    expect(events.filter((e) => !hotlineEvent.safeParse(e).success)).toEqual([]);
    const times = events.map((e) => Date.parse(e.occurred_at));
    expect(times.every((t, i) => i === 0 || t >= (times[i - 1] ?? t))).toBe(true);
  });

  it("labels exactly the tickets it added: without them, the tickets are the everyday ones", () => {
    const labelled = labels.flatMap((l) => l.ticketIds);
    expect(new Set(labelled).size).toBe(labelled.length);
    expect(labelled.every((id) => createdById.has(id))).toBe(true);
    const everyday = created(events).filter((e) => !labelled.includes(e.ticket_id)).map(signature).sort();
    expect(everyday).toEqual(created(baseline).map(signature).sort());
    for (const label of labels) {
      expect(label.ticketIds.length, label.id).toBeGreaterThan(0);
      const times = label.ticketIds.map((id) => Date.parse(createdById.get(id)?.occurred_at ?? ""));
      expect([label.firstCreatedMs, label.lastCreatedMs]).toEqual([Math.min(...times), Math.max(...times)]);
    }
  });

  it("a spike raises its series by about extraPerHour × hours in its window, and nowhere else", () => {
    const label = labelOf("spike");
    const others = new Set(labels.filter((l) => l !== label).flatMap((l) => l.ticketIds));
    const hourly = (list: readonly EventOf<"ticket.created">[]) => {
      const counts = new Map<number, number>();
      for (const e of list.filter(inSpikeSeries)) {
        const hour = Math.floor(Date.parse(e.occurred_at) / HOUR);
        counts.set(hour, (counts.get(hour) ?? 0) + 1);
      }
      return counts;
    };
    const before = hourly(created(baseline));
    const after = hourly(created(events).filter((e) => !others.has(e.ticket_id)));
    const first = (START + 2 * DAY + 9 * HOUR) / HOUR;
    // A phone request near the end of the window becomes a ticket a few minutes later.
    const inWindow = (hour: number) => hour >= first && hour <= first + 6;
    let extra = 0;
    for (const hour of new Set([...before.keys(), ...after.keys()])) {
      const added = (after.get(hour) ?? 0) - (before.get(hour) ?? 0);
      if (inWindow(hour)) extra += added;
      else expect(added, `hour ${hour}`).toBe(0);
    }
    expect(extra).toBe(label?.ticketIds.length);
    expect(label?.expectedTickets).toBeCloseTo(36, 6);
    expect(Math.abs(extra - 36)).toBeLessThan(4 * Math.sqrt(36));
    expect(label?.ticketIds.every((id) => inSpikeSeries(createdById.get(id) ?? created(baseline)[0]!))).toBe(true);
  });

  it("hotspots concentrate in their community, near one spot", () => {
    for (const label of [labelOf("emerging_hotspot"), labelOf("chronic_hotspot")]) {
      expect(label?.ticketIds.length).toBeGreaterThan(3);
      for (const id of label?.ticketIds ?? []) {
        const { location, category } = createdById.get(id)?.data ?? {};
        expect(category?.code.startsWith(label?.incident.categoryCode ?? "?")).toBe(true);
        if (location?.community !== undefined) expect(location.community.code).toBe(label?.incident.communityCode);
        if (location?.lat !== undefined) expect(Math.abs(location.lat - (label?.spot.lat ?? 0))).toBeLessThanOrEqual(0.00041);
      }
    }
  });

  it("repeat chains: the department closes as resolved, the same caller comes back after each closing", () => {
    const label = labelOf("repeat_chain");
    const closings = new Map<string, EventOf<"ticket.closed">[]>();
    for (const e of events) if (e.type === "ticket.closed") closings.set(e.ticket_id, [...(closings.get(e.ticket_id) ?? []), e]);
    expect(label?.chains.length).toBe(5);
    expect(label?.chains.filter((chain) => chain.ticketIds.length >= 2).length).toBeGreaterThanOrEqual(3);
    for (const chain of label?.chains ?? []) {
      chain.ticketIds.forEach((id, i) => {
        for (const closed of closings.get(id) ?? []) expect([closed.data.department.code, closed.data.resolution]).toEqual([streetOffice, "resolved"]);
        const next = chain.ticketIds[i + 1];
        if (next === undefined) return;
        const lastClosed = Math.max(...(closings.get(id) ?? []).map((e) => Date.parse(e.occurred_at)));
        expect(chain.closedMs[i]).toBe(lastClosed);
        expect(Date.parse(createdById.get(next)?.occurred_at ?? "")).toBeGreaterThan(lastClosed);
        expect(createdById.get(next)?.data.category.code).toBe(chain.categoryCode);
        const [a, b] = [phoneOf(id), phoneOf(next)];
        if (a !== undefined && b !== undefined) expect(b).toBe(a);
      });
    }
  });

  it("cross-channel duplicates: one caller, one issue, distinct channels within a day", () => {
    const label = labelOf("cross_channel_duplicate");
    expect(label?.groups.length).toBe(5);
    for (const group of label?.groups ?? []) {
      expect(group.ticketIds.length).toBeGreaterThanOrEqual(2);
      expect(new Set(group.channels).size).toBe(group.channels.length);
      const tickets = group.ticketIds.map((id) => createdById.get(id));
      const times = tickets.map((t) => Date.parse(t?.occurred_at ?? ""));
      expect(Math.max(...times) - Math.min(...times)).toBeLessThan(DAY);
      expect(new Set(tickets.map((t) => t?.data.location.address)).size).toBe(1);
      expect(new Set(group.ticketIds.map(phoneOf).filter((p) => p !== undefined)).size).toBe(1);
    }
  });

  it("a collective complaint: distinct callers, one place and issue, within its span", () => {
    const label = labelOf("collective_complaint");
    const tickets = (label?.ticketIds ?? []).map((id) => createdById.get(id));
    expect(tickets.length).toBe(15);
    expect(new Set(tickets.map((t) => t?.data.category.code))).toEqual(new Set([label?.leafCode]));
    const phones = (label?.ticketIds ?? []).map(phoneOf).filter((p) => p !== undefined);
    expect(new Set(phones).size).toBe(phones.length);
    expect((label?.lastCreatedMs ?? 0) - (label?.firstCreatedMs ?? 0)).toBeLessThan(5 * HOUR);
  });

  it("an abusive caller calls about callsPerDay, always from one number, with the same words", () => {
    const label = labelOf("abusive_caller");
    const ids = new Set(label?.callIds);
    const offered = events.filter((e): e is EventOf<"call.offered"> => e.type === "call.offered" && ids.has(e.call_id));
    expect(offered.length).toBe(ids.size);
    expect(Math.abs(offered.length - 40)).toBeLessThan(4 * Math.sqrt(40));
    expect(label?.expectedCalls).toBeCloseTo(40, 6);
    expect(new Set(offered.flatMap((e) => (e.data.caller !== undefined && "phone" in e.data.caller ? [e.data.caller.phone] : []))).size).toBe(1);
    const bodies = (label?.ticketIds ?? []).map((id) => createdById.get(id)?.data.text ?? "");
    expect(bodies.filter((text) => text === bodies[0]).length).toBeGreaterThan(0.8 * bodies.length);
  });

  it("never puts a phone number in the labels", () => {
    const json = JSON.stringify(labels);
    const phones = new Set(labels.flatMap((l) => l.ticketIds).flatMap((id) => phoneOf(id) ?? []));
    for (const e of events) if (e.type === "call.offered" && e.data.caller !== undefined && "phone" in e.data.caller) phones.add(normalisePhone(e.data.caller.phone));
    expect(phones.size).toBeGreaterThan(100);
    expect([...phones].filter((phone) => json.includes(phone))).toEqual([]);
  });

  it("rejects incidents it cannot stage, naming the problem", () => {
    const open = (bad: Incident[]) => () => simulateWithLabels({ ...base, incidents: bad });
    expect(open([{ ...spike, categoryCode: "99" }])).toThrow(/no category 99/);
    expect(open([{ ...spike, districtCode: "nowhere" }])).toThrow(/no district nowhere/);
    expect(open([spike, spike])).toThrow(/used twice/);
    expect(open([{ ...spike, extraPerHour: 0 }])).toThrow(/extraPerHour/);
    expect(open([{ kind: "repeat_chain", id: "c", departmentCode: world.departments.centre.code, count: 1 }])).toThrow(/first handler/);
  });
});
