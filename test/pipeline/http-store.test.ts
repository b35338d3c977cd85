// The pipeline on the HTTP adapter (@clickhouse/client) against ClickHouse executing over real HTTP
// (the chdb endpoint under test/clickhouse-http): same tables as the embedded engine, and an
// outage in the middle of a replay pauses the worker, which then resumes with nothing lost or doubled.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { simulate } from "../../src/sources/simulator/index.js";
import { startClickHouseHttp, type ClickHouseHttp } from "../clickhouse-http/spawn.js";
import { SNAPSHOT_QUERIES, tempDir } from "../support/store.js";
import { queryData, runCli, startCli, workerEnv } from "../support/worker.js";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

const KEY = { HOTLINE_CALLER_HASH_KEY: "http-store-test-key-0123456789" };

function writeSimulation(dir: string, days: number): { file: string; lines: number } {
  const events = [...simulate({ seed: 3, startMs: Date.parse("2026-10-01T00:00:00+08:00"), days, size: "small" })];
  const lines = events.map((e) => JSON.stringify(e));
  lines.splice(100, 0, "{broken", '{"schema_version":1}');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "city.ndjson");
  writeFileSync(file, `${lines.join("\n")}\n`);
  return { file, lines: lines.length };
}

async function snapshotVia(env: Record<string, string>, dataDir: string): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const [table, sql] of Object.entries(SNAPSHOT_QUERIES)) out[table] = await queryData(dataDir, sql, env);
  return out;
}

describe("the HTTP store adapter in the pipeline", () => {
  let endpoint: ClickHouseHttp;
  const serverData = tempDir("http-server");
  beforeAll(async () => {
    endpoint = await startClickHouseHttp(serverData);
  });
  afterAll(async () => endpoint.stop());

  it("replays into a ClickHouse server and gets the same tables as the embedded engine", async () => {
    const input = writeSimulation(tempDir("http-input"), 1);
    const httpEnv = workerEnv({ ...KEY, CLICKHOUSE_URL: endpoint.url, CLICKHOUSE_DATABASE: "replay_http" });
    const embeddedDir = tempDir("http-embedded");
    const embeddedEnv = workerEnv(KEY);

    const viaHttp = JSON.parse((await runCli(["replay", input.file], httpEnv)).stdout) as { inputs: number; stored: number; dead_letters: number };
    expect(viaHttp.inputs).toBe(input.lines);
    expect(viaHttp.dead_letters).toBe(2);
    await runCli(["replay", input.file, "--data", embeddedDir], embeddedEnv);

    const fromServer = await snapshotVia(httpEnv, embeddedDir);
    const fromEmbedded = await snapshotVia(embeddedEnv, embeddedDir);
    expect(fromServer["events"]!.length).toBe(viaHttp.stored);
    expect(fromServer).toEqual(fromEmbedded);
  });

  it("pauses while ClickHouse is unreachable and resumes without loss or duplication", async () => {
    const input = writeSimulation(tempDir("outage-input"), 3);
    const dataDir = tempDir("outage-server");
    let server = await startClickHouseHttp(dataDir);
    const port = Number(new URL(server.url).port);
    const env = workerEnv({ ...KEY, CLICKHOUSE_URL: server.url, CLICKHOUSE_DATABASE: "outage", HOTLINE_BATCH_MAX_ROWS: "200", HOTLINE_STORE_RETRY_MAX_MS: "500", CLICKHOUSE_REQUEST_TIMEOUT_MS: "2000" });
    const replay = startCli(["replay", input.file], env);
    // take ClickHouse away as soon as the first batches are in, for a few seconds
    for (;;) {
      const rows = await queryData<{ n: number }>("unused", "SELECT count() AS n FROM events", env).catch(() => [{ n: 0 }]);
      if ((rows[0]?.n ?? 0) > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await server.stop();
    await new Promise((r) => setTimeout(r, 4_000));
    expect(replay.child.exitCode).toBeNull(); // still waiting, not dead
    server = await startClickHouseHttp(dataDir, port);
    const exit = await replay.exited;
    expect(exit.code, replay.logs().slice(-2000)).toBe(0);
    expect(replay.logs()).toContain("store unavailable; consumption paused, retrying the batch");

    const summary = JSON.parse(replay.logs().split("\n").find((l) => l.startsWith('{"inputs"')) ?? "{}") as { inputs: number; stored: number; dead_letters: number };
    expect(summary.inputs).toBe(input.lines);
    const [counts] = await queryData<{ events: number; distinct_ids: number; dead: number }>(
      "unused",
      "SELECT (SELECT count() FROM events) AS events, (SELECT uniqExact(event_id) FROM events) AS distinct_ids, (SELECT count() FROM dead_letters) AS dead",
      env,
    );
    expect(counts).toEqual({ events: input.lines - 2, distinct_ids: input.lines - 2, dead: 2 });
    await server.stop();
  });
});
