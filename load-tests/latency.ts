// `npm run bench:latency`: produces a simulated city into Kafka at a steady rate while the worker
// (Kafka source, contract, store, every detector) consumes it, and reports p50/p95/p99 of
//   - event → queryable: from producing an event to the end of the synchronous insert (async_insert=0)
//     that holds its row, after which any query sees it;
//   - event → detection: from producing the event whose time a detection row carries (first_seen or
//     last_updated) to the end of the insert of that row. Rows raised later by a deadline or window
//     (judged after the allowed lateness) carry no produced event's time and are counted apart.
// The baseline, measured first in the same run at the same rate: event → in hand of a bare
// node-rdkafka consumer with the worker's batch size and wait.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { partitionKey } from "../src/commands/simulate.js";
import { storeTimeToMs } from "../src/contract/store-time.js";
import { openEventProducer, type EventProducer } from "../src/sources/kafka/event-producer.js";
import type { Store } from "../src/store/port.js";
import { createTopic } from "../test/kafka/broker.js";
import { closeConsumer, consumeBatch, cityEvents, openBareConsumer, openBenchBroker } from "./support/kafka.js";
import { describeMachine, machine } from "./support/machine.js";
import { percentiles, type Percentiles } from "./support/percentiles.js";
import { phaseProgress } from "./support/progress.js";
import { benchConfig, kafkaWorker, openMigratedStore } from "./support/worker.js";

const USAGE = `usage: tsx load-tests/latency.ts [--quick] [--json] [--rate N] [--seconds S] [--baseline-seconds S] [--batch-rows N] [--brokers HOST:PORT]
  --rate N      events per second produced (default 1000)
  --seconds S   how long the worker is measured (default 120; --quick: 10 at 500 events/s)
  --batch-rows N the worker's HOTLINE_BATCH_MAX_ROWS, and the baseline consumer's batch (default 10000, the shipped default)
  --json        one JSON object on stdout; progress on stderr`;

const DETECTION_TABLES = new Set(["spikes", "ticket_flags", "repeats", "caller_flags", "hotspots", "phrases"]);
let BATCH_ROWS = 10_000;
const WAIT_MS = 250;

/** Produces `count` events at `rate` a second; `onSent(eventId, atMs)` gets each event's production time. */
async function produceSteadily(producer: EventProducer, count: number, rate: number, label: string, onSent: (eventId: string, atMs: number) => void): Promise<void> {
  const progress = phaseProgress(label, count);
  const started = performance.now();
  let sent = 0;
  for (const event of cityEvents("large", Number.MAX_SAFE_INTEGER)) {
    if (sent >= count) break;
    const due = started + (sent / rate) * 1000;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const atMs = performance.timeOrigin + performance.now();
    await producer.send(partitionKey(event), Buffer.from(JSON.stringify(event)));
    onSent(event.event_id, atMs);
    sent += 1;
    if (sent % 100 === 0) progress.update(sent);
  }
  await producer.flush();
  progress.done(sent);
}

const nowMs = () => performance.timeOrigin + performance.now();

/** Baseline: a bare consumer with the worker's batch size and wait; latency until a message is in hand. */
async function baseline(brokers: string, rate: number, seconds: number): Promise<Percentiles> {
  const topic = `bench.latency.baseline.${Date.now()}`;
  await createTopic(brokers, topic, 1);
  const consumer = await openBareConsumer(brokers, topic, `bench-latency-baseline-${process.pid}`);
  consumer.setDefaultConsumeTimeout(WAIT_MS);
  const producer = await openEventProducer({ brokers, topic, clientId: "bench-latency" });
  const count = Math.round(rate * seconds);
  const sentAt = new Map<string, number>();
  const samples: number[] = [];
  let received = 0;
  let producing = true;
  const consuming = (async () => {
    while (producing || received < count) {
      const messages = await consumeBatch(consumer, BATCH_ROWS);
      const at = nowMs();
      for (const m of messages) {
        const id = (JSON.parse((m.value ?? Buffer.alloc(0)).toString("utf8")) as { event_id: string }).event_id;
        const sent = sentAt.get(id);
        if (sent !== undefined) samples.push(at - sent);
        sentAt.delete(id);
      }
      received += messages.length;
    }
  })();
  try {
    await produceSteadily(producer, count, rate, "baseline: bare consumer", (id, at) => sentAt.set(id, at));
    producing = false;
    await consuming;
  } finally {
    producing = false;
    await producer.close();
    await closeConsumer(consumer);
  }
  return percentiles(samples);
}

interface WorkerLatency {
  readonly queryable: Percentiles;
  readonly detection: Percentiles;
  readonly detectionsByTable: Record<string, number>;
  readonly deadlineDetections: number;
  readonly batches: number;
}

