// Detection that follows the store (Kafka mode, src/pipeline/follow.ts), against the real engine
// (chdb): whatever the order in which partitions get stored, the steps the follower takes between
// and the lease changes (a fresh follower rebuilt from the store), the detector tables end equal to
// one follower's that ran once over everything; and a watermark never passes a partition upstream
// knows of but the store has not caught up with.
import pino from "pino";
import { Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createHasher } from "../../src/contract/personal-data.js";
import { createDerivers } from "../../src/detectors/index.js";
import { mulberry32 } from "../../src/detectors/stats/random.js";
import { DetectionFollower } from "../../src/pipeline/follow.js";
import { createPipeline, systemClock } from "../../src/pipeline/pipeline.js";
import type { Source, SourceMessage } from "../../src/sources/message.js";
import { simulate } from "../../src/sources/simulator/index.js";
import type { Store } from "../../src/store/port.js";
import { createMetrics } from "../../src/telemetry/metrics.js";
import { TEST_HASH_KEY } from "../support/pipeline.js";
import { openMigratedChdb } from "../support/store.js";

const PARTITIONS = 4;
const LATENESS_MS = 600_000;
const DETECTOR_TABLES = ["spikes", "repeats", "ticket_flags", "caller_flags", "hotspots", "phrases"] as const;
const config = loadConfig({ HOTLINE_SPIKE_WARMUP_DAYS: "2", HOTLINE_DETECT_LATENESS_MS: String(LATENESS_MS) });

/** A simulated city's messages per partition, keyed by ticket or call (the partitioning contract). */
function cityPartitions(): SourceMessage[][] {
  const partitions: SourceMessage[][] = Array.from({ length: PARTITIONS }, () => []);
  for (const event of simulate({ seed: 31, startMs: Date.parse("2026-10-05T00:00:00+08:00"), days: 5, size: "small" })) {
    const key = "ticket_id" in event ? event.ticket_id : event.call_id;
    let h = 2166136261;
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
    const p = (h >>> 0) % PARTITIONS;
    const list = partitions[p]!;
    list.push({ bytes: Buffer.from(JSON.stringify(event)), position: { kind: "kafka", topic: "city", partition: p, offset: list.length } });
  }
  return partitions;
}

const partitions = cityPartitions();
const upstream = partitions.map((messages, p) => ({ stream: `kafka:city/${p}`, lastOffset: messages.length - 1 }));

/** Batches of each partition in offset order, the partitions interleaved at random (as workers of a group store them). */
function interleaved(random: () => number, maxRows: number): SourceMessage[][] {
  const next = partitions.map(() => 0);
  const batches: SourceMessage[][] = [];
  for (;;) {
    const open = partitions.flatMap((messages, p) => (next[p]! < messages.length ? [p] : []));
    if (open.length === 0) return batches;
    const p = open[Math.floor(random() * open.length)]!;
    const rows = 1 + Math.floor(random() * maxRows);
    batches.push(partitions[p]!.slice(next[p]!, next[p]! + rows));
    next[p]! += rows;
  }
}

/** Hands out fixed batches, running `between` before each read (the follower's turns). */
class BatchSource implements Source {
  readonly name = "batches";
  constructor(
    private readonly batches: SourceMessage[][],
    private readonly between: () => Promise<void>,
  ) {}
  async start(): Promise<void> {}
  async next(): Promise<SourceMessage[] | null> {
    await this.between();
    return this.batches.shift() ?? null;
  }
  async ack(): Promise<void> {}
  async idle(): Promise<void> {}
  async close(): Promise<void> {}
}

const stores: Store[] = [];
const closeAll = async (): Promise<void> => void (await Promise.all(stores.splice(0).map((s) => s.close())));
afterEach(closeAll);

async function storeBatches(store: Store, batches: SourceMessage[][], between: () => Promise<void>): Promise<void> {
  const pipeline = createPipeline(
    {
      source: new BatchSource(batches, between),
      store,
      hasher: createHasher(Buffer.from(TEST_HASH_KEY)),
      metrics: createMetrics(new Registry(), { processMetrics: false }),
      logger: pino({ level: "silent" }),
      clock: systemClock,
    },
    { batchMaxRows: 1_000, batchMaxWaitMs: 10, limits: { maxEventBytes: 65_536, maxFutureSkewMs: 3_650 * 86_400_000, earliestEventMs: 0 }, storeRetryMaxMs: 100, allowedLatenessMs: LATENESS_MS },
  );
  await pipeline.run();
}

function follower(store: Store, expected: () => readonly { stream: string; lastOffset: number }[] = () => upstream): DetectionFollower {
  return new DetectionFollower({
    store,
    create: () => createDerivers(config),
    streamPrefix: "kafka:city/",
    expectedStreams: async () => expected(),
    latenessMs: LATENESS_MS,
    idleAfterMs: 3_600_000,
    time: () => undefined,
  });
}

async function followToEnd(f: DetectionFollower): Promise<void> {
  for (let quiet = 0; quiet < 2; ) quiet = (await f.step()).events === 0 ? quiet + 1 : 0;
}

async function detectorTables(store: Store): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of DETECTOR_TABLES) out[table] = await store.query(`SELECT * FROM ${table} FINAL ORDER BY ALL`);
  return out;
}

async function fresh(): Promise<Store> {
  const store = await openMigratedChdb();
  stores.push(store);
  return store;
}

