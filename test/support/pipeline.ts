// Runs the real pipeline in-process over an in-memory NDJSON stream into a store, for tests.
import { Readable } from "node:stream";
import pino from "pino";
import { Registry } from "prom-client";
import { createHasher } from "../../src/contract/personal-data.js";
import { createPipeline, systemClock, type PipelineDeps, type PipelineProgress } from "../../src/pipeline/pipeline.js";
import { createNdjsonSource } from "../../src/sources/ndjson.js";
import type { Store } from "../../src/store/port.js";
import { createMetrics, type Metrics } from "../../src/telemetry/metrics.js";

export const TEST_HASH_KEY = "test-caller-hash-key-0123456789";

export interface ReplayResult {
  readonly progress: PipelineProgress;
  readonly metrics: Metrics;
  readonly registry: Registry;
}

export async function replayLines(
  store: Store,
  file: string,
  lines: readonly (string | Uint8Array)[],
  batchMaxRows = 500,
  allowedLatenessMs?: number,
  /** More of the pipeline's parts, e.g. its detectors. */
  deps: Pick<PipelineDeps, "derivers" | "onRebuild"> = {},
): Promise<ReplayResult> {
  const chunks = lines.map((l) => Buffer.concat([typeof l === "string" ? Buffer.from(l) : Buffer.from(l), Buffer.from("\n")]));
  const source = createNdjsonSource({ file, stream: Readable.from(chunks) });
  const registry = new Registry();
  const metrics = createMetrics(registry, { processMetrics: false });
  const pipeline = createPipeline(
    { source, store, hasher: createHasher(Buffer.from(TEST_HASH_KEY)), metrics, logger: pino({ level: "silent" }), clock: systemClock, ...deps },
    { batchMaxRows, batchMaxWaitMs: 50, limits: { maxEventBytes: 64 * 1024, maxFutureSkewMs: 86_400_000, earliestEventMs: Date.UTC(2000, 0, 1) }, storeRetryMaxMs: 1_000, allowedLatenessMs },
  );
  await source.start();
  const progress = await pipeline.run();
  await source.close();
  return { progress, metrics, registry };
}
