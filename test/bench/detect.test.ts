// Smoke test of `bench:detect --quick --json`: one JSON object on stdout with every detector's figures finite and in range (no timing asserted).
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const FIELDS = ["precision", "recall", "median_delay_minutes", "false_alarms_per_1000_series_days"] as const;

function expectFigures(figures: unknown, label: string): void {
  expect(figures, label).toBeTypeOf("object");
  const record = figures as Record<string, unknown>;
  for (const field of FIELDS) {
    const value = record[field];
    // null means undefined for that run (no alarm to judge, nothing detected); anything else is a finite number.
    if (value === null) continue;
    expect(typeof value === "number" && Number.isFinite(value), `${label}.${field} = ${String(value)}`).toBe(true);
    const n = value as number;
    expect(n, `${label}.${field}`).toBeGreaterThanOrEqual(0);
    if (field === "precision" || field === "recall") expect(n, `${label}.${field}`).toBeLessThanOrEqual(1);
  }
}

describe("bench:detect --quick --json", () => {
  it("prints exactly one JSON object with the spike detector's and every baseline's figures", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "load-tests/detect.ts", "--quick", "--json"], {
      cwd: root,
      encoding: "utf8",
      timeout: 280_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.split("\n").filter((line) => line.trim().length > 0);
    expect(lines).toHaveLength(1);
    const report = JSON.parse(lines[0] ?? "") as Record<string, Record<string, unknown>>;
    expect(Object.keys(report.detectors ?? {})).toEqual(["spike"]);
    expect(Object.keys(report.baselines ?? {}).sort()).toEqual(["ears_c1", "ears_c2", "ears_c3", "essence_switch"]);
    expectFigures(report.detectors?.spike, "detectors.spike");
    for (const [name, figures] of Object.entries(report.baselines ?? {})) expectFigures(figures, `baselines.${name}`);
    // The quick scenario stages labelled spikes, so recall is always defined.
    expect((report.detectors?.spike as Record<string, unknown>).recall).toBeTypeOf("number");
    expect(report.scenarios?.quick).toBeTypeOf("object");
  }, 300_000);
});
