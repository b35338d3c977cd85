// `npm run bench:throughput`: preloads a Kafka topic with a simulated city's events, then measures
// in the same run (a) the ceiling of consuming it with node-rdkafka and JSON.parse, nothing else,
// (b) the ceiling of inserting the same normalised rows into the store (chdb: `events` and its
// materialized views), and (c) the worker's whole pipeline with every detector, and prints c / min(a, b).
// Each phase runs in its own child process (a fresh heap; chdb binds one data folder per process).
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createHasher } from "../src/contract/personal-data.js";
import { prepareBatch } from "../src/pipeline/batch.js";
import type { SourceMessage } from "../src/sources/message.js";
import { runPhase } from "./support/child.js";
import { closeConsumer, consumeBatch, openBareConsumer, openBenchBroker, preloadTopic } from "./support/kafka.js";
import { describeMachine, machine } from "./support/machine.js";
import { phaseProgress } from "./support/progress.js";
import { BENCH_HASH_KEY, benchConfig, kafkaWorker, openMigratedStore, writeSecondsByTable } from "./support/worker.js";

const USAGE = `usage: tsx load-tests/throughput.ts [--quick] [--json] [--events N] [--size small|medium|large] [--partitions N] [--brokers HOST:PORT] [--cpu-prof DIR]
  --quick        20,000 events of a medium city (a smoke run for CI); default 1,000,000 events of a large city
  --json         one JSON object on stdout; progress on stderr
  --brokers      use a running broker instead of starting one from the tests' Maven jars
  --cpu-prof DIR write a V8 CPU profile of the pipeline phase (c) into DIR`;

const SCRIPT = "load-tests/throughput.ts";
const BATCH_ROWS = 10_000;
const WAIT_MS = 250;

interface PhaseResult {
  readonly events: number;
  readonly seconds: number;
  readonly eps: number;
  readonly [extra: string]: unknown;
}

const round = (x: number, digits = 0): number => Math.round(x * 10 ** digits) / 10 ** digits;
const result = (events: number, seconds: number, extra: Record<string, unknown> = {}): PhaseResult => ({ events, seconds: round(seconds, 2), eps: round(events / seconds), ...extra });

/** (a) node-rdkafka's consume in the worker's batch size, and JSON.parse of every value: nothing else. */
async function consumePhase(brokers: string, topic: string, total: number): Promise<PhaseResult> {
  const consumer = await openBareConsumer(brokers, topic, `bench-consume-${process.pid}`);
  consumer.setDefaultConsumeTimeout(WAIT_MS);
  const progress = phaseProgress("a: consume", total);
  let done = 0;
  let fields = 0;
  let started: number | undefined;
  try {
    while (done < total) {
      const before = performance.now();
      const messages = await consumeBatch(consumer, BATCH_ROWS);
      if (messages.length === 0) continue;
      started ??= before;
      for (const m of messages) {
        const parsed = JSON.parse((m.value ?? Buffer.alloc(0)).toString("utf8")) as Record<string, unknown>;
        if (parsed["event_id"] !== undefined) fields += 1;
      }
      done += messages.length;
      progress.update(done);
    }
  } finally {
    await closeConsumer(consumer);
  }
  progress.done(done);
  if (fields !== done) throw new Error(`parsed ${fields} events with an event_id out of ${done}`);
  return result(done, (performance.now() - (started ?? 0)) / 1000);
}

