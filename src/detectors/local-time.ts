// Local calendar days in the configured time zone, as day numbers (days since 1970-01-01 local),
// so detectors count days from local midnight, not UTC. Cached per UTC hour: zones shift by hours.
const HOUR = 3_600_000;

export class LocalDays {
  private readonly format: Intl.DateTimeFormat;
  private readonly cache = new Map<number, number>();

  constructor(readonly timeZone: string) {
    this.format = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
  }

  /** The local day number of an instant. */
  dayOf(ms: number): number {
    const hour = Math.floor(ms / HOUR);
    let day = this.cache.get(hour);
    if (day === undefined) {
      day = Math.floor(Date.parse(`${this.format.format(new Date(hour * HOUR))}T00:00:00Z`) / 86_400_000);
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(hour, day);
    }
    return day;
  }

  /** The instant local midnight begins day `day + 1`, i.e. when day `day` is over. */
  endOf(day: number): number {
    // local midnight is within ±14 h of UTC midnight; find the first hour that belongs to the next day
    let ms = (day + 1) * 86_400_000 - 14 * HOUR;
    while (this.dayOf(ms) <= day) ms += HOUR;
    return ms;
  }

  /** 'YYYY-MM-DD' of a local day number. */
  label(day: number): string {
    return new Date(day * 86_400_000).toISOString().slice(0, 10);
  }
}
