// Feeds stored events to the caller-flags detector and turns its flags into `caller_flags` rows.
import type { EventRow } from "../../contract/normalise.js";
import type { Deriver, TableRows } from "../../pipeline/derive.js";
import { msToStoreTime, storeTimeToMs } from "../time.js";
import { CallerFlagsDetector, type CallerFlag, type CallerFlagsConfig } from "./caller-flags.js";

export function createCallerFlagsDeriver(options: { readonly config: CallerFlagsConfig; readonly latenessMs: number }): Deriver {
  const detector = new CallerFlagsDetector(options.config);
  let newestMs = 0;
  return {
    name: "caller_flags",
    replayWindowMs: options.config.windowMs,
    derive(events: readonly EventRow[]): readonly TableRows[] {
      for (const e of events) {
        if (e.ticket_id === "") continue;
        const occurredAtMs = storeTimeToMs(e.occurred_at);
        newestMs = Math.max(newestMs, occurredAtMs);
        detector.observe({ type: e.type, ticketId: e.ticket_id, occurredAtMs, callerKey: e.caller_key, text: e.text, resolution: e.resolution });
      }
      const flags = detector.advance(newestMs - options.latenessMs);
      return flags.length === 0 ? [] : [{ table: "caller_flags", rows: flags.map(toRow) }];
    },
  };
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