/** (b) The rows the worker would write, prepared untimed (contract, hashing), then timed inserts into `events` only. */
async function storePhase(brokers: string, topic: string, total: number, dataDir: string): Promise<PhaseResult> {
  const config = benchConfig({ dataDir });
  const store = await openMigratedStore(config, path.join(dataDir, "chdb"));
  const consumer = await openBareConsumer(brokers, topic, `bench-store-${process.pid}`);
  consumer.setDefaultConsumeTimeout(WAIT_MS);
  const hasher = createHasher(Buffer.from(BENCH_HASH_KEY, "utf8"));
  const limits = { maxEventBytes: config.ingest.maxEventBytes, maxFutureSkewMs: config.ingest.maxFutureSkewMs, earliestEventMs: Date.UTC(2000, 0, 1) };
  const progress = phaseProgress("b: store", total);
  let done = 0;
  let rows = 0;
  let insertMs = 0;
  let prepareMs = 0;
  try {
    while (done < total) {
      const messages = await consumeBatch(consumer, Math.min(BATCH_ROWS, total - done));
      if (messages.length === 0) continue;
      const inputs = messages.map((m): SourceMessage => ({ bytes: m.value ?? Buffer.alloc(0), position: { kind: "kafka", topic: m.topic, partition: m.partition, offset: m.offset } }));
      const preparing = performance.now();
      const batch = prepareBatch(inputs, hasher, limits, Date.now());
      const inserting = performance.now();
      prepareMs += inserting - preparing;
      await store.insert("events", batch.events.map((e) => e.row));
      insertMs += performance.now() - inserting;
      rows += batch.events.length;
      done += messages.length;
      progress.update(done);
    }
  } finally {
    await closeConsumer(consumer);
    await store.close();
  }
  progress.done(done);
  // Sanity: the rows are the events (the simulator makes no invalid ones).
  if (rows !== done) throw new Error(`only ${rows} of ${done} inputs became rows`);
  return result(done, insertMs / 1000, { rows_per_insert: BATCH_ROWS, ingest_eps: round(done / (prepareMs / 1000)) });
}

/** (c) The worker's pipeline: Kafka source, ingest, idempotent writer, all detectors, offsets committed after each write. */
async function pipelinePhase(brokers: string, topic: string, total: number, dataDir: string): Promise<PhaseResult> {
  const config = benchConfig({ dataDir, brokers, topic, groupId: `bench-pipeline-${process.pid}` });
  const store = await openMigratedStore(config, path.join(dataDir, "chdb"));
  const progress = phaseProgress("c: pipeline", total);
  let started: number | undefined;
  let finished = 0;
  const worker = kafkaWorker(config, store, (p) => {
    // The clock starts when the first batch comes back from Kafka, as in (a); the rebuild before it is timed apart.
    started ??= firstBatchAt;
    progress.update(p.inputs);
    if (p.inputs >= total) {
      finished = performance.now();
      worker.pipeline.stop();
    }
  });
  let firstBatchAt = 0;
  let rebuildSeconds = 0;
  const next = worker.source.next.bind(worker.source);
  const source = Object.assign(worker.source, {
    async next(maxRows: number, maxWaitMs: number) {
      const messages = await next(maxRows, maxWaitMs);
      if (firstBatchAt === 0 && messages !== null && messages.length > 0) firstBatchAt = performance.now();
      return messages;
    },
  });
  try {
    await source.start();
    const rebuildStart = performance.now();
    const ran = await worker.pipeline.run();
    rebuildSeconds = started === undefined ? 0 : (performance.now() - rebuildStart) / 1000;
    progress.done(ran.inputs);
    if (ran.stored + ran.duplicates + ran.deadLetters !== ran.inputs) throw new Error(`pipeline lost inputs: ${JSON.stringify(ran)}`);
    const derived = await store.query<{ table: string; rows: string }>(
      "SELECT 'spikes' AS table, count() AS rows FROM spikes UNION ALL SELECT 'ticket_flags', count() FROM ticket_flags UNION ALL SELECT 'repeats', count() FROM repeats UNION ALL SELECT 'caller_flags', count() FROM caller_flags UNION ALL SELECT 'hotspots', count() FROM hotspots UNION ALL SELECT 'phrases', count() FROM phrases",
    );
    const seconds = (finished - (started ?? finished)) / 1000;
    return result(ran.inputs, seconds, {
      stored: ran.stored,
      dead_letters: ran.deadLetters,
      batches: ran.batches,
      write_seconds: await writeSecondsByTable(worker.metrics),
      derived_rows: Object.fromEntries(derived.map((d) => [d.table, Number(d.rows)])),
      wall_seconds_with_start: round(rebuildSeconds, 2),
    });
  } finally {
    await source.close();
    await store.close();
  }
}

