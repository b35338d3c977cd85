// The worker as `hotline-sensor run` builds it, for the benchmarks: the configuration from an
// environment record (the shipped defaults), chdb migrated under a folder, the Kafka source, every
// detector, and the pipeline around them.
import { Registry } from "prom-client";
import pino from "pino";
import { loadConfig, type Config } from "../../src/config.js";
import { createHasher } from "../../src/contract/personal-data.js";
import { createDerivers } from "../../src/detectors/index.js";
import type { Deriver } from "../../src/pipeline/derive.js";
import { createPipeline, systemClock, type Pipeline, type PipelineProgress } from "../../src/pipeline/pipeline.js";
import { createKafkaSource } from "../../src/sources/kafka/consumer.js";
import type { Source } from "../../src/sources/message.js";
import { openChdbStore } from "../../src/store/chdb.js";
import { migrate, repoMigrationsDir } from "../../src/store/migrations.js";
import type { Store } from "../../src/store/port.js";
import { createMetrics, type Metrics } from "../../src/telemetry/metrics.js";

export const BENCH_HASH_KEY = "bench-caller-hash-key-0123456789abcdef";

export function benchConfig(options: { dataDir: string; brokers?: string; topic?: string; groupId?: string; batchMaxRows?: number }): Config {
  return loadConfig({
    HOTLINE_DATA_DIR: options.dataDir,
    HOTLINE_CALLER_HASH_KEY: BENCH_HASH_KEY,
    HOTLINE_LOG_LEVEL: "silent",
    ...(options.batchMaxRows === undefined ? {} : { HOTLINE_BATCH_MAX_ROWS: String(options.batchMaxRows) }),
    ...(options.brokers === undefined ? {} : { KAFKA_BROKERS: options.brokers, KAFKA_TOPIC: options.topic, KAFKA_GROUP_ID: options.groupId }),
  });
}

export async function openMigratedStore(config: Config, chdbDir: string): Promise<Store> {
  const store = await openChdbStore({ dataDir: chdbDir, database: config.database });
  await migrate(store, { dir: repoMigrationsDir(), vars: { timezone: config.timezone } });
  return store;
}

export interface BenchWorker {
  readonly pipeline: Pipeline;
  readonly source: Source;
  readonly metrics: Metrics;
  /** The detectors of the latest rebuild (the pipeline makes a fresh set at each partition assignment). */
  readonly derivers: () => readonly Deriver[];
}

/** The pipeline with the Kafka source and all detectors, exactly as the worker wires it (runPipeline in src/commands/worker.ts). */
export function kafkaWorker(config: Config, store: Store, onBatch?: (progress: PipelineProgress) => void): BenchWorker {
  if (config.kafka === undefined) throw new Error("kafkaWorker needs KAFKA_BROKERS in the configuration");
  const logger = pino({ level: "silent" });
  const metrics = createMetrics(new Registry(), { processMetrics: false });
  const source = createKafkaSource(config.kafka, { logger, metrics });
  let latest: readonly Deriver[] = [];
  const pipeline = createPipeline(
    {
      source,
      store,
      hasher: createHasher(Buffer.from(BENCH_HASH_KEY, "utf8")),
      metrics,
      logger,
      clock: systemClock,
      derivers: () => (latest = createDerivers(config)),
      onBatch,
    },
    {
      batchMaxRows: config.batch.maxRows,
      batchMaxWaitMs: config.batch.maxWaitMs,
      limits: { maxEventBytes: config.ingest.maxEventBytes, maxFutureSkewMs: config.ingest.maxFutureSkewMs, earliestEventMs: Date.UTC(2000, 0, 1) },
      storeRetryMaxMs: config.storeRetryMaxMs,
      allowedLatenessMs: config.detect.latenessMs,
    },
  );
  return { pipeline, source, metrics, derivers: () => latest };
}

/** Seconds spent writing each table, from the worker's own store-write histogram. */
export async function writeSecondsByTable(metrics: Metrics): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const value of (await metrics.storeWriteSeconds.get()).values) {
    if (!value.metricName?.endsWith("_sum")) continue;
    const table = String(value.labels["table"] ?? "");
    out[table] = Math.round(value.value * 100) / 100;
  }
  return out;
}
