// Allowed lateness: an event older than its stream's watermark (a Kafka partition, a file, an HTTP
// client) by more than the allowed lateness is too late for the detectors' windows, which have
// closed; it becomes a dead letter with that reason instead of silently missing from results.
// Judged per stream because streams of one consumer advance at different paces, and judged only on
// events not stored before, after the writer's duplicate check, so a re-delivery is never judged
// twice.
//
// The watermark is the WATERMARK_QUORUM-th newest occurred_at admitted on the stream, not the
// newest: an event far ahead of the others (a wrong clock, local time labelled UTC) is admitted
// but cannot move it alone, so it cannot make every normal event after it too late; a real jump
// moves it once that many events share it. It only rises, and it depends on the set of admitted
// events alone, not on their order or batches: a restarted worker rebuilds it from the newest
// stored events of each stream (QUORUM_NEWEST_SQL) and judges exactly as one that never stopped.
import { msToStoreTime, storeTimeToMs } from "../contract/store-time.js";
import { STREAM_OF_SOURCE_SQL, streamOf } from "../sources/message.js";
import type { Store } from "../store/port.js";
import type { PreparedEvent } from "./batch.js";

/** Streams whose newest event is this far behind the newest of all are not looked up at start. */
const LOOKBACK_MS = 60 * 86_400_000;

/**
 * How many admitted events must have reached a time before the watermark does. Three tolerate two
 * outliers ahead of the stream at once, and keep a sparse stream's watermark only two events behind.
 */
export const WATERMARK_QUORUM = 3;

/** SQL aggregate over `events` rows: their WATERMARK_QUORUM newest occurred_at in epoch ms, newest first. */
export const QUORUM_NEWEST_SQL = `arrayMap(x -> -x, groupArraySorted(${WATERMARK_QUORUM})(-toUnixTimestamp64Milli(occurred_at)))`;

/** SQL aggregate over `events` rows of one stream: its watermark in epoch ms, 0 while it has fewer than WATERMARK_QUORUM events. */
export const STREAM_WATERMARK_SQL = `${QUORUM_NEWEST_SQL}[${WATERMARK_QUORUM}]`;

export interface LateEvent {
  readonly event: PreparedEvent;
  readonly stream: string;
  /** Its stream's watermark when it arrived. */
  readonly watermarkMs: number;
}

export interface LatenessJudgement {
  readonly admitted: readonly PreparedEvent[];
  readonly late: readonly LateEvent[];
  /** Applies the admitted events to the streams' watermarks; call once they are stored. */
  commit(): void;
}

/** The newest admitted times of a stream, newest first, at most WATERMARK_QUORUM of them. */
type Newest = number[];

/** Adds `at` to a stream's newest times in place. */
function admit(newest: Newest, at: number): void {
  if (newest.length === WATERMARK_QUORUM && at <= newest[WATERMARK_QUORUM - 1]!) return;
  let i = newest.length === WATERMARK_QUORUM ? WATERMARK_QUORUM - 1 : newest.length;
  newest[i] = at;
  for (; i > 0 && newest[i - 1]! < newest[i]!; i--) [newest[i - 1], newest[i]] = [newest[i]!, newest[i - 1]!];
}

function watermarkOf(newest: Newest | undefined): number | undefined {
  return newest !== undefined && newest.length === WATERMARK_QUORUM ? newest[WATERMARK_QUORUM - 1] : undefined;
}

export class LatenessGate {
  private readonly newest = new Map<string, Newest>();

  constructor(readonly allowedLatenessMs: number) {
    if (!Number.isFinite(allowedLatenessMs) || allowedLatenessMs < 0) throw new RangeError(`allowed lateness must be ≥ 0 ms, got ${allowedLatenessMs}`);
  }

  /** Reads the newest stored times of every stream active in the last 60 days of event time; resolves how many streams. */
  async load(store: Store): Promise<number> {
    const rows = await store.query<{ stream: string; newest: readonly (number | string)[] }>(
      `SELECT ${STREAM_OF_SOURCE_SQL} AS stream, ${QUORUM_NEWEST_SQL} AS newest
       FROM events
       WHERE occurred_at >= (SELECT max(occurred_at) FROM events) - toIntervalMillisecond(${LOOKBACK_MS})
       GROUP BY stream`,
    );
    this.newest.clear();
    for (const row of rows) this.newest.set(row.stream, row.newest.map(Number));
    return this.newest.size;
  }

  /** The stream's watermark (epoch ms), undefined while fewer than WATERMARK_QUORUM of its events were admitted. */
  watermarkOf(stream: string): number | undefined {
    return watermarkOf(this.newest.get(stream));
  }

  /** Splits events never stored before, in source order, into admitted and too late. Pure until commit(). */
  judge(events: readonly PreparedEvent[]): LatenessJudgement {
    const pending = new Map<string, Newest>();
    const admitted: PreparedEvent[] = [];
    const late: LateEvent[] = [];
    for (const event of events) {
      const stream = streamOf(event.position);
      const at = storeTimeToMs(event.row.occurred_at);
      let newest = pending.get(stream);
      if (newest === undefined) {
        newest = [...(this.newest.get(stream) ?? [])];
        pending.set(stream, newest);
      }
      const watermarkMs = watermarkOf(newest);
      if (watermarkMs !== undefined && at < watermarkMs - this.allowedLatenessMs) {
        late.push({ event, stream, watermarkMs });
        continue;
      }
      admitted.push(event);
      admit(newest, at);
    }
    return {
      admitted,
      late,
      commit: () => {
        for (const [stream, newest] of pending) this.newest.set(stream, newest);
      },
    };
  }

  describe(late: LateEvent): string {
    const behindMs = late.watermarkMs - storeTimeToMs(late.event.row.occurred_at);
    return (
      `occurred_at ${late.event.event.occurred_at} is ${behindMs} ms behind the watermark of ${late.stream} (${msToStoreTime(late.watermarkMs)} UTC, ` +
      `the time ${WATERMARK_QUORUM} of its events have reached), more than the allowed lateness of ${this.allowedLatenessMs} ms (HOTLINE_DETECT_LATENESS_MS); ` +
      `its detector windows are closed; raise HOTLINE_DETECT_LATENESS_MS if delays like this are normal for this source`
    );
  }
}
