// 热点: places where a category concentrates. Emerging: a place and category whose share of the
// last days is well above its share of the baseline, in the spirit of Kulldorff's space-time
// permutation scan (expected = place total × recent total / all, no population needed). Chronic:
// places that stay near the top in each of the last three 30-day blocks (the 未诉先办 list).
// Evaluated once per closed local day; pure, event time only.
import { EpisodeTracker } from "../episodes.js";
import { poissonUpperTail } from "../stats/distributions.js";

export interface HotspotConfig {
  readonly recentDays: number;
  readonly baselineDays: number;
  readonly minCount: number;
  readonly minRatio: number;
  /** Per place-category-day test: small, since thousands are tested each day. */
  readonly alpha: number;
  readonly chronicBlocks: number;
  readonly chronicBlockDays: number;
  readonly chronicTop: number;
  readonly chronicMinCount: number;
}

export const DEFAULT_HOTSPOT_CONFIG: HotspotConfig = {
  recentDays: 3,
  baselineDays: 28,
  minCount: 5,
  minRatio: 2,
  alpha: 1e-5,
  chronicBlocks: 3,
  chronicBlockDays: 30,
  chronicTop: 10,
  chronicMinCount: 5,
};

export interface HotspotInput {
  readonly ticketId: string;
  readonly day: number;
  /** `h3:<cell>` where coordinates exist, else `community:<code>` or `district:<code>`. */
  readonly place: string;
  readonly categoryCode: string;
  readonly districtCode: string;
}

export interface Hotspot {
  readonly hotspotId: string;
  readonly kind: "emerging" | "chronic";
  readonly status: "open" | "updated" | "closed";
  readonly place: string;
  readonly categoryCode: string;
  readonly districtCode: string;
  readonly observed: number;
  readonly expected: number;
  readonly pValue: number;
  readonly windowStartDay: number;
  readonly windowEndDay: number;
  readonly sampleTicketIds: readonly string[];
  readonly firstSeenDay: number;
  readonly lastUpdatedDay: number;
}

interface Cell {
  readonly place: string;
  readonly categoryCode: string;
  readonly districtCode: string;
  readonly days: Map<number, number>;
  readonly samples: string[];
}

export class HotspotDetector {
  private readonly cells = new Map<string, Cell>();
  private readonly categoryDays = new Map<string, Map<number, number>>();
  private readonly episodes = new EpisodeTracker<Hotspot>();
  private lastEvaluatedDay: number | undefined;

  /** Read-only counts of the state held, for bench:memory. */
  get tracked(): { cells: number } {
    return { cells: this.cells.size };
  }

  constructor(private readonly config: HotspotConfig = DEFAULT_HOTSPOT_CONFIG) {}

  observe(t: HotspotInput): void {
    const key = `${t.place}|${t.categoryCode}`;
    let cell = this.cells.get(key);
    if (cell === undefined) {
      cell = { place: t.place, categoryCode: t.categoryCode, districtCode: t.districtCode, days: new Map(), samples: [] };
      this.cells.set(key, cell);
    }
    cell.days.set(t.day, (cell.days.get(t.day) ?? 0) + 1);
    cell.samples.push(t.ticketId);
    if (cell.samples.length > 10) cell.samples.shift();
    const totals = this.categoryDays.get(t.categoryCode) ?? new Map<number, number>();
    totals.set(t.day, (totals.get(t.day) ?? 0) + 1);
    this.categoryDays.set(t.categoryCode, totals);
  }

  /** Evaluates every local day that ended before `closedThroughDay` (inclusive) and was not evaluated yet. */
  advance(closedThroughDay: number): Hotspot[] {
    const out: Hotspot[] = [];
    let day = this.lastEvaluatedDay === undefined ? closedThroughDay : this.lastEvaluatedDay + 1;
    for (; day <= closedThroughDay; day++) {
      out.push(...this.evaluateDay(day));
      this.lastEvaluatedDay = day;
    }
    return out;
  }

