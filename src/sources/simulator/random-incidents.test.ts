// Random incidents for benchmarks: deterministic, spread over the tree and the districts, sized
// against the normal rate, never overlapping a related series, and all stageable; the JSON form parses back.
import { describe, expect, it } from "vitest";
import { parseIncidents } from "./incident-schema.js";
import type { Incident, SpikeIncident } from "./incidents.js";
import { defaultRandomIncidents, normalPerHour, randomIncidents } from "./random-incidents.js";
import { simulateWithLabels } from "./simulate.js";
import { buildWorld } from "./world.js";

const START = Date.parse("2026-11-23T00:00:00+08:00");
const DAY = 86_400_000;
const world = buildWorld(5, "small");
const options = { seed: 5, startMs: START, days: 14, spikes: 40, warmupDays: 2 };
const incidents = randomIncidents(world, options);
const spikes = incidents.filter((i): i is SpikeIncident => i.kind === "spike");
const nested = (a: string, b: string) => a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);

describe("randomIncidents", () => {
  it("is deterministic per seed", () => {
    expect(randomIncidents(world, options)).toEqual(incidents);
    expect(randomIncidents(world, { ...options, seed: 6 })).not.toEqual(incidents);
  });

  it("chooses series across the levels of the tree, districts and city-wide, inside the window after the warm-up", () => {
    expect(spikes.length).toBeGreaterThan(30);
    expect(new Set(spikes.map((s) => s.categoryCode.split(".").length))).toEqual(new Set([1, 2, 3]));
    expect(spikes.some((s) => s.districtCode === null)).toBe(true);
    expect(new Set(spikes.map((s) => s.districtCode)).size).toBeGreaterThan(4);
    for (const s of spikes) {
      expect(s.startMs).toBeGreaterThanOrEqual(START + 2 * DAY);
      expect(s.startMs + s.durationMs).toBeLessThanOrEqual(START + 14 * DAY);
    }
  });

  it("sizes each spike at 1 to 4 times its series' normal hourly rate, and at least 1 an hour", () => {
    for (const s of spikes) {
      const normal = normalPerHour(world, s.categoryCode, s.districtCode, s.startMs);
      expect(s.extraPerHour).toBeGreaterThanOrEqual(Math.max(1, normal) - 0.01);
      expect(s.extraPerHour).toBeLessThanOrEqual(Math.max(1, 4 * normal) + 0.01);
    }
    expect(normalPerHour(world, "01", null, START)).toBeGreaterThan(normalPerHour(world, "01", world.city.districts[0]?.code ?? "", START));
  });

  it("never overlaps two spikes in related series (a category in its parent, a district in the city)", () => {
    for (const a of spikes) {
      for (const b of spikes) {
        if (a === b || !nested(a.categoryCode, b.categoryCode)) continue;
        if (a.districtCode !== null && b.districtCode !== null && a.districtCode !== b.districtCode) continue;
        expect(a.startMs >= b.startMs + b.durationMs || b.startMs >= a.startMs + a.durationMs, `${a.id} and ${b.id}`).toBe(true);
      }
    }
  });

  it("the default set has every kind, stages cleanly and labels every incident", () => {
    const set = defaultRandomIncidents(world, { seed: 5, startMs: START, days: 4 });
    expect(new Set(set.map((i) => i.kind)).size).toBe(7);
    const run = simulateWithLabels({ seed: 5, startMs: START, days: 4, size: "small", incidents: set });
    for (const _ of run.events);
    const labels = run.labels();
    expect(labels.map((l) => l.id)).toEqual(set.map((i) => i.id));
    expect(labels.filter((l) => l.ticketIds.length > 0).length).toBeGreaterThan(set.length - 2);
  });
});

describe("parseIncidents", () => {
  it("reads back what was written as JSON, and accepts ISO times", () => {
    expect(parseIncidents(JSON.parse(JSON.stringify(incidents)))).toEqual(incidents);
    const [collective] = parseIncidents([
      { kind: "collective_complaint", id: "c", categoryCode: "02", communityCode: "x", startMs: "2026-11-24T09:00:00+08:00", callers: 12 },
    ]);
    expect(collective).toEqual({ kind: "collective_complaint", id: "c", categoryCode: "02", communityCode: "x", startMs: START + DAY + 9 * 3_600_000, callers: 12 });
  });

  it("names every problem with its place", () => {
    const bad: unknown = [{ kind: "spike", id: "s", categoryCode: "01", startMs: 0, durationMs: -1, extraPerHour: 1 }, { kind: "flood" }];
    expect(() => parseIncidents(bad)).toThrow(/0\.districtCode.*0\.durationMs.*1\.kind/s);
    expect(() => parseIncidents({ incidents: [] })).toThrow(/array/);
    const extra: Incident[] = parseIncidents([{ kind: "cross_channel_duplicate", id: "d", count: 2 }]);
    expect(extra).toEqual([{ kind: "cross_channel_duplicate", id: "d", count: 2 }]);
  });
});
