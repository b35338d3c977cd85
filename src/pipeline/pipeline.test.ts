// Unit tests of the pipeline loop with an in-memory store and source: ack after write and in order, one batch read ahead, retry with capped backoff, stop, progress and metrics.
import pino from "pino";
import { register as globalRegistry, Registry } from "prom-client";
import { describe, expect, it, vi } from "vitest";
import { exampleEvents } from "../../test/support/examples.js";
import { createHasher } from "../contract/personal-data.js";
import { SensorError, storeError } from "../errors.js";
import type { Source, SourceMessage, SourcePosition } from "../sources/message.js";
import type { InsertOptions, QueryParams, Row, Store } from "../store/port.js";
import { createMetrics, type Metrics } from "../telemetry/metrics.js";
import type { DeadLetterRow } from "./batch.js";
import { createPipeline, type Clock, type Pipeline, type PipelineOptions, type PipelineProgress } from "./pipeline.js";
import type { DeadLetterSink } from "./writer.js";
import { WriteHealth, writesReadiness } from "./write-health.js";

const NOW_MS = Date.parse("2026-12-20T00:00:00Z"); // after every example event
const examples = exampleEvents();
const valid = (i: number) => Buffer.from(JSON.stringify(examples[i]));

/** One input at a line of the fake file; the same line twice is a re-delivery. */
const at = (line: number, bytes: Uint8Array): SourceMessage => ({ bytes, position: { kind: "file", file: "fake.ndjson", line } });
const lines = (batch: readonly SourceMessage[]) => batch.map((m) => (m.position.kind === "file" ? m.position.line : -1)).join(",");

/** A finite source over fixed batches that logs every call into a log shared with the store. */
class FakeSource implements Source {
  readonly name = "fake";
  readonly acked: (readonly SourceMessage[])[] = [];
  private readonly pending: SourceMessage[][];

  constructor(
    private readonly log: string[],
    batches: readonly SourceMessage[][],
  ) {
    this.pending = [...batches];
  }

  async start(): Promise<void> {}
  async next(): Promise<SourceMessage[] | null> {
    this.log.push("next");
    return this.pending.shift() ?? null;
  }
  async ack(batch: readonly SourceMessage[]): Promise<void> {
    this.log.push(`ack ${lines(batch)}`);
    this.acked.push(batch);
  }
  async idle(): Promise<void> {
    this.log.push("idle");
  }
  /** Lines of partitions this consumer lost in a rebalance after reading them. */
  readonly lost = new Set<number>();
  owns(position: SourcePosition): boolean {
    return position.kind !== "file" || !this.lost.has(position.line);
  }
  /** When set, `fenced` logs its bounds, and these lines are lost in a rebalance just as it begins. */
  fencing: { readonly loseOnEntry: readonly number[] } | undefined;
  async fenced<T>(write: () => Promise<T>): Promise<T> {
    if (this.fencing === undefined) return write();
    for (const line of this.fencing.loseOnEntry) this.lost.add(line);
    this.log.push("fence {");
    try {
      return await write();
    } finally {
      this.log.push("} fence");
    }
  }
  async close(): Promise<void> {}
}

/** Keeps inserted rows per table and answers the writer's two "already stored?" queries from them. */
class MemoryStore implements Store {
  readonly kind = "chdb";
  readonly tables = new Map<string, Row[]>([
    ["events", []],
    ["dead_letters", []],
  ]);
  /** While set, every call fails with this error, as a store in an outage would. */
  failure: Error | undefined;

  constructor(private readonly log: string[]) {}

  private check(what: string): void {
    if (this.failure === undefined) return;
    this.log.push(`${what} failed`);
    throw this.failure;
  }

  async command(_sql: string, _params?: QueryParams): Promise<void> {
    this.check("command");
  }
  async query<T extends Row = Row>(sql: string, _params?: QueryParams): Promise<T[]> {
    this.check("query");
    const table = /FROM (events|dead_letters)\b/.exec(sql)?.[1];
    if (table === undefined) throw new Error(`the fake store does not understand: ${sql}`);
    const column = table === "events" ? "event_id" : "source";
    return (this.tables.get(table) ?? []).map((row) => ({ [column]: row[column] })) as T[];
  }
  async insert(table: string, rows: readonly object[], _options?: InsertOptions): Promise<void> {
    this.check(`insert ${table}`);
    this.log.push(`insert ${table} ${rows.length}`);
    this.tables.get(table)?.push(...rows.map((row) => row as Row));
  }
  async ping(): Promise<boolean> {
    return this.failure === undefined;
  }
  async close(): Promise<void> {}
}

