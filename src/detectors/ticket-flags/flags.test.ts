// Golden fixture for the abnormal-ticket detector: a scripted set of lifecycles in, the exact flags out.
import { describe, expect, it } from "vitest";
import { DEFAULT_TICKET_FLAGS_CONFIG, TicketFlagsDetector, type TicketEventInput } from "./flags.js";

const H = 3_600_000;
const T0 = Date.UTC(2026, 10, 2, 1);
const ev = (ticketId: string, type: string, hours: number, extra: Partial<TicketEventInput> = {}): TicketEventInput => ({
  type,
  ticketId,
  occurredAtMs: T0 + hours * H,
  departmentCode: "",
  hop: 0,
  deadlineMs: null,
  categoryCode: "02.05.03",
  districtCode: "110105",
  ...extra,
});

describe("ticket flags", () => {
  it("flags ping-pong, overdue, extensions, supervision and reopening with reasons and event times", () => {
    const d = new TicketFlagsDetector(DEFAULT_TICKET_FLAGS_CONFIG);
    const input = [
      ev("A", "ticket.created", 0, { deadlineMs: T0 + 48 * H }),
      ev("A", "ticket.dispatched", 1, { departmentCode: "street", hop: 1 }),
      ev("A", "ticket.returned", 2, { departmentCode: "street", hop: 1 }),
      ev("A", "ticket.dispatched", 3, { departmentCode: "housing", hop: 2 }),
      ev("A", "ticket.returned", 4, { departmentCode: "housing", hop: 2 }),
      ev("A", "ticket.dispatched", 5, { departmentCode: "urban", hop: 3 }),
      ev("B", "ticket.created", 0, { deadlineMs: T0 + 10 * H }),
      ev("B", "ticket.dispatched", 1, { departmentCode: "water", hop: 1 }),
      ev("B", "ticket.extended", 9, { deadlineMs: T0 + 20 * H }),
      ev("B", "ticket.extended", 19, { deadlineMs: T0 + 30 * H }),
      ev("B", "ticket.supervised", 25),
      ev("C", "ticket.created", 0, { deadlineMs: T0 + 5 * H }),
      ev("C", "ticket.closed", 4, { departmentCode: "water" }),
      ev("C", "ticket.reopened", 30),
    ];
    for (const e of input) d.observe(e);
    const flags = d.advance(T0 + 40 * H).map((f) => [f.flagId, f.status, (f.firstSeenMs - T0) / H, (f.lastUpdatedMs - T0) / H, f.reason]);
    expect(flags).toEqual([
      ["A:ping_pong", "open", 4, 4, "dispatched 2 hops with 2 returns between housing, street"],
      ["A:ping_pong", "updated", 4, 5, "dispatched 3 hops with 2 returns between housing, street, urban"],
      ["A:multi_department", "open", 5, 5, "handled by 3 departments: housing, street, urban"],
      ["B:repeated_extensions", "open", 19, 19, "deadline extended 2 times"],
      ["B:supervised", "open", 25, 25, "supervised 1 time(s)"],
      ["C:overdue", "open", 5, 30, "open past its deadline 2026-11-02T06:00:00.000Z"],
      ["C:reopened", "open", 30, 30, "reopened 1 time(s)"],
      ["B:overdue", "open", 30, 30, "open past its deadline 2026-11-03T07:00:00.000Z"],
    ]);
    // closing B closes its flags; A stays open
    d.observe(ev("B", "ticket.closed", 41, { departmentCode: "water" }));
    expect(d.advance(T0 + 41 * H).map((f) => [f.flagId, f.status, f.reason])).toEqual([
      ["B:overdue", "closed", "closed after its deadline 2026-11-03T07:00:00.000Z"],
      ["B:repeated_extensions", "closed", "deadline extended 2 times"],
      ["B:supervised", "closed", "supervised 1 time(s)"],
    ]);
  });

  it("gives the same final state whatever the batching", () => {
    const events = [
      ev("X", "ticket.created", 0, { deadlineMs: T0 + 2 * H }),
      ev("X", "ticket.dispatched", 1, { departmentCode: "a", hop: 1 }),
      ev("X", "ticket.returned", 1.5, { departmentCode: "a", hop: 1 }),
      ev("X", "ticket.dispatched", 3, { departmentCode: "b", hop: 2 }),
      ev("X", "ticket.returned", 4, { departmentCode: "b", hop: 2 }),
      ev("X", "ticket.closed", 6, { departmentCode: "c" }),
    ];
    const finalState = (batches: number[][]) => {
      const d = new TicketFlagsDetector();
      const last = new Map<string, unknown>();
      for (const batch of batches) {
        for (const i of batch) d.observe(events[i]!);
        for (const f of d.advance(events[batch[batch.length - 1]!]!.occurredAtMs)) last.set(f.flagId, f);
      }
      return Object.fromEntries([...last].sort());
    };
    expect(finalState([[0, 1, 2, 3, 4, 5]])).toEqual(finalState([[0], [1], [2, 3], [4], [5]]));
  });

  it("forgets closed tickets after the retention period, keeps open ones", () => {
    const d = new TicketFlagsDetector({ ...DEFAULT_TICKET_FLAGS_CONFIG, retentionMs: 24 * H });
    d.observe(ev("old", "ticket.created", 0));
    d.observe(ev("old", "ticket.closed", 1));
    d.observe(ev("open", "ticket.created", 0));
    d.advance(T0 + 100 * H);
    expect(d.trackedTickets).toBe(1);
  });
});
