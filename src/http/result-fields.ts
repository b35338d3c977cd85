// What every read endpoint shares: query-parameter schemas, the endpoint's shape, and the
// conversions from stored rows to API items.
import { z } from "zod";
import { panelUrl, type PanelLink } from "../alerts/grafana.js";
import { storeTimeToMs } from "../contract/store-time.js";
import type { Row } from "../store/port.js";

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export interface GrafanaLinks {
  readonly url: string;
  readonly orgId: number;
}

// ---- query parameters ---------------------------------------------------------------------------

export const code = (what: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, `must be a ${what} code: 1-64 letters, digits, _ . : -`)
    .meta({ description: `${what} code` });
// Bounded to what ClickHouse's Date and DateTime64 hold, so no value can make the engine fail.
export const inRange = (ms: number) => ms >= Date.UTC(1971, 0, 1) && ms < Date.UTC(2148, 0, 1);
/** Unparseable text is the format check's to report, once. */
const parsedInRange = (v: string) => Number.isNaN(Date.parse(v)) || inRange(Date.parse(v));
export const instant = z.iso
  .datetime({ offset: true, error: "must be an ISO 8601 time with its UTC offset, e.g. 2026-11-26T08:00:00+08:00" })
  .refine(parsedInRange, "must be between 1971 and 2147");
export const localDate = z.iso.date({ error: "must be a date YYYY-MM-DD" }).refine(parsedInRange, "must be between 1971 and 2147");
export const status = z.enum(["open", "updated", "closed", "active"]).meta({ description: "open, updated, closed, or active (open or updated)." });

export const paging = {
  limit: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(1000, "must be at most 1000")
    .default(100)
    .meta({ description: "Items per page, 1-1000 (default 100)." }),
  cursor: z
    .string()
    .max(600, "is not a cursor this API gave out")
    .regex(/^[A-Za-z0-9_-]+$/, "is not a cursor this API gave out")
    .optional()
    .meta({ description: "next_cursor of the previous page." }),
};
export const timeRange = {
  from: instant.optional().meta({ description: "Results still active at or after this time (last_updated >= from)." }),
  to: instant.optional().meta({ description: "Results that began before this time (first_seen < to)." }),
};

export interface Endpoint<Q extends z.ZodObject, I extends z.ZodType> {
  readonly url: string;
  readonly table: string;
  readonly summary: string;
  readonly description: string;
  readonly query: Q;
  readonly item: I;
  readonly idColumn: string;
  /** Newest first by this column, then by id. */
  readonly orderColumn: string;
  /** ClickHouse type of the order column, for the cursor parameter. */
  readonly orderType: "DateTime64(3, 'UTC')" | "Date";
  readonly columns: readonly string[];
  /** Conditions (with their parameters) for the endpoint's own filters; the time range, status and paging are shared. */
  where(q: z.infer<Q>): { sql: string[]; params: Record<string, string | number> };
  toItem(row: Row, links: GrafanaLinks): z.infer<I>;
}

export const resultBase = {
  status: z.enum(["open", "updated", "closed"]),
  first_seen: z.string().meta({ description: "Event time first found (ISO 8601, UTC)." }),
  last_updated: z.string().meta({ description: "Event time of the last change (ISO 8601, UTC)." }),
  grafana_url: z.string().meta({ description: "The result's Grafana panel with its time range and variables set." }),
};

export const iso = (value: unknown): string => new Date(storeTimeToMs(String(value))).toISOString();
export const isoOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : iso(value));
export const ms = (value: unknown): number => storeTimeToMs(String(value));
export const str = (value: unknown): string => String(value ?? "");
export const num = (value: unknown): number => Number(value);
export const numOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
export const strings = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);
export const link = (links: GrafanaLinks, l: PanelLink) => panelUrl(links.url, links.orgId, l);

/** `category` matches the code itself or any code below it in the tree (02.05 matches 02.05.03). */
const categoryFilter = (column: string) => `(${column} = {category:String} OR startsWith(${column}, concat({category:String}, '.')))`;

export function filters(q: Record<string, unknown>, byColumn: Readonly<Record<string, string>>): { sql: string[]; params: Record<string, string | number> } {
  const sql: string[] = [];
  const params: Record<string, string | number> = {};
  for (const [name, column] of Object.entries(byColumn)) {
    const value = q[name];
    if (value === undefined) continue;
    sql.push(name === "category" ? categoryFilter(column) : `${column} = {${name}:String}`);
    params[name] = String(value);
  }
  return { sql, params };
}

/** A JSON column as its value; text that is not JSON as it is. */
export function parseJson(value: unknown): unknown {
  try {
    return JSON.parse(String(value));
  } catch {
    return String(value);
  }
}
