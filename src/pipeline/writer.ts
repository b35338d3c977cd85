// Writes a prepared batch so that re-delivery adds nothing: event ids and dead-letter source
// positions already stored are filtered out (one query each per batch, never per event), then the
// rest goes in with one insert per table. The id sets are SQL literals in the request body: as
// query parameters they would ride in the URL and exceed its limit. Aggregates follow from the events insert (materialized
// views), so they count each event once too.
import type { Store } from "../store/port.js";
import { scrubText } from "../contract/personal-data.js";
import { stringArrayLiteral } from "../store/sql.js";
import { deadLetterRow, type DeadLetterRow, type PreparedBatch, type PreparedEvent } from "./batch.js";
import type { LateEvent, LatenessGate } from "./lateness.js";
import type { TableRows } from "./derive.js";

export interface WriteResult {
  readonly stored: readonly PreparedEvent[];
  readonly deadLettered: readonly DeadLetterRow[];
  readonly alreadyStoredEvents: number;
  readonly alreadyStoredDeadLetters: number;
}

/** Publishes dead letters elsewhere (the Kafka dead-letter topic) before they are stored. */
export interface DeadLetterSink {
  publish(letters: readonly DeadLetterRow[]): Promise<void>;
}

export interface WriteTimer {
  (table: string, seconds: number): void;
}

/**
 * Runs while the events insert is in flight (it runs off the event loop), with the events being
 * stored: the pipeline feeds them to the detectors meanwhile. Called once per attempt.
 */
export interface WhileInserting {
  (stored: readonly PreparedEvent[]): Promise<void>;
}

/**
 * Writes one batch; with a lateness gate, new events too late for their stream become dead letters
 * (the gate moves on only once the batch is stored, so a retried write judges the same way).
 */
export async function writeBatch(store: Store, batch: PreparedBatch, sink: DeadLetterSink | undefined, time: WriteTimer, gate?: LatenessGate, whileInserting?: WhileInserting): Promise<WriteResult> {
  const [knownEvents, knownLetters] = await Promise.all([storedEventIds(store, batch.events), storedDeadLetterSources(store, batch.deadLetters)]);
  const fresh = batch.events.filter((e) => !knownEvents.has(e.row.event_id));
  const judgement = gate?.judge(fresh);
  const stored = judgement?.admitted ?? fresh;
  const deadLettered = batch.deadLetters.filter((d) => !knownLetters.has(d.source));
  if (gate && judgement && judgement.late.length > 0) {
    const late = judgement.late.map((l) => tooLate(l, gate, batch.preparedAtMs));
    const known = await storedDeadLetterSources(store, late);
    deadLettered.push(...late.filter((d) => !known.has(d.source)));
  }

  if (deadLettered.length > 0 && sink !== undefined) await sink.publish(deadLettered);
  if (stored.length > 0) {
    const inserting = timed(time, "events", () => store.insert("events", stored.map((e) => e.row)));
    inserting.catch(() => undefined); // awaited below, after the detectors: a quick failure must not count as unhandled
    if (whileInserting !== undefined) {
      // one turn of the event loop first, so the insert has reached the engine before the thread is taken
      await new Promise<void>((resolve) => setImmediate(resolve));
      await whileInserting(stored);
    }
    await inserting;
  }
  if (deadLettered.length > 0) await timed(time, "dead_letters", () => store.insert("dead_letters", deadLettered));
  judgement?.commit();
  return {
    stored,
    deadLettered,
    alreadyStoredEvents: batch.events.length - fresh.length,
    alreadyStoredDeadLetters: batch.deadLetters.length - deadLettered.length,
  };
}

/** Upserts derived rows, one insert per table; their tables replace rows by id, so a retry is harmless. Resolves the rows written. */
export async function writeDerived(store: Store, tables: readonly TableRows[], time: WriteTimer): Promise<number> {
  let written = 0;
  for (const { table, rows } of tables) {
    await timed(time, table, () => store.insert(table, rows));
    written += rows.length;
  }
  return written;
}

async function timed(time: WriteTimer, table: string, write: () => Promise<void>): Promise<void> {
  const started = process.hrtime.bigint();
  await write();
  time(table, Number(process.hrtime.bigint() - started) / 1e9);
}

/** The ids of this batch already in `events`. A re-delivered event keeps its occurred_at, so the time range narrows the scan. */
async function storedEventIds(store: Store, events: readonly PreparedEvent[]): Promise<Set<string>> {
  if (events.length === 0) return new Set();
  let from = events[0]!.row.occurred_at;
  let to = from;
  for (const { row } of events) {
    if (row.occurred_at < from) from = row.occurred_at;
    if (row.occurred_at > to) to = row.occurred_at;
  }
  const rows = await store.query<{ event_id: string }>(
    `SELECT event_id FROM events
     WHERE occurred_at BETWEEN toDateTime64({from:String}, 3, 'UTC') AND toDateTime64({to:String}, 3, 'UTC')
       AND event_id IN ${stringArrayLiteral(events.map((e) => e.row.event_id))}`,
    { from, to },
  );
  return new Set(rows.map((r) => r.event_id));
}

async function storedDeadLetterSources(store: Store, letters: readonly DeadLetterRow[]): Promise<Set<string>> {
  if (letters.length === 0) return new Set();
  const rows = await store.query<{ source: string }>(`SELECT source FROM dead_letters WHERE source IN ${stringArrayLiteral(letters.map((d) => d.source))}`);
  return new Set(rows.map((r) => r.source));
}

function tooLate(late: LateEvent, gate: LatenessGate, nowMs: number): DeadLetterRow {
  const { event, row, position } = late.event;
  const payload = JSON.stringify(event);
  return deadLetterRow(position, row.source, {
    reasonCode: "too_late",
    reason: gate.describe(late),
    eventId: event.event_id,
    type: event.type,
    payload: scrubText(payload),
    payloadBytes: Buffer.byteLength(payload),
  }, nowMs);
}
