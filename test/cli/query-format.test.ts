// `hotline-sensor query` with a FORMAT clause in its SQL, run as users run it (a child process on
// a real data folder): the command prints rows itself, so it refuses the clause in one line that
// says what to use instead, with exit code 2 and no stack; SQL that merely mentions FORMAT runs.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { tempDir } from "../support/store.js";
import { runCli, workerEnv } from "../support/worker.js";

const CLI = fileURLToPath(new URL("../../src/cli.ts", import.meta.url));

function query(sql: string, dataDir: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", CLI, "query", sql, "--data", dataDir], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

describe("hotline-sensor query with FORMAT", () => {
  it("refuses a FORMAT clause in one line naming --format, exit 2, no stack; runs SQL that only mentions the word", async () => {
    const dataDir = tempDir("cli-format");
    const env = workerEnv({ HOTLINE_CALLER_HASH_KEY: "cli-test-key-0123456789abcdef" });
    await runCli(["migrate", "--data", dataDir], env);
    for (const sql of ["SELECT 1 AS x FORMAT Pretty", "SELECT count() AS n FROM events FORMAT JSON;", "SELECT 1 format vertical", "SELECT 1 FORMAT X"]) {
      const { code, stdout, stderr } = await query(sql, dataDir, env);
      expect(code, `${sql}: ${stderr}`).toBe(2);
      expect(stdout).toBe("");
      expect(stderr.trim().split("\n"), sql).toHaveLength(1);
      expect(stderr, sql).toMatch(/^hotline-sensor: .*remove "FORMAT \w+".*--format (table|json)/);
      expect(stderr, sql).not.toMatch(/\n\s+at /);
    }
    const mentions = await query("SELECT 'FORMAT CSV' AS f, 1 AS format ORDER BY format DESC -- FORMAT TSV", dataDir, env);
    expect(mentions.code, mentions.stderr).toBe(0);
    expect(mentions.stdout).toContain("FORMAT CSV");
  });
});