/** A clock that never waits: it records each backoff and lets the test act at each one. */
class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  onSleep: (ms: number) => Promise<void> = async () => {};
  nowMs(): number {
    return NOW_MS;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    await this.onSleep(ms);
  }
}

interface Harness {
  readonly log: string[];
  readonly source: FakeSource;
  readonly store: MemoryStore;
  readonly clock: FakeClock;
  readonly registry: Registry;
  readonly metrics: Metrics;
  readonly pipeline: Pipeline;
  readonly reported: PipelineProgress[];
  readonly writes: WriteHealth;
}

function harness(batches: readonly SourceMessage[][], options: Partial<PipelineOptions> = {}, deadLetterSink?: DeadLetterSink): Harness {
  const log: string[] = [];
  const source = new FakeSource(log, batches);
  const store = new MemoryStore(log);
  const clock = new FakeClock();
  const registry = new Registry();
  const metrics = createMetrics(registry, { processMetrics: false });
  const reported: PipelineProgress[] = [];
  const writes = new WriteHealth();
  const pipeline = createPipeline(
    {
      source,
      store,
      clock,
      metrics,
      hasher: createHasher(Buffer.from("pipeline-test-hash-key-0123456789")),
      logger: pino({ level: "silent" }),
      deadLetterSink,
      onBatch: (progress) => reported.push(structuredClone(progress)),
      writeHealth: writes,
    },
    {
      batchMaxRows: 100,
      batchMaxWaitMs: 10,
      limits: { maxEventBytes: 64 * 1024, maxFutureSkewMs: 86_400_000, earliestEventMs: Date.UTC(2000, 0, 1) },
      storeRetryMaxMs: 500,
      ...options,
    },
  );
  return { log, source, store, clock, registry, metrics, pipeline, reported, writes };
}

const unavailable = () => storeError("connect ECONNREFUSED 127.0.0.1:8123", undefined, undefined);

/** The value of a metric series in the injected registry (0 when the series does not exist). */
async function metricValue(registry: Registry, name: string, labels: Readonly<Record<string, string>> = {}, suffix = name): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (metric === undefined) throw new Error(`${name} is not registered`);
  const { values } = await metric.get();
  const series = values.find(
    (v) => ("metricName" in v && typeof v.metricName === "string" ? v.metricName : name) === suffix && Object.entries(labels).every(([key, value]) => String((v.labels as Record<string, unknown>)[key]) === value),
  );
  return series?.value ?? 0;
}

