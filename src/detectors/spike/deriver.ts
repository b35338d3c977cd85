// Feeds created tickets to the spike detector and turns its updates into `spikes` rows. The
// detector is advanced at fixed 5-minute steps of event time, interleaved with the tickets, so its
// output depends on the events alone, not on how they were batched.
import type { EventRow } from "../../contract/normalise.js";
import type { Deriver, TableRows } from "../../pipeline/derive.js";
import { msToStoreTime, storeTimeToMs } from "../../contract/store-time.js";
import type { Tracked } from "../ticket-deriver.js";
import { SpikeDetector } from "./detector.js";
import type { SpikeConfig } from "./config.js";
import type { SpikeUpdate } from "./types.js";

const STEP_MS = 5 * 60_000;

export function createSpikeDeriver(config: Partial<SpikeConfig>): Deriver & Tracked {
  const detector = new SpikeDetector(config);
  let nextStepMs: number | undefined;
  return {
    name: "spikes",
    tracked: () => ({ series: detector.stats.series, callers: detector.trackedCallers }),
    replayWindowMs: detector.config.windowDays * 86_400_000,
    derive(events: readonly EventRow[]): readonly TableRows[] {
      const updates: SpikeUpdate[] = [];
      for (const e of events) {
        if (e.type !== "ticket.created") continue;
        const occurredAtMs = storeTimeToMs(e.occurred_at);
        nextStepMs ??= Math.floor(occurredAtMs / STEP_MS) * STEP_MS + STEP_MS;
        for (; nextStepMs <= occurredAtMs; nextStepMs += STEP_MS) updates.push(...detector.advance(nextStepMs));
        detector.observe({ occurredAtMs, categoryPath: e.category_path, districtCode: e.district_code, ticketId: e.ticket_id, callerKey: e.caller_key });
      }
      return updates.length === 0 ? [] : [{ table: "spikes", rows: updates.map(toRow) }];
    },
  };
}

export function toRow(u: SpikeUpdate): Record<string, unknown> {
  return {
    spike_id: u.id,
    status: u.status,
    resolution: u.series.resolution,
    level: u.series.level,
    category_code: u.series.category,
    category_path: u.categoryPath,
    district_code: u.series.district,
    trigger: u.trigger,
    started_at: msToStoreTime(u.startedAtMs),
    ended_at: u.endedAtMs === null ? null : msToStoreTime(u.endedAtMs),
    observed: u.observed,
    expected: Math.round(u.expected * 1000) / 1000,
    ratio: Math.round(u.score.ratio * 1000) / 1000,
    p_value: u.score.pValue,
    sample_ticket_ids: u.sampleTicketIds,
    first_seen: msToStoreTime(u.firstSeenMs),
    last_updated: msToStoreTime(u.lastUpdatedMs),
    version: u.lastUpdatedMs,
  };
}
