// What `run` and `replay` share: open and migrate the store, build the pipeline around a source,
// stop cleanly on SIGINT/SIGTERM after the batch in flight is durable, and close everything.
import { Registry } from "prom-client";
import { createAlerter } from "../alerts/index.js";
import { describeConfig, type Config } from "../config.js";
import { decide } from "../errors.js";
import { createPipeline, systemClock, type Clock, type PipelineProgress } from "../pipeline/pipeline.js";
import type { Deriver } from "../pipeline/derive.js";
import type { DeadLetterSink } from "../pipeline/writer.js";
import type { Source } from "../sources/message.js";
import type { Store } from "../store/port.js";
import type { Logger } from "../telemetry/log.js";
import { createMetrics, type Metrics } from "../telemetry/metrics.js";
import { WriteHealth } from "../pipeline/write-health.js";
import { applyMigrations, openHasher, openStore } from "../wiring.js";

export interface WorkerParts {
  readonly config: Config;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly metrics: Metrics;
  readonly store: Store;
  /** Whether the pipeline's writes go through (/readyz). */
  readonly writes: WriteHealth;
}

/** Opens the store and applies migrations, waiting (with backoff) while ClickHouse is unreachable. */
export async function openWorkerParts(config: Config, logger: Logger): Promise<WorkerParts> {
  const registry = new Registry();
  const metrics = createMetrics(registry, { processMetrics: true });
  logger.info({ config: describeConfig(config) }, "configuration (secrets redacted)");
  for (let backoffMs = 500; ; backoffMs = Math.min(backoffMs * 2, config.storeRetryMaxMs)) {
    let store: Store | undefined;
    try {
      store = await openStore(config);
      await applyMigrations(store, config, logger);
      return { config, logger, registry, metrics, store, writes: new WriteHealth() };
    } catch (error) {
      await store?.close();
      if (decide(error) === "stop") throw error;
      logger.warn({ err: (error as Error).message, retryInMs: backoffMs }, "store unavailable at start; retrying");
      await systemClock.sleep(backoffMs);
    }
  }
}

export interface RunOptions {
  readonly source: Source;
  readonly deadLetterSink?: (DeadLetterSink & { close(): Promise<void> }) | undefined;
  readonly onBatch?: ((progress: PipelineProgress) => void) | undefined;
  /** The worker's clock; the simulated city runs on its own, sped-up one. */
  readonly clock?: Clock | undefined;
  /**
   * Makes the detectors; a fresh set is rebuilt from the store before the first batch and after
   * every partition assignment. A fixed set (no factory) suits single-stream sources only.
   */
  readonly derivers?: readonly Deriver[] | (() => readonly Deriver[]) | undefined;
}

/** Runs the pipeline until the source ends or a signal arrives; returns what was done. */
export async function runPipeline(parts: WorkerParts, options: RunOptions): Promise<PipelineProgress> {
  const { config, logger, metrics, store } = parts;
  const hasher = await openHasher(config, logger);
  // Alerts follow the detectors: without detectors here (Kafka mode: see detection.ts) this worker raises none.
  const alerter = config.alerts && options.derivers !== undefined ? createAlerter({ config: config.alerts.routing, store, logger, registry: parts.registry }) : undefined;
  const pipeline = createPipeline(
    {
      source: options.source,
      store,
      hasher,
      metrics,
      logger,
      clock: options.clock ?? systemClock,
      deadLetterSink: options.deadLetterSink,
      derivers: options.derivers,
      onRebuild: (report) => logger.info(report, "detector state rebuilt from the store"),
      onResults: alerter && ((tables) => alerter.offer(tables)),
      onBatch: options.onBatch,
      writeHealth: parts.writes,
    },
    {
      batchMaxRows: config.batch.maxRows,
      batchMaxWaitMs: config.batch.maxWaitMs,
      limits: { maxEventBytes: config.ingest.maxEventBytes, maxFutureSkewMs: config.ingest.maxFutureSkewMs, earliestEventMs: Date.UTC(2000, 0, 1) },
      storeRetryMaxMs: config.storeRetryMaxMs,
      allowedLatenessMs: config.detect.latenessMs,
      killBeforeCommitAfterBatches: config.failpoints.killBeforeCommitAfterBatches,
    },
  );
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ signal }, "stopping after the batch in flight is durable");
    pipeline.stop();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    await options.source.start();
    return await pipeline.run();
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await options.source.close();
    await options.deadLetterSink?.close();
    await alerter?.close();
  }
}
