// Writes a prepared batch so that re-delivery adds nothing: event ids and dead-letter source
// positions already stored are filtered out (one query each per batch, never per event), then the
// rest goes in with one insert per table. The id sets are SQL literals in the request body: as
// query parameters they would ride in the URL and exceed its limit. Aggregates follow from the events insert (materialized
// views), so they count each event once too.
import type { Store } from "../store/port.js";
import { scrubText } from "../contract/personal-data.js";
import { stringArrayLiteral } from "../store/sql.js";
import { storedEvents } from "../store/stored-events.js";
import { deadLetterRow, type DeadLetterRow, type PreparedBatch, type PreparedEvent } from "./batch.js";
import type { LateEvent, LatenessGate } from "./lateness.js";
import { insertDeadLetters, insertEvents, type EventsInsert } from "./refusals.js";
import type { TableRows } from "./derive.js";

export interface WriteResult {
  readonly stored: readonly PreparedEvent[];
  readonly deadLettered: readonly DeadLetterRow[];
  readonly alreadyStoredEvents: number;
  readonly alreadyStoredDeadLetters: number;
  /** Events the store refused for their values (refusals.ts): dead letters now, though `whileInserting` was given them. */
  readonly refused: number;
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
  const [knownEvents, knownLetters] = await Promise.all([storedEvents(store, batch.events.map((e) => e.row.event_id)), storedDeadLetterSources(store, batch.deadLetters)]);
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
  let refused: EventsInsert["refused"] = [];
  if (stored.length > 0) {
    const inserting = timed(time, "events", () => insertEvents(store, stored, batch.preparedAtMs));
    inserting.catch(() => undefined); // awaited below, after the detectors: a quick failure must not count as unhandled
    if (whileInserting !== undefined) {
      // one turn of the event loop first, so the insert has reached the engine before the thread is taken
      await new Promise<void>((resolve) => setImmediate(resolve));
      await whileInserting(stored);
    }
    ({ refused } = await inserting);
  }
  const refusedLetters = await unstoredRefusals(store, refused, sink);
  const letters = refusedLetters.length === 0 ? deadLettered : [...deadLettered, ...refusedLetters];
  if (letters.length > 0) await timed(time, "dead_letters", () => insertDeadLetters(store, letters));
  judgement?.commit();
  const refusedIds = new Set(refused.map((r) => r.event.row.event_id));
  return {
    stored: refusedIds.size === 0 ? stored : stored.filter((e) => !refusedIds.has(e.row.event_id)),
    deadLettered: letters,
    alreadyStoredEvents: batch.events.length - fresh.length,
    alreadyStoredDeadLetters: batch.deadLetters.length - deadLettered.length,
    refused: refused.length,
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

async function timed<T>(time: WriteTimer, table: string, write: () => Promise<T>): Promise<T> {
  const started = process.hrtime.bigint();
  const result = await write();
  time(table, Number(process.hrtime.bigint() - started) / 1e9);
  return result;
}

/** The letters of refused events not stored before (a retried batch finds them again), published first. */
async function unstoredRefusals(store: Store, refused: EventsInsert["refused"], sink: DeadLetterSink | undefined): Promise<DeadLetterRow[]> {
  if (refused.length === 0) return [];
  const known = await storedDeadLetterSources(store, refused.map((r) => r.letter));
  const letters = refused.map((r) => r.letter).filter((l) => !known.has(l.source));
  if (letters.length > 0 && sink !== undefined) await sink.publish(letters);
  return letters;
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
