// Random incidents for benchmarks: spikes in series chosen across the levels of the category tree
// and the districts, sized against each series' normal rate and never overlapping a related
// series; hotspots, chains, duplicates, collective complaints and abusive callers around them.
import { seasonalWeight, type CategoryLeaf } from "./categories.js";
import type { Community } from "./city.js";
import { DAY, HOUR, MINUTE, seasonOf, toOfficeHours } from "./clock.js";
import type { Department } from "./departments.js";
import { isUnder, type Incident, type SpikeIncident } from "./incidents.js";
import { Rng, WeightedPicker } from "./random.js";
import { seasonalPicker } from "./stage-lanes.js";
import type { World } from "./world.js";

export interface RandomIncidentOptions {
  readonly seed: number;
  /** The simulation's start (epoch ms) and length in days (finite): every incident falls inside. */
  readonly startMs: number;
  readonly days: number;
  readonly spikes: number;
  readonly emergingHotspots?: number;
  readonly chronicHotspots?: number;
  readonly repeatChains?: number;
  readonly crossChannelDuplicates?: number;
  readonly collectiveComplaints?: number;
  readonly abusiveCallers?: number;
  /** No incident starts in the first days, so detectors can learn the normal flow first (default 0). */
  readonly warmupDays?: number;
}

const SPIKE_HOURS = [2, 3, 4, 6, 8, 12, 24];
const round2 = (v: number) => Math.round(v * 100) / 100;
const toMinute = (ms: number) => Math.floor(ms / MINUTE) * MINUTE;

/**
 * A series' normal ticket.created per hour, averaged over the day and the week: the city's volume
 * times the category's share (by seasonal weight at `atMs`) times the district's share of people.
 */
export function normalPerHour(world: World, categoryCode: string, districtCode: string | null, atMs: number): number {
  const season = seasonOf(atMs);
  const weight = (leaves: readonly CategoryLeaf[]) => leaves.reduce((sum, leaf) => sum + seasonalWeight(leaf, season), 0);
  const people = (communities: readonly Community[]) => communities.reduce((sum, c) => sum + c.weight, 0);
  const all = world.city.communities;
  const local = districtCode === null ? all : all.filter((c) => c.street.district.code === districtCode);
  const share = weight(world.categories.filter((leaf) => isUnder(leaf.code, categoryCode))) / weight(world.categories);
  return (world.profile.ticketsPerDay / 24) * share * (people(local) / people(all));
}

interface Window {
  readonly startMs: number;
  readonly endMs: number;
}

/** Two spikes whose series nest (a category in its parent, a district in the city) must not overlap in time. */
function clash(a: SpikeIncident, b: SpikeIncident): boolean {
  const nested = isUnder(a.categoryCode, b.categoryCode) || isUnder(b.categoryCode, a.categoryCode);
  const sharePlace = a.districtCode === null || b.districtCode === null || a.districtCode === b.districtCode;
  return nested && sharePlace && a.startMs < b.startMs + b.durationMs && b.startMs < a.startMs + a.durationMs;
}

function randomSpike(world: World, rng: Rng, window: Window, placed: readonly SpikeIncident[], id: string): SpikeIncident | undefined {
  const hours = SPIKE_HOURS.filter((h) => h * HOUR <= window.endMs - window.startMs);
  const leafAt = seasonalPicker(world.categories, (leaf) => leaf);
  for (let attempt = 0; attempt < 50 && hours.length > 0; attempt++) {
    const durationMs = rng.pick(hours) * HOUR;
    const startMs = toMinute(window.startMs + rng.next() * (window.endMs - window.startMs - durationMs));
    const level = rng.intBetween(1, 3);
    const categoryCode = leafAt(rng, startMs).code.slice(0, 3 * level - 1);
    const districtCode = rng.chance(0.3) ? null : rng.pick(world.city.districts).code;
    const normal = normalPerHour(world, categoryCode, districtCode, startMs);
    const extraPerHour = round2(Math.max(1, rng.between(1, 4) * normal));
    const spike: SpikeIncident = { kind: "spike", id, categoryCode, districtCode, startMs, durationMs, extraPerHour };
    if (!placed.some((other) => clash(spike, other))) return spike;
  }
  return undefined;
}

/** Departments that are the first to get some complaint, the closers (办结≠解决 by character) first. */
function chainDepartments(world: World): Department[] {
  const firsts = new Set<Department>();
  for (const street of world.city.streets) {
    for (const leaf of world.categories) {
      if (leaf.outOfScope || leaf.requestType === "consultation") continue;
      const first = world.departments.route(leaf, street)[0];
      if (first !== undefined) firsts.add(first);
    }
  }
  const all = [...firsts].sort((a, b) => a.code.localeCompare(b.code));
  const closers = all.filter((d) => d.behaviour.archetype === "closer");
  return closers.length > 0 ? closers : all;
}

