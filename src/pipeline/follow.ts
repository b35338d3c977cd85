// Detection that follows the store, for a consumer group of several workers. Each worker stores
// the events of its own partitions; one worker at a time (the owner of the detect lease, see
// sources/kafka/detect-lease.ts) feeds the stored events of every partition to the detectors in
// canonical (occurred_at, event_id) order, up to a watermark: the earliest "partition watermark
// less the allowed lateness" over the partitions, the partition watermark computed from the stored
// events by the lateness gate's own rule (lateness.ts). Any event stored later is at or after it
// (earlier ones are dead-lettered as too_late), so none can fall before the watermark: the
// detectors see one order whatever the partitioning, the number of workers and the rebalances, and
// their results equal a single worker's.
import { msToStoreTime } from "../contract/store-time.js";
import { STREAM_OF_SOURCE_SQL } from "../sources/message.js";
import type { Store } from "../store/port.js";
import type { Deriver, TableRows } from "./derive.js";
import { STREAM_WATERMARK_SQL } from "./lateness.js";
import { rebuildDerivers, replayStored, type StoreCursor } from "./rebuild.js";
import type { WriteTimer } from "./writer.js";

/**
 * Detectors are fed one slice of event time per call, and the watermark moves by whole slices: the
 * calls, and what each detector judges at the end of one, never depend on when the follower ran.
 */
const SLICE_MS = 5 * 60_000;

export interface FollowOptions {
  readonly store: Store;
  /** A fresh set of detectors: made and rebuilt from the store each time this worker takes the lease. */
  readonly create: () => readonly Deriver[];
  /** The streams whose progress bounds the watermark, as a `source` prefix: `kafka:<topic>/`. */
  readonly streamPrefix: string;
  /**
   * The streams (`kafka:<topic>/<partition>`) that hold data upstream, with the position of their
   * last message: one not stored that far holds the watermark back, however far the others are.
   */
  readonly expectedStreams: () => Promise<readonly { readonly stream: string; readonly lastOffset: number }[]>;
  readonly latenessMs: number;
  /** A stream whose newest event is this far behind the newest of all is idle: it no longer holds the watermark back. */
  readonly idleAfterMs: number;
  readonly time: WriteTimer;
  readonly onResults?: ((tables: readonly TableRows[]) => void) | undefined;
}

export interface FollowProgress {
  /** Events before this instant (epoch ms) have been fed to the detectors. */
  readonly watermarkMs: number;
  readonly events: number;
  readonly resultRows: number;
}

export class DetectionFollower {
  private derivers: readonly Deriver[] = [];
  private cursor: StoreCursor | undefined;
  private watermarkMs = -Infinity;
  /** Streams found stored up to their last message upstream, with what was found (markMs: the stream watermark, lateness.ts), by stream. */
  private readonly caughtUp = new Map<string, { markMs: number; lastOffset: number }>();

  constructor(private readonly options: FollowOptions) {}

  get progress(): number {
    return this.watermarkMs;
  }

  /**
   * Makes fresh detectors and rebuilds them from the events before the recorded progress (rows of
   * its last day are written again, as at any rebuild); step() goes on from there.
   */
  async start(): Promise<FollowProgress> {
    this.derivers = this.options.create();
    const [recorded] = await this.options.store.query<{ ms: string | number }>(
      "SELECT toUnixTimestamp64Milli(watermark) AS ms FROM detection_progress FINAL WHERE stage = 'detect'",
    );
    if (recorded === undefined) {
      this.cursor = { at: msToStoreTime(0), id: "" };
      return { watermarkMs: this.watermarkMs, events: 0, resultRows: 0 };
    }
    const watermarkMs = Number(recorded.ms);
    const { events, resultRows, cursor } = await rebuildDerivers(this.options.store, this.derivers, this.options.time, this.options.onResults, { beforeMs: watermarkMs, sliceMs: SLICE_MS });
    this.cursor = cursor ?? { at: msToStoreTime(0), id: "" };
    this.watermarkMs = watermarkMs;
    return { watermarkMs, events, resultRows };
  }

  /** Feeds the events between the last watermark and the current one; resolves what it did. */
  async step(): Promise<FollowProgress> {
    if (this.cursor === undefined) throw new Error("DetectionFollower.step before start");
    const watermarkMs = await this.watermark();
    if (watermarkMs === undefined || watermarkMs <= this.watermarkMs) return { watermarkMs: this.watermarkMs, events: 0, resultRows: 0 };
    const { events, resultRows, cursor } = await replayStored(this.options.store, this.derivers, this.cursor, watermarkMs, this.options.time, -Infinity, this.options.onResults, SLICE_MS);
    if (cursor) this.cursor = cursor;
    this.watermarkMs = watermarkMs;
    // Recorded once the results are durable: a successor rebuilds up to here and goes on.
    await this.options.store.insert("detection_progress", [{ stage: "detect", watermark: msToStoreTime(watermarkMs), updated_at: msToStoreTime(Date.now()), version: watermarkMs }]);
    return { watermarkMs, events, resultRows };
  }

