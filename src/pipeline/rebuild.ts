// Rebuilds the derivers' state at start by replaying stored events in canonical order. Replay
// starts a deriver's history window before the last HEAL_MS of event time, so what it derives for
// that last stretch rests on full history and equals what a worker that never stopped wrote; those
// rows are written again (idempotent upserts), healing a crash between the events write and the
// results write. Older rows, derived from truncated history while warming up, are not written.
import type { EventRow } from "../contract/normalise.js";
import { msToStoreTime, storeTimeToMs } from "../contract/store-time.js";
import type { Store } from "../store/port.js";
import { deriveInChunks, type Deriver, type TableRows } from "./derive.js";
import { writeDerived, type WriteTimer } from "./writer.js";

// a page is parsed on the event loop in one piece: 10,000 rows take a fraction of a second
const PAGE_ROWS = 10_000;
const HEAL_MS = 86_400_000;

export interface RebuildReport {
  readonly events: number;
  readonly resultRows: number;
}

/** Where a replay of stored events stopped: the last (occurred_at, event_id) fed to the derivers. */
export interface StoreCursor {
  readonly at: string;
  readonly id: string;
}

export interface ReplayBounds {
  /** Replay only events with occurred_at before this (epoch ms); default: everything stored. */
  readonly beforeMs?: number;
  /** Derive slice by slice of event time (see replayStored). */
  readonly sliceMs?: number;
}

/** `onResults` sees the rows written again once they are durable (a crash may have cut their alerts short too). */
export async function rebuildDerivers(
  store: Store,
  derivers: readonly Deriver[],
  time: WriteTimer,
  onResults?: (tables: readonly TableRows[]) => void,
  bounds: ReplayBounds = {},
): Promise<RebuildReport & { readonly cursor: StoreCursor | undefined }> {
  if (derivers.length === 0) return { events: 0, resultRows: 0, cursor: undefined };
  const [newest] = await store.query<{ newest: string | null }>("SELECT toString(max(occurred_at)) AS newest FROM events HAVING count() > 0");
  if (newest?.newest == null) return { events: 0, resultRows: 0, cursor: undefined };
  const endMs = Math.min(storeTimeToMs(newest.newest), bounds.beforeMs ?? Infinity);
  const healFromMs = endMs - HEAL_MS;
  const windowMs = Math.max(...derivers.map((d) => d.replayWindowMs));
  const start = { at: msToStoreTime(healFromMs - windowMs), id: "" };
  const { events, resultRows, cursor } = await replayStored(store, derivers, start, bounds.beforeMs, time, healFromMs, onResults, bounds.sliceMs);
  return { events, resultRows, cursor: cursor ?? start };
}

/**
 * Feeds stored events after `from` (and before `beforeMs`, if given) to the derivers in canonical
 * order, a page at a time, and writes the rows they derive whose version is at least `writeFromMs`.
 * With `sliceMs`, each derive call holds exactly the events of one slice of event time (pages are
 * cut at slice ends), so the calls — and what derivers judge at the end of each — are the same
 * however the replay is split up; `beforeMs` must then fall on a slice end.
 */
export async function replayStored(
  store: Store,
  derivers: readonly Deriver[],
  from: StoreCursor,
  beforeMs: number | undefined,
  time: WriteTimer,
  writeFromMs: number,
  onResults?: (tables: readonly TableRows[]) => void,
  sliceMs?: number,
): Promise<RebuildReport & { readonly cursor: StoreCursor | undefined }> {
  let cursor: StoreCursor | undefined;
  let after = from;
  let events = 0;
  let resultRows = 0;
  const derive = async (batch: readonly EventRow[]): Promise<void> => {
    if (batch.length === 0) return;
    const written = (await deriveInChunks(derivers, batch))
      .map(({ table, rows }) => ({ table, rows: rows.filter((row) => !("version" in row) || Number(row.version) >= writeFromMs) }))
      .filter(({ rows }) => rows.length > 0);
    resultRows += await writeDerived(store, written, time);
    if (written.length > 0) onResults?.(written);
    const last = batch[batch.length - 1]!;
    cursor = { at: last.occurred_at, id: last.event_id };
  };
  const sliceOf = (row: EventRow): number => Math.floor(storeTimeToMs(row.occurred_at) / (sliceMs ?? 1));
  /** Derives whole slices, one call each; returns the rows of the last slice when it may go on past them. */
  const deriveSlices = async (rows: readonly EventRow[], lastIsComplete: boolean): Promise<EventRow[]> => {
    let begin = 0;
    for (let i = 1; i <= rows.length; i++) {
      if (i < rows.length && sliceOf(rows[i]!) === sliceOf(rows[begin]!)) continue;
      if (i === rows.length && !lastIsComplete) return rows.slice(begin);
      await derive(rows.slice(begin, i));
      begin = i;
    }
    return [];
  };
  let carried: EventRow[] = [];
  const bound = beforeMs === undefined ? "" : "AND occurred_at < fromUnixTimestamp64Milli({before:Int64}, 'UTC')";
  for (;;) {
    // `data` (the whole payload, the largest column) is left out: no deriver reads it
    const page = await store.query<EventRow & Record<string, unknown>>(
      `SELECT * EXCEPT (data), '' AS data FROM events
       WHERE (occurred_at, event_id) > (toDateTime64({at:String}, 3, 'UTC'), {id:String}) ${bound}
       ORDER BY occurred_at, event_id LIMIT ${PAGE_ROWS}`,
      beforeMs === undefined ? { ...after } : { ...after, before: beforeMs },
    );
    if (page.length === 0) break;
    events += page.length;
    const last = page[page.length - 1]!;
    after = { at: last.occurred_at, id: last.event_id };
    if (sliceMs === undefined) await derive(page);
    else carried = await deriveSlices(carried.length === 0 ? page : [...carried, ...page], false);
    if (page.length < PAGE_ROWS) break;
  }
  if (beforeMs !== undefined) {
    // A store that answers a page short (going away mid-query, say) must not let a bounded replay
    // claim events it never fed: the follower would move its watermark past them for good. Checked
    // before the last slice is derived, which a short page may have cut: no row comes from it.
    const [due] = await store.query<{ n: string | number }>(
      `SELECT count() AS n FROM events WHERE (occurred_at, event_id) > (toDateTime64({at:String}, 3, 'UTC'), {id:String}) ${bound}`,
      { ...from, before: beforeMs },
    );
    if (Number(due?.n ?? 0) !== events) {
      throw new Error(`replay read ${events} stored events before ${msToStoreTime(beforeMs)} where the store holds ${String(due?.n)}; the detectors must be rebuilt`);
    }
  }
  await deriveSlices(carried, true);
  return { events, resultRows, cursor };
}