async function phase(name: string, brokers: string, topic: string, total: number): Promise<PhaseResult> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `hotline-bench-${name}-`));
  try {
    if (name === "consume") return await consumePhase(brokers, topic, total);
    if (name === "store") return await storePhase(brokers, topic, total, dataDir);
    if (name === "pipeline") return await pipelinePhase(brokers, topic, total, dataDir);
    throw new RangeError(`unknown phase ${name}`);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      events: { type: "string" },
      size: { type: "string" },
      partitions: { type: "string", default: "1" },
      brokers: { type: "string" },
      "cpu-prof": { type: "string" },
      phase: { type: "string" },
      topic: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const total = Number(values.events ?? (values.quick ? 20_000 : 1_000_000));
  if (!Number.isInteger(total) || total <= 0) throw new RangeError(`--events must be a positive whole number, got ${values.events}`);

  if (values.phase !== undefined) {
    if (values.brokers === undefined || values.topic === undefined) throw new RangeError("--phase needs --brokers and --topic");
    process.stdout.write(`${JSON.stringify(await phase(values.phase, values.brokers, values.topic, total))}\n`);
    return;
  }

  const size = (values.size ?? (values.quick ? "medium" : "large")) as "small" | "medium" | "large";
  if (!["small", "medium", "large"].includes(size)) throw new RangeError(`--size must be small, medium or large, got ${size}`);
  const partitions = Number(values.partitions);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const wallStart = performance.now();
  const broker = await openBenchBroker(values.brokers, log);
  try {
    const topic = `bench.throughput.${Date.now()}`;
    const preload = await preloadTopic({ brokers: broker.bootstrapServers, topic, partitions, size, count: total });
    const args = ["--brokers", broker.bootstrapServers, "--topic", topic, "--events", String(total)];
    const consume = await runPhase<PhaseResult>(SCRIPT, [...args, "--phase", "consume"]);
    const storeCeiling = await runPhase<PhaseResult>(SCRIPT, [...args, "--phase", "store"]);
    const profile = values["cpu-prof"] === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${path.resolve(values["cpu-prof"])}`];
    const pipeline = await runPhase<PhaseResult>(SCRIPT, [...args, "--phase", "pipeline"], profile);
    const lower = Math.min(consume.eps, storeCeiling.eps);
    const ratio = round(pipeline.eps / lower, 3);
    const report = {
      consume_ceiling_eps: consume.eps,
      store_ceiling_eps: storeCeiling.eps,
      pipeline_eps: pipeline.eps,
      ratio,
      target_ratio: 0.5,
      target_met: ratio >= 0.5,
      events: total,
      city: size,
      partitions,
      topic_mb: round(preload.bytes / 2 ** 20, 1),
      preload_seconds: round(preload.seconds, 1),
      phases: { consume, store: storeCeiling, pipeline },
      machine: { ...machine(), wall_seconds: round((performance.now() - wallStart) / 1000, 1) },
    };
    if (values.json) {
      process.stdout.write(`${JSON.stringify(report)}\n`);
      return;
    }
    const n = (x: number) => Math.round(x).toLocaleString("en");
    process.stdout.write(
      [
        `bench:throughput on ${describeMachine()}`,
        `  topic: ${n(total)} events of a ${size} simulated city, ${partitions} partition(s), ${report.topic_mb} MiB, preloaded in ${report.preload_seconds} s`,
        `  (a) consume ceiling, node-rdkafka + JSON.parse        ${n(consume.eps).padStart(10)} events/s`,
        `  (b) store ceiling, chdb inserts of ${n(BATCH_ROWS)} rows      ${n(storeCeiling.eps).padStart(10)} events/s   (preparing the rows: ${n(Number(storeCeiling["ingest_eps"]))}/s, untimed)`,
        `  (c) pipeline, Kafka → contract → store → 6 detectors ${n(pipeline.eps).padStart(10)} events/s   (store writes, s: ${JSON.stringify(pipeline["write_seconds"])})`,
        `  ratio c / min(a, b) = ${ratio.toFixed(3)}; target ≥ 0.5: ${ratio >= 0.5 ? "met" : "not met"}`,
        "",
      ].join("\n"),
    );
  } finally {
    await broker.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
