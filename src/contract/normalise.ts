// Turns a valid contract event into the row stored in `events`: personal data hashed, every
// caller-controlled string scrubbed (scrub-event.ts), the fields analysts filter on lifted into columns, and the whole scrubbed payload kept.
import type { z } from "zod";
import type { HotlineEvent } from "./event.js";
import type { caller } from "./fields.js";
import { msToStoreTime } from "./store-time.js";
import { isUsablePhone, type PersonalDataHasher } from "./personal-data.js";
import { scrubEvent } from "./scrub-event.js";

/** One row of the `events` table (see schemas/clickhouse/001_events.sql for each column's meaning). */
export interface EventRow {
  event_id: string;
  type: HotlineEvent["type"];
  schema_version: number;
  occurred_at: string; // 'YYYY-MM-DD hh:mm:ss.sss' in UTC, as ClickHouse DateTime64(3,'UTC') reads it
  source_system: string;
  source: string;
  ticket_id: string;
  call_id: string;
  channel: string;
  request_type: string;
  category_code: string;
  category_path: string[];
  category_names: string[];
  district_code: string;
  district_name: string;
  street_code: string;
  street_name: string;
  community_code: string;
  community_name: string;
  lat: number | null;
  lon: number | null;
  urgency: string;
  caller_key: string;
  /** During a key rotation: the caller's key under the previous secret, "" otherwise (schemas/clickhouse/027). */
  caller_key_previous: string;
  department_code: string;
  department_name: string;
  hop: number;
  resolution: string;
  survey_result: string;
  deadline: string | null;
  related_ticket_id: string;
  queue: string;
  agent_group: string;
  wait_seconds: number | null;
  talk_seconds: number | null;
  text: string;
  data: string;
}

type Caller = z.infer<typeof caller>;

/** ClickHouse's DateTime64 text form in UTC, from an ISO instant with any offset. */
export function toClickHouseTime(iso: string): string {
  return msToStoreTime(Date.parse(iso));
}

/** Epoch milliseconds of an ISO instant with offset. */
export function instantMs(iso: string): number {
  return new Date(iso).getTime();
}

interface HashedCaller {
  readonly stored: Record<string, unknown>;
  readonly key: string;
  /** The key under the previous secret during a rotation; "" otherwise, and for upstream keys. */
  readonly previousKey: string;
}

const ANONYMOUS: HashedCaller = { stored: { anonymous: true }, key: "", previousKey: "" };

function hashCaller(caller: Caller, hasher: PersonalDataHasher): HashedCaller {
  if ("phone" in caller && !isUsablePhone(caller.phone)) return ANONYMOUS;
  if ("phone" in caller) {
    const key = hasher.callerKey(caller.phone);
    const previousKey = hasher.previousCallerKey(caller.phone);
    const stored: Record<string, unknown> = { caller_key: key };
    if (previousKey !== "") stored["caller_key_previous"] = previousKey;
    if (caller.id_number !== undefined) {
      stored["id_key"] = hasher.idKey(caller.id_number);
      const previousId = hasher.previousIdKey(caller.id_number);
      if (previousId !== "") stored["id_key_previous"] = previousId;
    }
    return { stored, key, previousKey };
  }
  if ("caller_key" in caller) return { stored: { caller_key: caller.caller_key }, key: caller.caller_key, previousKey: "" };
  return ANONYMOUS;
}

/** The payload with callers hashed (`event` is already scrubbed by scrubEvent): the only form of `data` that leaves ingest. */
function scrubPayload(event: HotlineEvent, hasher: PersonalDataHasher): { data: object; callerKey: string; previousKey?: string; text: string } {
  switch (event.type) {
    case "ticket.created": {
      const { stored, key, previousKey } = hashCaller(event.data.caller, hasher);
      const { title, text } = event.data;
      const data = { ...event.data, caller: stored };
      return { data, callerKey: key, previousKey, text: [title, text].filter((t) => t !== undefined).join("\n") };
    }
    case "call.offered": {
      const hashed = event.data.caller === undefined ? undefined : hashCaller(event.data.caller, hasher);
      return { data: { ...event.data, caller: hashed?.stored }, callerKey: hashed?.key ?? "", previousKey: hashed?.previousKey ?? "", text: "" };
    }
    case "ticket.returned":
    case "ticket.extended":
    case "ticket.reopened":
    case "ticket.supervised":
      return { data: event.data, callerKey: "", text: event.data.reason };
    case "ticket.closed":
      return { data: event.data, callerKey: "", text: event.data.summary ?? "" };
    case "ticket.callback":
      return { data: event.data, callerKey: "", text: event.data.comment ?? "" };
    case "ticket.dispatched":
    case "ticket.accepted":
    case "ticket.responded":
    case "ticket.merged":
    case "call.answered":
    case "call.abandoned":
    case "call.ended":
      return { data: event.data, callerKey: "", text: "" };
    default: {
      const unreachable: never = event;
      throw new Error(`unhandled event type ${(unreachable as { type: string }).type}`);
    }
  }
}

