// Derivers turn newly stored events into result rows (spikes, flags, …) written before the batch
// is acknowledged. They are deterministic state machines on event time: after a restart their
// state is rebuilt by replaying stored events, so results never depend on where a crash fell.
import type { EventRow } from "../contract/normalise.js";
import { storeTimeToMs } from "../contract/store-time.js";

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

/**
 * Caller keys across a rotation of HOTLINE_CALLER_HASH_KEY (README, "Personal data"). Phones are
 * never stored, so an old key can only be linked to a new one at ingest: during the rotation rows
 * carry both (`caller_key` under the new secret, `caller_key_previous` under the old one). Detectors
 * see one caller under the OLD key, the one their state already holds from before the rotation:
 * a row carrying both maps to its previous key, and a row with only a new key maps to the old one
 * while a row carrying both was seen for it within `lifetimeMs` (event time) before. The link thus
 * depends only on stored rows in the window a restart replays, so a rebuilt worker canonicalises
 * exactly like one that never stopped. Entries older than the lifetime (plus the largest allowed
 * lateness) are dropped, so memory is bounded by the callers who called during the last rotation's
 * transition and the lifetime after it. Old keys are never keys of the map: HMACs under different
 * secrets do not collide.
 */
export class CallerAliases {
  private readonly oldKeyOf = new Map<string, { readonly oldKey: string; readonly lastSeenMs: number }>();
  private newestMs = -Infinity;
  private sweptAtMs = -Infinity;

  /** lifetimeMs: how long after a caller's last row carrying both keys its new key still maps to the old one. */
  constructor(private readonly lifetimeMs: number) {}

  get size(): number {
    return this.oldKeyOf.size;
  }

  /** The caller key detectors see for this row (its own when no rotation is linked to it). */
  canonical(callerKey: string, previousKey: string, occurredAtMs: number): string {
    if (occurredAtMs > this.newestMs) {
      this.newestMs = occurredAtMs;
      this.sweep();
    }
    if (callerKey === "") return callerKey;
    if (previousKey === "" || previousKey === callerKey) return this.resolve(callerKey, occurredAtMs);
    // a second rotation within the lifetime of the first: the previous key may itself be an alias
    const oldKey = this.resolve(previousKey, occurredAtMs);
    const entry = this.oldKeyOf.get(callerKey);
    const lastSeenMs = entry?.oldKey === oldKey ? Math.max(entry.lastSeenMs, occurredAtMs) : occurredAtMs;
    // re-inserted at the end, so the map stays (nearly) ordered by last sighting for the sweep
    this.oldKeyOf.delete(callerKey);
    this.oldKeyOf.set(callerKey, { oldKey, lastSeenMs });
    return oldKey;
  }

  private resolve(key: string, occurredAtMs: number): string {
    const entry = this.oldKeyOf.get(key);
    return entry !== undefined && occurredAtMs - entry.lastSeenMs <= this.lifetimeMs ? entry.oldKey : key;
  }

  /** Drops entries no row can use any more: older than the lifetime before the newest row, with room for late rows. */
  private sweep(): void {
    if (this.newestMs - this.sweptAtMs < SWEEP_EVERY_MS) return;
    this.sweptAtMs = this.newestMs;
    const before = this.newestMs - this.lifetimeMs - MAX_LATENESS_MS;
    for (const [key, entry] of this.oldKeyOf) {
      if (entry.lastSeenMs >= before) break;
      this.oldKeyOf.delete(key);
    }
  }
}

const SWEEP_EVERY_MS = 3_600_000;
/** The largest HOTLINE_DETECT_LATENESS_MS the configuration allows: a late row may still need an entry. */
const MAX_LATENESS_MS = 7 * 86_400_000;

/** One alias map per set of derivers: it lives and is rebuilt exactly as long as their state. */
const aliasesOf = new WeakMap<readonly Deriver[], CallerAliases>();

/** The rows with caller keys as the detectors must see them (see CallerAliases); rows are copied only when a key changes. */
export function canonicalCallers(rows: EventRow[], aliases: CallerAliases): EventRow[] {
  // outside a rotation (no alias, no row carrying a previous key) this is a scan and nothing else
  if (aliases.size === 0 && !rows.some((row) => (row.caller_key_previous ?? "") !== "")) return rows;
  return rows.map((row) => {
    // rows built before migration 027 (or by hand in tests) may lack the column
    const previous = row.caller_key_previous ?? "";
    if (row.caller_key === "" || (previous === "" && aliases.size === 0)) return row;
    const key = aliases.canonical(row.caller_key, previous, storeTimeToMs(row.occurred_at));
    return key === row.caller_key ? row : { ...row, caller_key: key };
  });
}

/**
 * Most events one synchronous derive call takes: a batch is derived in chunks of this size with a
 * turn of the event loop between them, so /healthz, /metrics and signals are answered during a large
 * batch. A detector's cost per event is bounded (no work that grows with a group's size), so this
 * bounds how long the event loop is held: 1,000 events of a burst of identical tickets take about
 * 0.1 s on the project's machine (README, "How the detectors work").
 */
export const DERIVE_CHUNK_EVENTS = 1_000;

/** deriveAll over `events` in chunks of DERIVE_CHUNK_EVENTS (cut in canonical order), yielding between them; rows merged by table. */
export async function deriveInChunks(derivers: readonly Deriver[], events: readonly EventRow[]): Promise<TableRows[]> {
  if (events.length <= DERIVE_CHUNK_EVENTS) return deriveAll(derivers, events);
  const ordered = canonicalOrder(events);
  const byTable = new Map<string, object[]>();
  for (let from = 0; from < ordered.length; from += DERIVE_CHUNK_EVENTS) {
    if (from > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    for (const { table, rows } of deriveAll(derivers, ordered.slice(from, from + DERIVE_CHUNK_EVENTS))) {
      const list = byTable.get(table) ?? [];
      for (const row of rows) list.push(row);
      byTable.set(table, list);
    }
  }
  return [...byTable].map(([table, rows]) => ({ table, rows }));
}

/** Runs every deriver on the batch and merges their rows by table. */
export function deriveAll(derivers: readonly Deriver[], events: readonly EventRow[]): TableRows[] {
  if (derivers.length === 0 || events.length === 0) return [];
  let aliases = aliasesOf.get(derivers);
  if (aliases === undefined) {
    aliases = new CallerAliases(Math.max(...derivers.map((d) => d.replayWindowMs)));
    aliasesOf.set(derivers, aliases);
  }
  const ordered = canonicalCallers(canonicalOrder(events), aliases);
  const byTable = new Map<string, object[]>();
  for (const deriver of derivers) {
    for (const { table, rows } of deriver.derive(ordered)) {
      const list = byTable.get(table) ?? [];
      for (const row of rows) list.push(row);
      byTable.set(table, list);
    }
  }
  return [...byTable].filter(([, rows]) => rows.length > 0).map(([table, rows]) => ({ table, rows }));
}