describe("detection following the store", () => {
  it("ends with the same detector rows whatever the store order, the steps between and the lease changes", async () => {
    const once = await fresh();
    await storeBatches(once, interleaved(mulberry32(1), 800), async () => undefined);
    const alone = follower(once);
    await alone.start();
    await followToEnd(alone);
    const expected = await detectorTables(once);
    expect(expected["spikes"]!.length).toBeGreaterThan(0);
    expect(expected["repeats"]!.length).toBeGreaterThan(0);
    expect(expected["ticket_flags"]!.length).toBeGreaterThan(0);
    await closeAll(); // chdb: one data folder per process at a time

    for (const seed of [2, 3]) {
      const random = mulberry32(seed);
      const store = await fresh();
      let current: DetectionFollower | undefined;
      let leaseChanges = 0;
      let steps = 0;
      // between batches: now and then the lease moves (the next step rebuilds a fresh follower), now and then a step
      const between = async (): Promise<void> => {
        if (current !== undefined && random() < 0.1) {
          current = undefined;
          leaseChanges++;
        }
        if (random() < 0.3) {
          if (current === undefined) {
            current = follower(store);
            await current.start();
          }
          await current.step();
          steps++;
        }
      };
      await storeBatches(store, interleaved(random, 800), between);
      const last = follower(store);
      await last.start();
      await followToEnd(last);
      expect(leaseChanges, `seed ${seed}`).toBeGreaterThan(1);
      expect(steps, `seed ${seed}`).toBeGreaterThan(5);
      expect(last.progress).toBe(alone.progress);
      const actual = await detectorTables(store);
      for (const table of DETECTOR_TABLES) expect(actual[table], `seed ${seed}: ${table}`).toEqual(expected[table]);
      await closeAll();
    }
  });

  it("holds the watermark while upstream's answer leaves out a partition the store holds, or one is not stored yet", async () => {
    const store = await fresh();
    // partitions 0 and 1 stored in full; 2 and 3 not at all
    await storeBatches(store, [partitions[0]!, partitions[1]!], async () => undefined);
    let answer: readonly { stream: string; lastOffset: number }[] = [];
    const f = follower(store, () => answer);
    await f.start();

    // an empty or partial answer (metadata not known yet) moves nothing
    expect((await f.step()).events).toBe(0);
    answer = upstream.slice(0, 1);
    expect((await f.step()).events).toBe(0);
    expect(f.progress).toBe(-Infinity);

    // the full answer: partitions 2 and 3 have messages upstream and nothing stored, so still nothing
    answer = upstream;
    expect((await f.step()).events).toBe(0);

    // once they are stored, the follower feeds every event before its watermark, each once
    await storeBatches(store, [partitions[2]!, partitions[3]!], async () => undefined);
    let fed = 0;
    for (let quiet = 0; quiet < 2; ) {
      const step = await f.step();
      fed += step.events;
      quiet = step.events === 0 ? quiet + 1 : 0;
    }
    const [row] = await store.query<{ n: string | number }>("SELECT count() AS n FROM events WHERE occurred_at < fromUnixTimestamp64Milli({w:Int64}, 'UTC')", { w: f.progress });
    expect(Number.isFinite(f.progress)).toBe(true);
    expect(fed).toBeGreaterThan(10_000);
    expect(fed).toBe(Number(row?.n));
  });

  it("holds the watermark again for a partition that was idle once upstream has more of it", async () => {
    const store = await fresh();
    const before = (p: number, iso: string) => partitions[p]!.filter((m) => (JSON.parse(m.bytes.toString()) as { occurred_at: string }).occurred_at < iso);
    // partition 0 stored to day 2 and, upstream says, caught up there; the others to day 4
    const quiet = before(0, "2026-10-07T00:00:00+08:00");
    await storeBatches(store, [quiet, ...[1, 2, 3].map((p) => before(p, "2026-10-09T00:00:00+08:00"))], async () => undefined);
    let answer = upstream.map((u, p) => (p === 0 ? { ...u, lastOffset: quiet.length - 1 } : u));
    const f = follower(store, () => answer);
    await f.start();
    await followToEnd(f);
    const passed = f.progress;
    expect(passed).toBeGreaterThan(Date.parse("2026-10-08T20:00:00+08:00")); // partition 0 was idle: it did not hold detection back

    // partition 0 has more messages now; the others are stored to the end
    answer = upstream;
    await storeBatches(store, [1, 2, 3].map((p) => partitions[p]!.slice(before(p, "2026-10-09T00:00:00+08:00").length)), async () => undefined);
    expect((await f.step()).events).toBe(0);
    expect(f.progress).toBe(passed);
  });

  it("scans an idle partition's whole history once, not at every step, until upstream has more of it", async () => {
    const store = await fresh();
    const quiet = partitions[0]!.slice(0, 500);
    await storeBatches(store, [quiet, ...[1, 2, 3].map((p) => partitions[p]!)], async () => undefined);
    let answer = upstream.map((u, p) => (p === 0 ? { ...u, lastOffset: quiet.length - 1 } : u));
    let wholeHistoryScans = 0;
    const counting = new Proxy(store, {
      get: (target, key, receiver) =>
        key === "query"
          ? (sql: string, params?: Readonly<Record<string, unknown>>) => {
              if (params?.["since"] === 0) wholeHistoryScans++;
              return target.query(sql, params as never);
            }
          : Reflect.get(target, key, receiver),
    });
    const f = follower(counting, () => answer);
    await f.start();
    await followToEnd(f);
    const afterFirst = wholeHistoryScans;
    expect(afterFirst).toBeGreaterThan(0);
    for (let i = 0; i < 3; i++) await f.step();
    expect(wholeHistoryScans).toBe(afterFirst);

    answer = upstream; // partition 0 has more upstream: looked at again
    await f.step();
    expect(wholeHistoryScans).toBeGreaterThan(afterFirst);
  });
});
