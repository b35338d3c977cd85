// Test helpers for the store: a migrated chdb store in a fresh folder, and whole-table snapshots
// for comparing two runs (columns that carry the worker's wall clock are left out).
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { openChdbStore } from "../../src/store/chdb.js";
import { migrate, repoMigrationsDir } from "../../src/store/migrations.js";
import type { Store } from "../../src/store/port.js";

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `hotline-${prefix}-`));
}

export async function openMigratedChdb(dataDir = tempDir("chdb"), timezone = "Asia/Shanghai"): Promise<Store> {
  const store = await openChdbStore({ dataDir, database: "hotline" });
  await migrate(store, { dir: repoMigrationsDir(), vars: { timezone } });
  return store;
}

/** Every table analysts read, as sorted rows, so two runs can be compared for equality. */
export const SNAPSHOT_QUERIES: Readonly<Record<string, string>> = {
  events: "SELECT * EXCEPT (source) FROM events ORDER BY event_id",
  tickets: "SELECT * FROM tickets ORDER BY ticket_id",
  volume_minute:
    "SELECT minute, district_code, category_l1, category_l2, category_code, channel, request_type, sum(tickets) AS tickets FROM volume_minute GROUP BY ALL ORDER BY ALL",
  calls_minute:
    "SELECT minute, queue, agent_group, sum(offered), sum(answered), sum(answered_within_15s), sum(abandoned), sum(abandoned_within_10s), sum(ended), sum(tickets_produced), round(sum(answer_wait_seconds), 3), round(sum(abandon_wait_seconds), 3), round(sum(talk_seconds), 3) FROM calls_minute GROUP BY ALL ORDER BY ALL",
  dead_letters: "SELECT * EXCEPT (dead_lettered_at) FROM dead_letters ORDER BY source",
};

/** The detectors' tables, whole and after replacement: runs of the same input must end with the same rows. */
export const DETECTOR_SNAPSHOT_QUERIES: Readonly<Record<string, string>> = Object.fromEntries(
  ["spikes", "repeats", "ticket_flags", "caller_flags", "hotspots", "phrases"].map((table) => [table, `SELECT * FROM ${table} FINAL ORDER BY ALL`]),
);

export async function snapshot(store: Store): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const [table, sql] of Object.entries(SNAPSHOT_QUERIES)) out[table] = await store.query(sql);
  return out;
}

export async function count(store: Store, sql: string): Promise<number> {
  const rows = await store.query<{ n: number | string }>(sql);
  return Number(rows[0]?.n ?? 0);
}
