// The shared shape of the detectors that follow tickets on event time (ticket flags, repeats,
// caller flags): feed every ticket event, then judge up to the newest event time less the lateness.
import type { EventRow } from "../contract/normalise.js";
import type { Deriver, TableRows } from "../pipeline/derive.js";
import { storeTimeToMs } from "../contract/store-time.js";

export interface TicketDetector<R> {
  /** Folds in one ticket event; `occurredAtMs` is its event time. */
  observe(event: EventRow, occurredAtMs: number): void;
  /** Results changed since the last call, judged at `watermarkMs`. */
  advance(watermarkMs: number): readonly R[];
}

/** Read-only counts of what a detector holds in memory (tickets, callers, series …), for bench:memory. */
export interface Tracked {
  tracked(): Readonly<Record<string, number>>;
}

export interface TicketDeriverOptions<R> {
  readonly name: string;
  readonly table: string;
  readonly replayWindowMs: number;
  readonly latenessMs: number;
  readonly detector: TicketDetector<R>;
  readonly toRow: (result: R) => object;
  readonly tracked?: () => Readonly<Record<string, number>>;
}

export function createTicketDeriver<R>(options: TicketDeriverOptions<R>): Deriver & Tracked {
  let newestMs = 0;
  return {
    name: options.name,
    tracked: options.tracked ?? (() => ({})),
    replayWindowMs: options.replayWindowMs,
    derive(events: readonly EventRow[]): readonly TableRows[] {
      for (const e of events) {
        if (e.ticket_id === "") continue;
        const occurredAtMs = storeTimeToMs(e.occurred_at);
        newestMs = Math.max(newestMs, occurredAtMs);
        options.detector.observe(e, occurredAtMs);
      }
      const results = options.detector.advance(newestMs - options.latenessMs);
      return results.length === 0 ? [] : [{ table: options.table, rows: results.map(options.toRow) }];
    },
  };
}
