// Labelled spikes in the rarest third of leaf categories: 3–8 extra tickets over 4–24 hours in series that see about one ticket a week.
import { mulberry32 } from "../../src/detectors/stats/index.js";
import { normalPerHour, type SpikeIncident, type World } from "../../src/sources/simulator/index.js";
import { DAY_MS, HOUR_MS, categoriesNest } from "./series.js";

export interface SparseOptions {
  readonly seed: number;
  readonly startMs: number;
  readonly days: number;
  readonly spikes: number;
}

const HOURS = [4, 6, 8, 12, 24];

/** Nested series (a category in its parent, a district in the city) never carry two spikes at once, as in randomIncidents. */
function clash(a: SpikeIncident, b: SpikeIncident): boolean {
  const samePlace = a.districtCode === null || b.districtCode === null || a.districtCode === b.districtCode;
  const overlap = a.startMs < b.startMs + b.durationMs && b.startMs < a.startMs + a.durationMs;
  return samePlace && overlap && categoriesNest(a.categoryCode, b.categoryCode);
}

export function sparseSpikes(world: World, o: SparseOptions): SpikeIncident[] {
  const random = mulberry32(o.seed ^ 0x5ba75e);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const endMs = o.startMs + o.days * DAY_MS;
  const rate = (code: string): number => Math.min(normalPerHour(world, code, null, o.startMs), normalPerHour(world, code, null, endMs - 1));
  const inSeason = world.categories.filter((leaf) => rate(leaf.code) > 0).sort((a, b) => rate(a.code) - rate(b.code) || a.code.localeCompare(b.code));
  const rarest = inSeason.slice(0, Math.ceil(inSeason.length / 3));
  const spikes: SpikeIncident[] = [];
  for (let attempt = 0; spikes.length < o.spikes && attempt < 50 * o.spikes; attempt++) {
    const hours = pick(HOURS);
    const startMs = Math.floor((o.startMs + random() * (o.days * DAY_MS - hours * HOUR_MS)) / 60_000) * 60_000;
    const categoryCode = pick(rarest).code;
    const districtCode = random() < 0.8 ? pick(world.city.districts).code : null;
    const tickets = 3 + Math.floor(random() * 6);
    const extraPerHour = Math.round((tickets / hours) * 100) / 100;
    const spike: SpikeIncident = { kind: "spike", id: `sparse-${spikes.length + 1}`, categoryCode, districtCode, startMs, durationMs: hours * HOUR_MS, extraPerHour };
    if (!spikes.some((other) => clash(spike, other))) spikes.push(spike);
  }
  return spikes;
}
