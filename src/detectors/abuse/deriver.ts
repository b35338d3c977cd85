// Feeds stored events to the caller-flags detector and turns its flags into `caller_flags` rows.
import type { Deriver } from "../../pipeline/derive.js";
import { createTicketDeriver, type Tracked } from "../ticket-deriver.js";
import { msToStoreTime } from "../../contract/store-time.js";
import { CallerFlagsDetector, type CallerFlag, type CallerFlagsConfig } from "./caller-flags.js";

export function createCallerFlagsDeriver(options: { readonly config: CallerFlagsConfig; readonly latenessMs: number }): Deriver & Tracked {
  const detector = new CallerFlagsDetector(options.config);
  return createTicketDeriver({
    name: "caller_flags",
    table: "caller_flags",
    replayWindowMs: options.config.windowMs,
    latenessMs: options.latenessMs,
    toRow,
    tracked: () => detector.tracked,
    detector: {
      observe: (e, occurredAtMs) =>
        detector.observe({ type: e.type, ticketId: e.ticket_id, occurredAtMs, callerKey: e.caller_key, text: e.text, resolution: e.resolution }),
      advance: (watermarkMs) => detector.advance(watermarkMs),
    },
  });
}

function toRow(f: CallerFlag): Record<string, unknown> {
  return {
    flag_id: f.flagId,
    caller_key: f.callerKey,
    kind: f.kind,
    status: f.status,
    reason: f.reason,
    tickets: f.tickets,
    sample_ticket_ids: f.sampleTicketIds,
    first_seen: msToStoreTime(f.firstSeenMs),
    last_updated: msToStoreTime(f.lastUpdatedMs),
    version: f.lastUpdatedMs,
  };
}
