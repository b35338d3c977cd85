// The spike (突增) detector's input (created tickets) and output (spike openings, updates and closings).

/** One 受理 ticket.created, as the spike detector reads it. */
export interface TicketObservation {
  readonly occurredAtMs: number;
  /** Category codes from the root to the leaf, e.g. ["02", "02.05", "02.05.03"]. */
  readonly categoryPath: readonly string[];
  /** District (区) code; "" when unknown (the ticket then counts city-wide only). */
  readonly districtCode: string;
  readonly ticketId: string;
  /** The caller's keyed hash; "" when anonymous. A caller's repeats of one issue count once (see repeatCallerWindowMs). */
  readonly callerKey?: string;
}

export type Resolution = "hour" | "day";

/** A watched series: one category at one level of the tree, in one district or city-wide (""). */
export interface SpikeSeriesKey {
  /** 1 for the top of the category tree, 2 below it, … */
  readonly level: number;
  readonly category: string;
  readonly district: string;
  readonly resolution: Resolution;
}

export type SpikeStatus = "open" | "updated" | "closed";

/** Which evidence opened the spike: one bucket, the last few hours together, or days accumulated (CUSUM). */
export type SpikeTrigger = "bucket" | "window" | "cusum";

export interface SpikeScore {
  /** P(count ≥ observed) over the spike's window under the baseline (negative binomial). */
  readonly pValue: number;
  /** observed / expected over the spike's window. */
  readonly ratio: number;
}

export interface SpikeUpdate {
  /** Stable across updates and replays: a hash of the series key and startedAtMs. */
  readonly id: string;
  readonly status: SpikeStatus;
  readonly series: SpikeSeriesKey;
  readonly categoryPath: readonly string[];
  readonly trigger: SpikeTrigger;
  /** Start of the first elevated bucket: when the rise began. */
  readonly startedAtMs: number;
  /** End of the last elevated bucket, once closed. */
  readonly endedAtMs: number | null;
  /**
   * Tickets and expected tickets in the spike's window so far; always observed > expected. A closing
   * update whose complete buckets are not above expected repeats the figures last reported.
   */
  readonly observed: number;
  readonly expected: number;
  readonly score: SpikeScore;
  /** Event time (the advance() clock) when first reported and last reported. */
  readonly firstSeenMs: number;
  readonly lastUpdatedMs: number;
  /** Up to maxSampleTickets ticket ids from the window, earliest first. */
  readonly sampleTicketIds: readonly string[];
}
