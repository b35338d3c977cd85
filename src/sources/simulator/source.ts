// The simulator as a Source: each event's JSON bytes with a `simulator` position. As fast as asked,
// or in realtime, releasing events as a simulated clock (wall time × speedup) passes them.
import type { Source, SourceMessage } from "../message.js";
import type { HotlineEvent } from "../../contract/event.js";
import { openSimulation, type EventStream, type SimulationOptions } from "./simulate.js";

/** Pacing by a simulated clock; the clock and the sleep are injected so tests control time. */
export interface RealtimeOptions {
  /** Simulated ms per wall ms: 60 plays an hour a minute. */
  readonly speedup: number;
  readonly nowMs: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

export type SimulatorSourceOptions = SimulationOptions & { realtime?: RealtimeOptions };

interface Timed {
  readonly atMs: number;
  readonly event: HotlineEvent;
}

export function createSimulatorSource(options: SimulatorSourceOptions): Source {
  const { realtime, ...simulation } = options;
  if (realtime !== undefined && !(realtime.speedup > 0)) throw new RangeError(`realtime.speedup must be positive, got ${realtime.speedup}`);
  const encoder = new TextEncoder();
  let stream: EventStream | undefined;
  /** The next event, read ahead so realtime mode knows how long to wait for it. */
  let lookahead: Timed | undefined;
  let exhausted = false;
  let closed = false;
  let wallStart = 0;
  let seq = 0;

  const start = async (): Promise<void> => {
    if (stream !== undefined || closed) return;
    stream = openSimulation(simulation);
    wallStart = realtime?.nowMs() ?? 0;
  };

  const peek = (): Timed | undefined => {
    if (lookahead === undefined && !exhausted && !closed && stream !== undefined) {
      const event = stream.next();
      if (event === undefined) exhausted = true;
      else lookahead = { atMs: stream.atMs, event };
    }
    return lookahead;
  };

  const message = (event: HotlineEvent): SourceMessage => ({
    bytes: encoder.encode(JSON.stringify(event)),
    position: { kind: "simulator", seed: simulation.seed, seq: seq++ },
  });

  /** Takes up to `maxRows` events due by `untilMs` (simulated time). */
  const takeDue = (maxRows: number, untilMs: number): SourceMessage[] => {
    const batch: SourceMessage[] = [];
    for (let timed = peek(); timed !== undefined && timed.atMs <= untilMs && batch.length < maxRows; timed = peek()) {
      lookahead = undefined;
      batch.push(message(timed.event));
    }
    return batch;
  };

  const nextRealtime = async (clock: RealtimeOptions, maxRows: number, maxWaitMs: number): Promise<SourceMessage[] | null> => {
    const calledAt = clock.nowMs();
    let slept = 0;
    for (;;) {
      const now = clock.nowMs();
      const simulatedNow = simulation.startMs + (now - wallStart) * clock.speedup;
      const batch = takeDue(maxRows, simulatedNow);
      if (batch.length > 0) return batch;
      const upcoming = peek();
      if (upcoming === undefined) return null;
      const remaining = maxWaitMs - Math.max(now - calledAt, slept);
      if (remaining <= 0) return [];
      const wait = Math.min(remaining, Math.max(1, Math.ceil((upcoming.atMs - simulatedNow) / clock.speedup)));
      await clock.sleep(wait);
      slept += wait;
      if (closed) return null;
    }
  };

  return {
    name: "simulator",
    start,
    async next(maxRows: number, maxWaitMs: number): Promise<SourceMessage[] | null> {
      if (closed) return null;
      await start();
      if (maxRows <= 0) return [];
      if (realtime !== undefined) return nextRealtime(realtime, maxRows, maxWaitMs);
      const batch = takeDue(maxRows, Infinity);
      return batch.length === 0 ? null : batch;
    },
    async ack(): Promise<void> {},
    async idle(): Promise<void> {},
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      lookahead = undefined;
      stream = undefined;
    },
  };
}
