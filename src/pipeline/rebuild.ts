// Rebuilds the derivers' state at start by replaying stored events in canonical order, and writes
// what they derive (idempotent upserts). A restarted worker so reaches the results of one that
// never stopped, and results a crash kept from being written are written now.
import type { EventRow } from "../contract/normalise.js";
import type { Store } from "../store/port.js";
import { deriveAll, type Deriver } from "./derive.js";
import { writeDerived, type WriteTimer } from "./writer.js";

const PAGE_ROWS = 50_000;

export interface RebuildReport {
  readonly events: number;
  readonly resultRows: number;
}

export async function rebuildDerivers(store: Store, derivers: readonly Deriver[], time: WriteTimer): Promise<RebuildReport> {
  if (derivers.length === 0) return { events: 0, resultRows: 0 };
  const [newest] = await store.query<{ newest: string | null }>("SELECT toString(max(occurred_at)) AS newest FROM events HAVING count() > 0");
  if (newest?.newest == null) return { events: 0, resultRows: 0 };
  const windowMs = Math.max(...derivers.map((d) => d.replayWindowMs));
  const from = new Date(Date.parse(`${newest.newest.replace(" ", "T")}Z`) - windowMs).toISOString().replace("T", " ").replace("Z", "");
  let cursor = { at: from, id: "" };
  let events = 0;
  let resultRows = 0;
  for (;;) {
    const page = await store.query<EventRow & Record<string, unknown>>(
      `SELECT * FROM events
       WHERE (occurred_at, event_id) > (toDateTime64({at:String}, 3, 'UTC'), {id:String})
       ORDER BY occurred_at, event_id LIMIT ${PAGE_ROWS}`,
      cursor,
    );
    if (page.length === 0) break;
    events += page.length;
    resultRows += await writeDerived(store, deriveAll(derivers, page), time);
    const last = page[page.length - 1]!;
    cursor = { at: last.occurred_at, id: last.event_id };
    if (page.length < PAGE_ROWS) break;
  }
  return { events, resultRows };
}
