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
  const batch = emptyBatch(nowMs);
  prepareInto(batch, messages, hasher, limits);
  return finished(batch);
}

/** Messages checked in one piece by prepareBatchYielding: about 50 ms of work on a quiet machine. */
const PREPARE_CHUNK = 1_000;

/** prepareBatch with a turn of the event loop every PREPARE_CHUNK messages, so a batch of 10,000 does not hold it for half a second. */
export async function prepareBatchYielding(messages: readonly SourceMessage[], hasher: PersonalDataHasher, limits: IngestLimits, nowMs: number): Promise<PreparedBatch> {
  const batch = emptyBatch(nowMs);
  for (let from = 0; from < messages.length; from += PREPARE_CHUNK) {
    if (from > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    prepareInto(batch, messages.slice(from, from + PREPARE_CHUNK), hasher, limits);
  }
  return finished(batch);
}

interface BatchInProgress {
  events: PreparedEvent[];
  deadLetters: DeadLetterRow[];
  duplicatesInBatch: number;
  readonly preparedAtMs: number;
  /** The event ids met so far in the batch. */
  readonly seen: Set<string>;
}

const emptyBatch = (nowMs: number): BatchInProgress => ({ events: [], deadLetters: [], duplicatesInBatch: 0, preparedAtMs: nowMs, seen: new Set() });

const finished = ({ events, deadLetters, duplicatesInBatch, preparedAtMs }: BatchInProgress): PreparedBatch => ({ events, deadLetters, duplicatesInBatch, preparedAtMs });

function prepareInto(batch: BatchInProgress, messages: readonly SourceMessage[], hasher: PersonalDataHasher, limits: IngestLimits): void {
  const nowMs = batch.preparedAtMs;
  for (const message of messages) {
    const source = describePosition(message.position);
    const result = ingest(message.bytes, source, hasher, limits, nowMs);
    if (result.kind === "rejected") {
      batch.deadLetters.push(deadLetterRow(message.position, source, result.rejection, nowMs));
    } else if (batch.seen.has(result.event.event_id)) {
      batch.duplicatesInBatch += 1;
    } else {
      batch.seen.add(result.event.event_id);
      batch.events.push({ event: result.event, row: result.row, position: message.position });
    }
  }
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
