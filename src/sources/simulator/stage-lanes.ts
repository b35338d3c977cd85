// The lanes incidents are staged on: the desk they file requests at, the lane each group of
// requests runs on (its own random stream and bookkeeping), and the world look-ups they share.
import type { Agenda } from "./agenda.js";
import type { CallerIdentity, CallerPopulation, Channel } from "./callers.js";
import { seasonalWeight, type CategoryLeaf } from "./categories.js";
import type { Community, District } from "./city.js";
import { DAY, seasonOf, type SeasonName } from "./clock.js";
import type { Department } from "./departments.js";
import { isUnder, type Spot } from "./incidents.js";
import type { TicketContext, TicketProcess } from "./lifecycle.js";
import { Rng, WeightedPicker } from "./random.js";
import type { Issue, Request } from "./request.js";
import type { World } from "./world.js";

/**
 * Whose randomness and bookkeeping a request runs on. The everyday flow is one lane; each incident
 * (or each of its callers) is another with its own random stream, so staging an incident leaves
 * everything else the city does unchanged but for ticket, call and event numbers.
 */
export interface Lane extends TicketContext {
  /** A ticket was opened for a request of this lane (its ticket.created at `createdMs`). */
  opened(ticket: TicketProcess, createdMs: number): void;
  /** A call was offered for a request of this lane. */
  called(callId: string, offeredMs: number): void;
  /** Whether a caller whose call went unanswered tries again. */
  redials(request: Request): boolean;
}

/** What incidents see of the simulation. */
export interface Desk {
  readonly world: World;
  readonly startMs: number;
  /** Where the simulation ends (Infinity for an endless one). */
  readonly endMs: number;
  /** Files a request: a call (and the ticket an agent registers if answered) or a ticket straight away. */
  submit(request: Request, lane: Lane): void;
  schedule(item: Agenda): void;
}

/** One ticket as a label remembers it. */
export interface Filed {
  readonly ticketId: string;
  readonly createdMs: number;
  readonly channel: Channel;
  readonly merged: boolean;
  /** When it was closed for good (not reopened after), once it is. */
  closedMs: number | null;
}

/** A lane that records what it filed, for the labels. */
export class IncidentLane implements Lane {
  readonly rng: Rng;
  readonly filed: Filed[] = [];
  readonly callIds: string[] = [];
  private readonly byId = new Map<string, Filed>();
  /** The first ticket opened, for later copies to be merged into (并单). */
  first: TicketProcess | undefined;
  onSettled: ((ticket: TicketProcess) => void) | undefined;

  /** `attempts`: calls a caller makes before giving up on an unanswered request (1: never redials). */
  constructor(
    private readonly desk: Desk,
    stream: string,
    private readonly attempts: number,
  ) {
    this.rng = Rng.stream(desk.world.seed, `incident:${stream}`);
  }

  get directory(): World["departments"] {
    return this.desk.world.departments;
  }

  opened(ticket: TicketProcess, createdMs: number): void {
    // A request registered after the simulated span is never emitted, so it is no part of the truth.
    if (createdMs >= this.desk.endMs) return;
    this.first ??= ticket;
    const filed: Filed = { ticketId: ticket.ticketId, createdMs, channel: ticket.request.channel, merged: ticket.merged, closedMs: null };
    this.filed.push(filed);
    this.byId.set(ticket.ticketId, filed);
  }

  called(callId: string, offeredMs: number): void {
    if (offeredMs < this.desk.endMs) this.callIds.push(callId);
  }

  redials(request: Request): boolean {
    return request.attempt < this.attempts;
  }

  settled(ticket: TicketProcess): void {
    const filed = this.byId.get(ticket.ticketId);
    if (filed !== undefined) filed.closedMs = ticket.closedMs;
    this.onSettled?.(ticket);
  }
}

/** The common part of every label, from the lanes an incident used. */
export function summary(lanes: readonly IncidentLane[]) {
  const filed = lanes.flatMap((lane) => lane.filed).sort((a, b) => a.createdMs - b.createdMs);
  return {
    ticketIds: filed.map((f) => f.ticketId),
    firstCreatedMs: filed[0]?.createdMs ?? null,
    lastCreatedMs: filed[filed.length - 1]?.createdMs ?? null,
    mergedTicketIds: filed.filter((f) => f.merged).map((f) => f.ticketId),
  };
}