describe("createPipeline", () => {
  it("writes each batch, then acks it, in order, reading one batch ahead, until the source ends", async () => {
    const batches = [[at(1, valid(0)), at(2, Buffer.from("not json"))], [at(3, valid(1))], [at(4, valid(2)), at(5, valid(3))]];
    const h = harness(batches);
    const progress = await h.pipeline.run();
    expect(h.log).toEqual([
      "next",
      "next", // the second batch is read while the first is written
      "insert events 1",
      "insert dead_letters 1",
      "ack 1,2",
      "next",
      "insert events 1",
      "ack 3",
      "next", // the end of the source, read while the third batch is written
      "insert events 2",
      "ack 4,5",
    ]);
    expect(h.source.acked).toEqual(batches);
    expect(progress.batches).toBe(3);
  });

  it("drops the messages of partitions lost since they were read: neither written nor acked", async () => {
    const h = harness([[at(1, valid(0)), at(2, valid(1)), at(3, Buffer.from("not json"))]]);
    h.source.lost.add(2).add(3);
    const progress = await h.pipeline.run();
    expect(h.log).toEqual(["next", "next", "insert events 1", "ack 1"]);
    expect(h.store.tables.get("events")?.map((row) => row["event_id"])).toEqual([examples[0]!.event_id]);
    expect(progress).toMatchObject({ inputs: 1, stored: 1, deadLetters: 0 });
  });

  it("checks ownership, writes and acks inside the source's fence, so a partition is not released mid-write", async () => {
    const h = harness([[at(1, valid(0)), at(2, valid(1))], [at(3, valid(2))]]);
    h.source.fencing = { loseOnEntry: [2] };
    await h.pipeline.run();
    expect(h.log).toEqual(["next", "next", "fence {", "insert events 1", "ack 1", "} fence", "next", "fence {", "insert events 1", "ack 3", "} fence"]);
  });

  it("neither writes nor acks an empty batch, and keeps reading", async () => {
    const h = harness([[], [at(1, valid(0))], []]);
    await h.pipeline.run();
    expect(h.log).toEqual(["next", "next", "next", "insert events 1", "ack 1", "next"]);
  });

  it("retries the same batch while the store is unavailable, with backoff capped at storeRetryMaxMs, then acks once", async () => {
    const h = harness([[at(1, valid(0)), at(2, valid(1))], [at(3, valid(2))]], { storeRetryMaxMs: 500 });
    h.store.failure = unavailable();
    const availableWhileDown: number[] = [];
    const readinessWhileDown: unknown[] = [];
    h.clock.onSleep = async () => {
      availableWhileDown.push(await metricValue(h.registry, "hotline_sensor_store_available"));
      readinessWhileDown.push(writesReadiness(h.writes));
      if (h.clock.sleeps.length === 6) h.store.failure = undefined;
    };
    const progress = await h.pipeline.run();

    expect(h.clock.sleeps).toEqual([100, 200, 400, 500, 500, 500]);
    const firstBatch = h.log.slice(0, h.log.indexOf("ack 1,2") + 1);
    expect(firstBatch.filter((entry) => entry === "next")).toHaveLength(2); // the batch and one read ahead, however long the outage
    expect(firstBatch.filter((entry) => entry === "idle")).toHaveLength(6);
    expect(firstBatch.at(-2)).toBe("insert events 2");
    expect(h.log.filter((entry) => entry.startsWith("ack"))).toEqual(["ack 1,2", "ack 3"]);
    expect(h.log.indexOf("idle")).toBeLessThan(h.log.indexOf("insert events 2"));
    expect(h.store.tables.get("events")?.map((row) => row["event_id"])).toEqual([examples[0]!.event_id, examples[1]!.event_id, examples[2]!.event_id]);
    expect(progress).toMatchObject({ batches: 2, inputs: 3, stored: 3, duplicates: 0 });

    expect(availableWhileDown).toEqual([0, 0, 0, 0, 0, 0]);
    expect(readinessWhileDown).toHaveLength(6);
    for (const answer of readinessWhileDown) {
      expect(answer).toEqual({ ready: false, reason: expect.stringMatching(/^the store takes no writes, retrying the batch: connect ECONNREFUSED .* \(failing since 2026-12-20T00:00:00\.000Z\)$/) as unknown });
    }
    expect(writesReadiness(h.writes)).toBe(true);
    expect(await metricValue(h.registry, "hotline_sensor_store_available")).toBe(1);
    expect(await metricValue(h.registry, "hotline_sensor_store_retries_total")).toBe(6);
  });

  it("retries when the dead-letter sink is unavailable and acks only after it published", async () => {
    const published: DeadLetterRow[][] = [];
    let failures = 1;
    const sink: DeadLetterSink = {
      async publish(letters) {
        if (failures-- > 0) throw new SensorError("DEAD_LETTER_UNAVAILABLE", "dead-letter topic unavailable");
        published.push([...letters]);
      },
    };
    const h = harness([[at(1, Buffer.from("{"))]], {}, sink);
    await h.pipeline.run();
    expect(h.clock.sleeps).toEqual([100]);
    expect(published.map((letters) => letters.map((l) => l.source))).toEqual([["file:fake.ndjson:1"]]);
    expect(h.log).toEqual(["next", "next", "idle", "insert dead_letters 1", "ack 1"]);
  });

  it.each([
    ["a store rejection (UNKNOWN_TABLE)", () => storeError("Table hotline.events does not exist", 60, "UNKNOWN_TABLE")],
    ["an unexpected error", () => new TypeError("rows.map is not a function")],
  ])("stops on %s: run() rejects, nothing is acked or retried", async (_what, error) => {
    const h = harness([[at(1, valid(0))], [at(2, valid(1))]]);
    const thrown = error();
    h.store.failure = thrown;
    await expect(h.pipeline.run()).rejects.toBe(thrown);
    expect(h.source.acked).toEqual([]);
    expect(h.log).not.toContain("idle");
    expect(h.log.filter((entry) => entry === "next")).toHaveLength(2);
    expect(h.clock.sleeps).toEqual([]);
    expect(await metricValue(h.registry, "hotline_sensor_store_retries_total")).toBe(0);
  });

  it("returns without ack when stopped during an outage", async () => {
    const h = harness([[at(1, valid(0))], [at(2, valid(1))]]);
    h.store.failure = unavailable();
    h.clock.onSleep = async () => {
      if (h.clock.sleeps.length < 3) return;
      setTimeout(() => h.pipeline.stop(), 0); // as a signal handler would, from another turn of the event loop
      await new Promise(() => {}); // a long backoff: only stop() can end it
    };
    const progress = await h.pipeline.run();
    expect(h.clock.sleeps).toEqual([100, 200, 400]);
    expect(h.log.filter((entry) => entry === "idle")).toHaveLength(3);
    expect(h.source.acked).toEqual([]);
    expect(h.store.tables.get("events")).toEqual([]);
    expect(h.log.filter((entry) => entry === "next")).toHaveLength(2); // the batch and one ahead, dropped unacknowledged
    expect(progress).toMatchObject({ batches: 0, inputs: 0, stored: 0 });
  });

  it("returns without ack when stopped in the middle of a backoff", async () => {
    const h = harness([[at(1, valid(0))]]);
    h.store.failure = unavailable();
    h.clock.onSleep = () => new Promise(() => {});
    const running = h.pipeline.run();
    await vi.waitFor(() => expect(h.clock.sleeps).toHaveLength(1));
    h.pipeline.stop();
    await expect(running).resolves.toMatchObject({ batches: 0 });
    expect(h.source.acked).toEqual([]);
  });

  it("finishes the batch in flight when stopped between batches", async () => {
    const h = harness([[at(1, valid(0))], [at(2, valid(1))]]);
    const running = h.pipeline.run();
    h.pipeline.stop();
    const progress = await running;
    expect(h.log).toEqual(["next", "insert events 1", "ack 1"]);
    expect(progress.batches).toBe(1);
  });

  it("counts inputs, stored events, duplicates and dead letters by reason, in progress and in the injected registry", async () => {
    const batches = [
      [at(1, valid(0)), at(2, valid(1)), at(3, valid(0)), at(4, Buffer.from("not json")), at(5, valid(2))],
      [at(6, valid(1)), at(7, Buffer.from('{"schema_version":1,"type":"call.lost"}')), at(4, Buffer.from("not json"))],
      [at(8, Buffer.from("[]"))],
    ];
    const h = harness(batches);
    const progress = await h.pipeline.run();

    expect(progress).toEqual({
      inputs: 9,
      stored: 3,
      duplicates: 3, // line 3 repeats line 1 in its batch, line 6 was stored before, line 4 was dead-lettered before
      deadLetters: 3,
      deadLettersByReason: { malformed_json: 1, unknown_type: 1, not_an_object: 1 },
      batches: 3,
    });
    expect(h.reported.map((p) => p.inputs)).toEqual([5, 8, 9]);
    expect(h.pipeline.progress).toEqual(progress);

    const r = h.registry;
    expect(await metricValue(r, "hotline_sensor_events_consumed_total", { source: "fake" })).toBe(9);
    for (const i of [0, 1, 2]) {
      const stored = await metricValue(r, "hotline_sensor_events_stored_total", { type: examples[i]!.type });
      expect(stored).toBe([0, 1, 2].filter((j) => examples[j]!.type === examples[i]!.type).length);
    }
    expect(await metricValue(r, "hotline_sensor_duplicates_skipped_total", { kind: "event" })).toBe(2);
    expect(await metricValue(r, "hotline_sensor_duplicates_skipped_total", { kind: "dead_letter" })).toBe(1);
    expect(await metricValue(r, "hotline_sensor_dead_letters_total", { reason: "malformed_json" })).toBe(1);
    expect(await metricValue(r, "hotline_sensor_dead_letters_total", { reason: "unknown_type" })).toBe(1);
    expect(await metricValue(r, "hotline_sensor_dead_letters_total", { reason: "not_an_object" })).toBe(1);
    expect(await metricValue(r, "hotline_sensor_batch_rows", {}, "hotline_sensor_batch_rows_count")).toBe(3);
    expect(await metricValue(r, "hotline_sensor_batch_rows", {}, "hotline_sensor_batch_rows_sum")).toBe(9);
    expect(await metricValue(r, "hotline_sensor_store_write_seconds", { table: "events" }, "hotline_sensor_store_write_seconds_count")).toBe(1);
    expect(await metricValue(r, "hotline_sensor_store_write_seconds", { table: "dead_letters" }, "hotline_sensor_store_write_seconds_count")).toBe(3);
    const newest = Math.max(...[0, 1, 2].map((i) => Date.parse(examples[i]!.occurred_at)));
    expect(await metricValue(r, "hotline_sensor_last_event_time_seconds")).toBe(newest / 1000);
    expect(await metricValue(r, "hotline_sensor_store_retries_total")).toBe(0);
  });

  it("never registers metrics on prom-client's global registry", async () => {
    const h = harness([[at(1, valid(0))]]);
    await h.pipeline.run();
    expect(await h.registry.metrics()).toContain('hotline_sensor_events_consumed_total{source="fake"} 1');
    expect(await globalRegistry.metrics()).not.toContain("hotline_sensor_");
  });
});
