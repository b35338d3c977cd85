// Result rows shaped exactly as the derivers write them (src/detectors/*/deriver.ts), for alerts.
import { msToStoreTime } from "../../../src/contract/store-time.js";
import type { TableRows } from "../../../src/pipeline/derive.js";

export const T0 = Date.parse("2026-11-20T02:00:00Z");
const HOUR = 3_600_000;

export function spikeRow(o: { id?: string; status?: string; observed?: number; expected?: number; district?: string; path?: string[]; tickets?: string[]; atMs?: number } = {}) {
  const path = o.path ?? ["03", "03.02", "03.02.01"];
  const at = o.atMs ?? T0;
  const observed = o.observed ?? 12;
  const expected = o.expected ?? 2;
  return {
    spike_id: o.id ?? "sp_7f3a",
    status: o.status ?? "open",
    resolution: "hour",
    level: path.length,
    category_code: path[path.length - 1] ?? "",
    category_path: path,
    district_code: o.district ?? "3799.02",
    trigger: "window",
    started_at: msToStoreTime(at - 3 * HOUR),
    ended_at: null,
    observed,
    expected,
    ratio: Math.round((observed / expected) * 1000) / 1000,
    p_value: 1e-9,
    sample_ticket_ids: o.tickets ?? Array.from({ length: Math.min(observed, 10) }, (_, i) => `T20261120${String(i).padStart(4, "0")}`),
    first_seen: msToStoreTime(at - HOUR),
    last_updated: msToStoreTime(at),
    version: at,
  };
}

export function collectiveRow(o: { id?: string; tickets?: number; callers?: number; district?: string; category?: string; department?: string; atMs?: number } = {}) {
  const at = o.atMs ?? T0;
  const n = o.tickets ?? 6;
  return {
    repeat_id: o.id ?? "collective:T202611200001",
    kind: "collective",
    status: "open",
    ticket_ids: Array.from({ length: n }, (_, i) => `TC${String(i).padStart(6, "0")}`),
    tickets: n,
    caller_key: "",
    callers: o.callers ?? n,
    channels: ["phone", "app"],
    category_code: o.category ?? "01.04.02",
    district_code: o.district ?? "3799.03",
    community_code: "3799.03.01.02",
    charged_department: o.department ?? "",
    first_seen: msToStoreTime(at - 5 * HOUR),
    last_updated: msToStoreTime(at),
    version: at,
  };
}

export function ticketFlagRow(o: { ticket?: string; kind?: string; reason?: string; department?: string; district?: string; category?: string; atMs?: number } = {}) {
  const at = o.atMs ?? T0;
  const ticket = o.ticket ?? "T202611190042";
  const kind = o.kind ?? "supervised";
  return {
    flag_id: `${ticket}:${kind}`,
    ticket_id: ticket,
    kind,
    status: "open",
    reason: o.reason ?? "督办 1 次 (supervised once)",
    category_code: o.category ?? "02.01.03",
    district_code: o.district ?? "3799.01",
    department_code: o.department ?? "3799.housing",
    first_seen: msToStoreTime(at - 2 * HOUR),
    last_updated: msToStoreTime(at),
    evidence: "{}",
    version: at,
  };
}

export function hotspotRow(o: { id?: string; observed?: number; expected?: number; atMs?: number } = {}) {
  const at = o.atMs ?? T0;
  return {
    hotspot_id: o.id ?? "emerging:community:3799.02.03.01:03.02:2026-11-18",
    kind: "emerging",
    status: "open",
    place_kind: "community",
    place: "3799.02.03.01",
    h3_cell: "",
    lat: null,
    lon: null,
    community_code: "3799.02.03.01",
    district_code: "3799.02",
    category_code: "03.02",
    observed: o.observed ?? 9,
    expected: o.expected ?? 1.5,
    p_value: 1e-6,
    window_start: "2026-11-18",
    window_end: "2026-11-20",
    sample_ticket_ids: ["TH000001", "TH000002", "TH000003"],
    first_seen: msToStoreTime(at - HOUR),
    last_updated: msToStoreTime(at),
    version: at,
  };
}

export function tables(rows: Record<string, readonly object[]>): TableRows[] {
  return Object.entries(rows).map(([table, r]) => ({ table, rows: r }));
}
