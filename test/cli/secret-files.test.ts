// The CLI refuses to start on unsafe secret files (issue 12), with the real process's exit code and
// message: an empty hash-key file (it used to generate a key of its own), and with
// HOTLINE_SECRET_FILES_STRICT=true a key file others can read; without it, one warning line.
import { chmodSync, existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../support/store.js";
import { startCli, workerEnv } from "../support/worker.js";

const HASH_KEY = "secret-files-hash-key-0123456789abcdef";

function keyFile(dir: string, content: string, mode: number): string {
  const file = path.join(dir, "caller-hash-key");
  writeFileSync(file, content);
  chmodSync(file, mode);
  return file;
}

async function migrate(dir: string, extra: Record<string, string>) {
  const worker = startCli(["migrate", "--data", path.join(dir, "data")], workerEnv(extra));
  const exit = await worker.exited;
  return { ...exit, output: worker.logs() };
}

describe("hotline-sensor with unsafe secret files", () => {
  it("refuses to start on an empty HOTLINE_CALLER_HASH_KEY_FILE, names the file, and generates no key", async () => {
    const dir = tempDir("secret-empty");
    const file = keyFile(dir, " \n", 0o600);
    const { code, output } = await migrate(dir, { HOTLINE_CALLER_HASH_KEY_FILE: file });
    expect(code).toBe(2);
    expect(output).toContain(`hotline-sensor: CONFIG_INVALID: invalid configuration:\n  - HOTLINE_CALLER_HASH_KEY_FILE: ${file} is empty: write the secret into it, or unset HOTLINE_CALLER_HASH_KEY_FILE`);
    expect(output).not.toContain("is not set");
    expect(existsSync(path.join(dir, "data", "caller-hash.key"))).toBe(false);
  }, 60_000);

  it("refuses a key file others can read when HOTLINE_SECRET_FILES_STRICT=true, saying the chmod to run", async () => {
    const dir = tempDir("secret-strict");
    const file = keyFile(dir, `${HASH_KEY}\n`, 0o644);
    const { code, output } = await migrate(dir, { HOTLINE_CALLER_HASH_KEY_FILE: file, HOTLINE_SECRET_FILES_STRICT: "true" });
    expect(code).toBe(2);
    expect(output).toContain(`HOTLINE_CALLER_HASH_KEY_FILE: ${file} can be read by group or others (mode 0644): run chmod 600 ${file}`);
    expect(output).not.toContain(HASH_KEY);
  }, 60_000);

  it("starts with such a file when not strict, and logs one warning line naming the file and the chmod", async () => {
    const dir = tempDir("secret-warn");
    const file = keyFile(dir, `${HASH_KEY}\n`, 0o640);
    const { code, output } = await migrate(dir, { HOTLINE_CALLER_HASH_KEY_FILE: file });
    expect(code).toBe(0);
    const warnings = output.split("\n").filter((line) => line.includes("can be read by group or others"));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0]!)).toMatchObject({ level: 40, variable: "HOTLINE_CALLER_HASH_KEY_FILE", file, mode: "0640" });
    expect(warnings[0]).toContain(`run chmod 600 ${file}`);
    expect(output).not.toContain(HASH_KEY);
  }, 60_000);
});
