// Incidents as a benchmark writes them in JSON (an array), parsed once at the edge. Times are
// epoch ms or ISO 8601 with an offset; durations are ms.
import { z } from "zod";
import type { Incident } from "./incidents.js";

const id = z.string().min(1).max(100);
const code = z.string().min(1).max(64);
const instant = z.union([z.number().finite(), z.iso.datetime({ offset: true }).transform((iso) => Date.parse(iso))]);
const positive = z.number().positive().finite();
const whole = z.number().int().min(0);
const spread = { startMs: instant.exactOptional(), durationMs: positive.exactOptional() };

const incident = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("spike"),
    id,
    categoryCode: code,
    districtCode: code.nullable(),
    startMs: instant,
    durationMs: positive,
    extraPerHour: positive,
    shape: z.enum(["flat", "rhythm"]).exactOptional(),
  }),
  z.strictObject({ kind: z.literal("emerging_hotspot"), id, categoryCode: code, communityCode: code, startMs: instant, durationMs: positive, extraPerDay: positive }),
  z.strictObject({ kind: z.literal("chronic_hotspot"), id, categoryCode: code, communityCode: code, extraPerDay: positive }),
  z.strictObject({ kind: z.literal("repeat_chain"), id, departmentCode: code, count: whole, ticketsPerChain: z.number().int().min(1).exactOptional(), ...spread }),
  z.strictObject({ kind: z.literal("cross_channel_duplicate"), id, count: whole, ...spread }),
  z.strictObject({
    kind: z.literal("collective_complaint"),
    id,
    categoryCode: code,
    communityCode: code,
    startMs: instant,
    callers: whole,
    spanMs: positive.exactOptional(),
  }),
  z.strictObject({ kind: z.literal("abusive_caller"), id, callsPerDay: positive, startMs: instant, durationMs: positive, identicalText: z.boolean() }),
]);

const incidents: z.ZodType<Incident[], unknown> = z.array(incident);

/** The incidents in a parsed JSON document, or a RangeError naming every problem with its path. */
export function parseIncidents(json: unknown): Incident[] {
  const parsed = incidents.safeParse(json);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(top)"}: ${issue.message}`);
  throw new RangeError(`incidents must be a JSON array of incidents: ${problems.join("; ")}`);
}
