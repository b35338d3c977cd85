// Smoke test of `bench:latency --quick --json` against the tests' broker: percentiles present,
// ordered and positive for the baseline and for event → queryable (no timing asserted).
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, inject, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

function expectPercentiles(value: unknown, label: string): void {
  const p = value as Record<string, number | null>;
  expect(p.count, `${label}.count`).toBeGreaterThan(0);
  for (const key of ["p50_ms", "p95_ms", "p99_ms", "max_ms"]) {
    expect(typeof p[key] === "number" && Number.isFinite(p[key]) && p[key]! >= 0, `${label}.${key} = ${String(p[key])}`).toBe(true);
  }
  expect(p.p50_ms!).toBeLessThanOrEqual(p.p95_ms!);
  expect(p.p95_ms!).toBeLessThanOrEqual(p.p99_ms!);
  expect(p.p99_ms!).toBeLessThanOrEqual(p.max_ms!);
}

describe("bench:latency --quick --json", () => {
  it("prints p50/p95/p99 of the bare consumer's latency and of event → queryable", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "load-tests/latency.ts", "--quick", "--json", "--brokers", inject("kafkaBootstrap")], {
      cwd: root,
      encoding: "utf8",
      timeout: 280_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.split("\n").filter((line) => line.trim().length > 0);
    expect(lines).toHaveLength(1);
    const report = JSON.parse(lines[0] ?? "") as Record<string, unknown>;
    expectPercentiles(report["baseline_consume"], "baseline_consume");
    expectPercentiles(report["event_to_queryable"], "event_to_queryable");
    // Every produced event was timed once it was stored.
    expect((report["event_to_queryable"] as Record<string, number>).count).toBe((report["rate_eps"] as number) * (report["seconds"] as number));
    expect(report["event_to_detection"]).toBeTypeOf("object");
    expect(typeof report["target_met"]).toBe("boolean");
    expect(run.stderr).toMatch(/\[worker\] [\d,]+ \/ [\d,]+ done, [\d,]+\/s, [\d,]+ remaining/);
  }, 300_000);
});
