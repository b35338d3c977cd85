// Local hours and days of an IANA time zone as integer bucket numbers; days start at local midnight.

const HOUR_MS = 3_600_000;
const QUARTER_MS = 900_000;
const MAX_CACHED = 20_000;

/**
 * Hour n is the n-th local hour since 1970-01-01 00:00 local time and day n = ⌊hour / 24⌋. Intl
 * gives the zone's offset, memoized per quarter hour (offsets change on quarter hours). Where a
 * clock goes back, the repeated local hour is one (two-hour) bucket; a skipped hour is empty.
 */
export class LocalCalendar {
  private readonly format: Intl.DateTimeFormat;
  private readonly offsets = new Map<number, number>();
  private lastQuarter = Number.NaN;
  private lastOffset = 0;

  constructor(readonly timeZone: string) {
    this.format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
    });
  }

  /** Local time minus UTC at the instant, in ms (+8 h for Asia/Shanghai). */
  offsetMs(utcMs: number): number {
    const quarter = Math.floor(utcMs / QUARTER_MS);
    if (quarter === this.lastQuarter) return this.lastOffset;
    const offset = this.offsets.get(quarter) ?? this.lookUp(quarter);
    this.lastQuarter = quarter;
    this.lastOffset = offset;
    return offset;
  }

  private lookUp(quarter: number): number {
    const at = quarter * QUARTER_MS;
    const parts: Record<string, number> = {};
    for (const p of this.format.formatToParts(at)) if (p.type !== "literal") parts[p.type] = Number(p.value);
    const local = Date.UTC(parts["year"] ?? 1970, (parts["month"] ?? 1) - 1, parts["day"] ?? 1, parts["hour"] ?? 0, parts["minute"] ?? 0);
    const offset = local - at;
    if (this.offsets.size >= MAX_CACHED) this.offsets.clear();
    this.offsets.set(quarter, offset);
    return offset;
  }

  hourIndex(utcMs: number): number {
    return Math.floor((utcMs + this.offsetMs(utcMs)) / HOUR_MS);
  }

  /** The UTC instant a local hour starts (in a DST gap, where the skipped hour would have). */
  hourStartMs(hour: number): number {
    const local = hour * HOUR_MS;
    const guess = local - this.offsetMs(local);
    return local - this.offsetMs(guess);
  }

  dayStartMs(day: number): number {
    return this.hourStartMs(day * 24);
  }
}

export const dayOfHour = (hour: number): number => Math.floor(hour / 24);

export const hourOfDay = (hour: number): number => hour - 24 * Math.floor(hour / 24);

/** 0 = Monday … 6 = Sunday (local day 0, 1970-01-01, was a Thursday). */
export const weekdayOfDay = (day: number): number => (((day + 3) % 7) + 7) % 7;