  /**
   * The earliest (stream watermark − lateness) over the streams that can still bring events:
   * those not stored up to their last message upstream, and those caught up but active within
   * idleAfterMs of the newest of all (a caught-up stream quiet for longer, at night say, is idle and
   * no longer holds the watermark back). Undefined while a stream with messages has none stored.
   */
  private async watermark(): Promise<number | undefined> {
    const bound = await this.streamsBound();
    return bound === undefined ? undefined : Math.floor(bound / SLICE_MS) * SLICE_MS;
  }

  private async streamsBound(): Promise<number | undefined> {
    const { streamPrefix, latenessMs, idleAfterMs } = this.options;
    // A stream that is behind holds the watermark at its own − lateness, so older events need no scan.
    const sinceMs = Number.isFinite(this.watermarkMs) ? this.watermarkMs - idleAfterMs : 0;
    const stored = await this.storedStreams(`startsWith(source, {prefix:String})`, { prefix: streamPrefix, since: Math.max(0, Math.floor(sinceMs)) });
    const expected = await this.options.expectedStreams();
    // Upstream answered without a stream the store holds (metadata not yet known, a leader moving):
    // the streams it left out could be far behind, so the watermark waits for a full answer.
    const known = new Set(expected.map((e) => e.stream));
    if ([...stored.keys()].some((stream) => !known.has(stream))) return undefined;
    const latest = Math.max(0, ...[...stored.values()].map((s) => s.markMs));
    if (latest === 0) return undefined;
    let bound = Infinity;
    for (const { stream, lastOffset } of expected) {
      let s = stored.get(stream);
      // No watermark from recent events of this stream (too few, or only dead letters): look at all
      // it has stored. It may be idle since long ago, or behind, or be storing its first events
      // while this runs; only the first may be passed over.
      if (s === undefined || s.markMs === 0) {
        // a stream found caught up stays as it was until upstream has more of it: no need to scan it again
        const idle = this.caughtUp.get(stream);
        s = idle !== undefined && idle.lastOffset >= lastOffset ? idle : (await this.storedStreams(`startsWith(source, {at:String})`, { at: `${stream}@`, since: 0 })).get(stream);
        if (s !== undefined && s.lastOffset >= lastOffset) this.caughtUp.set(stream, s);
      }
      if (s === undefined) return undefined; // nothing stored yet: holds everything back
      const caughtUp = s.lastOffset >= lastOffset;
      if (s.markMs === 0) {
        if (caughtUp) continue; // too few events for a watermark (the gate admits any), and nothing more upstream
        return undefined;
      }
      if (caughtUp && s.markMs < latest - idleAfterMs) continue;
      bound = Math.min(bound, s.markMs - latenessMs);
    }
    return Number.isFinite(bound) ? bound : latest - latenessMs;
  }

  /**
   * Per stream matching `where`: its watermark over the events stored since `since` (0 when fewer
   * than the quorum; with that many since then it equals the watermark over all) and the last offset
   * it stored (events or dead letters).
   */
  private async storedStreams(where: string, params: Readonly<Record<string, string | number>>): Promise<Map<string, { markMs: number; lastOffset: number }>> {
    const rows = await this.options.store.query<{ stream: string; mark: string | number; last_offset: string | number }>(
      `SELECT stream, max(mark) AS mark, max(last_offset) AS last_offset FROM (
         SELECT ${STREAM_OF_SOURCE_SQL} AS stream, ${STREAM_WATERMARK_SQL} AS mark, max(toInt64OrZero(extract(source, '@([0-9]+)$'))) AS last_offset
         FROM events WHERE ${where} AND occurred_at >= fromUnixTimestamp64Milli({since:Int64}, 'UTC') GROUP BY stream
         UNION ALL
         SELECT ${STREAM_OF_SOURCE_SQL} AS stream, 0 AS mark, max(toInt64OrZero(extract(source, '@([0-9]+)$'))) AS last_offset
         FROM dead_letters WHERE ${where} GROUP BY stream
       ) GROUP BY stream`,
      params,
    );
    return new Map(rows.map((r) => [r.stream, { markMs: Number(r.mark), lastOffset: Number(r.last_offset) }]));
  }
}