/**
 * People who never call otherwise, for incidents whose caller matters: indexes past the
 * population give phone numbers nobody else has (landlines, which can collide, are skipped).
 */
export class Newcomers {
  private next: number;

  constructor(private readonly callers: CallerPopulation) {
    this.next = callers.size;
  }

  take(): CallerIdentity {
    for (;;) {
      const identity = this.callers.identity(this.next++);
      if (!identity.landline) return identity;
    }
  }
}

/** Draws by seasonal weight; items out of season everywhere fall back to their plain weight. */
export function seasonalPicker<T>(items: readonly T[], leafOf: (item: T) => CategoryLeaf): (rng: Rng, atMs: number) => T {
  const bySeason = new Map<SeasonName, WeightedPicker<T>>();
  return (rng, atMs) => {
    const season = seasonOf(atMs);
    let picker = bySeason.get(season);
    if (picker === undefined) {
      const inSeason = items.some((item) => seasonalWeight(leafOf(item), season) > 0);
      picker = new WeightedPicker(items, (item) => (inSeason ? seasonalWeight(leafOf(item), season) : leafOf(item).weight));
      bySeason.set(season, picker);
    }
    return picker.pick(rng);
  };
}

/** The look-ups an incident needs, each failing with what was expected. */
export const lookup = {
  leaves(world: World, categoryCode: string): readonly CategoryLeaf[] {
    const leaves = world.categories.filter((leaf) => isUnder(leaf.code, categoryCode));
    if (leaves.length === 0) throw new RangeError(`no category ${categoryCode}: use a code of the tree, e.g. 01, 01.02 or 01.02.03`);
    return leaves;
  },
  district(world: World, code: string): District {
    const district = world.city.districts.find((d) => d.code === code);
    if (district === undefined) throw new RangeError(`no district ${code}: the districts are ${world.city.districts.map((d) => d.code).join(", ")}`);
    return district;
  },
  community(world: World, code: string): Community {
    const community = world.city.communities.find((c) => c.code === code);
    if (community === undefined) throw new RangeError(`no community ${code} in this city (its codes are district + street + 3 digits)`);
    return community;
  },
  department(world: World, code: string): Department {
    const department = world.departments.all.find((d) => d.code === code);
    if (department === undefined) throw new RangeError(`no department ${code}`);
    return department;
  },
};

export function positive(value: number, name: string): number {
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`${name} must be a positive finite number, got ${value}`);
  return value;
}

export function count(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be a whole number ≥ 0, got ${value}`);
  return value;
}

export function instant(value: number, name: string): number {
  if (!Number.isFinite(value)) throw new RangeError(`${name} must be a finite epoch ms, got ${value}`);
  return value;
}

/**
 * When a count-based incident's callers first come: the given window, or by default the first half
 * of the simulated span (the first week of an endless one), leaving time for what follows to unfold.
 */
export function spreadOf(desk: Desk, spread: { startMs?: number; durationMs?: number }, id: string): { startMs: number; durationMs: number } {
  const startMs = Math.max(desk.startMs, instant(spread.startMs ?? desk.startMs, `${id}: startMs`));
  const span = Number.isFinite(desk.endMs) ? (desk.endMs - startMs) / 2 : 7 * DAY;
  return { startMs, durationMs: positive(spread.durationMs ?? span, `${id}: durationMs`) };
}

/** A spot in a community where an incident concentrates: within a few hundred metres of its centre. */
export function spotIn(community: Community, rng: Rng): Spot {
  const round6 = (v: number) => Math.round(v * 1e6) / 1e6;
  return { lat: round6(community.lat + rng.between(-0.001, 0.001)), lon: round6(community.lon + rng.between(-0.0013, 0.0013)) };
}

/** The issue placed at the spot: geocoded requests land within some 40 metres of it. */
export function atSpot(issue: Issue, spot: Spot, rng: Rng): Issue {
  if (issue.location.lat === undefined) return issue;
  const lat = Math.round((spot.lat + rng.between(-0.0004, 0.0004)) * 1e6) / 1e6;
  const lon = Math.round((spot.lon + rng.between(-0.0005, 0.0005)) * 1e6) / 1e6;
  return { ...issue, location: Object.freeze({ ...issue.location, lat, lon }) };
}
