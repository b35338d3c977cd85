// Feeds stored events to the ticket-flags detector and turns its flags into `ticket_flags` rows.
import type { EventRow } from "../../contract/normalise.js";
import type { Deriver, TableRows } from "../../pipeline/derive.js";
import { msToStoreTime, storeTimeToMs } from "../time.js";
import { TicketFlagsDetector, type TicketFlag, type TicketFlagsConfig } from "./flags.js";

export interface TicketFlagsDeriverOptions {
  readonly config: TicketFlagsConfig;
  /** Deadlines are judged this long after the newest event's time, so late events still count. */
  readonly latenessMs: number;
}

export function createTicketFlagsDeriver(options: TicketFlagsDeriverOptions): Deriver {
  const detector = new TicketFlagsDetector(options.config);
  let newestMs = 0;
  return {
    name: "ticket_flags",
    replayWindowMs: options.config.retentionMs,
    derive(events: readonly EventRow[]): readonly TableRows[] {
      for (const e of events) {
        if (e.ticket_id === "") continue;
        const occurredAtMs = storeTimeToMs(e.occurred_at);
        newestMs = Math.max(newestMs, occurredAtMs);
        detector.observe({
          type: e.type,
          ticketId: e.ticket_id,
          occurredAtMs,
          departmentCode: e.department_code,
          hop: e.hop,
          deadlineMs: e.deadline === null ? null : storeTimeToMs(e.deadline),
          categoryCode: e.category_code,
          districtCode: e.district_code,
        });
      }
      const flags = detector.advance(newestMs - options.latenessMs);
      return flags.length === 0 ? [] : [{ table: "ticket_flags", rows: flags.map(toRow) }];
    },
  };
}

function toRow(flag: TicketFlag): Record<string, unknown> {
  return {
    flag_id: flag.flagId,
    ticket_id: flag.ticketId,
    kind: flag.kind,
    status: flag.status,
    reason: flag.reason,
    category_code: flag.categoryCode,
    district_code: flag.districtCode,
    department_code: flag.departmentCode,
    first_seen: msToStoreTime(flag.firstSeenMs),
    last_updated: msToStoreTime(flag.lastUpdatedMs),
    evidence: JSON.stringify(flag.evidence),
    version: flag.lastUpdatedMs,
  };
}
