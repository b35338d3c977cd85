// Allowed lateness: an event older than the newest stored event of its own stream (a Kafka
// partition, a file) by more than the allowed lateness is too late for the detectors' windows, which
// have closed; it becomes a dead letter with that reason instead of silently missing from results.
// Judged per stream because streams of one consumer advance at different paces, and judged only on
// events not stored before, after the writer's duplicate check, so a re-delivery is never judged
// twice. The newest time per stream is rebuilt from `events` at start: a restarted worker judges
// exactly as one that never stopped.
import { msToStoreTime, storeTimeToMs } from "../contract/store-time.js";
import { STREAM_OF_SOURCE_SQL, streamOf } from "../sources/message.js";
import type { Store } from "../store/port.js";
import type { PreparedEvent } from "./batch.js";

/** Streams whose newest event is this far behind the newest of all are not looked up at start. */
const LOOKBACK_MS = 60 * 86_400_000;

export interface LateEvent {
  readonly event: PreparedEvent;
  readonly stream: string;
  /** The newest occurred_at stored for its stream when it arrived. */
  readonly newestMs: number;
}

export interface LatenessJudgement {
  readonly admitted: readonly PreparedEvent[];
  readonly late: readonly LateEvent[];
  /** Applies the admitted events to the streams' newest times; call once they are stored. */
  commit(): void;
}

export class LatenessGate {
  private readonly newest = new Map<string, number>();

  constructor(readonly allowedLatenessMs: number) {
    if (!Number.isFinite(allowedLatenessMs) || allowedLatenessMs < 0) throw new RangeError(`allowed lateness must be ≥ 0 ms, got ${allowedLatenessMs}`);
  }

  /** Reads the newest stored occurred_at of every stream active in the last 60 days of event time; resolves how many. */
  async load(store: Store): Promise<number> {
    const rows = await store.query<{ stream: string; newest: string }>(
      `SELECT ${STREAM_OF_SOURCE_SQL} AS stream, toString(max(occurred_at)) AS newest
       FROM events
       WHERE occurred_at >= (SELECT max(occurred_at) FROM events) - toIntervalMillisecond(${LOOKBACK_MS})
       GROUP BY stream`,
    );
    this.newest.clear();
    for (const row of rows) this.newest.set(row.stream, storeTimeToMs(row.newest));
    return this.newest.size;
  }

  newestOf(stream: string): number | undefined {
    return this.newest.get(stream);
  }

  /** Splits events never stored before, in source order, into admitted and too late. Pure until commit(). */
  judge(events: readonly PreparedEvent[]): LatenessJudgement {
    const pending = new Map<string, number>();
    const admitted: PreparedEvent[] = [];
    const late: LateEvent[] = [];
    for (const event of events) {
      const stream = streamOf(event.position);
      const at = storeTimeToMs(event.row.occurred_at);
      const newestMs = pending.get(stream) ?? this.newest.get(stream);
      if (newestMs !== undefined && at < newestMs - this.allowedLatenessMs) {
        late.push({ event, stream, newestMs });
        continue;
      }
      admitted.push(event);
      if (newestMs === undefined || at > newestMs) pending.set(stream, at);
    }
    return {
      admitted,
      late,
      commit: () => {
        for (const [stream, ms] of pending) this.newest.set(stream, ms);
      },
    };
  }

  describe(late: LateEvent): string {
    const behindMs = late.newestMs - storeTimeToMs(late.event.row.occurred_at);
    return (
      `occurred_at ${late.event.event.occurred_at} is ${behindMs} ms behind the newest event of ${late.stream} (${msToStoreTime(late.newestMs)} UTC), ` +
      `more than the allowed lateness of ${this.allowedLatenessMs} ms (HOTLINE_DETECT_LATENESS_MS); its detector windows are closed; ` +
      `raise HOTLINE_DETECT_LATENESS_MS if delays like this are normal for this source`
    );
  }
}
