// The second line of defence against poison values: when ClickHouse refuses an insert for the
// values of its rows (errors.ts, class "data"), the batch is halved until the refused rows stand
// alone; those become dead letters (`store_refused`, with the engine's message) and the rest is
// stored. The normal case stays one insert per table; halving starts only after a refusal, and
// costs about two inserts per refused row and halving level. A refused dead letter is repaired
// harder (ASCII only), then reduced to a placeholder; one the store still refuses stops the worker.
import { scrubText } from "../contract/personal-data.js";
import { asciiEscaped } from "../contract/text.js";
import { isDataRefusal, SensorError } from "../errors.js";
import type { Store } from "../store/port.js";
import { deadLetterRow, type DeadLetterRow, type PreparedEvent } from "./batch.js";

export interface Refusal<T> {
  readonly item: T;
  readonly error: SensorError;
}

/**
 * Inserts `items` in one request; after a refusal for the data, in halves, down to single rows.
 * Resolves the items the store refused alone (the others are stored); any other error is thrown.
 */
export async function insertFindingRefused<T>(store: Store, table: string, items: readonly T[], toRow: (item: T) => object): Promise<Refusal<T>[]> {
  if (items.length === 0) return [];
  try {
    await store.insert(table, items.map(toRow));
    return [];
  } catch (error) {
    if (!isDataRefusal(error)) throw error;
    if (items.length === 1) return [{ item: items[0]!, error }];
    const half = Math.ceil(items.length / 2);
    return [...(await insertFindingRefused(store, table, items.slice(0, half), toRow)), ...(await insertFindingRefused(store, table, items.slice(half), toRow))];
  }
}

export interface EventsInsert {
  /** The events the store refused, each as a dead letter (`store_refused`). */
  readonly refused: readonly { readonly event: PreparedEvent; readonly letter: DeadLetterRow }[];
}

/** Inserts the events of a batch; the ones the store refuses come back as dead letters stamped `nowMs`. */
export async function insertEvents(store: Store, events: readonly PreparedEvent[], nowMs: number): Promise<EventsInsert> {
  const refused = await insertFindingRefused(store, "events", events, (e) => e.row);
  return { refused: refused.map(({ item, error }) => ({ event: item, letter: refusedEventLetter(item, error, nowMs) })) };
}

const MAX_PAYLOAD_CHARS = 16 * 1024;
const MAX_ENGINE_MESSAGE_CHARS = 500;

function refusedEventLetter({ row, position }: PreparedEvent, error: SensorError, nowMs: number): DeadLetterRow {
  // the stored form (personal data already hashed and scrubbed), not the event as it arrived
  const payload = JSON.stringify(row);
  return deadLetterRow(position, row.source, {
    reasonCode: "store_refused",
    reason: `ClickHouse refused this event's values (${engineSays(error)}); the event was not stored, the rest of its batch was. Correct the event at its source and send it again with a new event_id, and report the message to the hotline-sensor maintainers: the contract should have caught it`,
    eventId: row.event_id,
    type: row.type,
    payload: scrubText(payload.length > MAX_PAYLOAD_CHARS ? payload.slice(0, MAX_PAYLOAD_CHARS) : payload),
    payloadBytes: Buffer.byteLength(payload),
  }, nowMs);
}

/** The engine's own words, scrubbed (its messages quote the refused row) and cut. */
function engineSays(error: SensorError): string {
  const code = `code ${error.storeCode ?? "?"}${error.storeType === undefined ? "" : ` ${error.storeType}`}`;
  const message = scrubText(error.message.replace(/\s+/g, " ")).slice(0, MAX_ENGINE_MESSAGE_CHARS);
  return `${code}: ${message}`;
}

/**
 * Inserts dead letters so that none can block the stream: the ones the store refuses are escaped
 * to ASCII and tried again, then stored with a placeholder payload. A placeholder still refused
 * means the request, not the data, is wrong: that stops the worker (STORE_REJECTED), never a loop.
 */
export async function insertDeadLetters(store: Store, letters: readonly DeadLetterRow[]): Promise<void> {
  const refused = await insertFindingRefused(store, "dead_letters", letters, (l) => l);
  if (refused.length === 0) return;
  const escaped = await insertFindingRefused(store, "dead_letters", refused.map(({ item, error }) => asciiLetter(item, error)), (l) => l);
  if (escaped.length === 0) return;
  const placeholders = await insertFindingRefused(store, "dead_letters", escaped.map(({ item, error }) => placeholderLetter(item, error)), (l) => l);
  const [first] = placeholders;
  if (first !== undefined) {
    throw new SensorError("STORE_REJECTED", `ClickHouse refuses even a placeholder dead letter for ${first.item.source} (${engineSays(first.error)}): check the dead_letters table against schemas/clickhouse/002_dead_letters.sql`, {
      cause: first.error,
      ...(first.error.storeCode === undefined ? {} : { storeCode: first.error.storeCode }),
    });
  }
}

function asciiLetter(letter: DeadLetterRow, error: SensorError): DeadLetterRow {
  return {
    ...letter,
    reason: asciiEscaped(`${letter.reason} [stored with its text escaped to ASCII: the store refused it as it was (${engineSays(error)})]`),
    event_id: asciiEscaped(letter.event_id),
    type: asciiEscaped(letter.type),
    payload: asciiEscaped(letter.payload),
  };
}

function placeholderLetter(letter: DeadLetterRow, error: SensorError): DeadLetterRow {
  return {
    ...letter,
    reason: `${letter.reason_code}: the store refused this dead letter's text even escaped to ASCII (${asciiEscaped(engineSays(error))}); the payload was dropped, read the input at ${asciiEscaped(letter.source)}`,
    event_id: "",
    type: "",
    payload: "(dropped: refused by the store)",
  };
}
