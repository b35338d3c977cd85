// 时限 deadlines an event carries must be plausible next to the event's own time: year 1 or 9999
// is a producer's bug (a default value, a wrong format), and the store cannot hold such instants.
import type { z } from "zod";

/** A deadline further than this from occurred_at, before or after, is refused. */
export const DEADLINE_RANGE_YEARS = 10;
const RANGE_MS = DEADLINE_RANGE_YEARS * 365.25 * 86_400_000;

/** Where a ticket event carries deadlines: the paths under `data`. */
const DEADLINE_PATHS: readonly (readonly string[])[] = [
  ["sla", "accept_by"],
  ["sla", "respond_by"],
  ["sla", "close_by"],
  ["accept_by"],
  ["close_by"],
  ["new_close_by"],
];

/** Adds a schema_violation issue for every deadline of `event` out of range. Runs after the shapes were checked. */
export function checkDeadlines(event: { readonly occurred_at: string; readonly data: object }, ctx: z.RefinementCtx): void {
  const at = Date.parse(event.occurred_at);
  for (const path of DEADLINE_PATHS) {
    let value: unknown = event.data;
    for (const key of path) value = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
    if (typeof value !== "string") continue;
    const deadline = Date.parse(value);
    if (Math.abs(deadline - at) <= RANGE_MS) continue;
    ctx.addIssue({
      code: "custom",
      path: ["data", ...path],
      message: `a deadline must lie within ${DEADLINE_RANGE_YEARS} years of occurred_at, got one in the year ${new Date(deadline).getUTCFullYear()}: check the year and the format the sending system writes`,
    });
  }
}