/** Random incidents for a benchmark run; the same world and options give the same incidents. */
export function randomIncidents(world: World, options: RandomIncidentOptions): Incident[] {
  const { days } = options;
  if (!Number.isFinite(days) || days <= 0) throw new RangeError(`days must be positive and finite, got ${days}`);
  const rng = Rng.stream(options.seed, "random-incidents");
  const warmupMs = Math.min(options.warmupDays ?? 0, days / 2) * DAY;
  const window: Window = { startMs: options.startMs + warmupMs, endMs: options.startMs + days * DAY };
  const lengthMs = window.endMs - window.startMs;
  const firstHalf = { startMs: window.startMs, durationMs: lengthMs / 2 };
  const scale = (world.profile.ticketsPerDay / 300) ** 0.3;
  const communities = new WeightedPicker(world.city.communities, (c) => c.weight);
  const used = new Set<Community>();
  const freshCommunity = () => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const community = communities.pick(rng);
      if (used.has(community)) continue;
      used.add(community);
      return community;
    }
    return communities.pick(rng);
  };
  const hotspotLeafAt = seasonalPicker(world.categories.filter((leaf) => leaf.chronic), (leaf) => leaf);
  const burstLeafAt = seasonalPicker(world.categories.filter((leaf) => leaf.bursts), (leaf) => leaf);
  const moment = (durationMs = 0) => toMinute(window.startMs + rng.next() * Math.max(0, lengthMs - durationMs));
  const times = (n: number | undefined) => Array.from({ length: n ?? 0 }, (_, i) => `-${i + 1}`);

  const spikes: SpikeIncident[] = [];
  for (const n of times(options.spikes)) {
    const spike = randomSpike(world, rng, window, spikes, `spike${n}`);
    if (spike !== undefined) spikes.push(spike);
  }
  const emerging = times(options.emergingHotspots).map((n): Incident => {
    const durationMs = Math.min(rng.intBetween(48, 120) * HOUR, lengthMs);
    const startMs = moment(durationMs);
    const extraPerDay = round2(rng.between(3, 8) * scale);
    return { kind: "emerging_hotspot", id: `emerging_hotspot${n}`, categoryCode: hotspotLeafAt(rng, startMs).code, communityCode: freshCommunity().code, startMs, durationMs, extraPerDay };
  });
  const chronic = times(options.chronicHotspots).map((n): Incident => {
    const categoryCode = hotspotLeafAt(rng, window.startMs).code;
    return { kind: "chronic_hotspot", id: `chronic_hotspot${n}`, categoryCode, communityCode: freshCommunity().code, extraPerDay: round2(rng.between(1.5, 4) * scale) };
  });
  const departments = chainDepartments(world);
  const chains = times(options.repeatChains).map((n): Incident => {
    const departmentCode = rng.pick(departments).code;
    return { kind: "repeat_chain", id: `repeat_chain${n}`, departmentCode, count: rng.intBetween(3, 6), ...firstHalf };
  });
  const duplicates = times(options.crossChannelDuplicates).map((n): Incident => {
    return { kind: "cross_channel_duplicate", id: `cross_channel_duplicate${n}`, count: rng.intBetween(3, 8), ...firstHalf };
  });
  const collective = times(options.collectiveComplaints).map((n): Incident => {
    const startMs = toMinute(toOfficeHours(moment(8 * HOUR), rng, 8, 18));
    const callers = Math.round(rng.between(8, 25) * scale);
    return { kind: "collective_complaint", id: `collective_complaint${n}`, categoryCode: burstLeafAt(rng, startMs).code, communityCode: freshCommunity().code, startMs, callers };
  });
  const abusive = times(options.abusiveCallers).map((n): Incident => {
    const durationMs = Math.min(rng.intBetween(24, 96) * HOUR, lengthMs);
    return { kind: "abusive_caller", id: `abusive_caller${n}`, callsPerDay: Math.round(rng.between(10, 30)), startMs: moment(durationMs), durationMs, identicalText: rng.chance(0.5) };
  });
  return [...spikes, ...emerging, ...chronic, ...chains, ...duplicates, ...collective, ...abusive];
}

/** The set `simulate --incidents random` stages: a few of every kind, more spikes for longer runs. */
export function defaultRandomIncidents(world: World, options: { seed: number; startMs: number; days: number }): Incident[] {
  const { days } = options;
  return randomIncidents(world, {
    ...options,
    spikes: Math.max(2, Math.round(days * 1.5)),
    emergingHotspots: Math.max(1, Math.round(days / 7)),
    chronicHotspots: 1,
    repeatChains: 1,
    crossChannelDuplicates: 1,
    collectiveComplaints: Math.max(1, Math.round(days / 5)),
    abusiveCallers: 1,
    warmupDays: days >= 4 ? 1 : 0,
  });
}
