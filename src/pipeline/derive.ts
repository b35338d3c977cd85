// Derivers turn newly stored events into result rows (spikes, flags, …) written before the batch
// is acknowledged. They are deterministic state machines on event time: after a restart their
// state is rebuilt by replaying stored events, so results never depend on where a crash fell.
import type { EventRow } from "../contract/normalise.js";

export interface TableRows {
  readonly table: string;
  readonly rows: readonly object[];
}

export interface Deriver {
  readonly name: string;
  /**
   * Events of one batch that were stored for the first time, in (occurred_at, event_id) order.
   * Returns the result rows to upsert; tables are ReplacingMergeTree keyed by a deterministic id.
   */
  derive(events: readonly EventRow[]): readonly TableRows[];
  /** How far back (ms before the newest stored event) a restart must replay to rebuild the state. */
  readonly replayWindowMs: number;
}

/** Events in the canonical order derivers see them in, live and on replay alike. */
export function canonicalOrder(events: readonly EventRow[]): EventRow[] {
  return [...events].sort((a, b) => (a.occurred_at < b.occurred_at ? -1 : a.occurred_at > b.occurred_at ? 1 : a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0));
}

/** Runs every deriver on the batch and merges their rows by table. */
export function deriveAll(derivers: readonly Deriver[], events: readonly EventRow[]): TableRows[] {
  if (derivers.length === 0 || events.length === 0) return [];
  const ordered = canonicalOrder(events);
  const byTable = new Map<string, object[]>();
  for (const deriver of derivers) {
    for (const { table, rows } of deriver.derive(ordered)) {
      const list = byTable.get(table) ?? [];
      list.push(...rows);
      byTable.set(table, list);
    }
  }
  return [...byTable].filter(([, rows]) => rows.length > 0).map(([table, rows]) => ({ table, rows }));
}
