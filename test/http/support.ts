// Test support for the HTTP API: the real app over real HTTP, with the embedded ingest path (push
// source → real pipeline with the detectors → the store) running beside it.
import type { FastifyInstance } from "fastify";
import pino from "pino";
import { Registry } from "prom-client";
import { loadConfig, type ApiToken } from "../../src/config.js";
import { createHasher } from "../../src/contract/personal-data.js";
import { createDerivers } from "../../src/detectors/index.js";
import type { ApiDeps } from "../../src/http/api.js";
import { buildApp } from "../../src/http/app.js";
import { pipelineTarget } from "../../src/http/targets.js";
import { createPipeline, systemClock, type Pipeline } from "../../src/pipeline/pipeline.js";
import { WriteHealth, writesReadiness } from "../../src/pipeline/write-health.js";
import { createPushSource, type PushSource } from "../../src/sources/push.js";
import type { Store } from "../../src/store/port.js";
import { createMetrics } from "../../src/telemetry/metrics.js";

export const TOKENS: readonly ApiToken[] = [
  { name: "ops", role: "admin", token: "admin-token-0123456789abcdef" },
  { name: "analyst", role: "read", token: "read-token-0123456789abcdef" },
  { name: "gongdan", role: "ingest", token: "ingest-token-0123456789abcdef" },
];
export const bearer = (name: string) => ({ authorization: `Bearer ${TOKENS.find((t) => t.name === name)!.token}` });
export const GRAFANA = { url: "https://grafana.example.test", orgId: 3 };

export interface RunningApi {
  readonly app: FastifyInstance;
  readonly url: string;
  readonly push: PushSource;
  readonly pipeline: Pipeline;
  readonly registry: Registry;
  close(): Promise<void>;
}

export async function startApi(store: Store, options: Partial<ApiDeps> & { hashKey: string; withDerivers?: boolean }): Promise<RunningApi> {
  const registry = new Registry();
  const metrics = createMetrics(registry, { processMetrics: false });
  const config = loadConfig({});
  const push = createPushSource({ store, maxQueued: 20_000, settleBackoffMs: 50 });
  const writes = new WriteHealth();
  const pipeline = createPipeline(
    {
      source: push,
      store,
      hasher: createHasher(Buffer.from(options.hashKey)),
      metrics,
      logger: pino({ level: "silent" }),
      clock: systemClock,
      derivers: options.withDerivers === false ? undefined : () => createDerivers(config),
      writeHealth: writes,
    },
    {
      batchMaxRows: 2_000,
      batchMaxWaitMs: 20,
      limits: { maxEventBytes: config.ingest.maxEventBytes, maxFutureSkewMs: config.ingest.maxFutureSkewMs, earliestEventMs: Date.UTC(2000, 0, 1) },
      storeRetryMaxMs: 1_000,
      allowedLatenessMs: config.detect.latenessMs,
    },
  );
  await push.start();
  const running = pipeline.run();
  const app = buildApp({
    registry,
    readiness: [
      { name: "store", check: () => store.ping() },
      { name: "writes", check: async () => writesReadiness(writes) },
    ],
    api: {
      tokens: TOKENS,
      ratePerSecond: 1_000_000,
      rateBurst: 1_000_000,
      // Tests send wrong tokens on purpose; the limit on failures has tests of its own (bounds.test.ts).
      authFailures: { ratePerSecond: 1_000_000, burst: 1_000_000 },
      maxBodyBytes: 8 * 1024 * 1024,
      ingest: { target: pipelineTarget(push), limits: config.ingest, maxEventsPerRequest: 5_000, nowMs: Date.now },
      store,
      grafana: GRAFANA,
      ...options,
    },
  });
  const url = await app.listen({ host: "127.0.0.1", port: 0 });
  return {
    app,
    url,
    push,
    pipeline,
    registry,
    async close() {
      await app.close();
      pipeline.stop();
      await push.close();
      await running;
    },
  };
}

export async function count(store: Store, sql: string, params: Record<string, string> = {}): Promise<number> {
  const rows = await store.query<{ n: string | number }>(sql, params);
  return Number(rows[0]?.n ?? 0);
}
