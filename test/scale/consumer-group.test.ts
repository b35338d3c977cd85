// Scale-out on the real broker: a simulated city on a 6-partition topic is consumed once by a
// single worker and once by a group that starts with two workers, gains a third mid-stream and
// loses one to SIGKILL (two rebalances, and the detect lease may move). Both runs write to one
// ClickHouse endpoint (chdb behind ClickHouse's HTTP protocol), in two databases: once detection
// has followed the whole topic in both, every table — events, aggregates, dead letters and every
// detector's rows — must be equal.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { simulate } from "../../src/sources/simulator/index.js";
import { STREAM_WATERMARK_SQL } from "../../src/pipeline/lateness.js";
import { startClickHouseHttp, type ClickHouseHttp } from "../clickhouse-http/spawn.js";
import { createTopic } from "../kafka/broker.js";
import { committedOffsets, endOffsets, produce, waitForCaughtUp } from "../support/kafka.js";
import { DETECTOR_SNAPSHOT_QUERIES, SNAPSHOT_QUERIES, tempDir } from "../support/store.js";
import { metricValue, queryData, startCli, workerEnv, type RunningWorker } from "../support/worker.js";

const PARTITIONS = 6;
const LATENESS_MS = 600_000;
const QUERIES: Readonly<Record<string, string>> = { ...SNAPSHOT_QUERIES, ...DETECTOR_SNAPSHOT_QUERIES };

describe("several workers in one consumer group", () => {
  const bootstrap = inject("kafkaBootstrap");
  const topic = `scale-${Date.now()}`;
  let endpoint: ClickHouseHttp;
  let inputs = 0;

  beforeAll(async () => {
    endpoint = await startClickHouseHttp(tempDir("scale-clickhouse"));
    await createTopic(bootstrap, topic, PARTITIONS);
    await createTopic(bootstrap, `${topic}.dlq`, 1);
    const events = [...simulate({ seed: 31, startMs: Date.parse("2026-10-05T00:00:00+08:00"), days: 6, size: "small" })];
    const messages = events.map((e) => ({ key: "ticket_id" in e ? e.ticket_id : e.call_id, value: JSON.stringify(e) }));
    messages.splice(Math.floor(messages.length / 3), 0, { key: "poison", value: "{not json" });
    await produce(bootstrap, topic, messages);
    inputs = messages.length;
  }, 300_000);

  afterAll(async () => endpoint?.stop());

  const env = (group: string, database: string) =>
    workerEnv({
      KAFKA_BROKERS: bootstrap,
      KAFKA_TOPIC: topic,
      KAFKA_GROUP_ID: group,
      KAFKA_DEAD_LETTER_TOPIC: `${topic}.dlq`,
      KAFKA_SESSION_TIMEOUT_MS: "6000",
      CLICKHOUSE_URL: endpoint.url,
      CLICKHOUSE_DATABASE: database,
      HOTLINE_CALLER_HASH_KEY: "scale-test-key-0123456789abcdef",
      HOTLINE_BATCH_MAX_ROWS: "300",
      HOTLINE_BATCH_MAX_WAIT_MS: "100",
      HOTLINE_DETECT_LATENESS_MS: String(LATENESS_MS),
      HOTLINE_SPIKE_WARMUP_DAYS: "2",
      HOTLINE_PERF_INTERVAL_MINUTES: "0",
    });

  const dataDir = tempDir("scale-query");
  const query = <T = Record<string, unknown>>(database: string, sql: string): Promise<T[]> =>
    queryData<T>(dataDir, sql, workerEnv({ CLICKHOUSE_URL: endpoint.url, CLICKHOUSE_DATABASE: database }));

  /** Where detection must get to: the earliest of every partition's watermark (the lateness gate's rule) less the lateness, down to a whole 5-minute slice. */
  async function finalWatermarkMs(database: string): Promise<number> {
    const [row] = await query<{ w: number | string }>(
      database,
      `SELECT intDiv(min(newest) - ${LATENESS_MS}, 300000) * 300000 AS w FROM (SELECT ${STREAM_WATERMARK_SQL} AS newest FROM events GROUP BY replaceRegexpOne(source, '@[0-9]+$', ''))`,
    );
    return Number(row?.w);
  }

  async function waitForDetection(database: string, workers: readonly RunningWorker[], urls: readonly string[]): Promise<void> {
    const target = (await finalWatermarkMs(database)) / 1000;
    const deadline = Date.now() + 180_000;
    for (;;) {
      const alive = urls.filter((_, i) => workers[i]!.child.exitCode === null && workers[i]!.child.signalCode === null);
      const marks = await Promise.all(alive.map((url) => metricValue(url, "hotline_sensor_detection_watermark_seconds").catch(() => 0)));
      if (Math.max(0, ...marks) >= target) return;
      if (Date.now() > deadline) {
        const logs = workers.map((w) => w.logs().split("\n").filter((l) => /detect/i.test(l)).slice(-5).join("\n")).join("\n---\n");
        throw new Error(`detection did not reach ${target}: ${marks.join(", ")}\n${logs}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  async function snapshot(database: string): Promise<Record<string, unknown[]>> {
    const out: Record<string, unknown[]> = {};
    for (const [table, sql] of Object.entries(QUERIES)) out[table] = await query(database, sql);
    return out;
  }

  async function waitForShare(group: string, share: number): Promise<void> {
    const ends = await endOffsets(bootstrap, topic, PARTITIONS);
    const total = ends.reduce((a, b) => a + b, 0);
    for (;;) {
      const done = (await committedOffsets(bootstrap, group, topic, PARTITIONS)).reduce((a, b) => a + b, 0);
      if (done >= share * total) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  it("stores exactly what a single worker does, and detects, through a join and a crash", async () => {
    const single = `single-${Date.now()}`;
    const alone = startCli(["run"], env(single, "single"));
    const aloneUrl = await alone.ready;
    await waitForCaughtUp(bootstrap, single, topic, PARTITIONS, 300_000);
    await waitForDetection("single", [alone], [aloneUrl]);
    expect(await alone.stop()).toEqual({ code: 0, signal: null });
    const reference = await snapshot("single");
    expect(reference["events"]!.length + reference["dead_letters"]!.length).toBe(inputs);
    for (const t of ["repeats", "ticket_flags", "spikes"]) expect(Number((await query<{ n: number | string }>("single", `SELECT count() AS n FROM ${t} FINAL`))[0]?.n), t).toBeGreaterThan(0);

    const group = `group-${Date.now()}`;
    const workers = [startCli(["run"], env(group, "multi")), startCli(["run"], env(group, "multi"))];
    const urls = [await workers[0]!.ready, await workers[1]!.ready];
    await waitForShare(group, 0.2);
    workers.push(startCli(["run"], env(group, "multi")));
    urls.push(await workers[2]!.ready);
    await waitForShare(group, 0.5);
    workers[0]!.child.kill("SIGKILL");
    expect((await workers[0]!.exited).signal).toBe("SIGKILL");
    await waitForCaughtUp(bootstrap, group, topic, PARTITIONS, 300_000);
    await waitForDetection("multi", workers, urls);
    for (const w of workers.slice(1)) expect(await w.stop()).toEqual({ code: 0, signal: null });

    const multi = await snapshot("multi");
    for (const table of Object.keys(QUERIES)) expect(multi[table], table).toEqual(reference[table]);
  }, 900_000);
});
