// `hotline-sensor run`: the worker. Kafka → ClickHouse when configured; otherwise the embedded
// default: the simulated city, in real time (sped up), into chdb under the data folder.
import type { Config } from "../config.js";
import { createDerivers } from "../detectors/index.js";
import { buildApp } from "../http/app.js";
import { schedulePerformance } from "../performance/schedule.js";
import { createKafkaDeadLetterSink } from "../sources/kafka/dead-letters.js";
import { createKafkaSource } from "../sources/kafka/consumer.js";
import type { Source } from "../sources/message.js";
import { createSimulatorSource } from "../sources/simulator/index.js";
import { systemClock, type Clock } from "../pipeline/pipeline.js";
import type { Logger } from "../telemetry/log.js";
import { migrationsApplied } from "../wiring.js";
import { openWorkerParts, runPipeline, type WorkerParts } from "./worker.js";

export async function runCommand(config: Config, logger: Logger): Promise<void> {
  const parts = await openWorkerParts(config, logger);
  const { source, clock } = chooseSource(parts);
  const sink = config.kafka === undefined ? undefined : createKafkaDeadLetterSink(config.kafka);
  const app = buildApp({
    registry: parts.registry,
    readiness: [
      { name: "store", check: () => parts.store.ping() },
      { name: "migrations", check: () => migrationsApplied(parts.store, config) },
      { name: "source", check: async () => (source.ready === undefined ? true : source.ready()) },
    ],
  });
  try {
    const address = await app.listen({ host: config.http.host, port: config.http.port });
    logger.info({ address, source: source.name, store: parts.store.kind, dataDir: config.clickhouse === undefined ? config.dataDir : undefined }, "worker started");
    await sink?.start();
    const performance = schedulePerformance({ store: parts.store, logger, timeZone: config.timezone, ...config.performance });
    try {
      const progress = await runPipeline(parts, { source, deadLetterSink: sink, clock, derivers: () => createDerivers(config) });
      logger.info({ progress }, "worker stopped");
    } finally {
      await performance.stop();
    }
  } finally {
    await app.close();
    await parts.store.close();
  }
}

/**
 * Kafka when configured; otherwise the simulated city, starting now and running `speedup` times
 * faster than the wall clock. The worker then lives on the simulated clock too, so events of the
 * sped-up city are not "in the future" and dead letters carry simulated times.
 */
function chooseSource({ config, logger, metrics }: WorkerParts): { source: Source; clock: Clock } {
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
  return { source, clock };
}
