// Smoke test of `bench:throughput --quick --json` against the tests' broker: one JSON object with
// the three rates and their ratio, all finite and positive (no timing asserted).
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, inject, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

describe("bench:throughput --quick --json", () => {
  it("prints the consume and store ceilings, the pipeline's rate and their ratio", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "load-tests/throughput.ts", "--quick", "--json", "--brokers", inject("kafkaBootstrap")], {
      cwd: root,
      encoding: "utf8",
      timeout: 280_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.split("\n").filter((line) => line.trim().length > 0);
    expect(lines).toHaveLength(1);
    const report = JSON.parse(lines[0] ?? "") as Record<string, unknown>;
    for (const key of ["consume_ceiling_eps", "store_ceiling_eps", "pipeline_eps", "ratio"]) {
      const value = report[key];
      expect(typeof value === "number" && Number.isFinite(value) && value > 0, `${key} = ${String(value)}`).toBe(true);
    }
    const { consume_ceiling_eps: a, store_ceiling_eps: b, pipeline_eps: c, ratio } = report as Record<string, number>;
    expect(ratio).toBeCloseTo(c! / Math.min(a!, b!), 2);
    // Every preloaded event went through the pipeline and was stored, none lost or dead-lettered.
    const pipeline = (report["phases"] as Record<string, Record<string, unknown>>)["pipeline"]!;
    expect(pipeline["events"]).toBe(report["events"]);
    expect(pipeline["stored"]).toBe(report["events"]);
    expect(pipeline["dead_letters"]).toBe(0);
    // Progress goes to stderr with rate, done and remaining.
    expect(run.stderr).toMatch(/\[c: pipeline\] [\d,]+ \/ [\d,]+ done, [\d,]+\/s, [\d,]+ remaining/);
  }, 300_000);
});
