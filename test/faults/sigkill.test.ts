// Fault: the worker is SIGKILLed at seeded random moments, again and again, while it replays a
// city from Kafka — during start-up, the detectors' rebuild, a write, a commit, whatever it is
// doing then (not only at the between-write-and-commit failpoint). After a last worker catches
// up, every table, detector results included, equals a fault-free run's.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startClickHouseHttp, type ClickHouseHttp } from "../clickhouse-http/spawn.js";
import { createTopic } from "../kafka/broker.js";
import { committedOffsets, endOffsets, produce } from "../support/kafka.js";
import { tempDir } from "../support/store.js";
import { startCli } from "../support/worker.js";
import { cityMessages, faultRig, LONG, seeded, sleep } from "./support.js";

const PARTITIONS = 3;
const KILLS = LONG ? 12 : 8;
const DAYS = LONG ? 8 : 3;

describe("SIGKILL at random points during a replay from Kafka", () => {
  const bootstrap = inject("kafkaBootstrap");
  const topic = `faults-kill-${Date.now()}`;
  let endpoint: ClickHouseHttp;
  const rig = faultRig({ bootstrap: () => bootstrap, topic, endpoint: () => endpoint, batchMaxRows: 200 });

  beforeAll(async () => {
    endpoint = await startClickHouseHttp(tempDir("faults-kill-ch"));
    await createTopic(bootstrap, topic, PARTITIONS);
    await createTopic(bootstrap, `${topic}.dlq`, 1);
    const messages = cityMessages(41, "2026-10-12T00:00:00+08:00", DAYS);
    messages.splice(Math.floor(messages.length / 2), 0, { key: "poison", value: "{not json" });
    await produce(bootstrap, topic, messages);
  }, 300_000);

  afterAll(async () => endpoint?.stop());

  it(`ends with the tables of a fault-free run after ${KILLS} kills`, async () => {
    const expected = await rig.faultFreeRun(PARTITIONS);
    const [detected] = await rig.query<{ n: number | string }>("reference", "SELECT (SELECT count() FROM repeats FINAL) + (SELECT count() FROM ticket_flags FINAL) AS n");
    expect(Number(detected?.n)).toBeGreaterThan(0);

    const group = `killed-${Date.now()}`;
    const random = seeded(20261126);
    const total = (await endOffsets(bootstrap, topic, PARTITIONS)).reduce((a, b) => a + b, 0);
    const progressAtKill: number[] = [];
    // kill points spread over the replay: each worker dies once the group has committed a seeded
    // random share of the topic (plus up to half a second), or, one time in four, while it starts
    const shares = Array.from({ length: KILLS }, () => random()).sort((a, b) => a - b);
    for (const share of shares) {
      const worker = startCli(["run"], rig.env(group, "killed"));
      if (random() < 0.25) await sleep(300 + random() * 2_500);
      else {
        await worker.ready;
        while ((await committedOffsets(bootstrap, group, topic, PARTITIONS)).reduce((a, b) => a + b, 0) < share * total && worker.child.exitCode === null) await sleep(50);
        await sleep(random() * 500);
      }
      worker.child.kill("SIGKILL");
      expect((await worker.exited).signal, worker.logs().slice(-2000)).toBe("SIGKILL");
      progressAtKill.push((await committedOffsets(bootstrap, group, topic, PARTITIONS)).reduce((a, b) => a + b, 0));
    }
    // the kills landed in the middle of the replay, not on an idle worker
    expect(progressAtKill.filter((done) => done < total).length, progressAtKill.join(",")).toBeGreaterThanOrEqual(KILLS / 2);
    expect(new Set(progressAtKill).size, progressAtKill.join(",")).toBeGreaterThanOrEqual(KILLS / 2);

    const last = startCli(["run"], rig.env(group, "killed"));
    const lastUrl = await last.ready;
    await rig.caughtUp(group, "killed", last, lastUrl, PARTITIONS);
    expect(await last.stop()).toEqual({ code: 0, signal: null });

    const actual = await rig.snapshot("killed");
    for (const table of Object.keys(expected)) expect(actual[table], table).toEqual(expected[table]);
  }, 900_000);
});
