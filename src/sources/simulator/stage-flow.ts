// Incidents that add a flow of requests at a rate: spikes (突增) in a category and district, and
// emerging or chronic hotspots (热点) in one community. Each is a Poisson process of its own.
import type { Agenda, Draft } from "./agenda.js";
import { CHANNEL_MIX, type Channel } from "./callers.js";
import type { CategoryLeaf } from "./categories.js";
import type { Community } from "./city.js";
import { HOUR, HOURLY_SHARE, SECOND, localHour } from "./clock.js";
import type { ChronicHotspotIncident, ChronicHotspotLabel, EmergingHotspotIncident, EmergingHotspotLabel, SpikeIncident, SpikeLabel } from "./incidents.js";
import { WeightedPicker, weightedKey, type Rng } from "./random.js";
import { freshRequest, newIssue, type Issue } from "./request.js";
import { atSpot, IncidentLane, instant, lookup, positive, seasonalPicker, spotIn, summary, type Desk } from "./stage-lanes.js";

/** Requests at a rate that may change by the hour, drawn one hour (or less, at the edges) at a time. */
export class RateArrivals implements Agenda {
  atMs: number;
  order = 0;
  private mean = 0;
  private pending: number[] = [];
  private index = 0;
  private slotEnd: number;

  constructor(
    startMs: number,
    private readonly endMs: number,
    private readonly perHour: (slotStartMs: number) => number,
    private readonly rng: Rng,
    private readonly action: (atMs: number) => void,
  ) {
    this.atMs = startMs < endMs ? startMs : Infinity;
    this.slotEnd = startMs;
  }

  /** The Poisson mean of all the slots drawn so far (rounded: it is a sum of small floats). */
  get expected(): number {
    return Math.round(this.mean * 1e6) / 1e6;
  }

  fire(): Draft | null {
    const due = this.pending[this.index];
    if (due === undefined) {
      this.fill();
    } else {
      this.index++;
      this.action(due);
    }
    this.atMs = this.pending[this.index] ?? (this.slotEnd < this.endMs ? this.slotEnd : Infinity);
    return null;
  }

  private fill(): void {
    const start = this.slotEnd;
    this.slotEnd = Math.min(this.endMs, Math.floor(start / HOUR) * HOUR + HOUR);
    const length = this.slotEnd - start;
    const mean = (this.perHour(start) * length) / HOUR;
    this.mean += mean;
    // Whole seconds in [start, slotEnd), as every event time is.
    const from = Math.ceil(start / SECOND) * SECOND;
    const seconds = Math.ceil((this.slotEnd - from) / SECOND);
    const n = seconds > 0 ? this.rng.poisson(mean) : 0;
    this.pending = Array.from({ length: n }, () => from + this.rng.int(seconds) * SECOND).sort((a, b) => a - b);
    this.index = 0;
  }
}

/** The rate per hour of the daily rhythm for a day's worth of `perDay`. */
const rhythm = (perDay: number) => (ms: number) => perDay * (HOURLY_SHARE[Math.floor(localHour(ms))] ?? 0);

interface Flow {
  readonly lane: IncidentLane;
  readonly leafAt: (rng: Rng, atMs: number) => CategoryLeaf;
  readonly placeAt: (rng: Rng) => Community;
  readonly startMs: number;
  readonly endMs: number;
  readonly perHour: (ms: number) => number;
  readonly shapeIssue?: (issue: Issue, rng: Rng) => Issue;
}

/** Fresh requests from ordinary callers, by the usual channels, at the flow's rate. */
function startFlow(desk: Desk, flow: Flow): RateArrivals {
  const { lane } = flow;
  const rng = lane.rng;
  const callers = desk.world.callers;
  const startMs = Math.max(flow.startMs, desk.startMs);
  const arrivals = new RateArrivals(startMs, Math.min(flow.endMs, desk.endMs), flow.perHour, rng, (atMs) => {
    const community = flow.placeAt(rng);
    const issue = newIssue(rng, flow.leafAt(rng, atMs), community);
    const channel: Channel = weightedKey(rng, CHANNEL_MIX);
    const caller = callers.identity(callers.randomIndex(rng));
    desk.submit(freshRequest(rng, atMs, caller, channel, flow.shapeIssue?.(issue, rng) ?? issue), lane);
  });
  desk.schedule(arrivals);
  return arrivals;
}

export function stageSpike(desk: Desk, incident: SpikeIncident): () => SpikeLabel {
  const { world } = desk;
  const leaves = lookup.leaves(world, incident.categoryCode);
  const places = incident.districtCode === null ? world.city.communities : lookup.district(world, incident.districtCode).streets.flatMap((s) => s.communities);
  const picker = new WeightedPicker(places, (c) => c.weight);
  const extra = positive(incident.extraPerHour, `${incident.id}: extraPerHour`);
  const startMs = instant(incident.startMs, `${incident.id}: startMs`);
  const endMs = startMs + positive(incident.durationMs, `${incident.id}: durationMs`);
  const lane = new IncidentLane(desk, incident.id, 8);
  const arrivals = startFlow(desk, {
    lane,
    leafAt: seasonalPicker(leaves, (leaf) => leaf),
    placeAt: (rng) => picker.pick(rng),
    startMs,
    endMs,
    perHour: incident.shape === "rhythm" ? rhythm(24 * extra) : () => extra,
  });
  return () => ({ kind: "spike", id: incident.id, incident, ...summary([lane]), expectedTickets: arrivals.expected });
}

export function stageEmergingHotspot(desk: Desk, incident: EmergingHotspotIncident): () => EmergingHotspotLabel {
  const startMs = instant(incident.startMs, `${incident.id}: startMs`);
  const endMs = startMs + positive(incident.durationMs, `${incident.id}: durationMs`);
  const { lane, arrivals, spot } = stageHotspot(desk, incident, startMs, endMs);
  return () => ({ kind: "emerging_hotspot", id: incident.id, incident, ...summary([lane]), expectedTickets: arrivals.expected, spot });
}

export function stageChronicHotspot(desk: Desk, incident: ChronicHotspotIncident): () => ChronicHotspotLabel {
  const { lane, arrivals, spot } = stageHotspot(desk, incident, desk.startMs, desk.endMs);
  return () => ({ kind: "chronic_hotspot", id: incident.id, incident, ...summary([lane]), expectedTickets: arrivals.expected, spot });
}

function stageHotspot(desk: Desk, incident: EmergingHotspotIncident | ChronicHotspotIncident, startMs: number, endMs: number) {
  const leaves = lookup.leaves(desk.world, incident.categoryCode);
  const community = lookup.community(desk.world, incident.communityCode);
  const perDay = positive(incident.extraPerDay, `${incident.id}: extraPerDay`);
  const lane = new IncidentLane(desk, incident.id, 8);
  const spot = spotIn(community, lane.rng);
  const arrivals = startFlow(desk, {
    lane,
    leafAt: seasonalPicker(leaves, (leaf) => leaf),
    placeAt: () => community,
    startMs,
    endMs,
    perHour: rhythm(perDay),
    shapeIssue: (issue, rng) => atSpot(issue, spot, rng),
  });
  return { lane, arrivals, spot };
}
