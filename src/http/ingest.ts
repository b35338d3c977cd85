// POST /v1/events: contract events over HTTP, for systems that cannot speak Kafka. The body (a JSON
// array, one JSON object, or NDJSON) is split into items while it arrives (item-splitter.ts), each
// checked at the same door as every other input (contract/ingest.ts); valid ones go to the ingest target (Kafka, or the embedded
// pipeline through the push source) and the answer waits until they are durable there.
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { hotlineEvent } from "../contract/event.js";
import { DEAD_LETTER_REASONS, ingest, type IngestLimits } from "../contract/ingest.js";
import { createHasher, scrubText } from "../contract/personal-data.js";
import type { PushItem, PushOutcome } from "../sources/push.js";
import type { RawItem } from "./item-splitter.js";

/** Where accepted events go; resolves per item once they are durable there. */
export interface IngestTarget {
  readonly kind: "kafka" | "pipeline";
  submit(client: string, items: readonly TargetItem[]): Promise<PushOutcome[]>;
}

export interface TargetItem extends PushItem {
  /** The partitioning key: ticket_id for ticket events, call_id for call events (README, partitioning contract). */
  readonly key: string;
}

export const NDJSON_TYPES = ["application/x-ndjson", "application/ndjson"] as const;
export const JSON_TYPE = "application/json";

export const ingestItemResult = z
  .object({
    index: z.number().int().meta({ description: "Position of the item in the body, from 0." }),
    line: z.number().int().optional().meta({ description: "NDJSON: the line of the item, from 1." }),
    event_id: z.string().meta({ description: "The item's event_id when one could be read (else empty)." }),
    status: z.enum(["accepted", "duplicate", "rejected"]).meta({
      description: "accepted: stored (embedded) or acknowledged by all Kafka replicas; duplicate: this event_id was stored or accepted before, nothing new is stored; rejected: see reason_code and message.",
    }),
    reason_code: z.enum([...DEAD_LETTER_REASONS, "nested_too_deep"]).optional().meta({ description: "Why it was rejected: the dead-letter reason codes of the contract." }),
    message: z.string().optional().meta({ description: "Exactly what was wrong (field paths for schema_violation)." }),
  })
  .meta({ id: "IngestItemResult" });

export const ingestResponse = z
  .object({
    accepted: z.number().int(),
    duplicates: z.number().int(),
    rejected: z.number().int(),
    results: z.array(ingestItemResult),
  })
  .meta({ id: "IngestResponse", description: "One result per item, in body order." });
export type IngestResponse = z.infer<typeof ingestResponse>;
type ItemResult = z.infer<typeof ingestItemResult>;

export const ingestBodyJson = z.union([z.array(hotlineEvent), hotlineEvent]).meta({ id: "IngestBody", description: "A JSON array of contract events, or a single event." });
export const ingestBodyNdjson = z.string().meta({ id: "IngestBodyNdjson", description: "Newline-delimited JSON: one contract event (HotlineEvent) per line; blank lines are skipped." });

export interface IngestDeps {
  readonly target: IngestTarget;
  readonly limits: Omit<IngestLimits, "earliestEventMs">;
  readonly maxEventsPerRequest: number;
  /** The worker's clock (the embedded default runs on the simulated one). */
  readonly nowMs: () => number;
}

// The door hashes personal data while it normalises; here only the verdict is kept, so a key of
// its own (never stored) keeps the real one out of the HTTP layer.
const doorHasher = createHasher(randomBytes(32));

/** Checks every item at the door, hands the valid ones to the target, and answers per item. */
export async function ingestItems(deps: IngestDeps, client: string, raw: readonly RawItem[]): Promise<IngestResponse> {
  const results: ItemResult[] = [];
  const valid: { index: number; item: TargetItem }[] = [];
  const now = deps.nowMs();
  for (let index = 0; index < raw.length; index++) {
    // checking an item costs about 0.2 ms: a turn of the event loop every 500 keeps /healthz and
    // the pipeline answering while a body of thousands is checked
    if (index > 0 && index % 500 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    const item = raw[index]!;
    const base = { index, ...(item.line === undefined ? {} : { line: item.line }) };
    if (item.bytes === undefined) {
      results.push({ ...base, event_id: "", status: "rejected", reason_code: item.refused!.reasonCode, message: item.refused!.message });
      continue;
    }
    const verdict = ingest(item.bytes, "http", doorHasher, { ...deps.limits, earliestEventMs: Date.UTC(2000, 0, 1) }, now);
    if (verdict.kind === "rejected") {
      const { reasonCode, reason, eventId } = verdict.rejection;
      results.push({ ...base, event_id: scrubText(eventId), status: "rejected", reason_code: reasonCode, message: scrubText(reason) });
      continue;
    }
    const event = verdict.event;
    results.push({ ...base, event_id: event.event_id, status: "accepted" });
    valid.push({ index, item: { eventId: event.event_id, bytes: item.bytes, key: "ticket_id" in event ? event.ticket_id : event.call_id } });
  }
  if (valid.length > 0) {
    const outcomes = await deps.target.submit(client, valid.map((v) => v.item));
    valid.forEach(({ index }, i) => {
      const outcome = outcomes[i]!;
      const result = results[index]!;
      if (outcome.status === "rejected") {
        results[index] = { ...result, status: "rejected", reason_code: toReasonCode(outcome.reasonCode), message: scrubText(outcome.message) };
      } else results[index] = { ...result, status: outcome.status };
    });
  }
  const count = (status: ItemResult["status"]) => results.filter((r) => r.status === status).length;
  return { accepted: count("accepted"), duplicates: count("duplicate"), rejected: count("rejected"), results };
}

function toReasonCode(code: string): ItemResult["reason_code"] {
  return (DEAD_LETTER_REASONS as readonly string[]).includes(code) ? (code as (typeof DEAD_LETTER_REASONS)[number]) : "schema_violation";
}
