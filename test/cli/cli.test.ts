// The `hotline-sensor` command as users run it: the embedded default (simulated city → chdb) with
// its HTTP endpoints over real HTTP, then simulate, replay from stdin, query and migrate.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../support/store.js";
import { metricValue, queryData, runCli, startCli, workerEnv } from "../support/worker.js";

describe("hotline-sensor CLI", () => {
  it("run: the embedded default simulates the city into chdb, serves /healthz /readyz /metrics, and stops cleanly", async () => {
    const dataDir = tempDir("cli-run");
    const worker = startCli(["run", "--data", dataDir, "--speedup", "3600", "--seed", "11"], workerEnv({}));
    const url = await worker.ready;
    const deadline = Date.now() + 60_000;
    while ((await metricValue(url, "hotline_sensor_events_stored_total")) < 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(await fetch(`${url}/healthz`).then((r) => r.json())).toEqual({ status: "ok" });
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready", checks: { store: true, migrations: true, source: true, writes: true } });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    for (const name of [
      "hotline_sensor_events_consumed_total",
      "hotline_sensor_events_stored_total",
      "hotline_sensor_dead_letters_total",
      "hotline_sensor_batch_rows_bucket",
      "hotline_sensor_store_write_seconds_bucket",
      "hotline_sensor_consumer_lag",
      "hotline_sensor_process_resident_memory_bytes",
    ]) {
      expect(metrics).toContain(name);
    }
    const stored = await metricValue(url, "hotline_sensor_events_stored_total");
    expect(stored).toBeGreaterThanOrEqual(200);
    expect(await metricValue(url, "hotline_sensor_dead_letters_total")).toBe(0);

    worker.child.kill("SIGINT");
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    const [row] = await queryData<{ n: number }>(dataDir, "SELECT count() AS n FROM events");
    expect(row!.n).toBeGreaterThanOrEqual(stored);
    // the generated key stays with the data so a restart hashes callers the same way
    expect(readFileSync(path.join(dataDir, "caller-hash.key"), "utf8").trim()).toMatch(/^[0-9a-f]{64}$/);
  });

  it("simulate writes NDJSON; replay - reads it from stdin; query prints a table; score judges as of a time; migrate is idempotent", async () => {
    const dataDir = tempDir("cli-replay");
    const file = path.join(dataDir, "city.ndjson");
    const env = workerEnv({ HOTLINE_CALLER_HASH_KEY: "cli-test-key-0123456789abcdef" });
    await runCli(["simulate", "--seed", "4", "--days", "1", "--start", "2026-11-20", "--out", file], env);
    const ndjson = readFileSync(file, "utf8");
    const lines = ndjson.trim().split("\n");
    expect(lines.length).toBeGreaterThan(1000);
    expect(lines.every((l) => (JSON.parse(l) as { occurred_at: string }).occurred_at >= "2026-11-20")).toBe(true);

    const { stdout, stderr } = await runCli(["replay", "-", "--data", dataDir], env, ndjson);
    expect(JSON.parse(stdout)).toMatchObject({ inputs: lines.length, stored: lines.length, dead_letters: 0 });
    expect(stderr).toContain(`replay: ${lines.length} inputs`);

    const table = await runCli(["query", "SELECT type, count() AS n FROM events GROUP BY type ORDER BY type", "--data", dataDir], env);
    expect(table.stdout).toMatch(/^type\s+n\n-+\s+-+\ncall\.abandoned/);
    expect(table.stdout).toContain("ticket.created");

    // replay scored departments and districts at its end; `score` does it again as of a given time
    const outcomes = await queryData<{ n: number }>(dataDir, "SELECT count() AS n FROM ticket_outcomes FINAL", env);
    expect(outcomes[0]!.n).toBeGreaterThan(100);
    const scored = await runCli(["score", "--data", dataDir, "--as-of", "2026-11-20T18:00:00+08:00"], env);
    expect(JSON.parse(scored.stdout)).toMatchObject({ as_of: "2026-11-20T10:00:00.000Z" });
    expect((JSON.parse(scored.stdout) as { tickets: number }).tickets).toBeGreaterThan(0);
    await expect(runCli(["score", "--data", dataDir, "--as-of", "yesterday"], env)).rejects.toThrow(/exited 2[\s\S]*--as-of must be an ISO-8601 time/);

    await runCli(["migrate", "--data", dataDir], env);
    const migrations = await queryData<{ n: number }>(dataDir, "SELECT count() AS n FROM schema_migrations", env);
    expect(migrations[0]!.n).toBeGreaterThanOrEqual(5);
  });

  it("rejects bad configuration and usage with messages that name what is wrong", async () => {
    await expect(runCli(["run"], workerEnv({ HOTLINE_BATCH_MAX_ROWS: "lots" }))).rejects.toThrow(/exited 2[\s\S]*HOTLINE_BATCH_MAX_ROWS/);
    await expect(runCli(["run"], workerEnv({ HOTLINE_BATCH_MAX_ROWZ: "5" }))).rejects.toThrow(/HOTLINE_BATCH_MAX_ROWZ: unknown variable/);
    await expect(runCli(["run"], workerEnv({ KAFKA_BROKERS: "127.0.0.1:1" }))).rejects.toThrow(/HOTLINE_CALLER_HASH_KEY/);
    await expect(runCli(["teleport"], workerEnv({}))).rejects.toThrow(/exited 2[\s\S]*unknown command "teleport"/);
    await expect(runCli(["score"], workerEnv({ HOTLINE_PERF_CLOSE_HOURS: "general=soon" }))).rejects.toThrow(/HOTLINE_PERF_CLOSE_HOURS[\s\S]*"general=soon" must be tier=hours/);
  });
});
