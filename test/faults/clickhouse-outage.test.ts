// Fault: ClickHouse goes away for a minute in the middle of a replay from Kafka (the test's
// ClickHouse-HTTP endpoint is stopped, then started again on the same port and data). The worker
// stays up, reads at most the batch it holds (the consumed counter stands still), its resident
// memory stays within a stated bound, and once ClickHouse is back it resumes: every table equals
// a fault-free run's, nothing lost or doubled.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startClickHouseHttp, type ClickHouseHttp } from "../clickhouse-http/spawn.js";
import { createTopic } from "../kafka/broker.js";
import { committedOffsets, produce } from "../support/kafka.js";
import { tempDir } from "../support/store.js";
import { metricValue, startCli } from "../support/worker.js";
import { cityMessages, faultRig, LONG, sleep } from "./support.js";

const PARTITIONS = 3;
const BATCH_MAX_ROWS = 300;
const OUTAGE_MS = LONG ? 180_000 : 60_000;
/** Resident memory may grow this much over its level when ClickHouse went away (heap churn of retries, no more). */
const RSS_BOUND_BYTES = 64 * 1024 * 1024;

describe("ClickHouse unreachable for a minute", () => {
  const bootstrap = inject("kafkaBootstrap");
  const topic = `faults-ch-${Date.now()}`;
  const serverData = tempDir("faults-ch-data");
  let endpoint: ClickHouseHttp;
  const rig = faultRig({ bootstrap: () => bootstrap, topic, endpoint: () => endpoint, batchMaxRows: BATCH_MAX_ROWS });

  beforeAll(async () => {
    endpoint = await startClickHouseHttp(serverData);
    await createTopic(bootstrap, topic, PARTITIONS);
    await createTopic(bootstrap, `${topic}.dlq`, 1);
    await produce(bootstrap, topic, cityMessages(43, "2026-10-19T00:00:00+08:00", 3));
  }, 300_000);

  afterAll(async () => endpoint?.stop());

  it("pauses consumption with bounded memory and resumes with nothing lost or doubled", async () => {
    const expected = await rig.faultFreeRun(PARTITIONS);

    const group = `outage-${Date.now()}`;
    const env = rig.env(group, "outage", { HOTLINE_STORE_RETRY_MAX_MS: "2000", CLICKHOUSE_REQUEST_TIMEOUT_MS: "3000" });
    const worker = startCli(["run"], env);
    const url = await worker.ready;
    const { total } = await rig.committedShare(group, PARTITIONS, 1 / 4);
    const port = Number(new URL(endpoint.url).port);
    await endpoint.stop();

    const consumed: number[] = [];
    const rss: number[] = [];
    for (const end = Date.now() + OUTAGE_MS; Date.now() < end; ) {
      // the batch in flight may still be read after the cut; measure from when the worker noticed
      consumed.push(await metricValue(url, "hotline_sensor_events_consumed_total"));
      rss.push(await metricValue(url, "hotline_sensor_process_resident_memory_bytes"));
      await sleep(2_000);
    }
    expect(worker.child.exitCode, worker.logs().slice(-2000)).toBeNull();
    expect(worker.logs()).toContain("store unavailable; consumption paused, retrying the batch");
    const committedDuring = (await committedOffsets(bootstrap, group, topic, PARTITIONS)).reduce((a, b) => a + b, 0);
    expect(committedDuring).toBeLessThan(total);
    // consumption paused: over the outage at most one more batch was read
    expect(Math.max(...consumed) - consumed[0]!, consumed.join(",")).toBeLessThanOrEqual(BATCH_MAX_ROWS);
    expect(Math.max(...rss) - rss[0]!, rss.join(",")).toBeLessThanOrEqual(RSS_BOUND_BYTES);

    endpoint = await startClickHouseHttp(serverData, port);
    await rig.caughtUp(group, "outage", worker, url, PARTITIONS);
    expect(await worker.stop()).toEqual({ code: 0, signal: null });

    const actual = await rig.snapshot("outage");
    for (const table of Object.keys(expected)) expect(actual[table], table).toEqual(expected[table]);
  }, 900_000);
});