/** The worker as `run` wires it, with a store that notes when each insert (events, detections) returned. */
async function worker(brokers: string, rate: number, seconds: number, dataDir: string): Promise<WorkerLatency> {
  const topic = `bench.latency.worker.${Date.now()}`;
  await createTopic(brokers, topic, 1);
  const config = benchConfig({ dataDir, brokers, topic, groupId: `bench-latency-${process.pid}`, batchMaxRows: BATCH_ROWS });
  const inner = await openMigratedStore(config, path.join(dataDir, "chdb"));
  const sentAt = new Map<string, number>();
  /** Production time of the earliest-produced event per event time (ms) in the batch being written. */
  let batchTimes = new Map<number, number>();
  const queryable: number[] = [];
  const detection: number[] = [];
  const detectionsByTable: Record<string, number> = {};
  let deadlineDetections = 0;
  const store: Store = {
    ...inner,
    kind: inner.kind,
    async insert(table, rows, options) {
      await inner.insert(table, rows, options);
      const at = nowMs();
      if (table === "events") {
        batchTimes = new Map();
        for (const row of rows as readonly { event_id: string; occurred_at: string }[]) {
          const sent = sentAt.get(row.event_id);
          if (sent === undefined) continue;
          sentAt.delete(row.event_id);
          queryable.push(at - sent);
          const t = storeTimeToMs(row.occurred_at);
          batchTimes.set(t, Math.min(batchTimes.get(t) ?? Infinity, sent));
        }
      } else if (DETECTION_TABLES.has(table)) {
        for (const row of rows as readonly { first_seen: string; last_updated: string }[]) {
          detectionsByTable[table] = (detectionsByTable[table] ?? 0) + 1;
          const sent = batchTimes.get(storeTimeToMs(row.last_updated)) ?? batchTimes.get(storeTimeToMs(row.first_seen));
          if (sent === undefined) deadlineDetections += 1;
          else detection.push(at - sent);
        }
      }
    },
  };
  const count = Math.round(rate * seconds);
  const w = kafkaWorker(config, store);
  await w.source.start();
  const running = w.pipeline.run();
  const producer = await openEventProducer({ brokers, topic, clientId: "bench-latency" });
  try {
    await produceSteadily(producer, count, rate, "worker", (id, at) => sentAt.set(id, at));
    const deadline = performance.now() + 60_000;
    while (w.pipeline.progress.inputs < count && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    w.pipeline.stop();
    await running;
    await producer.close();
    await w.source.close();
    await inner.close();
  }
  return { queryable: percentiles(queryable), detection: percentiles(detection), detectionsByTable, deadlineDetections, batches: w.pipeline.progress.batches };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      rate: { type: "string" },
      seconds: { type: "string" },
      "baseline-seconds": { type: "string" },
      brokers: { type: "string" },
      "batch-rows": { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const rate = Number(values.rate ?? (values.quick ? 500 : 1_000));
  const seconds = Number(values.seconds ?? (values.quick ? 10 : 120));
  const baselineSeconds = Number(values["baseline-seconds"] ?? (values.quick ? 5 : 30));
  for (const [name, v] of [["rate", rate], ["seconds", seconds], ["baseline-seconds", baselineSeconds]] as const) {
    if (!(v > 0)) throw new RangeError(`--${name} must be a positive number`);
  }
  BATCH_ROWS = Number(values["batch-rows"] ?? BATCH_ROWS);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const wallStart = performance.now();
  const broker = await openBenchBroker(values.brokers, log);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "hotline-bench-latency-"));
  try {
    const bare = await baseline(broker.bootstrapServers, rate, baselineSeconds);
    const measured = await worker(broker.bootstrapServers, rate, seconds, dataDir);
    const p99 = measured.queryable.p99_ms;
    const report = {
      rate_eps: rate,
      batch_rows: BATCH_ROWS,
      seconds,
      baseline_consume: bare,
      event_to_queryable: measured.queryable,
      event_to_detection: measured.detection,
      detections_by_table: measured.detectionsByTable,
      deadline_detections: measured.deadlineDetections,
      batches: measured.batches,
      target_p99_queryable_ms: 1_000,
      target_met: p99 !== null && p99 < 1_000,
      machine: { ...machine(), wall_seconds: Math.round((performance.now() - wallStart) / 100) / 10 },
    };
    if (values.json) {
      process.stdout.write(`${JSON.stringify(report)}\n`);
      return;
    }
    const row = (label: string, p: Percentiles) => `  ${label.padEnd(44)} ${String(p.p50_ms).padStart(6)} ${String(p.p95_ms).padStart(6)} ${String(p.p99_ms).padStart(6)} ${String(p.max_ms).padStart(6)}   ${p.count.toLocaleString("en")}`;
    process.stdout.write(
      [
        `bench:latency on ${describeMachine()}: ${rate.toLocaleString("en")} events/s, batches of at most ${BATCH_ROWS.toLocaleString("en")}, ${seconds} s (worker), ${baselineSeconds} s (baseline)`,
        `  ${"ms".padEnd(44)} ${"p50".padStart(6)} ${"p95".padStart(6)} ${"p99".padStart(6)} ${"max".padStart(6)}   samples`,
        row("baseline: produced → bare consumer has it", bare),
        row("produced → row queryable", measured.queryable),
        row("produced → detection queryable", measured.detection),
        `  detections: ${JSON.stringify(measured.detectionsByTable)}; raised by a deadline or window, not timed: ${measured.deadlineDetections}`,
        `  target p99 produced → queryable < 1000 ms: ${report.target_met ? "met" : "not met"}`,
        "",
      ].join("\n"),
    );
  } finally {
    await rm(dataDir, { recursive: true, force: true });
    await broker.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
