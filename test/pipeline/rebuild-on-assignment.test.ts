// Detector state after a partition assignment: the pipeline makes a fresh set of derivers and
// rebuilds it from what is stored (whoever stored it) before the next batch, against a real
// ClickHouse engine (chdb). The source here is a stand-in whose assignment count the test moves,
// as node-rdkafka's rebalance callback moves the Kafka source's.
import pino from "pino";
import { Registry } from "prom-client";
import { afterAll, describe, expect, it } from "vitest";
import { createHasher } from "../../src/contract/personal-data.js";
import type { EventRow } from "../../src/contract/normalise.js";
import type { Deriver } from "../../src/pipeline/derive.js";
import { createPipeline, systemClock } from "../../src/pipeline/pipeline.js";
import type { Source, SourceMessage } from "../../src/sources/message.js";
import type { Store } from "../../src/store/port.js";
import { createMetrics } from "../../src/telemetry/metrics.js";
import { exampleEvents, type RawEvent } from "../support/examples.js";
import { replayLines, TEST_HASH_KEY } from "../support/pipeline.js";
import { openMigratedChdb } from "../support/store.js";

const created = exampleEvents().find((e) => e.type === "ticket.created") as RawEvent;
const ticket = (id: string, minutes: number): string =>
  JSON.stringify({ ...created, event_id: `evt-asg-${id}`, ticket_id: `T-asg-${id}`, occurred_at: new Date(Date.UTC(2026, 10, 3, 8, minutes)).toISOString() });

/** A deriver that remembers the event ids it was fed, live or on rebuild. */
class Recorder implements Deriver {
  readonly name = "recorder";
  readonly replayWindowMs = 86_400_000;
  readonly seen: string[] = [];
  derive(events: readonly EventRow[]): [] {
    this.seen.push(...events.map((e) => e.event_id));
    return [];
  }
}

/** Partition 0 in two batches; the second comes after a rebalance handed this consumer partition 1 too. */
class RebalancingSource implements Source {
  readonly name = "rebalancing";
  private assigned = 1;
  private readonly batches: SourceMessage[][];
  constructor(
    lines: readonly string[][],
    private readonly beforeRebalance: () => Promise<void>,
  ) {
    let offset = 0;
    this.batches = lines.map((batch) => batch.map((l) => ({ bytes: Buffer.from(l), position: { kind: "kafka", topic: "tickets", partition: 0, offset: offset++ } })));
  }
  async start(): Promise<void> {}
  async next(): Promise<SourceMessage[] | null> {
    const batch = this.batches.shift() ?? null;
    if (batch !== null && this.batches.length === 0) {
      // The rebalance lands before the last batch.
      await this.beforeRebalance();
      this.assigned++;
    }
    return batch;
  }
  assignments(): number {
    return this.assigned;
  }
  async ack(): Promise<void> {}
  async idle(): Promise<void> {}
  async close(): Promise<void> {}
}

describe("detector state on a partition assignment", () => {
  let store: Store;
  afterAll(async () => store?.close());

  it("rebuilds a fresh set of detectors from the store, including what another worker stored", async () => {
    store = await openMigratedChdb();
    const made: Recorder[] = [];
    const rebuilds: number[] = [];
    // While this worker reads partition 0, another one stores event d from partition 1, which it
    // then loses to this worker in a rebalance.
    const otherWorker = async (): Promise<void> => void (await replayLines(store, "partition-1-by-another-worker", [ticket("d", 3)]));
    const source = new RebalancingSource([[ticket("a", 0), ticket("b", 1)], [ticket("c", 2)], [ticket("e", 4)]], otherWorker);
    const pipeline = createPipeline(
      {
        source,
        store,
        hasher: createHasher(Buffer.from(TEST_HASH_KEY)),
        metrics: createMetrics(new Registry(), { processMetrics: false }),
        logger: pino({ level: "silent" }),
        clock: systemClock,
        derivers: () => {
          const recorder = new Recorder();
          made.push(recorder);
          return [recorder];
        },
        onRebuild: (report) => rebuilds.push(report.events),
      },
      { batchMaxRows: 10, batchMaxWaitMs: 10, limits: { maxEventBytes: 65_536, maxFutureSkewMs: 86_400_000, earliestEventMs: 0 }, storeRetryMaxMs: 100 },
    );
    const progress = await pipeline.run();
    expect(progress.stored).toBe(4);
    expect(made).toHaveLength(2);
    expect(made[0]?.seen).toEqual(["evt-asg-a", "evt-asg-b", "evt-asg-c"]);
    expect(rebuilds).toEqual([0, 4]);
    expect(made[1]?.seen).toEqual(["evt-asg-a", "evt-asg-b", "evt-asg-c", "evt-asg-d", "evt-asg-e"]);
  });
});
