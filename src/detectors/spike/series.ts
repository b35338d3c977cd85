// The watched series (category prefix × district, and city-wide) and the tree their shapes pool along.
import { Baseline } from "./baseline.js";
import type { SpikeConfig } from "./config.js";
import type { OpenSpike } from "./spikes.js";
import type { Resolution } from "./types.js";

/** A CUSUM of log-likelihood ratios and the run it is accumulating (since it last left zero). */
export interface Cusum {
  sum: number;
  runStart: number;
  runObserved: number;
  runExpected: number;
}

export interface SeriesNode {
  /** Unique and stable: the district and category path. */
  readonly key: string;
  readonly level: number;
  readonly categoryPath: readonly string[];
  readonly district: string;
  readonly parent: SeriesNode | undefined;
  readonly depth: number;
  children: number;
  readonly baseline: Baseline;
  /** Ticket counts by bucket number: recent complete buckets (for a spike's start) and pending ones. */
  readonly counts: Record<Resolution, Map<number, number>>;
  /** The daily CUSUM (hours are covered by trailing windows instead). */
  readonly cusum: Cusum;
  readonly spikes: Record<Resolution, OpenSpike | undefined>;
  /** The last bucket of this series' previous spike: a new one never starts at or before it. */
  readonly lastSpikeEnd: Record<Resolution, number>;
}

const newCusum = (): Cusum => ({ sum: 0, runStart: 0, runObserved: 0, runExpected: 0 });

export class SeriesRegistry {
  private readonly nodes = new Map<string, SeriesNode>();
  private ordered: SeriesNode[] | undefined;
  /** The chain of series for each (district, category path) seen, until a series is evicted. */
  private readonly chains = new Map<string, readonly SeriesNode[]>();
  readonly root: SeriesNode;

  constructor(private readonly c: SpikeConfig) {
    this.root = this.create("", [], undefined, 0);
  }

  get size(): number {
    return this.nodes.size;
  }

  /** The series a ticket counts in, created on first sight with `historyDays` of zeros behind them. */
  chain(categoryPath: readonly string[], district: string, historyDays: number, lastDay: number): readonly SeriesNode[] {
    const chainKey = `${district}\u0000${categoryPath.join("\u0000")}`;
    const cached = this.chains.get(chainKey);
    if (cached) return cached;
    const chain: SeriesNode[] = [this.root];
    let cityParent = this.root;
    for (let level = 1; level <= categoryPath.length; level++) {
      const path = categoryPath.slice(0, level);
      const city = this.getOrCreate("", path, cityParent, historyDays, lastDay);
      chain.push(city);
      if (district !== "") chain.push(this.getOrCreate(district, path, city, historyDays, lastDay));
      cityParent = city;
    }
    this.chains.set(chainKey, chain);
    return chain;
  }

  /** Every series, parents before children (the order refits need). */
  byDepth(): readonly SeriesNode[] {
    this.ordered ??= [...this.nodes.values()].sort((a, b) => a.depth - b.depth || (a.key < b.key ? -1 : 1));
    return this.ordered;
  }

  /** Forgets a series with no tickets for idleEvictDays, nothing pending, no spike and no children. */
  evictIdle(): void {
    for (const node of [...this.byDepth()].reverse()) {
      if (node === this.root || node.children > 0 || node.spikes.hour || node.spikes.day) continue;
      if (node.counts.hour.size > 0 || node.counts.day.size > 0) continue;
      if (node.baseline.recentTickets(this.c.idleEvictDays) > 0 || node.baseline.historyDays < this.c.idleEvictDays) continue;
      this.nodes.delete(node.key);
      this.ordered = undefined;
      this.chains.clear();
      if (node.parent) node.parent.children--;
    }
  }

  private getOrCreate(district: string, path: readonly string[], parent: SeriesNode, historyDays: number, lastDay: number): SeriesNode {
    const key = JSON.stringify([district, ...path]);
    const existing = this.nodes.get(key);
    if (existing) return existing;
    const node = this.create(district, path, parent, historyDays);
    if (historyDays > 0) node.baseline.refit(lastDay, parent.baseline);
    return node;
  }

  private create(district: string, path: readonly string[], parent: SeriesNode | undefined, historyDays: number): SeriesNode {
    const node: SeriesNode = {
      key: JSON.stringify([district, ...path]),
      level: path.length,
      categoryPath: path,
      district,
      parent,
      depth: parent ? parent.depth + 1 : 0,
      children: 0,
      baseline: new Baseline(this.c, historyDays),
      counts: { hour: new Map(), day: new Map() },
      cusum: newCusum(),
      spikes: { hour: undefined, day: undefined },
      lastSpikeEnd: { hour: -Infinity, day: -Infinity },
    };
    if (parent) parent.children++;
    this.nodes.set(node.key, node);
    this.ordered = undefined;
    return node;
  }
}
