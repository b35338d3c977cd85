// Rotating HOTLINE_CALLER_HASH_KEY keeps repeat detection whole: a caller who calls three times
// under the old key and three times after the rotation (first with both keys, then, after a
// restart, with the new key only) is one frequent caller and one same-caller repeat, with the real
// CLI and chdb. Without the previous key the same calls split into two strangers, which shows the
// test can fail.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createHasher } from "../../src/contract/personal-data.js";
import { exampleEvents } from "../support/examples.js";
import { tempDir } from "../support/store.js";
import { queryData, runCli, workerEnv } from "../support/worker.js";

const OLD_KEY = "old-caller-hash-key-0123456789";
const NEW_KEY = "new-caller-hash-key-9876543210";
const PHONE = "+86 138 0013 8000";
const oldKey = createHasher(Buffer.from(OLD_KEY)).callerKey(PHONE);
const newKey = createHasher(Buffer.from(NEW_KEY)).callerKey(PHONE);

const template = exampleEvents().find((e) => e.event_id === "0b9f6c1e-4d2a-4c8e-9a31-6f2d8e1a7c01")!;

/** A ticket of our caller on 2026-03-<day>, same category and channel each time, a different text. */
function ticket(day: number, phone = PHONE): string {
  const dd = String(day).padStart(2, "0");
  const data = template["data"] as Record<string, unknown>;
  return JSON.stringify({
    ...template,
    event_id: `rotation-${dd}-${phone.slice(-4)}`,
    ticket_id: `BJ-ROT-${dd}-${phone.slice(-4)}`,
    occurred_at: `2026-03-${dd}T09:00:00+08:00`,
    data: { ...data, caller: { phone }, text: `第${day}次来电：电梯又坏了，请第${day}次派人维修`, sla: {} },
  });
}

/** Writes the tickets of the given days (and one of another caller a day later, which moves the watermark). */
function file(dir: string, name: string, days: readonly number[]): string {
  const out = path.join(dir, name);
  writeFileSync(out, [...days.map((d) => ticket(d)), ticket(days[days.length - 1]! + 1, "13900139000")].join("\n") + "\n");
  return out;
}

async function rotate(withPrevious: boolean): Promise<{ dir: string; env: Record<string, string> }> {
  const dir = tempDir("rotation");
  const data = path.join(dir, "data");
  const common = { HOTLINE_DETECT_LATENESS_MS: "0", HOTLINE_FREQUENT_CALLER_WINDOW: "6", HOTLINE_FREQUENT_CALLER_DAILY: "100" };
  const before = workerEnv({ ...common, HOTLINE_CALLER_HASH_KEY: OLD_KEY });
  const during = workerEnv({ ...common, HOTLINE_CALLER_HASH_KEY: NEW_KEY, ...(withPrevious ? { HOTLINE_CALLER_HASH_KEY_PREVIOUS: OLD_KEY } : {}) });
  const after = workerEnv({ ...common, HOTLINE_CALLER_HASH_KEY: NEW_KEY });
  await runCli(["replay", file(dir, "before.ndjson", [1, 3, 5]), "--data", data], before);
  await runCli(["replay", file(dir, "during.ndjson", [10, 12]), "--data", data], during);
  // a restart with the previous key dropped: the rebuild relearns the link from the stored rows
  await runCli(["replay", file(dir, "after.ndjson", [15]), "--data", data], after);
  return { dir: data, env: after };
}

interface Flag {
  caller_key: string;
  kind: string;
  tickets: number;
}

describe("caller hash key rotation", () => {
  it("keeps one caller across the rotation and a restart", async () => {
    const { dir, env } = await rotate(true);
    const rows = await queryData<{ ticket_id: string; caller_key: string; caller_key_previous: string }>(
      dir,
      "SELECT ticket_id, caller_key, caller_key_previous FROM events WHERE ticket_id LIKE '%-8000' ORDER BY occurred_at",
      env,
    );
    expect(rows.map((r) => [r.caller_key, r.caller_key_previous])).toEqual([
      [oldKey, ""], [oldKey, ""], [oldKey, ""], [newKey, oldKey], [newKey, oldKey], [newKey, ""],
    ]);
    const flags = await queryData<Flag>(dir, "SELECT caller_key, kind, tickets FROM caller_flags FINAL WHERE kind = 'frequent_caller'", env);
    expect(flags).toEqual([{ caller_key: oldKey, kind: "frequent_caller", tickets: 6 }]);
    const repeats = await queryData<{ kind: string; tickets: number; ticket_ids: string[] }>(
      dir,
      "SELECT kind, tickets, ticket_ids FROM repeats FINAL WHERE has(ticket_ids, 'BJ-ROT-01-8000')",
      env,
    );
    expect(repeats).toEqual([{ kind: "same_caller", tickets: 6, ticket_ids: rows.map((r) => r.ticket_id) }]);
    // nothing was derived under the new key: the detectors saw one caller
    expect(await queryData(dir, `SELECT * FROM caller_flags FINAL WHERE caller_key = '${newKey}'`, env)).toEqual([]);
  });

  it("splits the caller in two without the previous key (the failure the rotation prevents)", async () => {
    const { dir, env } = await rotate(false);
    expect(await queryData<Flag>(dir, "SELECT caller_key, kind, tickets FROM caller_flags FINAL WHERE kind = 'frequent_caller'", env)).toEqual([]);
    const repeats = await queryData<{ tickets: number }>(dir, "SELECT tickets FROM repeats FINAL WHERE kind = 'same_caller' AND has(arrayMap(t -> endsWith(t, '-8000'), ticket_ids), 1) ORDER BY first_seen", env);
    expect(repeats.map((r) => r.tickets)).toEqual([3, 3]);
  });
});
