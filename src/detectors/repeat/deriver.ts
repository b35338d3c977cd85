// Feeds stored events to the repeat-complaint detector and turns repeats into `repeats` rows.
import type { Deriver } from "../../pipeline/derive.js";
import { createTicketDeriver, type Tracked } from "../ticket-deriver.js";
import { msToStoreTime } from "../../contract/store-time.js";
import { RepeatDetector, type Repeat, type RepeatConfig } from "./repeats.js";

export function createRepeatDeriver(options: { readonly config: RepeatConfig; readonly latenessMs: number }): Deriver & Tracked {
  const detector = new RepeatDetector(options.config);
  return createTicketDeriver({
    name: "repeats",
    table: "repeats",
    replayWindowMs: options.config.windowMs,
    latenessMs: options.latenessMs,
    toRow,
    tracked: () => detector.tracked,
    detector: {
      observe: (e, occurredAtMs) =>
        detector.observe({
          type: e.type,
          ticketId: e.ticket_id,
          occurredAtMs,
          callerKey: e.caller_key,
          channel: e.channel,
          categoryCode: e.category_code,
          districtCode: e.district_code,
          communityCode: e.community_code,
          departmentCode: e.department_code,
          text: e.text,
        }),
      advance: (watermarkMs) => detector.advance(watermarkMs),
    },
  });
}

function toRow(r: Repeat): Record<string, unknown> {
  return {
    repeat_id: r.repeatId,
    kind: r.kind,
    status: r.status,
    ticket_ids: r.ticketIds,
    tickets: r.tickets,
    caller_key: r.callerKey,
    callers: r.callers,
    channels: r.channels,
    category_code: r.categoryCode,
    district_code: r.districtCode,
    community_code: r.communityCode,
    charged_department: r.chargedDepartment,
    first_seen: msToStoreTime(r.firstSeenMs),
    last_updated: msToStoreTime(r.lastUpdatedMs),
    version: r.lastUpdatedMs,
  };
}
