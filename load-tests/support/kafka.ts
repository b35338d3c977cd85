// Kafka for the benchmarks: the tests' real broker (test/kafka/broker.ts, jars from Maven Central)
// unless --brokers names a running one, a topic, and a simulated city produced into it.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import Kafka from "node-rdkafka";
import type { HotlineEvent } from "../../src/contract/event.js";
import { partitionKey } from "../../src/commands/simulate.js";
import { openEventProducer } from "../../src/sources/kafka/event-producer.js";
import { simulate } from "../../src/sources/simulator/index.js";
import type { CitySize } from "../../src/sources/simulator/index.js";
import { createTopic, startKafkaBroker } from "../../test/kafka/broker.js";
import { phaseProgress } from "./progress.js";

export interface BenchBroker {
  readonly bootstrapServers: string;
  stop(): Promise<void>;
}

/** The broker at `brokers`, or a fresh single-node broker in a temp folder (removed by stop). */
export async function openBenchBroker(brokers: string | undefined, log: (line: string) => void): Promise<BenchBroker> {
  if (brokers !== undefined) return { bootstrapServers: brokers, stop: async () => {} };
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "hotline-bench-kafka-"));
  const started = performance.now();
  const broker = await startKafkaBroker({ dataDir });
  log(`Kafka broker up at ${broker.bootstrapServers} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return {
    bootstrapServers: broker.bootstrapServers,
    async stop() {
      await broker.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A fixed past start, so the events are neither in the future nor before 2000 for the contract. */
export const BENCH_START_MS = Date.parse("2025-03-03T00:00:00+08:00");
export const BENCH_SEED = 12345;

/** The simulated city's events, endless, cut at `count`. */
export function* cityEvents(size: CitySize, count: number): Generator<HotlineEvent> {
  let n = 0;
  if (count <= 0) return;
  for (const event of simulate({ seed: BENCH_SEED, startMs: BENCH_START_MS, days: Infinity, size })) {
    yield event;
    if (++n >= count) return;
  }
}

/** Creates `topic` and produces `count` events of the simulated city into it, keyed as the README's partitioning contract says. */
export async function preloadTopic(options: { brokers: string; topic: string; partitions: number; size: CitySize; count: number }): Promise<{ seconds: number; bytes: number }> {
  await createTopic(options.brokers, options.topic, options.partitions);
  const producer = await openEventProducer({ brokers: options.brokers, topic: options.topic, clientId: "bench-preload" });
  const progress = phaseProgress("preload", options.count);
  const started = performance.now();
  let done = 0;
  let bytes = 0;
  try {
    for (const event of cityEvents(options.size, options.count)) {
      const value = Buffer.from(JSON.stringify(event));
      bytes += value.byteLength;
      await producer.send(partitionKey(event), value);
      done += 1;
      if ((done & 1023) === 0) progress.update(done);
    }
    await producer.flush();
  } finally {
    await producer.close();
  }
  progress.done(done);
  return { seconds: (performance.now() - started) / 1000, bytes };
}

/** A consumer group member reading `topic` from the start, configured as the worker's source is (no auto-commit). */
export async function openBareConsumer(brokers: string, topic: string, groupId: string): Promise<Kafka.KafkaConsumer> {
  const consumer = new Kafka.KafkaConsumer(
    { "bootstrap.servers": brokers, "group.id": groupId, "enable.auto.commit": false, "enable.partition.eof": false, "log.connection.close": false },
    { "auto.offset.reset": "earliest" },
  );
  await new Promise<void>((resolve, reject) => consumer.connect({ timeout: 30_000 }, (error) => (error ? reject(new Error(error.message)) : resolve())));
  consumer.subscribe([topic]);
  return consumer;
}

export function consumeBatch(consumer: Kafka.KafkaConsumer, maxRows: number): Promise<Kafka.Message[]> {
  return new Promise((resolve, reject) => consumer.consume(maxRows, (error, messages) => (error ? reject(error) : resolve(messages))));
}

export function closeConsumer(consumer: Kafka.KafkaConsumer): Promise<void> {
  return new Promise((resolve) => {
    if (!consumer.isConnected()) resolve();
    else consumer.disconnect(() => resolve());
  });
}
