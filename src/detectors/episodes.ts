// Episodes of a finding that is judged once per local day (a hotspot, a bursting phrase): found
// again → updated, found first → open, no longer found → closed on that day.

export interface Episode {
  readonly status: "open" | "updated" | "closed";
  readonly firstSeenDay: number;
  readonly lastUpdatedDay: number;
}

export class EpisodeTracker<T extends Episode> {
  private readonly active = new Map<string, { firstSeenDay: number; last: T }>();

  /**
   * `found` maps a finding's key to what was found on `day`; `stamp` gives it its id, status and
   * first day. Returns the findings opened, updated and closed, in key order then closings.
   */
  reconcile(found: ReadonlyMap<string, T>, day: number, stamp: (finding: T, status: "open" | "updated", firstSeenDay: number) => T): T[] {
    const out: T[] = [];
    for (const [key, finding] of [...found].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const known = this.active.get(key);
      const firstSeenDay = known?.firstSeenDay ?? day;
      const stamped = stamp(finding, known === undefined ? "open" : "updated", firstSeenDay);
      this.active.set(key, { firstSeenDay, last: stamped });
      out.push(stamped);
    }
    for (const [key, known] of [...this.active]) {
      if (found.has(key)) continue;
      this.active.delete(key);
      out.push({ ...known.last, status: "closed", lastUpdatedDay: day });
    }
    return out;
  }
}
