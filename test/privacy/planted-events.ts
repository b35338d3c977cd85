// Events of one ticket and its call with a generated personal number planted in every string a
// caller controls: free text, names, identifiers (ticket_id, call_id, into_ticket_id,
// source_system, queue, agent_group) and codes; and inputs that become dead letters quoting it.
import fc from "fast-check";
import { personalNumber, textWith, type PersonalNumber } from "./forms.js";

export interface PlantedCase {
  /** The number in any form, for free text, names and free-form identifiers. */
  readonly free: PersonalNumber;
  /** The number in a form that contract codes allow (digits, - and .). */
  readonly code: PersonalNumber;
  readonly texts: readonly string[];
}

export const plantedCase: fc.Arbitrary<PlantedCase> = fc
  .tuple(personalNumber(), personalNumber(true))
  .chain(([free, code]) => fc.array(textWith(free), { minLength: 12, maxLength: 12 }).map((texts) => ({ free, code, texts })));

/** The numbers of a case as the scanner should know them. */
export const secretsOf = (c: PlantedCase) => [c.free.value, c.code.value];

/** An identifier holding the number: free-form where it fits in 64 characters, else in code form. */
const identifier = (c: PlantedCase, prefix: string) => {
  const free = `${prefix}${c.free.written}`;
  return free.length <= 64 ? free : `${prefix}${c.code.written}`;
};

/** The events of case `i`, `tag` keeping event ids apart between runs, times from `startMs` a second apart. */
export function plantedEvents(c: PlantedCase, i: number, tag: string, startMs: number): Record<string, unknown>[] {
  const text = (n: number) => c.texts[n % c.texts.length]!.slice(0, 190) || "无";
  const ticketId = identifier(c, `T${i}:`);
  const callId = identifier(c, `C${i}:`);
  const department = { code: `D${i}-${c.code.written}`, name: `${text(0)}住建委` };
  const envelope = (j: number, type: string) => ({
    schema_version: 1,
    event_id: `planted-${tag}-${i}-${j}`,
    type,
    occurred_at: new Date(startMs + (i * 20 + j) * 1000).toISOString(),
    source_system: identifier(c, `s${i} `),
  });
  const ticket = (j: number, type: string, data: object) => ({ ...envelope(j, type), ticket_id: ticketId, data });
  const call = (j: number, type: string, data: object) => ({ ...envelope(j, type), call_id: callId, data });
  const leaf = { code: `0${i % 9 + 1}.${c.code.written}`, name: text(1) };
  return [
    call(0, "call.offered", { queue: identifier(c, "q "), caller: { phone: "13800138000" } }),
    call(1, "call.answered", { queue: identifier(c, "q "), agent_group: identifier(c, "班组"), wait_seconds: 3 }),
    ticket(2, "ticket.created", {
      channel: "phone",
      request_type: "complaint",
      category: { code: leaf.code, path: [{ code: `0${i % 9 + 1}`, name: text(2) }, leaf] },
      caller: { phone: "13900139000" },
      location: {
        district: { code: `${c.code.written}-d`, name: text(3) },
        street: { code: `S${i}.${c.code.written}`, name: text(4) },
        community: { code: `K${i}_${c.code.written}`, name: text(5) },
        address: text(6),
      },
      title: text(7),
      text: text(8),
      urgency: "normal",
    }),
    call(3, "call.ended", { queue: identifier(c, "q "), agent_group: identifier(c, "班组"), wait_seconds: 3, talk_seconds: 60, ticket_id: ticketId }),
    ticket(4, "ticket.dispatched", { department, hop: 1 }),
    ticket(5, "ticket.supervised", { by: text(9), level: "supervision", reason: text(10), department }),
    ticket(6, "ticket.returned", { department, hop: 1, reason: text(11) }),
    ticket(7, "ticket.closed", { department, resolution: "resolved", summary: text(0) }),
    ticket(8, "ticket.callback", { result: "dissatisfied", method: "phone", comment: text(1) }),
    ticket(9, "ticket.merged", { into_ticket_id: identifier(c, `T${i + 1}:`) }),
  ];
}

/** Inputs that become dead letters, each quoting the number: malformed lines cut inside it, unknown keys and types, a bad event_id. */
export function plantedGarbage(c: PlantedCase, i: number, tag: string, startMs: number): string[] {
  const digits = c.free.value.replace(/@.*/, "");
  const [event] = plantedEvents(c, i, `${tag}-dl`, startMs);
  return [
    ...[0, 3, 7].map((shift) => `{"pad":"${"p".repeat(80 + shift)}","t": x${digits}}`),
    `{"text":"${c.texts[0]}`,
    JSON.stringify({ ...event, [c.free.written]: 1 }),
    JSON.stringify({ ...event, type: `call.${c.free.written}` }),
    JSON.stringify({ ...event, event_id: `evt-${c.code.written}` }),
    JSON.stringify({ ...event, schema_version: c.texts[1] }),
  ];
}
