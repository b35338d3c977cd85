// Feeds ticket texts to the emerging-phrase detector, day by day in local time, and turns bursts
// into `phrases` rows.
import type { EventRow } from "../../contract/normalise.js";
import type { Deriver, TableRows } from "../../pipeline/derive.js";
import { LocalDays } from "../local-time.js";
import type { Tracked } from "../ticket-deriver.js";
import { msToStoreTime, storeTimeToMs } from "../../contract/store-time.js";
import { PhraseDetector, type Phrase, type PhraseConfig } from "./phrases.js";

export function createPhraseDeriver(options: { readonly config: PhraseConfig; readonly timeZone: string }): Deriver & Tracked {
  const detector = new PhraseDetector(options.config);
  const days = new LocalDays(options.timeZone);
  return {
    name: "phrases",
    tracked: () => detector.tracked,
    // the decayed history forgets 0.95^120 ≈ 0.2 % of what lies beyond this
    replayWindowMs: 120 * 86_400_000,
    derive(events: readonly EventRow[]): readonly TableRows[] {
      const phrases: Phrase[] = [];
      for (const e of events) {
        if (e.type !== "ticket.created" || e.text === "") continue;
        const day = days.dayOf(storeTimeToMs(e.occurred_at));
        phrases.push(...detector.advance(day));
        detector.observe({ ticketId: e.ticket_id, day, text: e.text });
      }
      return phrases.length === 0 ? [] : [{ table: "phrases", rows: phrases.map((p) => toRow(p, days)) }];
    },
  };
}

function toRow(p: Phrase, days: LocalDays): Record<string, unknown> {
  const lastUpdatedMs = days.endOf(p.lastUpdatedDay);
  return {
    phrase_id: p.phraseId,
    phrase: p.phrase,
    status: p.status,
    day: days.label(p.lastUpdatedDay),
    observed: p.observed,
    expected: Math.round(p.expected * 1000) / 1000,
    p_value: p.pValue,
    sample_ticket_ids: p.sampleTicketIds,
    examples: p.examples,
    first_seen: msToStoreTime(days.endOf(p.firstSeenDay)),
    last_updated: msToStoreTime(lastUpdatedMs),
    version: lastUpdatedMs,
  };
}
