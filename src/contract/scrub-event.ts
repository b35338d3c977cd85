// Every string a caller controls, scrubbed before anything is stored: identifiers (ticket_id,
// call_id, codes, queues) that hold a phone or ID number become a keyed `pii:` hash, every other
// string goes through scrubText. Callers are left for normalise to hash; instants are left as they are.
import type { HotlineEvent } from "./event.js";
import { scrubText, type PersonalDataHasher } from "./personal-data.js";

/** Keys whose string values are identifiers: joined and grouped on, so masked by a keyed hash, never by a placeholder. */
const IDENTIFIER_KEYS: ReadonlySet<string> = new Set(["ticket_id", "call_id", "into_ticket_id", "source_system", "code", "queue", "agent_group"]);
/** Validated ISO instants: no free text, and normalise reads them as times. */
const INSTANT_KEYS: ReadonlySet<string> = new Set(["occurred_at", "accept_by", "respond_by", "close_by", "new_close_by"]);
/** Hashed by normalise itself (caller_key), or the idempotency key the door compares before any key is at hand (see event.ts). */
const LEFT_KEYS: ReadonlySet<string> = new Set(["caller", "event_id", "type"]);

/** The event with every caller-controlled string scrubbed; same shape, callers still in clear. */
export function scrubEvent(event: HotlineEvent, hasher: PersonalDataHasher): HotlineEvent {
  return scrubValue(event, "", hasher);
}

function scrubValue<T>(value: T, key: string, hasher: PersonalDataHasher): T {
  if (typeof value === "string") {
    if (INSTANT_KEYS.has(key)) return value;
    return (IDENTIFIER_KEYS.has(key) ? hasher.identifier(value) : scrubText(value)) as T;
  }
  if (Array.isArray(value)) return value.map((item: unknown) => scrubValue(item, key, hasher)) as T;
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k in record) {
      const inner = record[k];
      out[k] = LEFT_KEYS.has(k) || typeof inner === "number" || typeof inner === "boolean" ? inner : scrubValue(inner, k, hasher);
    }
    return out as T;
  }
  return value;
}
