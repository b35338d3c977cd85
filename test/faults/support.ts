// Shared parts of the fault tests: a simulated city keyed per the partitioning contract, workers
// (the real CLI) against one ClickHouse-over-HTTP endpoint, one database per run, and whole-store
// snapshots — detector tables included — to compare a run under a fault with a fault-free one.
import { mulberry32 } from "../../src/detectors/stats/random.js";
import { STREAM_WATERMARK_SQL } from "../../src/pipeline/lateness.js";
import { simulate } from "../../src/sources/simulator/index.js";
import type { ClickHouseHttp } from "../clickhouse-http/spawn.js";
import { DETECTOR_SNAPSHOT_QUERIES, SNAPSHOT_QUERIES, tempDir } from "../support/store.js";
import { expect } from "vitest";
import { committedOffsets, endOffsets, waitForCaughtUp } from "../support/kafka.js";
import { metricValue, queryData, startCli, workerEnv, type RunningWorker } from "../support/worker.js";

export const LATENESS_MS = 600_000;
/** The stored tables every fault test compares with a fault-free run: events, aggregates, dead letters and every detector's rows. */
export const QUERIES: Readonly<Record<string, string>> = { ...SNAPSHOT_QUERIES, ...DETECTOR_SNAPSHOT_QUERIES };

/** Set HOTLINE_FAULTS_LONG=1 for the long variants (more kills, longer outages, a bigger city). */
export const LONG = process.env["HOTLINE_FAULTS_LONG"] === "1";

export interface Message {
  readonly key: string;
  readonly value: string | Uint8Array;
}

export function cityMessages(seed: number, start: string, days: number): Message[] {
  const events = [...simulate({ seed, startMs: Date.parse(start), days, size: "small" })];
  return events.map((e) => ({ key: "ticket_id" in e ? e.ticket_id : e.call_id, value: JSON.stringify(e) }));
}

/** A small deterministic PRNG, so "random" kill points are the same on every run. */
export const seeded = mulberry32;

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface FaultRig {
  /** Environment of a worker consuming `topic` with group `group` into `database`. */
  env(group: string, database: string, extra?: Record<string, string>): Record<string, string>;
  query<T = Record<string, unknown>>(database: string, sql: string): Promise<T[]>;
  snapshot(database: string): Promise<Record<string, unknown[]>>;
  /** Waits until a live worker's detection watermark reaches the end of what `database` holds. */
  waitForDetection(database: string, worker: RunningWorker, url: string): Promise<void>;
  /** Waits until the group has committed the whole topic and the worker's detection reached the end of what `database` holds. */
  caughtUp(group: string, database: string, worker: RunningWorker, url: string, partitions: number): Promise<void>;
  /** Waits until the group has committed at least `share` of the topic's messages; resolves how many it has of how many. */
  committedShare(group: string, partitions: number, share: number): Promise<{ committed: number; total: number }>;
  /** One worker, no fault, over the whole topic into the database `reference`: its snapshot. */
  faultFreeRun(partitions: number): Promise<Record<string, unknown[]>>;
}

export function faultRig(options: { bootstrap: () => string; topic: string; endpoint: () => ClickHouseHttp; batchMaxRows?: number }): FaultRig {
  const dataDir = tempDir("faults-query");
  const query = <T = Record<string, unknown>>(database: string, sql: string): Promise<T[]> =>
    queryData<T>(dataDir, sql, workerEnv({ CLICKHOUSE_URL: options.endpoint().url, CLICKHOUSE_DATABASE: database }));
  const rig: FaultRig = {
    env: (group, database, extra = {}) =>
      workerEnv({
        KAFKA_BROKERS: options.bootstrap(),
        KAFKA_TOPIC: options.topic,
        KAFKA_GROUP_ID: group,
        KAFKA_DEAD_LETTER_TOPIC: `${options.topic}.dlq`,
        KAFKA_SESSION_TIMEOUT_MS: "6000",
        CLICKHOUSE_URL: options.endpoint().url,
        CLICKHOUSE_DATABASE: database,
        HOTLINE_CALLER_HASH_KEY: "faults-test-key-0123456789abcdef",
        HOTLINE_BATCH_MAX_ROWS: String(options.batchMaxRows ?? 300),
        HOTLINE_BATCH_MAX_WAIT_MS: "100",
        HOTLINE_DETECT_LATENESS_MS: String(LATENESS_MS),
        HOTLINE_SPIKE_WARMUP_DAYS: "2",
        HOTLINE_PERF_INTERVAL_MINUTES: "0",
        ...extra,
      }),
    query,
    async snapshot(database) {
      const out: Record<string, unknown[]> = {};
      for (const [table, sql] of Object.entries(QUERIES)) out[table] = await query(database, sql);
      return out;
    },
    async waitForDetection(database, worker, url) {
      const [row] = await query<{ w: number | string }>(
        database,
        `SELECT intDiv(min(newest) - ${LATENESS_MS}, 300000) * 300000 AS w FROM (SELECT ${STREAM_WATERMARK_SQL} AS newest FROM events GROUP BY replaceRegexpOne(source, '@[0-9]+$', ''))`,
      );
      const target = Number(row?.w) / 1000;
      const deadline = Date.now() + 180_000;
      for (;;) {
        const mark = await metricValue(url, "hotline_sensor_detection_watermark_seconds").catch(() => 0);
        if (mark >= target) return;
        if (Date.now() > deadline) throw new Error(`detection did not reach ${target} (at ${mark}):\n${worker.logs().slice(-3000)}`);
        await sleep(500);
      }
    },
    async caughtUp(group, database, worker, url, partitions) {
      await waitForCaughtUp(options.bootstrap(), group, options.topic, partitions, 300_000);
      await rig.waitForDetection(database, worker, url);
    },
    async committedShare(group, partitions, share) {
      const sum = (offsets: number[]) => offsets.reduce((a, b) => a + b, 0);
      const total = sum(await endOffsets(options.bootstrap(), options.topic, partitions));
      for (;;) {
        const committed = sum(await committedOffsets(options.bootstrap(), group, options.topic, partitions));
        if (committed >= share * total) return { committed, total };
        await sleep(100);
      }
    },
    async faultFreeRun(partitions) {
      const group = `ref-${Date.now()}`;
      const alone = startCli(["run"], rig.env(group, "reference"));
      const url = await alone.ready;
      await rig.caughtUp(group, "reference", alone, url, partitions);
      expect(await alone.stop()).toEqual({ code: 0, signal: null });
      return rig.snapshot("reference");
    },
  };
  return rig;
}
