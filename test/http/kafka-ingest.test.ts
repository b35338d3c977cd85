// POST /v1/events in Kafka mode against the real broker: the answer comes once every in-sync replica
// has the events, keyed per the partitioning contract (ticket_id / call_id); the real consumer and
// pipeline then store them in chdb, and a later POST of the same event_ids (from a fresh producer
// that remembers nothing) answers duplicate from the store and produces nothing.
import Kafka from "node-rdkafka";
import pino from "pino";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loadConfig, type Config } from "../../src/config.js";
import { createHasher } from "../../src/contract/personal-data.js";
import { buildApp } from "../../src/http/app.js";
import { createKafkaIngestTarget, type KafkaIngestTarget } from "../../src/http/targets.js";
import { createPipeline, systemClock } from "../../src/pipeline/pipeline.js";
import { createKafkaSource } from "../../src/sources/kafka/consumer.js";
import { simulate } from "../../src/sources/simulator/index.js";
import type { Store } from "../../src/store/port.js";
import { createMetrics } from "../../src/telemetry/metrics.js";
import { createTopic } from "../kafka/broker.js";
import { topicSize, waitForCaughtUp } from "../support/kafka.js";
import { openMigratedChdb } from "../support/store.js";
import { bearer, count, GRAFANA, TOKENS } from "./support.js";

const PARTITIONS = 3;
const HASH_KEY = "kafka-ingest-test-key-0123456789";
const EVENTS = [...simulate({ seed: 11, startMs: Date.parse("2026-10-05T00:00:00+08:00"), days: 1, size: "small" })].slice(0, 250);

let store: Store;
let config: Config;
let bootstrap: string;
const targets: KafkaIngestTarget[] = [];

beforeAll(async () => {
  bootstrap = inject("kafkaBootstrap");
  const topic = `http-ingest-${Date.now()}`;
  await createTopic(bootstrap, topic, PARTITIONS);
  config = loadConfig({ KAFKA_BROKERS: bootstrap, KAFKA_TOPIC: topic, KAFKA_GROUP_ID: `${topic}-group`, HOTLINE_CALLER_HASH_KEY: HASH_KEY });
  store = await openMigratedChdb();
}, 120_000);

afterAll(async () => {
  for (const t of targets) await t.close();
  await store?.close();
});

async function startApp() {
  const target = createKafkaIngestTarget(config.kafka!, store);
  await target.start();
  targets.push(target);
  const app = buildApp({
    registry: new Registry(),
    readiness: [],
    api: {
      tokens: TOKENS,
      ratePerSecond: 1_000,
      rateBurst: 1_000,
      maxBodyBytes: 8 * 1024 * 1024,
      ingest: { target, limits: config.ingest, maxEventsPerRequest: 5_000, nowMs: Date.now },
      store,
      grafana: GRAFANA,
    },
  });
  const url = await app.listen({ host: "127.0.0.1", port: 0 });
  const post = async (events: readonly object[]) => {
    const response = await fetch(`${url}/v1/events`, { method: "POST", headers: { ...bearer("gongdan"), "content-type": "application/json" }, body: JSON.stringify(events) });
    return { status: response.status, body: (await response.json()) as { accepted: number; duplicates: number; rejected: number; results: { status: string }[] } };
  };
  return { app, post };
}

/** Every message of the topic, read from the start by a throwaway consumer. */
async function readTopic(topic: string, expected: number): Promise<{ key: string; value: string; partition: number }[]> {
  const consumer = new Kafka.KafkaConsumer({ "bootstrap.servers": bootstrap, "group.id": `reader-${Date.now()}`, "enable.auto.commit": false }, { "auto.offset.reset": "earliest" });
  await new Promise<void>((resolve, reject) => consumer.connect({ timeout: 20_000 }, (error) => (error ? reject(error) : resolve())));
  try {
    consumer.assign(Array.from({ length: PARTITIONS }, (_, partition) => ({ topic, partition, offset: 0 })));
    const out: { key: string; value: string; partition: number }[] = [];
    const deadline = Date.now() + 30_000;
    while (out.length < expected && Date.now() < deadline) {
      const batch = await new Promise<Kafka.Message[]>((resolve, reject) => consumer.consume(500, (error, messages) => (error ? reject(error) : resolve(messages))));
      for (const m of batch) out.push({ key: String(m.key), value: m.value!.toString("utf8"), partition: m.partition });
    }
    return out;
  } finally {
    await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
  }
}

describe("POST /v1/events with KAFKA_BROKERS", () => {
  it("produces valid events keyed by ticket or call, answers after the acks, and the worker stores them once", async () => {
    const topic = config.kafka!.topic;
    const first = await startApp();
    const invalid = { ...EVENTS[0]!, event_id: "kafka-bad-000001", occurred_at: "yesterday" };
    const { status, body } = await first.post([...EVENTS, invalid]);
    expect(status).toBe(422);
    expect(body).toMatchObject({ accepted: EVENTS.length, duplicates: 0, rejected: 1 });
    // acknowledged by the broker before the answer: they are in the topic now
    expect(await topicSize(bootstrap, topic, PARTITIONS)).toBe(EVENTS.length);

    const messages = await readTopic(topic, EVENTS.length);
    expect(messages.length).toBe(EVENTS.length);
    const byId = new Map(EVENTS.map((e) => [e.event_id, e]));
    const partitionOfKey = new Map<string, number>();
    for (const m of messages) {
      const event = byId.get(JSON.parse(m.value).event_id)!;
      expect(m.key).toBe("ticket_id" in event ? event.ticket_id : event.call_id);
      expect(JSON.parse(m.value)).toEqual(event);
      expect(partitionOfKey.get(m.key) ?? m.partition, "one key, one partition").toBe(m.partition);
      partitionOfKey.set(m.key, m.partition);
    }
    expect(new Set(messages.map((m) => m.partition)).size).toBeGreaterThan(1);

    // The same process remembers what it produced: a resend is a duplicate before the worker stored anything.
    const resend = await first.post(EVENTS.slice(0, 20));
    expect(resend.body).toMatchObject({ accepted: 0, duplicates: 20 });
    expect(await topicSize(bootstrap, topic, PARTITIONS)).toBe(EVENTS.length);
    await first.app.close();

    // The real consumer and pipeline store them.
    const registry = new Registry();
    const metrics = createMetrics(registry, { processMetrics: false });
    const logger = pino({ level: "silent" });
    const source = createKafkaSource(config.kafka!, { logger, metrics });
    const pipeline = createPipeline(
      { source, store, hasher: createHasher(Buffer.from(HASH_KEY)), metrics, logger, clock: systemClock },
      { batchMaxRows: 1_000, batchMaxWaitMs: 100, limits: { ...config.ingest, earliestEventMs: Date.UTC(2000, 0, 1) }, storeRetryMaxMs: 1_000 },
    );
    await source.start();
    const running = pipeline.run();
    await waitForCaughtUp(bootstrap, config.kafka!.groupId, topic, PARTITIONS);
    pipeline.stop();
    await running;
    await source.close();
    expect(await count(store, "SELECT count() AS n FROM events WHERE startsWith(source, {p:String})", { p: `kafka:${topic}/` })).toBe(EVENTS.length);

    // A fresh producer knows nothing, and the store answers: duplicates, nothing produced.
    const second = await startApp();
    const again = await second.post(EVENTS.slice(0, 50));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 50, rejected: 0 });
    expect(await topicSize(bootstrap, topic, PARTITIONS)).toBe(EVENTS.length);
    await second.app.close();
  });
});
