// `hotline-sensor run`: the worker. Kafka → ClickHouse when configured; otherwise the embedded
// default: the simulated city, in real time (sped up), into chdb under the data folder.
import type { Config } from "../config.js";
import { createDerivers } from "../detectors/index.js";
import { apiDepsFromConfig } from "../http/api.js";
import { buildApp, buildMetricsApp, closeApp } from "../http/app.js";
import { createKafkaIngestTarget, pipelineTarget } from "../http/targets.js";
import { schedulePerformance } from "../performance/schedule.js";
import { createKafkaDeadLetterSink } from "../sources/kafka/dead-letters.js";
import { createKafkaSource } from "../sources/kafka/consumer.js";
import { mergeSources } from "../sources/merge.js";
import type { Source } from "../sources/message.js";
import { createPushSource, type PushSource } from "../sources/push.js";
import { createSimulatorSource } from "../sources/simulator/index.js";
import { systemClock, type Clock } from "../pipeline/pipeline.js";
import type { Logger } from "../telemetry/log.js";
import { migrationsApplied } from "../wiring.js";
import { writesReadiness } from "../pipeline/write-health.js";
import { startDetection } from "./detection.js";
import { openWorkerParts, runPipeline, type WorkerParts } from "./worker.js";

/** How long answers in flight get once the pipeline has stopped; the rest of a drain timeout (30 s in docker-compose) is the batch's. */
const CLOSE_GRACE_MS = 3_000;

export async function runCommand(config: Config, logger: Logger): Promise<void> {
  const parts = await openWorkerParts(config, logger);
  // POST /v1/events: into Kafka when it is configured, else into this pipeline through a push source.
  const push = config.kafka === undefined ? createPushSource({ store: parts.store, maxQueued: 4 * Math.max(config.batch.maxRows, config.api.maxEventsPerRequest) }) : undefined;
  const kafkaTarget = config.kafka === undefined ? undefined : createKafkaIngestTarget(config.kafka, parts.store);
  const { source, clock } = chooseSource(parts, push);
  const sink = config.kafka === undefined ? undefined : createKafkaDeadLetterSink(config.kafka);
  const metricsApp = config.http.metricsPort === undefined ? undefined : buildMetricsApp(parts.registry, config.http);
  const app = buildApp({
    registry: parts.registry,
    timeouts: config.http,
    metrics: metricsApp === undefined,
    api: apiDepsFromConfig(config, { store: parts.store, target: kafkaTarget ?? pipelineTarget(push!), nowMs: clock.nowMs, logger }),
    readiness: [
      { name: "store", check: () => parts.store.ping() },
      { name: "migrations", check: () => migrationsApplied(parts.store, config) },
      { name: "source", check: async () => (source.ready === undefined ? true : source.ready()) },
      { name: "writes", check: async () => writesReadiness(parts.writes) },
    ],
  });
  try {
    const address = await app.listen({ host: config.http.host, port: config.http.port });
    const metricsAddress = await metricsApp?.listen({ host: config.http.host, port: config.http.metricsPort! });
    await kafkaTarget?.start();
    logger.info({ address, metricsAddress, source: source.name, store: parts.store.kind, dataDir: config.clickhouse === undefined ? config.dataDir : undefined }, "worker started");
    await sink?.start();
    const performance = schedulePerformance({ store: parts.store, logger, timeZone: config.timezone, ...config.performance });
    // Kafka mode: detection follows the store on the worker holding the detect lease; otherwise it runs inline.
    const detection = config.kafka === undefined ? undefined : await startDetection(parts, config.kafka);
    try {
      const derivers = detection === undefined ? () => createDerivers(config) : undefined;
      const progress = await runPipeline(parts, { source, deadLetterSink: sink, clock, derivers });
      logger.info({ progress }, "worker stopped");
    } finally {
      await detection?.stop();
      await performance.stop();
    }
  } finally {
    await closeApp(app, CLOSE_GRACE_MS);
    if (metricsApp !== undefined) await closeApp(metricsApp, CLOSE_GRACE_MS);
    await kafkaTarget?.close();
    await parts.store.close();
  }
}

/**
 * Kafka when configured; otherwise the simulated city, starting now and running `speedup` times
 * faster than the wall clock. The worker then lives on the simulated clock too, so events of the
 * sped-up city are not "in the future" and dead letters carry simulated times.
 */
function chooseSource({ config, logger, metrics }: WorkerParts, push: PushSource | undefined): { source: Source; clock: Clock } {
  if (config.kafka !== undefined) return { source: createKafkaSource(config.kafka, { logger, metrics }), clock: systemClock };
  const { seed, size, speedup } = config.simulator;
  logger.info({ seed, size, speedup }, "no KAFKA_BROKERS: running the simulated city");
  const wallStart = Date.now();
  const clock: Clock = { nowMs: () => wallStart + (Date.now() - wallStart) * speedup, sleep: systemClock.sleep };
  const source = createSimulatorSource({
    seed,
    size,
    startMs: wallStart,
    days: Number.POSITIVE_INFINITY,
    realtime: { speedup, nowMs: () => Date.now(), sleep: systemClock.sleep },
  });
  return { source: push === undefined ? source : mergeSources("simulator+http", [source, push]), clock };
}
