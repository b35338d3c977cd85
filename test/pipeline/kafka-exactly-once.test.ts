// End to end on the real broker and engine: the worker consumes a simulated city plus poison from
// Kafka into ClickHouse (chdb), dead letters reach the dead-letter topic, and a worker SIGKILLed
// between write and commit, again and again, ends with exactly the tables of a fault-free run.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { simulate } from "../../src/sources/simulator/index.js";
import { createTopic } from "../kafka/broker.js";
import { produce, topicSize, waitForCaughtUp } from "../support/kafka.js";
import { SNAPSHOT_QUERIES, tempDir } from "../support/store.js";
import { metricValue, queryData, startCli, workerEnv } from "../support/worker.js";

const PARTITIONS = 3;
const DETECTED_BY_S = Date.parse("2026-11-03T12:00:00+08:00") / 1000;
const POISON: (string | Uint8Array)[] = [
  "{not json",
  '{"schema_version":1,"type":"ticket.unknown","event_id":"poison-0001"}',
  "",
  "[]",
  '{"schema_version":9}',
  Uint8Array.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]), // invalid UTF-8
  JSON.stringify({ schema_version: 1, padding: "x".repeat(100 * 1024) }), // above HOTLINE_MAX_EVENT_BYTES
];

describe("Kafka → ClickHouse, exactly once", () => {
  const bootstrap = inject("kafkaBootstrap");
  const topic = `events-${Date.now()}`;
  const deadLetterTopic = `${topic}.dlq`;
  let expectedInputs = 0;

  beforeAll(async () => {
    await createTopic(bootstrap, topic, PARTITIONS);
    await createTopic(bootstrap, deadLetterTopic, 1);
    const events = [...simulate({ seed: 7, startMs: Date.parse("2026-11-02T00:00:00+08:00"), days: 2, size: "small" })];
    const messages: { key: string; value: string | Uint8Array }[] = events.map((e) => ({ key: "ticket_id" in e ? e.ticket_id : e.call_id, value: JSON.stringify(e) }));
    // poison in the middle of the stream, on every partition
    const poison = POISON.map((value, i) => ({ key: `poison-${i}`, value }));
    messages.splice(Math.floor(messages.length / 2), 0, ...poison);
    await produce(bootstrap, topic, messages);
    expectedInputs = messages.length;
  });

  const env = (groupId: string, dataDir: string, extra: Record<string, string> = {}) =>
    workerEnv({
      KAFKA_BROKERS: bootstrap,
      KAFKA_TOPIC: topic,
      KAFKA_GROUP_ID: groupId,
      KAFKA_DEAD_LETTER_TOPIC: deadLetterTopic,
      HOTLINE_DATA_DIR: dataDir,
      HOTLINE_CALLER_HASH_KEY: "an-integration-test-key-0123456789",
      HOTLINE_BATCH_MAX_ROWS: "400",
      HOTLINE_BATCH_MAX_WAIT_MS: "200",
      // a killed member is noticed after this, not librdkafka's 45 s
      KAFKA_SESSION_TIMEOUT_MS: "6000",
      ...extra,
    });

  async function snapshotOf(dataDir: string): Promise<Record<string, unknown[]>> {
    const out: Record<string, unknown[]> = {};
    for (const [table, sql] of Object.entries(SNAPSHOT_QUERIES)) out[table] = await queryData(dataDir, sql);
    return out;
  }

  const faultFree = { dataDir: tempDir("kafka-a"), group: `group-a-${Date.now()}` };
  let reference: Record<string, unknown[]>;

  beforeAll(async () => {
    const worker = startCli(["run"], env(faultFree.group, faultFree.dataDir));
    const url = await worker.ready;
    await waitForCaughtUp(bootstrap, faultFree.group, topic, PARTITIONS);
    expect(await metricValue(url, "hotline_sensor_events_consumed_total")).toBe(expectedInputs);
    // detection follows the store (the detect lease); let it get past the city's first day
    for (const deadline = Date.now() + 120_000; (await metricValue(url, "hotline_sensor_detection_watermark_seconds")) < DETECTED_BY_S; ) {
      if (Date.now() > deadline) throw new Error(`detection did not follow the store:\n${worker.logs().slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(await fetch(`${url}/readyz`).then((r) => r.status)).toBe(200);
    expect(await worker.stop()).toEqual({ code: 0, signal: null });
    reference = await snapshotOf(faultFree.dataDir);
  });

  afterAll(() => undefined);

  it("stores every valid event and dead-letters the poison with reasons, in the table and the topic", async () => {
    const events = reference["events"]!.length;
    const deadLetters = reference["dead_letters"] as { reason_code: string; topic: string; offset: number }[];
    expect(events + deadLetters.length).toBe(expectedInputs);
    expect(deadLetters.map((d) => d.reason_code).sort()).toEqual([
      "invalid_utf8",
      "malformed_json",
      "malformed_json",
      "not_an_object",
      "oversized",
      "unknown_type",
      "unsupported_version",
    ]);
    expect(deadLetters.every((d) => d.topic === topic && typeof d.offset === "number")).toBe(true);
    expect(await topicSize(bootstrap, deadLetterTopic, 1)).toBeGreaterThanOrEqual(POISON.length);
    expect(reference["tickets"]!.length).toBeGreaterThan(100);
    expect(reference["volume_minute"]!.length).toBeGreaterThan(100);
    expect(reference["calls_minute"]!.length).toBeGreaterThan(100);
    // the detectors run in Kafka mode too
    const [flags] = await queryData<{ n: number }>(faultFree.dataDir, "SELECT (SELECT count() FROM ticket_flags) + (SELECT count() FROM repeats) AS n");
    expect(flags!.n).toBeGreaterThan(0);
  });

  it("after SIGKILLs between write and commit, every table equals the fault-free run", async () => {
    const dataDir = tempDir("kafka-b");
    const group = `group-b-${Date.now()}`;
    for (const killAfter of [2, 3, 1, 4]) {
      const worker = startCli(["run"], env(group, dataDir, { HOTLINE_FAILPOINT_KILL_BEFORE_COMMIT: String(killAfter) }));
      const exit = await worker.exited;
      expect(exit.signal, worker.logs().slice(-2000)).toBe("SIGKILL");
    }
    const worker = startCli(["run"], env(group, dataDir));
    const url = await worker.ready;
    await waitForCaughtUp(bootstrap, group, topic, PARTITIONS);
    expect(await metricValue(url, "hotline_sensor_duplicates_skipped_total")).toBeGreaterThan(0);
    expect(await worker.stop()).toEqual({ code: 0, signal: null });
    expect(await snapshotOf(dataDir)).toEqual(reference);
  }, 400_000);
});
