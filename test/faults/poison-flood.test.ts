// Fault: thousands of invalid messages — malformed, wrong shapes, unknown versions and types,
// broken UTF-8, oversized, impossible times, lone surrogates — spread over every partition between a city's
// events. Every partition keeps flowing: the group catches up, every invalid message is a dead
// letter with its reason (in the table and the dead-letter topic), and everything else equals a
// run of the same city without the flood.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startClickHouseHttp, type ClickHouseHttp } from "../clickhouse-http/spawn.js";
import { createTopic } from "../kafka/broker.js";
import { produce, topicSize } from "../support/kafka.js";
import { tempDir } from "../support/store.js";
import { metricValue, startCli } from "../support/worker.js";
import { cityMessages, faultRig, LONG, seeded, type Message } from "./support.js";

const PARTITIONS = 3;
const FLOOD = LONG ? 30_000 : 3_000;

let CALL: Record<string, unknown> = {};

/** One invalid message of each kind, given a valid event to spoil, and the reason it must get. */
const KINDS: readonly { reason: string; make: (valid: Record<string, unknown>, i: number) => string | Uint8Array }[] = [
  { reason: "malformed_json", make: (_v, i) => `{"event_id":"flood-event-${i}",` },
  { reason: "not_an_object", make: (_v, i) => `[${i}]` },
  { reason: "unsupported_version", make: (v, i) => JSON.stringify({ ...v, schema_version: 9, event_id: `flood-event-${i}` }) },
  { reason: "unknown_type", make: (v, i) => JSON.stringify({ ...v, type: "ticket.teleported", event_id: `flood-event-${i}` }) },
  { reason: "schema_violation", make: (v, i) => JSON.stringify({ ...v, data: { nonsense: true }, event_id: `flood-event-${i}` }) },
  { reason: "invalid_utf8", make: () => Uint8Array.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]) },
  // a call event: a ticket event with deadlines (sla) would fail its schema first, before the time check
  { reason: "timestamp_out_of_range", make: (_v, i) => JSON.stringify({ ...CALL, occurred_at: "1990-01-01T00:00:00+08:00", event_id: `flood-event-${i}` }) },
  // lone surrogates (the JSON escape \ud800 without its pair): ClickHouse refuses them (Code 25)
  { reason: "invalid_text", make: (v, i) => JSON.stringify({ ...v, source_system: "gongdan-\ud800", event_id: `flood-event-${i}` }) },
  { reason: "invalid_text", make: (v, i) => JSON.stringify({ ...v, data: { nonsense: true }, event_id: `\udbffflood-event-${i}` }) },
];

describe("a flood of poison on every partition", () => {
  const bootstrap = inject("kafkaBootstrap");
  const clean = `faults-clean-${Date.now()}`;
  const flooded = `faults-flood-${Date.now()}`;
  let endpoint: ClickHouseHttp;
  const expectedReasons: Record<string, number> = {};
  let floodedInputs = 0;
  const rigOf = (topic: string) => faultRig({ bootstrap: () => bootstrap, topic, endpoint: () => endpoint });

  beforeAll(async () => {
    endpoint = await startClickHouseHttp(tempDir("faults-flood-ch"));
    for (const t of [clean, flooded]) {
      await createTopic(bootstrap, t, PARTITIONS);
      await createTopic(bootstrap, `${t}.dlq`, 1);
    }
    const city = cityMessages(53, "2026-11-02T00:00:00+08:00", 2);
    await produce(bootstrap, clean, city);
    CALL = JSON.parse(city.find((m) => (m.value as string).includes('"type":"call.offered"'))!.value as string) as Record<string, unknown>;
    const random = seeded(4242);
    const messages: Message[] = [...city];
    for (let i = 0; i < FLOOD; i++) {
      const kind = KINDS[i % KINDS.length]!;
      const valid = JSON.parse(city[Math.floor(random() * city.length)]!.value as string) as Record<string, unknown>;
      expectedReasons[kind.reason] = (expectedReasons[kind.reason] ?? 0) + 1;
      // keys of their own, so the flood lands on every partition, anywhere in the stream
      messages.splice(Math.floor(random() * messages.length), 0, { key: `flood-${i}`, value: kind.make(valid, i) });
    }
    for (let i = 0; i < 5; i++) {
      messages.splice(Math.floor(random() * messages.length), 0, { key: `big-${i}`, value: JSON.stringify({ schema_version: 1, padding: "x".repeat(100 * 1024) }) });
    }
    expectedReasons["oversized"] = 5;
    await produce(bootstrap, flooded, messages);
    floodedInputs = messages.length;
  }, 300_000);

  afterAll(async () => endpoint?.stop());

  it("keeps every partition flowing and dead-letters every invalid message with its reason", async () => {
    const results: Record<string, Record<string, unknown[]>> = {};
    for (const [topic, database] of [[clean, "clean"], [flooded, "flooded"]] as const) {
      const rig = rigOf(topic);
      const group = `${database}-${Date.now()}`;
      const worker = startCli(["run"], rig.env(group, database));
      const url = await worker.ready;
      await rig.caughtUp(group, database, worker, url, PARTITIONS);
      if (database === "flooded") expect(await metricValue(url, "hotline_sensor_events_consumed_total")).toBe(floodedInputs);
      expect(await worker.stop()).toEqual({ code: 0, signal: null });
      results[database] = await rig.snapshot(database);
    }
    const rig = rigOf(flooded);
    const reasons = await rig.query<{ reason_code: string; n: number | string }>("flooded", "SELECT reason_code, count() AS n FROM dead_letters GROUP BY reason_code ORDER BY reason_code");
    expect(Object.fromEntries(reasons.map((r) => [r.reason_code, Number(r.n)]))).toEqual(expectedReasons);
    const perPartition = await rig.query<{ partition: number; n: number | string }>("flooded", "SELECT partition, count() AS n FROM dead_letters GROUP BY partition ORDER BY partition");
    expect(perPartition.map((p) => Number(p.partition))).toEqual([0, 1, 2]);
    for (const p of perPartition) expect(Number(p.n)).toBeGreaterThan(FLOOD / (PARTITIONS * 2));
    expect(await topicSize(bootstrap, `${flooded}.dlq`, 1)).toBeGreaterThanOrEqual(FLOOD + 5);

    for (const table of Object.keys(results["clean"]!)) {
      if (table !== "dead_letters") expect(results["flooded"]![table], table).toEqual(results["clean"]![table]);
    }
    expect(results["clean"]!["dead_letters"]).toEqual([]);
  }, 900_000);
});
