// Smoke test of `bench:memory --quick --json`: memory samples with what every detector tracks,
// and bytes per tracked item and ticket, finite and positive (no timing or size asserted).
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

describe("bench:memory --quick --json", () => {
  it("prints memory against tracked tickets, callers and series, with bytes per tracked item", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "load-tests/memory.ts", "--quick", "--json", "--events", "60000", "--samples", "3"], {
      cwd: root,
      encoding: "utf8",
      timeout: 280_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.split("\n").filter((line) => line.trim().length > 0);
    expect(lines).toHaveLength(1);
    const report = JSON.parse(lines[0] ?? "") as Record<string, unknown>;
    expect(report["events"]).toBe(60_000);
    const samples = report["samples"] as { events: number; rss_mb: number; heap_mb: number; tracked: Record<string, number> }[];
    expect(samples.length).toBeGreaterThanOrEqual(3);
    expect(samples.at(-1)?.events).toBe(60_000);
    for (const s of samples) {
      expect(s.rss_mb).toBeGreaterThan(0);
      expect(s.heap_mb).toBeGreaterThan(0);
      expect(s.rss_mb).toBeGreaterThanOrEqual(s.heap_mb);
    }
    const tracked = samples.at(-1)!.tracked;
    for (const key of ["spikes.series", "ticket_flags.tickets", "repeats.tickets", "caller_flags.callers", "hotspots.cells"]) {
      expect(tracked[key], key).toBeGreaterThan(0);
    }
    for (const key of ["bytes_per_tracked_item", "bytes_per_tracked_ticket"]) {
      const value = report[key];
      expect(typeof value === "number" && Number.isFinite(value) && value > 0, `${key} = ${String(value)}`).toBe(true);
    }
    expect(typeof report["levels_off"]).toBe("boolean");
    expect(run.stderr).toMatch(/\[memory\] [\d,]+ \/ [\d,]+ done, [\d,]+\/s, [\d,]+ remaining/);
  }, 300_000);
});
