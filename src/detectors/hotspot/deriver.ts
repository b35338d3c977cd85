// Feeds created tickets to the hotspot detector (H3 cells where coordinates exist, communities
// where not) and turns hotspots into `hotspots` rows, once per closed local day.
import { cellToLatLng, latLngToCell } from "h3-js";
import type { EventRow } from "../../contract/normalise.js";
import type { Deriver, TableRows } from "../../pipeline/derive.js";
import { LocalDays } from "../local-time.js";
import type { Tracked } from "../ticket-deriver.js";
import { storeTimeToMs, msToStoreTime } from "../../contract/store-time.js";
import { HotspotDetector, type Hotspot, type HotspotConfig } from "./hotspots.js";

export interface HotspotDeriverOptions {
  readonly config: HotspotConfig;
  readonly timeZone: string;
  readonly latenessMs: number;
  /** H3 resolution of the grid (8: cells of about 0.7 km²). */
  readonly h3Resolution: number;
}

export function createHotspotDeriver(options: HotspotDeriverOptions): Deriver & Tracked {
  const detector = new HotspotDetector(options.config);
  const days = new LocalDays(options.timeZone);
  const c = options.config;
  let newestMs = 0;
  return {
    name: "hotspots",
    tracked: () => detector.tracked,
    replayWindowMs: Math.max(c.recentDays + c.baselineDays, c.chronicBlocks * c.chronicBlockDays) * 86_400_000,
    derive(events: readonly EventRow[]): readonly TableRows[] {
      for (const e of events) {
        if (e.type !== "ticket.created") continue;
        const occurredAtMs = storeTimeToMs(e.occurred_at);
        newestMs = Math.max(newestMs, occurredAtMs);
        detector.observe({ ticketId: e.ticket_id, day: days.dayOf(occurredAtMs), place: placeOf(e, options.h3Resolution), categoryCode: e.category_path[1] ?? e.category_code, districtCode: e.district_code });
      }
      if (newestMs === 0) return [];
      const hotspots = detector.advance(days.dayOf(newestMs - options.latenessMs) - 1);
      return hotspots.length === 0 ? [] : [{ table: "hotspots", rows: hotspots.map((h) => toRow(h, days)) }];
    },
  };
}

function placeOf(e: EventRow, resolution: number): string {
  if (e.lat !== null && e.lon !== null) return `h3:${latLngToCell(e.lat, e.lon, resolution)}`;
  if (e.community_code !== "") return `community:${e.community_code}`;
  return `district:${e.district_code}`;
}

function toRow(h: Hotspot, days: LocalDays): Record<string, unknown> {
  const [kind, id] = [h.place.slice(0, h.place.indexOf(":")), h.place.slice(h.place.indexOf(":") + 1)];
  const center = kind === "h3" ? cellToLatLng(id) : null;
  const lastUpdatedMs = days.endOf(h.lastUpdatedDay);
  return {
    hotspot_id: h.hotspotId,
    kind: h.kind,
    status: h.status,
    place_kind: kind,
    place: id,
    h3_cell: kind === "h3" ? id : "",
    lat: center?.[0] ?? null,
    lon: center?.[1] ?? null,
    community_code: kind === "community" ? id : "",
    district_code: h.districtCode,
    category_code: h.categoryCode,
    observed: h.observed,
    expected: h.expected,
    p_value: h.pValue,
    window_start: days.label(h.windowStartDay),
    window_end: days.label(h.windowEndDay),
    sample_ticket_ids: h.sampleTicketIds,
    first_seen: msToStoreTime(days.endOf(h.firstSeenDay)),
    last_updated: msToStoreTime(lastUpdatedMs),
    version: lastUpdatedMs,
  };
}
