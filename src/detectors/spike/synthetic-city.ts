// A seeded synthetic city of created tickets (rhythms, over-dispersion, injected spikes) for fixtures and benchmarks.
import { mulberry32, poissonDraw } from "../stats/random.js";
import type { TicketObservation } from "./types.js";

const HOUR_MS = 3_600_000;

/** Relative ticket volume by local hour: office hours, and evenings (noise, neighbours). */
export const OFFICE_HOURS = [0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1.5, 4, 6, 6.5, 6, 4, 4.5, 5.5, 5.5, 5, 4, 3, 2.5, 2, 1.5, 1, 0.5];
export const EVENINGS = [1.5, 1, 0.5, 0.3, 0.2, 0.2, 0.3, 0.8, 1.5, 2, 2, 2, 2, 2, 2, 2, 2.5, 3, 4, 5, 5.5, 5, 4, 2.5];
/** Relative volume Monday … Sunday. */
export const WORKWEEK = [1.15, 1.05, 1, 1, 0.95, 0.5, 0.4];
export const FLAT_WEEK = [1, 1, 1, 1, 1, 1, 1];

export interface SyntheticLeaf {
  readonly path: readonly string[];
  /** Expected tickets per average day, city-wide. */
  readonly perDay: number;
  readonly hours: readonly number[];
  readonly week: readonly number[];
}

export interface Injection {
  readonly path: readonly string[];
  readonly district: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly rateMultiplier: number;
}

export interface SyntheticCity {
  readonly seed: number;
  /** Local midnight of the first day; `startWeekday` is its weekday (0 = Monday). */
  readonly startMs: number;
  readonly startWeekday: number;
  readonly days: number;
  readonly leaves: readonly SyntheticLeaf[];
  readonly districts: readonly { readonly code: string; readonly weight: number }[];
  readonly injections?: readonly Injection[];
  /** SD of a log-normal multiplier per leaf and day (0: pure Poisson). */
  readonly dayNoiseSd?: number;
}

/** 4 × 3 × 3 leaves with Zipf-like volumes and 8 districts: 52 categories, 468 watched series. */
export function standardCity(seed: number, startMs: number, startWeekday: number, days: number, ticketsPerDay = 2400): SyntheticCity {
  const random = mulberry32(seed ^ 0x5eed);
  const leaves: { path: string[]; weight: number; top: number }[] = [];
  for (let a = 1; a <= 4; a++) {
    for (let b = 1; b <= 3; b++) {
      for (let c = 1; c <= 3; c++) {
        const top = `0${a}`;
        leaves.push({ path: [top, `${top}.0${b}`, `${top}.0${b}.0${c}`], weight: 0, top: a });
      }
    }
  }
  const ranks = leaves.map((_, i) => i + 1).sort(() => random() - 0.5);
  leaves.forEach((leaf, i) => (leaf.weight = (ranks[i] ?? 1) ** -0.9));
  const total = leaves.reduce((acc, l) => acc + l.weight, 0);
  const weights = [0.25, 0.18, 0.14, 0.12, 0.1, 0.08, 0.07, 0.06];
  return {
    seed,
    startMs,
    startWeekday,
    days,
    leaves: leaves.map((l) => ({
      path: l.path,
      perDay: (ticketsPerDay * l.weight) / total,
      hours: l.top === 3 ? EVENINGS : OFFICE_HOURS,
      week: l.top === 4 ? FLAT_WEEK : WORKWEEK,
    })),
    districts: weights.map((weight, i) => ({ code: `D${i + 1}`, weight })),
  };
}

const share = (values: readonly number[], i: number): number => (values[i] ?? 0) / values.reduce((a, b) => a + b, 0);

/**
 * Every ticket of the city, ordered by (occurredAtMs, ticketId). Each leaf × district draws from
 * its own stream, so an injection changes no other series. `onLeafDay` sees each day's noise.
 */
export function generateTickets(city: SyntheticCity, onLeafDay?: (path: readonly string[], day: number, multiplier: number) => void): TicketObservation[] {
  const districtTotal = city.districts.reduce((acc, d) => acc + d.weight, 0);
  const drawn: { occurredAtMs: number; categoryPath: readonly string[]; districtCode: string; order: number }[] = [];
  city.leaves.forEach((leaf, leafIndex) => {
    const noiseStream = mulberry32(city.seed * 7919 + leafIndex);
    const sd = city.dayNoiseSd ?? 0;
    const noise = Array.from({ length: city.days }, (_, day) => {
      const m = sd > 0 ? Math.exp(sd * gaussian(noiseStream) - (sd * sd) / 2) : 1;
      onLeafDay?.(leaf.path, day, m);
      return m;
    });
    city.districts.forEach((district, districtIndex) => {
      const random = mulberry32(city.seed * 104_729 + leafIndex * 131 + districtIndex);
      for (let day = 0; day < city.days; day++) {
        const weekday = (city.startWeekday + day) % 7;
        const dayRate = leaf.perDay * 7 * share(leaf.week, weekday) * (noise[day] ?? 1);
        for (let hour = 0; hour < 24; hour++) {
          const hourStart = city.startMs + (day * 24 + hour) * HOUR_MS;
          const base = (dayRate * share(leaf.hours, hour) * district.weight) / districtTotal;
          const count = poissonDraw(random, base * injectionMultiplier(city.injections ?? [], leaf.path, district.code, hourStart));
          for (let k = 0; k < count; k++) {
            const occurredAtMs = hourStart + Math.floor(random() * HOUR_MS);
            drawn.push({ occurredAtMs, categoryPath: leaf.path, districtCode: district.code, order: drawn.length });
          }
        }
      }
    });
  });
  drawn.sort((a, b) => a.occurredAtMs - b.occurredAtMs || a.order - b.order);
  return drawn.map((t, i) => ({ occurredAtMs: t.occurredAtMs, categoryPath: t.categoryPath, districtCode: t.districtCode, ticketId: `t${String(i).padStart(8, "0")}` }));
}

function injectionMultiplier(injections: readonly Injection[], path: readonly string[], district: string, hourStart: number): number {
  let m = 1;
  for (const inj of injections) {
    const samePath = inj.path.length === path.length && inj.path.every((code, i) => path[i] === code);
    if (samePath && inj.district === district && hourStart >= inj.fromMs && hourStart < inj.toMs) m *= inj.rateMultiplier;
  }
  return m;
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());
}
