// The worker's one loop: read a batch from the source, turn it into rows, write them, and only then
// acknowledge it. The next batch is read and turned into rows while one is written (the insert runs
// off the event loop); while the store is unavailable the loop waits with backoff and reads nothing
// beyond that one batch ahead, so consumption pauses and memory stays at two batches.
import type { IngestLimits } from "../contract/ingest.js";
import { scrubText, type PersonalDataHasher } from "../contract/personal-data.js";
import { storeTimeToMs } from "../contract/store-time.js";
import { decide, SensorError } from "../errors.js";
import { describePosition, type Source, type SourceMessage } from "../sources/message.js";
import type { Store } from "../store/port.js";
import type { Logger } from "../telemetry/log.js";
import type { Metrics } from "../telemetry/metrics.js";
import { prepareBatchYielding, type PreparedBatch, type PreparedEvent } from "./batch.js";
import { deriveInChunks, type Deriver, type TableRows } from "./derive.js";
import { LatenessGate } from "./lateness.js";
import type { WriteHealth } from "./write-health.js";
import { rebuildDerivers, type RebuildReport } from "./rebuild.js";
import { writeBatch, writeDerived, type DeadLetterSink, type WriteResult, type WriteTimer } from "./writer.js";

export interface Clock {
  nowMs(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  nowMs: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface PipelineOptions {
  readonly batchMaxRows: number;
  readonly batchMaxWaitMs: number;
  readonly limits: IngestLimits;
  readonly storeRetryMaxMs: number;
  /**
   * Events older than their stream's watermark by more than this are dead-lettered as too_late
   * (see lateness.ts); undefined admits every event whatever its lateness.
   */
  readonly allowedLatenessMs?: number | undefined;
  /** Test-only: SIGKILL this process after this many batches were written and before their ack. */
  readonly killBeforeCommitAfterBatches?: number | undefined;
}

export interface PipelineDeps {
  readonly source: Source;
  readonly store: Store;
  readonly hasher: PersonalDataHasher;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly deadLetterSink?: DeadLetterSink | undefined;
  /**
   * Makes the detectors fed with each batch's new events (their rows are durable before the ack
   * too). A fresh set is made and rebuilt from the store before the first batch and whenever the
   * source is handed partitions, so state never depends on which worker read what before. A fixed
   * set (not a factory) is rebuilt before the first batch only: it suits single-stream sources.
   */
  readonly derivers?: readonly Deriver[] | (() => readonly Deriver[]) | undefined;
  /** Result rows once they are durable: each batch's, and those a rebuild writes again (alerts are raised from them). */
  readonly onResults?: ((tables: readonly TableRows[]) => void) | undefined;
  /** Called after each rebuild of the detectors' state. */
  readonly onRebuild?: ((report: RebuildReport & { readonly derivers: readonly string[]; readonly seconds: number }) => void) | undefined;
  /** Told of every write that succeeds or fails, for /readyz. */
  readonly writeHealth?: WriteHealth | undefined;
  /** Called after each durable batch, e.g. for progress on a terminal. */
  readonly onBatch?: ((progress: PipelineProgress) => void) | undefined;
}

export interface PipelineProgress {
  inputs: number;
  stored: number;
  duplicates: number;
  deadLetters: number;
  deadLettersByReason: Record<string, number>;
  batches: number;
}

export interface Pipeline {
  /** Runs until the source ends (finite sources) or `stop` is called; resolves once the last batch is durable. */
  run(): Promise<PipelineProgress>;
  /** Asks the loop to finish the batch in flight and return. */
  stop(): void;
  readonly progress: Readonly<PipelineProgress>;
}

export function createPipeline(deps: PipelineDeps, options: PipelineOptions): Pipeline {
  const { source, store, metrics, logger, clock } = deps;
  const progress: PipelineProgress = { inputs: 0, stored: 0, duplicates: 0, deadLetters: 0, deadLettersByReason: {}, batches: 0 };
  const gate = options.allowedLatenessMs === undefined ? undefined : new LatenessGate(options.allowedLatenessMs);
  let derivers: readonly Deriver[] = [];
  /** The source's assignment count the derivers were rebuilt for; undefined before the first batch. */
  let rebuiltFor: number | undefined;
  let stopping = false;
  let wake: (() => void) | undefined;

  async function writeWithRetry<T>(write: () => Promise<T>): Promise<T | undefined> {
    let backoffMs = 100;
    for (;;) {
      try {
        const result = await write();
        metrics.storeAvailable.set(1);
        deps.writeHealth?.succeeded();
        return result;
      } catch (error) {
        if (decide(error) === "stop") throw error;
        metrics.storeAvailable.set(0);
        // /readyz needs no token: the engine's message may quote a row, so it is scrubbed
        deps.writeHealth?.failed(`the store takes no writes, retrying the batch: ${scrubText((error instanceof Error ? error.message : String(error)).slice(0, 300))}`, clock.nowMs());
        metrics.storeRetries.inc();
        logger.warn({ err: describe(error), retryInMs: backoffMs }, "store unavailable; consumption paused, retrying the batch");
        if (stopping) return undefined;
        await source.idle();
        if (stopping) return undefined;
        await Promise.race([clock.sleep(backoffMs), new Promise<void>((resolve) => (wake = resolve))]);
        if (stopping) return undefined;
        backoffMs = Math.min(backoffMs * 2, options.storeRetryMaxMs);
      }
    }
  }

  function account(result: WriteResult, inputs: number, duplicatesInBatch: number): void {
    progress.batches += 1;
    progress.inputs += inputs;
    progress.stored += result.stored.length;
    progress.duplicates += result.alreadyStoredEvents + result.alreadyStoredDeadLetters + duplicatesInBatch;
    progress.deadLetters += result.deadLettered.length;
    metrics.batchRows.observe(inputs);
    metrics.eventsConsumed.inc({ source: source.name }, inputs);
    if (result.alreadyStoredEvents + duplicatesInBatch > 0) metrics.duplicatesSkipped.inc({ kind: "event" }, result.alreadyStoredEvents + duplicatesInBatch);
    if (result.alreadyStoredDeadLetters > 0) metrics.duplicatesSkipped.inc({ kind: "dead_letter" }, result.alreadyStoredDeadLetters);
    // counted per type and compared as store time text (its order is time order) in the loop; the metrics once per batch
    const storedByType = new Map<string, number>();
    let newestText = "";
    for (const { event, row } of result.stored) {
      storedByType.set(event.type, (storedByType.get(event.type) ?? 0) + 1);
      if (row.occurred_at > newestText) newestText = row.occurred_at;
    }
    for (const [type, count] of storedByType) metrics.eventsStored.inc({ type }, count);
    const newest = newestText === "" ? 0 : storeTimeToMs(newestText);
    if (newest > 0) metrics.lastEventTime.set(newest / 1000);
    for (const letter of result.deadLettered) {
      metrics.deadLetters.inc({ reason: letter.reason_code });
      progress.deadLettersByReason[letter.reason_code] = (progress.deadLettersByReason[letter.reason_code] ?? 0) + 1;
      logger.warn({ source: letter.source, reason: letter.reason_code, detail: letter.reason }, "dead letter");
    }
  }

  async function rebuild(create: () => readonly Deriver[]): Promise<RebuildReport> {
    const started = performance.now();
    const fresh = create();
    const report = await rebuildDerivers(store, fresh, (table, seconds) => metrics.storeWriteSeconds.observe({ table }, seconds), deps.onResults);
    derivers = fresh;
    deps.onRebuild?.({ ...report, derivers: fresh.map((d) => d.name), seconds: Math.round(performance.now() - started) / 1000 });
    return report;
  }

  /** Writes one prepared batch, its derived rows and its ack; "stop" when the loop must end (stopping during an outage). */
  async function writeOne(read: readonly SourceMessage[], prepared: PreparedBatch, assignments: number, timeWrite: WriteTimer): Promise<"stop" | "done"> {
    if (deps.derivers && assignments !== rebuiltFor) {
      const create = deps.derivers;
      if (typeof create === "function") {
        if ((await writeWithRetry(() => rebuild(create))) === undefined) return "stop";
      } else if (rebuiltFor === undefined) {
        if ((await writeWithRetry(() => rebuild(() => create))) === undefined) return "stop";
      } else {
        logger.error("partitions were reassigned but the detectors were given as a fixed set, so their state cannot be rebuilt; pass a factory");
      }
      rebuiltFor = assignments;
    }
    // From the ownership check to the ack no partition of this batch goes to another worker.
    const fenced = source.fenced === undefined ? (write: () => Promise<"stop" | "done">) => write() : source.fenced.bind(source);
    return fenced(async () => {
      const { messages, batch } = keepOwned(read, prepared);
      if (messages.length === 0) return "done";
      // The detectors run while the events insert is in flight (it runs off the event loop).
      const detect = deriveOnce(derivers);
      const result = await writeWithRetry(() => writeBatch(store, batch, deps.deadLetterSink, timeWrite, gate, detect.run));
      if (result === undefined) return "stop"; // stopping while the store was down: nothing acked, all will be re-delivered
      if (result.refused > 0 && typeof deps.derivers === "function") {
        // The detectors saw the events the store then refused: rebuilt from what is stored instead,
        // as a restarted worker would be (the rebuild writes the rows of the last day again).
        const create = deps.derivers;
        logger.warn({ refused: result.refused }, "the store refused events the detectors had seen: rebuilding them from the store");
        if ((await writeWithRetry(() => rebuild(create))) === undefined) return "stop";
      } else {
        // Derived rows are written until durable, before the ack. A crash before this write is
        // healed at the next start, when the derivers replay the stored events.
        const derived = await detect.rows(result.stored);
        if (derived.length > 0) {
          if ((await writeWithRetry(() => writeDerived(store, derived, timeWrite))) === undefined) return "stop";
          deps.onResults?.(derived);
        }
      }
      if (options.killBeforeCommitAfterBatches !== undefined && progress.batches + 1 >= options.killBeforeCommitAfterBatches) {
        logger.warn("failpoint HOTLINE_FAILPOINT_KILL_BEFORE_COMMIT: killing the worker between write and commit");
        process.kill(process.pid, "SIGKILL");
      }
      await source.ack(messages);
      account(result, messages.length, batch.duplicatesInBatch);
      deps.onBatch?.(progress);
      return "done";
    });
  }

  /**
   * Drops the messages of partitions lost in a rebalance since they were read (their new owner
   * reads them again from the committed offset), so two workers do not write the same events.
   */
  function keepOwned(messages: readonly SourceMessage[], batch: PreparedBatch): { messages: readonly SourceMessage[]; batch: PreparedBatch } {
    const owns = source.owns?.bind(source);
    if (owns === undefined) return { messages, batch };
    const kept = messages.filter((m) => owns(m.position));
    if (kept.length === messages.length) return { messages, batch };
    const lost = new Set(messages.filter((m) => !owns(m.position)).map((m) => describePosition(m.position)));
    logger.info({ dropped: lost.size }, "partitions lost in a rebalance: their messages are left to the new owner");
    return { messages: kept, batch: { ...batch, events: batch.events.filter((e) => !lost.has(describePosition(e.position))), deadLetters: batch.deadLetters.filter((d) => !lost.has(d.source)) } };
  }

  return {
    progress,
    stop() {
      stopping = true;
      wake?.();
    },
    async run() {
      const timeWrite = (table: string, seconds: number) => metrics.storeWriteSeconds.observe({ table }, seconds);
      if (gate && (await writeWithRetry(() => gate.load(store))) === undefined) return progress;
      const read = async (): Promise<ReadBatch | null> => {
        const messages = await source.next(options.batchMaxRows, options.batchMaxWaitMs);
        if (messages === null) return null;
        const batch = messages.length === 0 ? undefined : await prepareBatchYielding(messages, deps.hasher, options.limits, clock.nowMs());
        return { messages, batch, assignments: source.assignments?.() ?? 0 };
      };
      let ahead: Promise<ReadBatch | null> | undefined;
      try {
        while (!stopping) {
          const current = await (ahead ?? read());
          ahead = undefined;
          if (current === null) break;
          const { messages, batch, assignments } = current;
          if (batch === undefined) continue;
          // one batch ahead, read and prepared while this one is written; dropped unacknowledged if the loop stops
          if (!stopping) {
            ahead = read();
            ahead.catch(() => undefined); // awaited at the top of the loop or below; an early failure is not unhandled
          }
          if ((await writeOne(messages, batch, assignments, timeWrite)) === "stop") break;
        }
      } finally {
        // the source is closed after run() returns: never with a read of it in flight
        await ahead?.catch(() => undefined);
      }
      return progress;
    },
  };
}

interface ReadBatch {
  readonly messages: readonly SourceMessage[];
  /** Undefined for an empty read. */
  readonly batch: PreparedBatch | undefined;
  /** The source's assignment count when the batch was read. */
  readonly assignments: number;
}

/**
 * Feeds one batch to the detectors exactly once (they are stateful): on the first write attempt's
 * new events, while that attempt's insert is in flight, whatever a retry after an outage finds
 * stored already; or, when nothing was inserted, on the result's. A detector's error is kept and
 * thrown by `rows`, after the write, never taken for a store error.
 */
function deriveOnce(derivers: readonly Deriver[]): { run(stored: readonly PreparedEvent[]): Promise<void>; rows(stored: readonly PreparedEvent[]): Promise<TableRows[]> } {
  let outcome: Promise<{ readonly rows: TableRows[] } | { readonly error: unknown }> | undefined;
  const run = (stored: readonly PreparedEvent[]): Promise<void> => {
    outcome ??= deriveInChunks(derivers, stored.map((e) => e.row)).then(
      (rows) => ({ rows }),
      (error: unknown) => ({ error }),
    );
    return outcome.then(() => undefined);
  };
  return {
    run,
    async rows(stored) {
      await run(stored);
      const done = await outcome!;
      if ("error" in done) throw done.error;
      return done.rows;
    },
  };
}

function describe(error: unknown): Record<string, unknown> {
  if (error instanceof SensorError) return { code: error.code, storeCode: error.storeCode, message: error.message };
  return { message: error instanceof Error ? error.message : String(error) };
}
