// When new requests arrive: an inhomogeneous Poisson process, hour by hour, shaped by the daily
// rhythm (peaks 9–11 and 14–17), the week (quiet weekends), a slight upward trend and day-to-day
// noise; plus the agendas for bursts (群体诉求) and for very frequent callers.
import type { Agenda, Draft } from "./agenda.js";
import type { SizeProfile } from "./city.js";
import { DAY, HOUR, HOURLY_SHARE, WEEKDAY_FACTOR, localDay, localHour, localWeekday, roundToSecond, toOfficeHours } from "./clock.js";
import type { Rng } from "./random.js";

/** A public holiday (节假日): from `startMs`, for `days` days, arrivals run at `volumeFactor` of normal. */
export interface Holiday {
  readonly startMs: number;
  readonly days: number;
  readonly volumeFactor: number;
}

export function checkHolidays(holidays: readonly Holiday[]): void {
  for (const h of holidays) {
    if (!Number.isFinite(h.startMs) || !(h.days > 0) || !Number.isFinite(h.days) || !(h.volumeFactor >= 0) || !Number.isFinite(h.volumeFactor)) {
      throw new RangeError(`a holiday needs a finite startMs, days > 0 and a volumeFactor ≥ 0, got ${JSON.stringify(h)}`);
    }
  }
}

export interface ArrivalSink {
  /** A new request about a new issue. */
  fresh(atMs: number): void;
  /** A call answered on the spot, producing no ticket (当场答复的咨询). */
  consultation(atMs: number): void;
  /** Many people start calling about one place and issue. */
  burst(atMs: number): void;
}

/** Share of tickets that are fresh requests; repeats, bursts and frequent callers make up the rest. */
const FRESH_SHARE = 0.86;
/** Consultation calls answered on the spot, per fresh request. */
const CONSULTATIONS_PER_REQUEST = 0.3;
/** About +15% a year. */
const TREND_PER_DAY = 0.0004;
const MEAN_WEEKDAY = WEEKDAY_FACTOR.reduce((a, b) => a + b, 0) / 7;
const FRESH = 0;
const CONSULTATION = 1;
const BURST = 2;

export class Arrivals implements Agenda {
  atMs: number;
  order = 0;
  /** How busy the current hour's day is against an average day: the call centre's load. */
  load = 1;
  private pending = new Float64Array(0);
  private index = 0;
  private slotEnd: number;
  private day = Number.NaN;
  private dayNoise = 1;

  constructor(
    private readonly startMs: number,
    private readonly profile: SizeProfile,
    private readonly rng: Rng,
    private readonly sink: ArrivalSink,
    private readonly holidays: readonly Holiday[] = [],
  ) {
    this.atMs = startMs;
    this.slotEnd = startMs;
  }

  fire(): Draft | null {
    const code = this.pending[this.index];
    if (code === undefined) {
      this.fillSlot();
    } else {
      this.index++;
      this.deliver(code);
    }
    const next = this.pending[this.index];
    this.atMs = next === undefined ? this.slotEnd : Math.floor(next / 4);
    return null;
  }

  private deliver(code: number): void {
    const atMs = Math.floor(code / 4);
    const kind = code - atMs * 4;
    if (kind === FRESH) this.sink.fresh(atMs);
    else if (kind === CONSULTATION) this.sink.consultation(atMs);
    else this.sink.burst(atMs);
  }

  /** The volume factor of the holiday covering `ms`, 1 outside every holiday. */
  private holidayFactor(ms: number): number {
    for (const h of this.holidays) if (ms >= h.startMs && ms < h.startMs + h.days * DAY) return h.volumeFactor;
    return 1;
  }

  /** Draws the arrivals of the next slot (up to the next whole hour), sorted, encoded as time × 4 + kind. */
  private fillSlot(): void {
    const slotStart = this.slotEnd;
    this.slotEnd = Math.floor(slotStart / HOUR) * HOUR + HOUR;
    const length = this.slotEnd - slotStart;
    const rng = this.rng;
    if (localDay(slotStart) !== this.day) {
      this.day = localDay(slotStart);
      this.dayNoise = rng.logNormal(1, 0.08);
    }
    const hour = Math.floor(localHour(slotStart));
    const trend = 1 + (TREND_PER_DAY * (slotStart - this.startMs)) / DAY;
    this.load = ((WEEKDAY_FACTOR[localWeekday(slotStart)] ?? 1) / MEAN_WEEKDAY) * trend * this.dayNoise;
    const holiday = this.holidayFactor(slotStart);
    // Without holidays nothing is multiplied, so the draws (and the events) stay exactly as before.
    if (holiday !== 1) this.load *= holiday;
    const expected = this.profile.ticketsPerDay * FRESH_SHARE * (HOURLY_SHARE[hour] ?? 0) * this.load * (length / HOUR);
    const fresh = rng.poisson(expected);
    const consultations = rng.poisson(expected * CONSULTATIONS_PER_REQUEST);
    const bursts = hour >= 7 && hour < 22 ? rng.poisson((this.profile.burstsPerDay / 15) * (length / HOUR) * holiday) : 0;
    const codes = new Float64Array(fresh + consultations + bursts);
    for (let i = 0; i < codes.length; i++) {
      const kind = i < fresh ? FRESH : i < fresh + consultations ? CONSULTATION : BURST;
      const atMs = Math.min(this.slotEnd, Math.max(slotStart, roundToSecond(slotStart + rng.next() * length)));
      codes[i] = atMs * 4 + kind;
    }
    this.pending = codes.sort();
    this.index = 0;
  }
}

/** Runs an action at each of a sorted list of moments (the calls of one burst). */
export class Series implements Agenda {
  atMs: number;
  order = 0;
  private index = 0;

  constructor(
    private readonly moments: readonly number[],
    private readonly action: (atMs: number, index: number) => void,
  ) {
    this.atMs = moments[0] ?? Infinity;
  }

  fire(): Draft | null {
    const atMs = this.atMs;
    this.action(atMs, this.index++);
    this.atMs = this.moments[this.index] ?? Infinity;
    return null;
  }
}

/** A very frequent caller (高频来电): calls again and again, in waking hours. */
export class Habit implements Agenda {
  order = 0;

  constructor(
    public atMs: number,
    private readonly perDay: number,
    private readonly rng: Rng,
    private readonly action: (atMs: number) => void,
  ) {
    this.atMs = this.nextAfter(atMs);
  }

  fire(): Draft | null {
    this.action(this.atMs);
    this.atMs = this.nextAfter(this.atMs);
    return null;
  }

  private nextAfter(ms: number): number {
    return roundToSecond(toOfficeHours(ms + this.rng.exponential(DAY / this.perDay), this.rng, 7, 23));
  }
}
