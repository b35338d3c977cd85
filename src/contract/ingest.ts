// The door: raw bytes in, either a stored event row or a dead letter with a precise reason out.
// Nothing here throws on data; every input ends as exactly one of the two.
import { z } from "zod";
import { hotlineEvent, isEventType, SCHEMA_VERSION, type HotlineEvent } from "./event.js";
import { instantMs, normalise, type EventRow } from "./normalise.js";
import { scrubQuoted, scrubText, type PersonalDataHasher } from "./personal-data.js";
import { findBrokenText, wellFormed, type TextFault } from "./text.js";

export const DEAD_LETTER_REASONS = [
  "oversized",
  "invalid_utf8",
  "malformed_json",
  "not_an_object",
  "invalid_text",
  "unsupported_version",
  "unknown_type",
  "schema_violation",
  "timestamp_out_of_range",
  "timestamp_in_future",
  "too_late",
  "store_refused",
] as const;
export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

export interface Rejection {
  readonly reasonCode: DeadLetterReason;
  readonly reason: string;
  readonly eventId: string;
  readonly type: string;
  /** The input as text, scrubbed of anything that looks like a phone or ID number, cut to a size. */
  readonly payload: string;
  readonly payloadBytes: number;
}

export type Ingested =
  | { readonly kind: "event"; readonly event: HotlineEvent; readonly row: EventRow }
  | { readonly kind: "rejected"; readonly rejection: Rejection };

export interface IngestLimits {
  readonly maxEventBytes: number;
  /** Events further ahead of the worker's clock than this are rejected (timestamp_in_future): clocks differ by seconds, not hours. */
  readonly maxFutureSkewMs: number;
  /** Events before this instant (epoch ms) are rejected as absurd. */
  readonly earliestEventMs: number;
}

const MAX_STORED_PAYLOAD_CHARS = 16 * 1024;
const utf8 = new TextDecoder("utf-8", { fatal: true });
const lossyUtf8 = new TextDecoder("utf-8");

/** Decodes, parses, validates and normalises one input. `nowMs` is the worker's clock. */
export function ingest(bytes: Uint8Array, source: string, hasher: PersonalDataHasher, limits: IngestLimits, nowMs: number): Ingested {
  const reject = (reasonCode: DeadLetterReason, reason: string, text: string, raw?: unknown): Ingested => ({
    kind: "rejected",
    rejection: {
      reasonCode,
      // the letter itself must be storable: no lone surrogate from the input, nor from a cut through a pair
      reason: wellFormed(reason),
      eventId: wellFormed(readString(raw, "event_id")),
      type: wellFormed(readString(raw, "type")),
      payload: wellFormed(scrubText(cutPayload(text))),
      payloadBytes: bytes.byteLength,
    },
  });

  if (bytes.byteLength > limits.maxEventBytes) {
    // enough bytes for more characters than are kept (4 bytes at most each), so cutPayload sees the cut
    const head = lossyUtf8.decode(bytes.subarray(0, MAX_STORED_PAYLOAD_CHARS * 4 + 4));
    return reject("oversized", `event is ${bytes.byteLength} bytes, above the limit of ${limits.maxEventBytes} (HOTLINE_MAX_EVENT_BYTES)`, head);
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return reject("invalid_utf8", "input is not valid UTF-8; events must be UTF-8 encoded JSON", lossyUtf8.decode(bytes));
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return reject("malformed_json", `input is not JSON: ${scrubQuoted((error as Error).message)}`, text);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return reject("not_an_object", `an event must be a JSON object, got ${Array.isArray(raw) ? "an array" : raw === null ? "null" : typeof raw}`, text);
  }
  const broken = findBrokenText(raw);
  if (broken !== undefined) return reject("invalid_text", describeBrokenText(broken), text, raw);
  const version = (raw as Record<string, unknown>)["schema_version"];
  if (version !== SCHEMA_VERSION) {
    return reject("unsupported_version", `schema_version must be ${SCHEMA_VERSION}, got ${scrubQuoted(JSON.stringify(version) ?? "nothing")}`, text, raw);
  }
  const type = (raw as Record<string, unknown>)["type"];
  if (!isEventType(type)) {
    return reject("unknown_type", `unknown event type ${scrubQuoted(JSON.stringify(type) ?? "(missing)")}`, text, raw);
  }
  const parsed = hotlineEvent.safeParse(raw);
  if (!parsed.success) return reject("schema_violation", describeIssues(parsed.error), text, raw);

  const event = parsed.data;
  const at = instantMs(event.occurred_at);
  if (at < limits.earliestEventMs) {
    return reject("timestamp_out_of_range", `occurred_at ${event.occurred_at} is before ${new Date(limits.earliestEventMs).toISOString()}`, text, raw);
  }
  if (at > nowMs + limits.maxFutureSkewMs) {
    return reject(
      "timestamp_in_future",
      `occurred_at ${event.occurred_at} is ${at - nowMs} ms ahead of the worker clock (${new Date(nowMs).toISOString()}), more than HOTLINE_MAX_FUTURE_SKEW_MS (${limits.maxFutureSkewMs} ms); ` +
        `check the sender's clock and that occurred_at carries its real UTC offset (local time labelled Z or +00:00 is hours off)`,
      text,
      raw,
    );
  }
  return { kind: "event", event, row: normalise(event, source, hasher) };
}

/** The stored head of a payload; a number cut in two at the end is dropped, since half of it no longer looks like one. */
function cutPayload(text: string): string {
  if (text.length <= MAX_STORED_PAYLOAD_CHARS) return text;
  return text.slice(0, MAX_STORED_PAYLOAD_CHARS).replace(TRAILING_DIGITS, "…");
}
const TRAILING_DIGITS = /[0-9０-９〇零一幺二三四五六七八九][\s.·\-\u2010-\u2015\u2212\uFE58\uFE63\uFF0D0-9０-９〇零一幺二三四五六七八九]*$/;

function readString(raw: unknown, key: string): string {
  if (typeof raw !== "object" || raw === null) return "";
  const value = (raw as Record<string, unknown>)[key];
  return typeof value === "string" ? value.slice(0, 128) : "";
}

function describeBrokenText({ path, broken, inKey }: TextFault): string {
  const where = inKey ? `the key ${path}` : path;
  return `${where} holds a lone UTF-16 surrogate (${broken.codeUnit} at character ${broken.index}), which is not Unicode text and cannot be stored: send well-formed UTF-8 (a character outside the BMP as one whole \\uD8xx\\uDCxx pair), or drop the broken character`;
}

/** One line per issue: `data.location.lat: lat and lon come together or not at all`. */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 10)
    // unrecognized keys are quoted from the input, and a key may hold anything
    .map((issue) => `${issue.path.length === 0 ? "(event)" : issue.path.join(".")}: ${issue.code === "unrecognized_keys" ? scrubQuoted(issue.message) : issue.message}`)
    .join("; ");
}
