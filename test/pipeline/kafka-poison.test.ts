// A poison value on the real broker and engine: a lone surrogate in a text field and an invalid
// event whose event_id holds one sit in the middle of a partition. The worker dead-letters both as
// invalid_text (table and dead-letter topic), stores every event after them and commits the whole
// partition: it keeps flowing instead of retrying one batch forever.
import { describe, expect, inject, it } from "vitest";
import { createTopic } from "../kafka/broker.js";
import { exampleEvents } from "../support/examples.js";
import { produce, topicSize, waitForCaughtUp } from "../support/kafka.js";
import { tempDir } from "../support/store.js";
import { queryData, startCli, workerEnv } from "../support/worker.js";

const offered = exampleEvents().find((e) => e.type === "call.offered")!;
const created = exampleEvents().find((e) => e.type === "ticket.created")!;

describe("Kafka: a poison value never stops the partition", () => {
  const bootstrap = inject("kafkaBootstrap");

  it("dead-letters the poison as invalid_text, stores the events after it and commits to the end", async () => {
    const topic = `poison-${Date.now()}`;
    const deadLetterTopic = `${topic}.dlq`;
    await createTopic(bootstrap, topic, 1);
    await createTopic(bootstrap, deadLetterTopic, 1);
    const good = (i: number) => JSON.stringify({ ...offered, event_id: `kafka-good-${String(i).padStart(4, "0")}`, call_id: `c-${i}` });
    const poison = [
      JSON.stringify({ ...created, event_id: "kafka-bad-text-1" }).replace('"text":"', '"text":"\\ud800'),
      JSON.stringify({ ...offered, event_id: "kafka-bad-id-01", data: { queue: 42 } }).replace('"event_id":"kafka-bad-id-01"', '"event_id":"\\udbffkafka-bad-id-01"'),
    ];
    const values = [...Array.from({ length: 30 }, (_, i) => good(i)), ...poison, ...Array.from({ length: 30 }, (_, i) => good(30 + i))];
    await produce(bootstrap, topic, values.map((value, i) => ({ key: `k-${i}`, value })));

    const dataDir = tempDir("kafka-poison");
    const group = `group-${topic}`;
    const worker = startCli(["run"], workerEnv({
      KAFKA_BROKERS: bootstrap,
      KAFKA_TOPIC: topic,
      KAFKA_GROUP_ID: group,
      KAFKA_DEAD_LETTER_TOPIC: deadLetterTopic,
      HOTLINE_DATA_DIR: dataDir,
      HOTLINE_CALLER_HASH_KEY: "an-integration-test-key-0123456789",
      HOTLINE_BATCH_MAX_ROWS: "100",
      HOTLINE_BATCH_MAX_WAIT_MS: "200",
    }));
    const url = await worker.ready;
    await waitForCaughtUp(bootstrap, group, topic, 1, 90_000).catch((error: Error) => {
      throw new Error(`${error.message}\n${worker.logs().slice(-3000)}`);
    });
    expect(await fetch(`${url}/readyz`).then((r) => r.status)).toBe(200);
    expect(await worker.stop()).toEqual({ code: 0, signal: null });

    expect(await queryData(dataDir, "SELECT count() AS n FROM events")).toEqual([{ n: 60 }]);
    expect(await queryData(dataDir, "SELECT offset, reason_code, event_id FROM dead_letters ORDER BY offset")).toEqual([
      { offset: 30, reason_code: "invalid_text", event_id: "kafka-bad-text-1" },
      { offset: 31, reason_code: "invalid_text", event_id: "\ufffdkafka-bad-id-01" },
    ]);
    expect(await topicSize(bootstrap, deadLetterTopic, 1)).toBe(2);
  }, 240_000);
});
