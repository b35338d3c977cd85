// A partition revoked while its batch is being written: the Kafka source (real broker, two members of
// one group) releases it only once that batch is acknowledged and its commit answered, so the next
// owner starts after it and the two never write the same messages. Without the fence, the second
// member is handed the partition at once and reads the batch again from the old committed offset.
import pino from "pino";
import { Registry } from "prom-client";
import { describe, expect, inject, it } from "vitest";
import type { KafkaConfig } from "../../src/config.js";
import { createKafkaSource } from "../../src/sources/kafka/consumer.js";
import type { Source, SourceMessage } from "../../src/sources/message.js";
import { createMetrics } from "../../src/telemetry/metrics.js";
import { createTopic } from "../kafka/broker.js";
import { committedOffsets, produce } from "../support/kafka.js";

const PARTITIONS = 2;
const MESSAGES = 200;
/** How long the first member keeps its batch "in the write" after the second one joined. */
const WRITE_MS = 8_000;

function source(bootstrap: string, topic: string, group: string, member: string): Source {
  const config: KafkaConfig = {
    brokers: bootstrap,
    topic,
    groupId: group,
    clientId: member,
    deadLetterTopic: `${topic}.dlq`,
    sessionTimeoutMs: 10_000,
    groupInstanceId: undefined,
    security: {},
  };
  return createKafkaSource(config, { logger: pino({ level: "silent" }), metrics: createMetrics(new Registry(), { processMetrics: false }) });
}

const offsetOf = (m: SourceMessage) => (m.position.kind === "kafka" ? `${m.position.partition}@${m.position.offset}` : "?");
const partitionOf = (m: SourceMessage) => (m.position.kind === "kafka" ? m.position.partition : -1);

describe("Kafka source: a partition revoked during a write", () => {
  it("is handed to the next member only after the batch is committed, so no message is read by both", async () => {
    const bootstrap = inject("kafkaBootstrap");
    const topic = `fence-${Date.now()}`;
    const group = `fence-${Date.now()}`;
    await createTopic(bootstrap, topic, PARTITIONS);
    await produce(bootstrap, topic, Array.from({ length: MESSAGES }, (_, i) => ({ key: `k${i}`, value: `m${i}` })));

    const first = source(bootstrap, topic, group, "first");
    const second = source(bootstrap, topic, group, "second");
    const readBySecond: SourceMessage[] = [];
    let secondReading = true;
    await first.start();
    try {
      // the first member holds both partitions and reads everything into one batch
      let batch: SourceMessage[] = [];
      for (let tries = 0; batch.length < MESSAGES && tries < 100; tries++) batch.push(...((await first.next(MESSAGES, 500)) ?? []));
      expect(batch).toHaveLength(MESSAGES);
      expect(new Set(batch.map(partitionOf)).size).toBe(PARTITIONS);

      const secondLoop = (async () => {
        await second.start();
        while (secondReading) {
          const read = await second.next(100, 200);
          if (read === null) break; // closed
          readBySecond.push(...read);
        }
      })();

      const ownedAfterRevoke = await first.fenced!(async () => {
        // the batch is "being written": the first member keeps polling (as the pipeline's read-ahead
        // does), which is when librdkafka hands it the revocation
        const until = Date.now() + WRITE_MS;
        while (Date.now() < until) await first.next(100, 200);
        expect(readBySecond, "the second member read while the first was writing").toEqual([]);
        const owned = batch.filter((m) => first.owns!(m.position)).length;
        await first.ack(batch);
        return owned;
      });
      // the revocation came during the write: the pipeline would now drop the lost partitions' unwritten messages
      expect(ownedAfterRevoke).toBeLessThan(MESSAGES);

      // the first member keeps polling so the rebalance completes; the second is then handed a partition
      for (const until = Date.now() + 60_000; (second.assignments?.() ?? 0) === 0 && Date.now() < until; ) await first.next(100, 200);
      expect(second.assignments?.()).toBeGreaterThan(0);
      // messages produced after the handover: the second member starts where the first committed
      await produce(bootstrap, topic, Array.from({ length: 20 }, (_, i) => ({ key: `later${i}`, value: `later${i}` })));
      const readByFirst: SourceMessage[] = [];
      for (const until = Date.now() + 60_000; readByFirst.length + readBySecond.length < 20 && Date.now() < until; ) readByFirst.push(...((await first.next(100, 200)) ?? []));
      secondReading = false;
      await secondLoop;
      expect(readBySecond.length).toBeGreaterThan(0);
      const handedOver = new Set(readBySecond.map(partitionOf));
      expect(readByFirst.filter((m) => handedOver.has(partitionOf(m)))).toEqual([]);
      const batchOffsets = new Set(batch.map(offsetOf));
      expect(readBySecond.filter((m) => batchOffsets.has(offsetOf(m))).map(offsetOf)).toEqual([]);
      expect(readByFirst.length + readBySecond.length).toBe(20);
    } finally {
      secondReading = false;
      await Promise.all([first.close(), second.close()]);
    }
  }, 120_000);
});
