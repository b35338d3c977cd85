// Unlabelled natural bursts visible in the events: the simulator's 群体诉求 (many callers, one place and issue, within hours) that no label names.
import { poissonUpperTail } from "../../src/detectors/stats/index.js";
import type { Store } from "../../src/store/port.js";
import type { Window } from "./series.js";
import { DAY_MS, HOUR_MS } from "./series.js";

// Checked against the simulator's own burst log (a patched copy): these settings find 99% of its
// bursts in the medium city and 82% in the small one (whose smallest bursts have 3 callers), and
// 94–96% of what they find are real bursts. Without the rarity test, chronic hotspots' steady
// clusters would pass for bursts too.
/** Distinct callers on one leaf category in one community within the span that make a burst… */
export const BURST_MIN_CALLERS = 4;
/** …the simulator spreads a burst's callers over 1–8 hours… */
export const BURST_SPAN_MS = 8 * HOUR_MS;
/** …and so many callers must be this improbable at the place's own average rate for that leaf. */
export const BURST_MAX_P = 1e-5;

interface TicketRow extends Record<string, unknown> {
  readonly ticket_id: string;
  readonly category_code: string;
  readonly district_code: string;
  readonly community_code: string;
  readonly caller_key: string;
  readonly at_ms: string | number;
}

interface Ticket {
  readonly atMs: number;
  readonly caller: string;
}

/** A burst's leaf and district with the span of its tickets. */
export type Burst = Window;

function clusters(tickets: readonly Ticket[], days: number): { startMs: number; endMs: number }[] {
  const out: { startMs: number; endMs: number }[] = [];
  let from = 0;
  for (let to = 0; to < tickets.length; to++) {
    const end = tickets[to] as Ticket;
    while ((tickets[from] as Ticket).atMs < end.atMs - BURST_SPAN_MS) from++;
    const callers = new Set(tickets.slice(from, to + 1).map((t) => t.caller)).size;
    if (callers < BURST_MIN_CALLERS) continue;
    const usual = ((tickets.length - callers) / days) * (BURST_SPAN_MS / DAY_MS);
    if (poissonUpperTail(callers, usual) > BURST_MAX_P) continue;
    const startMs = (tickets[from] as Ticket).atMs;
    const last = out[out.length - 1];
    if (last !== undefined && startMs <= last.endMs) last.endMs = end.atMs;
    else out.push({ startMs, endMs: end.atMs });
  }
  return out;
}

/** Clusters of ticket.created that are not part of any labelled incident, over `days` replayed days; anonymous callers count as distinct. */
export async function naturalBursts(store: Store, labelledTicketIds: ReadonlySet<string>, days: number): Promise<Burst[]> {
  const rows = await store.query<TicketRow>(
    `SELECT ticket_id, category_code, district_code, community_code, caller_key, toUnixTimestamp64Milli(occurred_at) AS at_ms
     FROM events WHERE type = 'ticket.created' AND community_code != '' ORDER BY occurred_at, ticket_id`,
  );
  const groups = new Map<string, { category: string; district: string; tickets: Ticket[] }>();
  for (const row of rows) {
    if (labelledTicketIds.has(row.ticket_id)) continue;
    const key = `${row.category_code}|${row.community_code}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = { category: row.category_code, district: row.district_code, tickets: [] };
      groups.set(key, group);
    }
    group.tickets.push({ atMs: Number(row.at_ms), caller: row.caller_key === "" ? row.ticket_id : row.caller_key });
  }
  const bursts: Burst[] = [];
  for (const group of groups.values()) {
    if (group.tickets.length < BURST_MIN_CALLERS) continue;
    for (const c of clusters(group.tickets, days)) bursts.push({ category: group.category, district: group.district, ...c });
  }
  return bursts.sort((a, b) => a.startMs - b.startMs);
}
