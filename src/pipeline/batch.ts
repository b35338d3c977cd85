// Pure batch preparation: every input of a batch becomes exactly one event row or one dead letter,
// and an event_id repeated inside the batch is kept once. No I/O, no clock: `nowMs` is a parameter.
import type { HotlineEvent } from "../contract/event.js";
import { ingest, type IngestLimits, type Rejection } from "../contract/ingest.js";
import type { EventRow } from "../contract/normalise.js";
import { msToStoreTime } from "../contract/store-time.js";
import { scrubText, type PersonalDataHasher } from "../contract/personal-data.js";
import { wellFormed } from "../contract/text.js";
import { describePosition, type SourceMessage, type SourcePosition } from "../sources/message.js";

/** One row of `dead_letters` (schemas/clickhouse/002_dead_letters.sql). */
export interface DeadLetterRow {
  dead_lettered_at: string;
  source: string;
  source_kind: SourcePosition["kind"];
  topic: string;
  partition: number | null;
  offset: number | null;
  file: string;
  line: number | null;
  reason_code: Rejection["reasonCode"];
  reason: string;
  event_id: string;
  type: string;
  payload: string;
  payload_bytes: number;
}

export interface PreparedEvent {
  readonly event: HotlineEvent;
  readonly row: EventRow;
  readonly position: SourcePosition;
}

export interface PreparedBatch {
  readonly events: readonly PreparedEvent[];
  readonly deadLetters: readonly DeadLetterRow[];
  /** Inputs whose event_id already appeared earlier in the same batch. */
  readonly duplicatesInBatch: number;
  /** The worker clock when the batch was prepared: dead letters are stamped with it. */
  readonly preparedAtMs: number;
}

export function prepareBatch(messages: readonly SourceMessage[], hasher: PersonalDataHasher, limits: IngestLimits, nowMs: number): PreparedBatch {
  const events: PreparedEvent[] = [];
  const deadLetters: DeadLetterRow[] = [];
  const seen = new Set<string>();
  let duplicatesInBatch = 0;
  for (const message of messages) {
    const source = describePosition(message.position);
    const result = ingest(message.bytes, source, hasher, limits, nowMs);
    if (result.kind === "rejected") {
      deadLetters.push(deadLetterRow(message.position, source, result.rejection, nowMs));
    } else if (seen.has(result.event.event_id)) {
      duplicatesInBatch += 1;
    } else {
      seen.add(result.event.event_id);
      events.push({ event: result.event, row: result.row, position: message.position });
    }
  }
  return { events, deadLetters, duplicatesInBatch, preparedAtMs: nowMs };
}

/** The row of a rejection; its text is made well-formed, so the letter itself is never what the store refuses. */
export function deadLetterRow(position: SourcePosition, source: string, rejection: Rejection, nowMs: number): DeadLetterRow {
  return {
    dead_lettered_at: msToStoreTime(nowMs),
    source,
    source_kind: position.kind,
    topic: position.kind === "kafka" ? position.topic : "",
    partition: position.kind === "kafka" ? position.partition : null,
    offset: position.kind === "kafka" ? position.offset : null,
    file: position.kind === "file" ? position.file : "",
    line: position.kind === "file" ? position.line : null,
    reason_code: rejection.reasonCode,
    reason: wellFormed(scrubText(rejection.reason)),
    event_id: wellFormed(scrubText(rejection.eventId)),
    type: wellFormed(scrubText(rejection.type)),
    payload: wellFormed(rejection.payload),
    payload_bytes: rejection.payloadBytes,
  };
}
