// On the real broker and engine: events resent to Kafka with their occurred_at shifted by seconds
// or minutes, to the same partition (the producer's key) or another one, before and after a restart
// of the worker, are stored once and counted once in volume_minute.
import { describe, expect, inject, it } from "vitest";
import { createTopic } from "../kafka/broker.js";
import { exampleEvents, type RawEvent } from "../support/examples.js";
import { produce, waitForCaughtUp } from "../support/kafka.js";
import { tempDir } from "../support/store.js";
import { metricValue, queryData, startCli, workerEnv, type RunningWorker } from "../support/worker.js";

const PARTITIONS = 3;
const TICKETS = 20;
const created = exampleEvents().find((e) => e.type === "ticket.created") as RawEvent;
const BASE_MS = Date.parse("2026-11-26T09:00:00+08:00");

const ticket = (n: number, shiftMs: number): RawEvent => ({
  ...created,
  event_id: `kafka-resend-${String(n).padStart(4, "0")}`,
  ticket_id: `T-kafka-resend-${n}`,
  occurred_at: new Date(BASE_MS + n * 60_000 + shiftMs).toISOString(),
});

/** Each ticket once per shift, keyed by ticket (same partition) or, with `otherKey`, by another key (likely another partition). */
const messages = (shiftsMs: readonly number[], otherKey = false) =>
  shiftsMs.flatMap((shiftMs, round) =>
    Array.from({ length: TICKETS }, (_, n) => ({ key: otherKey ? `elsewhere-${round}-${n}` : `T-kafka-resend-${n}`, value: JSON.stringify(ticket(n, shiftMs)) })),
  );

describe("Kafka → ClickHouse: a resent event_id with another occurred_at", () => {
  const bootstrap = inject("kafkaBootstrap");
  const caughtUp = (worker: RunningWorker, group: string, topic: string) =>
    waitForCaughtUp(bootstrap, group, topic, PARTITIONS).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\n${worker.logs().slice(-4000)}`);
    });

  it("is stored and counted once, whatever partition and whether before or after a restart", async () => {
    const topic = `resend-${Date.now()}`;
    await createTopic(bootstrap, topic, PARTITIONS);
    await createTopic(bootstrap, `${topic}.dlq`, 1);
    const dataDir = tempDir("kafka-resend");
    const group = `resend-${Date.now()}`;
    const env = workerEnv({
      KAFKA_BROKERS: bootstrap,
      KAFKA_TOPIC: topic,
      KAFKA_GROUP_ID: group,
      KAFKA_DEAD_LETTER_TOPIC: `${topic}.dlq`,
      HOTLINE_DATA_DIR: dataDir,
      HOTLINE_CALLER_HASH_KEY: "an-integration-test-key-0123456789",
      HOTLINE_BATCH_MAX_ROWS: "7",
      HOTLINE_BATCH_MAX_WAIT_MS: "100",
      KAFKA_SESSION_TIMEOUT_MS: "6000",
    });

    // the originals first, and their copies on the same partitions (each after its original)
    await produce(bootstrap, topic, messages([0, 4_000, -30_000]));
    const first = startCli(["run"], env);
    const url = await first.ready;
    await caughtUp(first, group, topic);
    expect(await metricValue(url, "hotline_sensor_duplicates_skipped_total")).toBe(2 * TICKETS);
    expect(await first.stop()).toEqual({ code: 0, signal: null });

    // after the restart: copies on the same partitions and on others
    await produce(bootstrap, topic, [...messages([240_000]), ...messages([90_000], true), ...messages([-300_000], true)]);
    const second = startCli(["run"], env);
    const again = await second.ready;
    await caughtUp(second, group, topic);
    expect(await metricValue(again, "hotline_sensor_duplicates_skipped_total")).toBe(3 * TICKETS);
    expect(await second.stop()).toEqual({ code: 0, signal: null });

    const [stored] = await queryData<Record<string, number | string>>(
      dataDir,
      `SELECT count() AS events, uniqExact(event_id) AS ids,
              (SELECT max(n) FROM (SELECT count() AS n FROM events GROUP BY event_id)) AS most,
              (SELECT sum(tickets) FROM volume_minute) AS volume,
              (SELECT count() FROM dead_letters) AS dead_letters
       FROM events`,
    );
    // a copy is a duplicate before anything judges its time: none is dead-lettered as too_late either
    expect(Object.fromEntries(Object.entries(stored!).map(([k, v]) => [k, Number(v)]))).toEqual({ events: TICKETS, ids: TICKETS, most: 1, volume: TICKETS, dead_letters: 0 });
    // the first copy read is the one kept
    const kept = await queryData<{ ms: number | string }>(dataDir, "SELECT toUnixTimestamp64Milli(occurred_at) AS ms FROM events ORDER BY event_id");
    expect(kept.map((r) => Number(r.ms))).toEqual(Array.from({ length: TICKETS }, (_, n) => BASE_MS + n * 60_000));
  }, 300_000);
});
