// The versioned event contract (schema_version 1): one envelope and a discriminated union of
// payloads by `type`. Everything hotline-sensor consumes is parsed here, once, at the edge.
import { z } from "zod";
import { callAbandoned, callAnswered, callEnded, callOffered } from "./call-events.js";
import { checkDeadlines } from "./deadlines.js";
import { instant } from "./fields.js";
import { holdsPersonalData } from "./personal-data.js";
import {
  ticketAccepted,
  ticketCallback,
  ticketClosed,
  ticketCreated,
  ticketDispatched,
  ticketExtended,
  ticketMerged,
  ticketReopened,
  ticketResponded,
  ticketReturned,
  ticketSupervised,
} from "./ticket-events.js";

export const SCHEMA_VERSION = 1;

const envelope = {
  schema_version: z.literal(SCHEMA_VERSION).meta({ description: "Contract version; this is version 1." }),
  event_id: z
    .string()
    .min(8)
    .max(128)
    .regex(/^[A-Za-z0-9_.:-]+$/, "event_id uses letters, digits and _ . : -")
    // The door compares event_ids before the hash key is at hand, so they cannot be hashed like other ids.
    .refine((id) => !holdsPersonalData(id), "event_id must not hold a phone or ID-card number: use a UUID")
    .meta({ description: "Globally unique id of this event (a UUID is best). The idempotency key: an event_id seen before is not stored again." }),
  occurred_at: instant.meta({ description: "When it happened in the source system, ISO 8601 with its UTC offset." }),
  source_system: z.string().min(1).max(64).meta({ description: "The system that emitted it, e.g. `gongdan-v3` or `acd-avaya`." }),
};

const ticketId = z.string().min(1).max(64).meta({ description: "工单编号: the ticket this event belongs to." });
const callId = z.string().min(1).max(64).meta({ description: "The call this event belongs to (the ACD's call id)." });

const ticketEvent = <T extends string, D extends z.ZodType>(type: T, data: D, description: string) =>
  z.strictObject({ ...envelope, type: z.literal(type), ticket_id: ticketId, data }).meta({ title: type, description });

const callEvent = <T extends string, D extends z.ZodType>(type: T, data: D, description: string) =>
  z.strictObject({ ...envelope, type: z.literal(type), call_id: callId, data }).meta({ title: type, description });

export const eventSchemas = {
  "ticket.created": ticketEvent("ticket.created", ticketCreated, "受理: a request was registered as a ticket."),
  "ticket.dispatched": ticketEvent("ticket.dispatched", ticketDispatched, "派单/转派: the ticket was sent to a department."),
  "ticket.returned": ticketEvent("ticket.returned", ticketReturned, "退单: a department sent the ticket back."),
  "ticket.accepted": ticketEvent("ticket.accepted", ticketAccepted, "签收: the department accepted the ticket."),
  "ticket.responded": ticketEvent("ticket.responded", ticketResponded, "响应: the department first contacted the caller."),
  "ticket.extended": ticketEvent("ticket.extended", ticketExtended, "延期: the closing deadline was extended."),
  "ticket.supervised": ticketEvent("ticket.supervised", ticketSupervised, "督办: a superior office supervises the ticket."),
  "ticket.closed": ticketEvent("ticket.closed", ticketClosed, "办结: the department closed the ticket."),
  "ticket.reopened": ticketEvent("ticket.reopened", ticketReopened, "重办: the ticket was reopened because the problem was not solved."),
  "ticket.merged": ticketEvent("ticket.merged", ticketMerged, "并单: the ticket was merged into another as a duplicate."),
  "ticket.callback": ticketEvent("ticket.callback", ticketCallback, "回访: the result of the callback survey."),
  "call.offered": callEvent("call.offered", callOffered, "A call reached a queue of the call centre."),
  "call.answered": callEvent("call.answered", callAnswered, "An agent answered the call."),
  "call.abandoned": callEvent("call.abandoned", callAbandoned, "The caller hung up before an agent answered."),
  "call.ended": callEvent("call.ended", callEnded, "The call ended (answered calls: after the conversation)."),
} as const;

export type EventType = keyof typeof eventSchemas;
export const EVENT_TYPES = Object.keys(eventSchemas) as EventType[];

const all = Object.values(eventSchemas);
export const hotlineEvent = z
  .discriminatedUnion("type", [all[0]!, ...all.slice(1)] as [
    (typeof eventSchemas)["ticket.created"],
    ...(typeof eventSchemas)[EventType][],
  ])
  .superRefine(checkDeadlines)
  .meta({ title: "HotlineEvent", description: "Any event of the hotline-sensor contract, schema_version 1." });

/** A valid contract event as it arrives (personal data still in clear: never store this). */
export type HotlineEvent = { [K in EventType]: z.infer<(typeof eventSchemas)[K]> }[EventType];
export type EventOf<K extends EventType> = Extract<HotlineEvent, { type: K }>;
export type TicketEvent = Extract<HotlineEvent, { ticket_id: string }>;
export type CallEvent = Extract<HotlineEvent, { call_id: string }>;

export function isEventType(value: unknown): value is EventType {
  return typeof value === "string" && Object.hasOwn(eventSchemas, value);
}
