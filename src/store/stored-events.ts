// Which event_ids the store holds already, and where each was read: the one lookup behind exactly
// once (the writer drops them, the push source and the HTTP ingest answer "duplicate", and the push
// source reads back what became of its items). Keyed by event_id alone, whatever the occurred_at of
// a resend: the `by_event_id` projection of `events` (schemas/clickhouse/028_events_by_event_id.sql)
// answers an IN of a batch's ids from its own sort order. One query per call, ids as literals in the
// body (store/sql.ts): as parameters they would overflow the URL of the HTTP adapter.
import type { Store } from "./port.js";
import { stringArrayLiteral } from "./sql.js";

/** Of these event_ids, those stored in `events`, each with the `source` position it was stored from. */
export async function storedEvents(store: Pick<Store, "query">, eventIds: readonly string[]): Promise<Map<string, string>> {
  if (eventIds.length === 0) return new Map();
  const rows = await store.query<{ event_id: string; source: string }>(`SELECT event_id, source FROM events WHERE event_id IN ${stringArrayLiteral(eventIds)}`);
  return new Map(rows.map((r) => [r.event_id, r.source]));
}