function emptyRow(event: HotlineEvent, source: string): EventRow {
  return {
    event_id: event.event_id,
    type: event.type,
    schema_version: event.schema_version,
    occurred_at: toClickHouseTime(event.occurred_at),
    source_system: event.source_system,
    source,
    ticket_id: "ticket_id" in event ? event.ticket_id : "",
    call_id: "call_id" in event ? event.call_id : "",
    channel: "",
    request_type: "",
    category_code: "",
    category_path: [],
    category_names: [],
    district_code: "",
    district_name: "",
    street_code: "",
    street_name: "",
    community_code: "",
    community_name: "",
    lat: null,
    lon: null,
    urgency: "",
    caller_key: "",
    caller_key_previous: "",
    department_code: "",
    department_name: "",
    hop: 0,
    resolution: "",
    survey_result: "",
    deadline: null,
    related_ticket_id: "",
    queue: "",
    agent_group: "",
    wait_seconds: null,
    talk_seconds: null,
    text: "",
    data: "",
  };
}

/** The stored row of a valid event. `source` names where it came from (topic/partition/offset, file:line). */
export function normalise(received: HotlineEvent, source: string, hasher: PersonalDataHasher): EventRow {
  const event = scrubEvent(received, hasher);
  const row = emptyRow(event, source);
  const scrubbed = scrubPayload(event, hasher);
  row.caller_key = scrubbed.callerKey;
  row.caller_key_previous = scrubbed.previousKey ?? "";
  row.text = scrubbed.text;
  row.data = JSON.stringify(scrubbed.data);
  const d = event.data;
  if ("department" in d && d.department !== undefined) {
    row.department_code = d.department.code;
    row.department_name = d.department.name;
  }
  if ("hop" in d) row.hop = d.hop;
  if ("queue" in d) row.queue = d.queue;
  if ("agent_group" in d && d.agent_group !== undefined) row.agent_group = d.agent_group;
  if ("wait_seconds" in d) row.wait_seconds = d.wait_seconds;
  switch (event.type) {
    case "ticket.created": {
      const c = event.data;
      row.channel = c.channel;
      row.request_type = c.request_type;
      row.urgency = c.urgency;
      row.category_code = c.category.code;
      row.category_path = c.category.path.map((p) => p.code);
      row.category_names = c.category.path.map((p) => p.name);
      row.district_code = c.location.district.code;
      row.district_name = c.location.district.name;
      row.street_code = c.location.street?.code ?? "";
      row.street_name = c.location.street?.name ?? "";
      row.community_code = c.location.community?.code ?? "";
      row.community_name = c.location.community?.name ?? "";
      row.lat = c.location.lat ?? null;
      row.lon = c.location.lon ?? null;
      row.deadline = c.sla?.close_by === undefined ? null : toClickHouseTime(c.sla.close_by);
      break;
    }
    case "ticket.dispatched":
      row.deadline = event.data.close_by === undefined ? null : toClickHouseTime(event.data.close_by);
      break;
    case "ticket.extended":
      row.deadline = toClickHouseTime(event.data.new_close_by);
      break;
    case "ticket.closed":
      row.resolution = event.data.resolution;
      break;
    case "ticket.callback":
      row.survey_result = event.data.result;
      break;
    case "ticket.merged":
      row.related_ticket_id = event.data.into_ticket_id;
      break;
    case "call.ended":
      row.talk_seconds = event.data.talk_seconds;
      row.related_ticket_id = event.data.ticket_id ?? "";
      break;
    default:
      break;
  }
  return row;
}
