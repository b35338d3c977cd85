// Integration test of the test broker itself: keyed messages round-trip through a real Kafka via
// node-rdkafka with explicit commits, and data survives a broker restart on the same dataDir.
import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import Kafka from "node-rdkafka";
import type { DeliveryReport, KafkaConsumer, LibrdKafkaError, Message, Producer, TopicPartitionOffset } from "node-rdkafka";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createTopic, startKafkaBroker, type KafkaBroker } from "./broker.js";

describe("test Kafka broker", () => {
  it("delivers 100 keyed messages over 3 partitions exactly once to a committing consumer group", async () => {
    const bootstrap = inject("kafkaBootstrap");
    const topic = `broker-test-${randomUUID()}`;
    await createTopic(bootstrap, topic, 3);

    const sent = Array.from({ length: 100 }, (_, i) => ({ key: `key-${i}`, value: `value-${i}` }));
    const producer = await connect(newProducer(bootstrap));
    try {
      const reports = await produceAll(producer, topic, sent);
      expect(reports).toHaveLength(100);
      expect(new Set(reports.map((r) => r.partition))).toEqual(new Set([0, 1, 2]));
    } finally {
      await disconnect(producer);
    }

    const consumer = await connect(newConsumer(bootstrap, `group-${randomUUID()}`));
    try {
      consumer.subscribe([topic]);
      const received = await consumeAtLeast(consumer, 100, 30_000);
      // Anything beyond 100 would be a duplicate: one more poll must come back empty.
      expect(await consumeOnce(consumer, 500)).toEqual([]);

      expect(received).toHaveLength(100);
      const byKey = new Map(received.map((m) => [String(m.key), m.value?.toString()]));
      expect(byKey).toEqual(new Map(sent.map((m) => [m.key, m.value])));
      for (const partition of [0, 1, 2]) {
        const offsets = received.filter((m) => m.partition === partition).map((m) => m.offset);
        expect(offsets).toEqual(offsets.map((_, i) => i)); // in order, no gaps
      }

      const toCommit = [0, 1, 2].map((partition) => ({
        topic,
        partition,
        offset: received.filter((m) => m.partition === partition).length,
      }));
      consumer.commitSync(toCommit);
      const committed = await committedOffsets(consumer, toCommit);
      expect(committed.map(({ partition, offset }) => ({ partition, offset }))).toEqual(
        toCommit.map(({ partition, offset }) => ({ partition, offset })),
      );
    } finally {
      await disconnect(consumer);
    }
  });

  describe("restart", () => {
    let broker: KafkaBroker | undefined;
    afterAll(async () => {
      if (broker === undefined) return;
      await broker.stop();
      await rm(broker.dataDir, { recursive: true, force: true });
    });

    it("keeps a message produced before a stop readable after the restart", async () => {
      // Its own broker: stopping the shared one would break the other test files.
      broker = await startKafkaBroker();
      const topic = "survives-restart";
      await createTopic(broker.bootstrapServers, topic, 1);
      const producer = await connect(newProducer(broker.bootstrapServers));
      try {
        await produceAll(producer, topic, [{ key: "k", value: "before-restart" }]);
      } finally {
        await disconnect(producer);
      }

      await broker.stop();
      await broker.start();

      const consumer = await connect(newConsumer(broker.bootstrapServers, "after-restart"));
      try {
        // A direct assignment reads the log without waiting for a group coordinator.
        consumer.assign([{ topic, partition: 0, offset: 0 }]);
        const [message] = await consumeAtLeast(consumer, 1, 30_000);
        expect(message?.key?.toString()).toBe("k");
        expect(message?.value?.toString()).toBe("before-restart");
        expect(message?.offset).toBe(0);
      } finally {
        await disconnect(consumer);
      }
    });
  });
});

function newProducer(bootstrap: string): Producer {
  return new Kafka.Producer(
    { "bootstrap.servers": bootstrap, dr_cb: true, "linger.ms": 5, "log.connection.close": false },
    { acks: -1 },
  );
}

function newConsumer(bootstrap: string, groupId: string): KafkaConsumer {
  const consumer = new Kafka.KafkaConsumer(
    {
      "bootstrap.servers": bootstrap,
      "group.id": groupId,
      "enable.auto.commit": false,
      "log.connection.close": false,
    },
    { "auto.offset.reset": "earliest" },
  );
  consumer.setDefaultConsumeTimeout(200);
  return consumer;
}

function connect<T extends Producer | KafkaConsumer>(client: T): Promise<T> {
  return new Promise((resolve, reject) => {
    client.connect({ timeout: 10_000 }, (err: LibrdKafkaError | null) => (err ? reject(toError(err)) : resolve(client)));
  });
}

function disconnect(client: Producer | KafkaConsumer): Promise<void> {
  return new Promise((resolve) => {
    if (!client.isConnected()) resolve();
    else client.disconnect(() => resolve());
  });
}

/** Produces every message and resolves with their delivery reports once all are acknowledged. */
function produceAll(
  producer: Producer,
  topic: string,
  messages: readonly { key: string; value: string }[],
): Promise<DeliveryReport[]> {
  return new Promise((resolve, reject) => {
    const reports: DeliveryReport[] = [];
    const onReport = (err: LibrdKafkaError | null, report: DeliveryReport): void => {
      if (err) {
        producer.removeListener("delivery-report", onReport);
        reject(toError(err));
        return;
      }
      reports.push(report);
      if (reports.length === messages.length) {
        producer.removeListener("delivery-report", onReport);
        resolve(reports);
      }
    };
    producer.on("delivery-report", onReport);
    producer.setPollInterval(20);
    for (const { key, value } of messages) producer.produce(topic, null, Buffer.from(value), key);
    producer.flush(10_000, (err) => {
      if (err) reject(toError(err));
    });
  });
}

function consumeOnce(consumer: KafkaConsumer, max: number): Promise<Message[]> {
  return new Promise((resolve, reject) => {
    consumer.consume(max, (err, messages) => (err ? reject(toError(err)) : resolve(messages)));
  });
}

async function consumeAtLeast(consumer: KafkaConsumer, count: number, timeoutMs: number): Promise<Message[]> {
  const deadline = Date.now() + timeoutMs;
  const received: Message[] = [];
  while (received.length < count) {
    if (Date.now() > deadline) throw new Error(`received ${received.length} of ${count} messages in ${timeoutMs} ms`);
    received.push(...(await consumeOnce(consumer, count - received.length)));
  }
  return received;
}

function committedOffsets(consumer: KafkaConsumer, partitions: readonly TopicPartitionOffset[]): Promise<TopicPartitionOffset[]> {
  return new Promise((resolve, reject) => {
    const toppars = partitions.map(({ topic, partition }) => ({ topic, partition }));
    consumer.committed(toppars, 5_000, (err, offsets) => (err ? reject(toError(err)) : resolve(offsets)));
  });
}

function toError(err: LibrdKafkaError): Error {
  return new Error(`${err.message} (librdkafka code ${err.code})`);
}