  private evaluateDay(day: number): Hotspot[] {
    const c = this.config;
    const found = new Map<string, Hotspot>();
    const recentFrom = day - c.recentDays + 1;
    const baselineFrom = recentFrom - c.baselineDays;
    for (const [key, cell] of this.cells) {
      const recent = sumDays(cell.days, recentFrom, day);
      if (recent < c.minCount) continue;
      const totals = this.categoryDays.get(cell.categoryCode)!;
      const placeAll = sumDays(cell.days, baselineFrom, day);
      const categoryRecent = sumDays(totals, recentFrom, day);
      const categoryAll = sumDays(totals, baselineFrom, day);
      const expected = (placeAll * categoryRecent) / categoryAll;
      // the place's own recent tickets are in both totals: judge only when the baseline had room
      if (placeAll === recent && categoryAll === categoryRecent) continue;
      const pValue = poissonUpperTail(recent, expected);
      if (recent >= c.minRatio * expected && pValue < c.alpha) {
        found.set(`emerging|${key}`, this.hotspot("emerging", cell, recent, expected, pValue, recentFrom, day));
      }
    }
    for (const [key, cell] of this.chronicCells(day)) found.set(`chronic|${key}`, cell);
    return this.reconcile(found, day);
  }

  private chronicCells(day: number): Map<string, Hotspot> {
    const c = this.config;
    const inAllBlocks = new Map<string, number>();
    for (let block = 0; block < c.chronicBlocks; block++) {
      const to = day - block * c.chronicBlockDays;
      const from = to - c.chronicBlockDays + 1;
      const byCategory = new Map<string, { key: string; count: number }[]>();
      for (const [key, cell] of this.cells) {
        const count = sumDays(cell.days, from, to);
        if (count < c.chronicMinCount) continue;
        byCategory.set(cell.categoryCode, [...(byCategory.get(cell.categoryCode) ?? []), { key, count }]);
      }
      for (const list of byCategory.values()) {
        list.sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1));
        for (const { key } of list.slice(0, c.chronicTop)) inAllBlocks.set(key, (inAllBlocks.get(key) ?? 0) + 1);
      }
    }
    const out = new Map<string, Hotspot>();
    const from = day - c.chronicBlocks * c.chronicBlockDays + 1;
    for (const [key, blocks] of inAllBlocks) {
      if (blocks < c.chronicBlocks) continue;
      const cell = this.cells.get(key)!;
      out.set(key, this.hotspot("chronic", cell, sumDays(cell.days, from, day), 0, 1, from, day));
    }
    return out;
  }

  private hotspot(kind: Hotspot["kind"], cell: Cell, observed: number, expected: number, pValue: number, fromDay: number, toDay: number): Hotspot {
    return {
      hotspotId: "",
      kind,
      status: "open",
      place: cell.place,
      categoryCode: cell.categoryCode,
      districtCode: cell.districtCode,
      observed,
      expected,
      pValue,
      windowStartDay: fromDay,
      windowEndDay: toDay,
      sampleTicketIds: [...cell.samples],
      firstSeenDay: toDay,
      lastUpdatedDay: toDay,
    };
  }

  /** Opens new hotspots, updates continuing ones, closes those no longer found. */
  private reconcile(found: Map<string, Hotspot>, day: number): Hotspot[] {
    const out = this.episodes.reconcile(found, day, (h, status, firstSeenDay) => ({
      ...h,
      // one chronic row per place and category (it may outlive any replay window); emerging ones are episodes
      hotspotId: h.kind === "chronic" ? `chronic:${h.place}:${h.categoryCode}` : `emerging:${h.place}:${h.categoryCode}:${firstSeenDay}`,
      status,
      firstSeenDay,
    }));
    this.evict(day);
    return out;
  }

  private evict(day: number): void {
    const c = this.config;
    const keepFrom = day - Math.max(c.recentDays + c.baselineDays, c.chronicBlocks * c.chronicBlockDays);
    for (const [key, cell] of this.cells) {
      for (const d of cell.days.keys()) if (d < keepFrom) cell.days.delete(d);
      if (cell.days.size === 0) this.cells.delete(key);
    }
    for (const totals of this.categoryDays.values()) for (const d of totals.keys()) if (d < keepFrom) totals.delete(d);
  }
}

function sumDays(days: ReadonlyMap<number, number>, from: number, to: number): number {
  let total = 0;
  for (const [day, count] of days) if (day >= from && day <= to) total += count;
  return total;
}
