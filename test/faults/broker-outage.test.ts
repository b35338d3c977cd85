// Fault: the Kafka broker stops in the middle of a replay and starts again a while later on the
// same ports and log dirs (a broker of this test's own, so the shared one stays up for the other
// tests). The worker keeps running and answering /healthz through the outage (no call waits on the
// broker on the event loop), resumes when the broker is back, and ends with every table, detector
// results included, equal to a fault-free run's.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startClickHouseHttp, type ClickHouseHttp } from "../clickhouse-http/spawn.js";
import { createTopic, startKafkaBroker, type KafkaBroker } from "../kafka/broker.js";
import { produce } from "../support/kafka.js";
import { tempDir } from "../support/store.js";
import { startCli } from "../support/worker.js";
import { cityMessages, faultRig, LONG, sleep } from "./support.js";

const PARTITIONS = 3;
const OUTAGE_MS = LONG ? 90_000 : 20_000;

describe("the Kafka broker stops and comes back", () => {
  const topic = `faults-broker-${Date.now()}`;
  let broker: KafkaBroker;
  let endpoint: ClickHouseHttp;
  const rig = faultRig({ bootstrap: () => broker.bootstrapServers, topic, endpoint: () => endpoint, batchMaxRows: 200 });

  beforeAll(async () => {
    broker = await startKafkaBroker({ dataDir: tempDir("faults-broker") });
    endpoint = await startClickHouseHttp(tempDir("faults-broker-ch"));
    await createTopic(broker.bootstrapServers, topic, PARTITIONS);
    await createTopic(broker.bootstrapServers, `${topic}.dlq`, 1);
    await produce(broker.bootstrapServers, topic, cityMessages(47, "2026-10-26T00:00:00+08:00", 3));
  }, 300_000);

  afterAll(async () => {
    await endpoint?.stop();
    await broker?.stop();
  });

  it("keeps the worker running and resumes where it stopped", async () => {
    const expected = await rig.faultFreeRun(PARTITIONS);

    const group = `outage-${Date.now()}`;
    const worker = startCli(["run"], rig.env(group, "outage"));
    const url = await worker.ready;
    const { committed, total } = await rig.committedShare(group, PARTITIONS, 1 / 4);
    expect(committed).toBeLessThan(total); // the outage hits the middle of the replay
    await broker.stop();
    const health: (number | string)[] = [];
    for (const end = Date.now() + OUTAGE_MS; Date.now() < end; await sleep(2_000)) {
      health.push(await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5_000) }).then((r) => r.status, (error: Error) => error.name));
    }
    expect(worker.child.exitCode, worker.logs().slice(-3000)).toBeNull();
    expect(health.filter((status) => status !== 200), `/healthz during the outage: ${health.join(",")}`).toEqual([]);
    await broker.start();

    await rig.caughtUp(group, "outage", worker, url, PARTITIONS);
    expect(await worker.stop()).toEqual({ code: 0, signal: null });

    const actual = await rig.snapshot("outage");
    for (const table of Object.keys(expected)) expect(actual[table], table).toEqual(expected[table]);
  }, 900_000);
});
