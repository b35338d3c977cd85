// Feeds stored events to the ticket-flags detector and turns its flags into `ticket_flags` rows.
import type { Deriver } from "../../pipeline/derive.js";
import { createTicketDeriver, type Tracked } from "../ticket-deriver.js";
import { msToStoreTime, storeTimeToMs } from "../../contract/store-time.js";
import { TicketFlagsDetector, type TicketFlag, type TicketFlagsConfig } from "./flags.js";

export interface TicketFlagsDeriverOptions {
  readonly config: TicketFlagsConfig;
  /** Deadlines are judged this long after the newest event's time, so late events still count. */
  readonly latenessMs: number;
}

export function createTicketFlagsDeriver(options: TicketFlagsDeriverOptions): Deriver & Tracked {
  const detector = new TicketFlagsDetector(options.config);
  return createTicketDeriver({
    name: "ticket_flags",
    table: "ticket_flags",
    replayWindowMs: options.config.retentionMs,
    latenessMs: options.latenessMs,
    toRow,
    tracked: () => detector.tracked,
    detector: {
      observe: (e, occurredAtMs) =>
        detector.observe({
          type: e.type,
          ticketId: e.ticket_id,
          occurredAtMs,
          departmentCode: e.department_code,
          hop: e.hop,
          deadlineMs: e.deadline === null ? null : storeTimeToMs(e.deadline),
          categoryCode: e.category_code,
          districtCode: e.district_code,
        }),
      advance: (watermarkMs) => detector.advance(watermarkMs),
    },
  });
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
