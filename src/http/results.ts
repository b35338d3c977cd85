// The read endpoints: what the worker found (spikes, hotspots, repeats, flagged tickets, flagged
// callers, performance scores), newest first, filtered and paged. Filters are validated with zod and
// bound as ClickHouse query parameters ({name:Type}); no caller text ever becomes SQL. Every item
// links to its Grafana panel.
import { z } from "zod";
import { DASHBOARDS, panelUrl, type PanelLink } from "../alerts/grafana.js";
import { msToStoreTime, storeTimeToMs } from "../contract/store-time.js";
import type { QueryParams, Row, Store } from "../store/port.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface GrafanaLinks {
  readonly url: string;
  readonly orgId: number;
}

// ---- query parameters ---------------------------------------------------------------------------

const code = (what: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, `must be a ${what} code: 1-64 letters, digits, _ . : -`)
    .meta({ description: `${what} code` });
// Bounded to what ClickHouse's Date and DateTime64 hold, so no value can make the engine fail.
const inRange = (ms: number) => ms >= Date.UTC(1971, 0, 1) && ms < Date.UTC(2148, 0, 1);
/** Unparseable text is the format check's to report, once. */
const parsedInRange = (v: string) => Number.isNaN(Date.parse(v)) || inRange(Date.parse(v));
const instant = z.iso
  .datetime({ offset: true, error: "must be an ISO 8601 time with its UTC offset, e.g. 2026-11-26T08:00:00+08:00" })
  .refine(parsedInRange, "must be between 1971 and 2147");
const localDate = z.iso.date({ error: "must be a date YYYY-MM-DD" }).refine(parsedInRange, "must be between 1971 and 2147");
const status = z.enum(["open", "updated", "closed", "active"]).meta({ description: "open, updated, closed, or active (open or updated)." });

const paging = {
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
const timeRange = {
  from: instant.optional().meta({ description: "Results still active at or after this time (last_updated >= from)." }),
  to: instant.optional().meta({ description: "Results that began before this time (first_seen < to)." }),
};

// ---- the endpoints --------------------------------------------------------------------------------

interface Endpoint<Q extends z.ZodObject, I extends z.ZodType> {
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

const resultBase = {
  status: z.enum(["open", "updated", "closed"]),
  first_seen: z.string().meta({ description: "Event time first found (ISO 8601, UTC)." }),
  last_updated: z.string().meta({ description: "Event time of the last change (ISO 8601, UTC)." }),
  grafana_url: z.string().meta({ description: "The result's Grafana panel with its time range and variables set." }),
};

const iso = (value: unknown): string => new Date(storeTimeToMs(String(value))).toISOString();
const isoOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : iso(value));
const ms = (value: unknown): number => storeTimeToMs(String(value));
const str = (value: unknown): string => String(value ?? "");
const num = (value: unknown): number => Number(value);
const numOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);
const link = (links: GrafanaLinks, l: PanelLink) => panelUrl(links.url, links.orgId, l);

/** `category` matches the code itself or any code below it in the tree (02.05 matches 02.05.03). */
const categoryFilter = (column: string) => `(${column} = {category:String} OR startsWith(${column}, concat({category:String}, '.')))`;

function filters(q: Record<string, unknown>, byColumn: Readonly<Record<string, string>>): { sql: string[]; params: Record<string, string | number> } {
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

const spikes: Endpoint<z.ZodObject, z.ZodType> = {
  url: "/v1/spikes",
  table: "spikes",
  summary: "Spikes (突增)",
  description: "Categories rising far above their own history, per district and city-wide (district empty).",
  query: z.strictObject({
    ...paging,
    ...timeRange,
    status: status.optional(),
    district: code("district").optional(),
    category: code("category").optional().meta({ description: "Category code; matches the categories below it too." }),
    resolution: z.enum(["hour", "day"]).optional(),
  }),
  item: z
    .object({
      spike_id: z.string(),
      ...resultBase,
      resolution: z.string(),
      level: z.number().int(),
      category_code: z.string(),
      category_path: z.array(z.string()),
      district_code: z.string().meta({ description: "Empty for city-wide." }),
      trigger: z.string(),
      started_at: z.string(),
      ended_at: z.string().nullable(),
      observed: z.number().int(),
      expected: z.number(),
      ratio: z.number(),
      p_value: z.number(),
      sample_ticket_ids: z.array(z.string()),
    })
    .meta({ id: "Spike" }),
  idColumn: "spike_id",
  orderColumn: "last_updated",
  orderType: "DateTime64(3, 'UTC')",
  columns: ["spike_id", "status", "resolution", "level", "category_code", "category_path", "district_code", "trigger", "started_at", "ended_at", "observed", "expected", "ratio", "p_value", "sample_ticket_ids", "first_seen", "last_updated"],
  where: (q) => filters(q, { district: "district_code", category: "category_code", resolution: "resolution" }),
  toItem: (r, links) => ({
    spike_id: str(r["spike_id"]),
    status: str(r["status"]),
    resolution: str(r["resolution"]),
    level: num(r["level"]),
    category_code: str(r["category_code"]),
    category_path: strings(r["category_path"]),
    district_code: str(r["district_code"]),
    trigger: str(r["trigger"]),
    started_at: iso(r["started_at"]),
    ended_at: isoOrNull(r["ended_at"]),
    observed: num(r["observed"]),
    expected: num(r["expected"]),
    ratio: num(r["ratio"]),
    p_value: num(r["p_value"]),
    sample_ticket_ids: strings(r["sample_ticket_ids"]),
    first_seen: iso(r["first_seen"]),
    last_updated: iso(r["last_updated"]),
    grafana_url: link(links, {
      uid: DASHBOARDS.spikes,
      fromMs: ms(r["started_at"]) - DAY,
      toMs: (r["ended_at"] == null ? ms(r["last_updated"]) : ms(r["ended_at"])) + HOUR,
      district: str(r["district_code"]),
      category: str(r["category_code"]),
      department: "",
      idVariable: { name: "spike_id", value: str(r["spike_id"]) },
    }),
  }),
};

const hotspots: Endpoint<z.ZodObject, z.ZodType> = {
  url: "/v1/hotspots",
  table: "hotspots",
  summary: "Hotspots (热点)",
  description: "Places where a category concentrates: emerging clusters now, and chronic ones worth a proactive fix (未诉先办).",
  query: z.strictObject({
    ...paging,
    ...timeRange,
    status: status.optional(),
    kind: z.enum(["emerging", "chronic"]).optional(),
    district: code("district").optional(),
    category: code("category").optional(),
    place_kind: z.enum(["h3", "community", "district"]).optional(),
  }),
  item: z
    .object({
      hotspot_id: z.string(),
      kind: z.string(),
      ...resultBase,
      place_kind: z.string(),
      place: z.string(),
      h3_cell: z.string(),
      lat: z.number().nullable(),
      lon: z.number().nullable(),
      community_code: z.string(),
      district_code: z.string(),
      category_code: z.string(),
      observed: z.number().int(),
      expected: z.number(),
      p_value: z.number(),
      window_start: z.string(),
      window_end: z.string(),
      sample_ticket_ids: z.array(z.string()),
    })
    .meta({ id: "Hotspot" }),
  idColumn: "hotspot_id",
  orderColumn: "last_updated",
  orderType: "DateTime64(3, 'UTC')",
  columns: ["hotspot_id", "kind", "status", "place_kind", "place", "h3_cell", "lat", "lon", "community_code", "district_code", "category_code", "observed", "expected", "p_value", "window_start", "window_end", "sample_ticket_ids", "first_seen", "last_updated"],
  where: (q) => filters(q, { kind: "kind", district: "district_code", category: "category_code", place_kind: "place_kind" }),
  toItem: (r, links) => ({
    hotspot_id: str(r["hotspot_id"]),
    kind: str(r["kind"]),
    status: str(r["status"]),
    place_kind: str(r["place_kind"]),
    place: str(r["place"]),
    h3_cell: str(r["h3_cell"]),
    lat: numOrNull(r["lat"]),
    lon: numOrNull(r["lon"]),
    community_code: str(r["community_code"]),
    district_code: str(r["district_code"]),
    category_code: str(r["category_code"]),
    observed: num(r["observed"]),
    expected: num(r["expected"]),
    p_value: num(r["p_value"]),
    window_start: str(r["window_start"]),
    window_end: str(r["window_end"]),
    sample_ticket_ids: strings(r["sample_ticket_ids"]),
    first_seen: iso(r["first_seen"]),
    last_updated: iso(r["last_updated"]),
    grafana_url: link(links, {
      uid: DASHBOARDS.hotspots,
      fromMs: ms(r["first_seen"]) - 7 * DAY,
      toMs: ms(r["last_updated"]) + HOUR,
      district: str(r["district_code"]),
      category: str(r["category_code"]),
      department: "",
      idVariable: { name: "hotspot_id", value: str(r["hotspot_id"]) },
    }),
  }),
};

const repeats: Endpoint<z.ZodObject, z.ZodType> = {
  url: "/v1/repeats",
  table: "repeats",
  summary: "Repeat complaints (重复诉求)",
  description: "Linked tickets: same caller, again after closure (办结≠解决, charged to the department), several channels, collective, similar text.",
  query: z.strictObject({
    ...paging,
    ...timeRange,
    status: status.optional(),
    kind: z.enum(["same_caller", "after_closure", "multi_channel", "collective", "similar_text"]).optional(),
    district: code("district").optional(),
    category: code("category").optional(),
    department: code("department").optional().meta({ description: "after_closure: the charged department." }),
  }),
  item: z
    .object({
      repeat_id: z.string(),
      kind: z.string(),
      ...resultBase,
      ticket_ids: z.array(z.string()),
      tickets: z.number().int(),
      callers: z.number().int(),
      channels: z.array(z.string()),
      category_code: z.string(),
      district_code: z.string(),
      community_code: z.string(),
      charged_department: z.string(),
    })
    .meta({ id: "Repeat" }),
  idColumn: "repeat_id",
  orderColumn: "last_updated",
  orderType: "DateTime64(3, 'UTC')",
  columns: ["repeat_id", "kind", "status", "ticket_ids", "tickets", "callers", "channels", "category_code", "district_code", "community_code", "charged_department", "first_seen", "last_updated"],
  where: (q) => filters(q, { kind: "kind", district: "district_code", category: "category_code", department: "charged_department" }),
  toItem: (r, links) => ({
    repeat_id: str(r["repeat_id"]),
    kind: str(r["kind"]),
    status: str(r["status"]),
    ticket_ids: strings(r["ticket_ids"]),
    tickets: num(r["tickets"]),
    callers: num(r["callers"]),
    channels: strings(r["channels"]),
    category_code: str(r["category_code"]),
    district_code: str(r["district_code"]),
    community_code: str(r["community_code"]),
    charged_department: str(r["charged_department"]),
    first_seen: iso(r["first_seen"]),
    last_updated: iso(r["last_updated"]),
    grafana_url: link(links, {
      uid: DASHBOARDS.repeats,
      fromMs: ms(r["first_seen"]) - 7 * DAY,
      toMs: ms(r["last_updated"]) + HOUR,
      district: str(r["district_code"]),
      category: str(r["category_code"]),
      department: str(r["charged_department"]),
      idVariable: { name: "repeat_id", value: str(r["repeat_id"]) },
    }),
  }),
};

const flaggedTickets: Endpoint<z.ZodObject, z.ZodType> = {
  url: "/v1/flagged-tickets",
  table: "ticket_flags",
  summary: "Abnormal and complex tickets (异常工单)",
  description: "Ping-pong (推诿), overdue, repeated extensions, supervised, reopened, several departments; each with its reason and evidence.",
  query: z.strictObject({
    ...paging,
    ...timeRange,
    status: status.optional(),
    kind: z.enum(["ping_pong", "overdue", "repeated_extensions", "supervised", "reopened", "multi_department"]).optional(),
    district: code("district").optional(),
    category: code("category").optional(),
    department: code("department").optional().meta({ description: "The department the ticket is with now." }),
    ticket_id: code("ticket").optional(),
  }),
  item: z
    .object({
      flag_id: z.string(),
      ticket_id: z.string(),
      kind: z.string(),
      ...resultBase,
      reason: z.string(),
      category_code: z.string(),
      district_code: z.string(),
      department_code: z.string(),
      evidence: z.unknown().meta({ description: "hops, returns, extensions, supervisions, reopens, departments (JSON)." }),
    })
    .meta({ id: "FlaggedTicket" }),
  idColumn: "flag_id",
  orderColumn: "last_updated",
  orderType: "DateTime64(3, 'UTC')",
  columns: ["flag_id", "ticket_id", "kind", "status", "reason", "category_code", "district_code", "department_code", "evidence", "first_seen", "last_updated"],
  where: (q) => filters(q, { kind: "kind", district: "district_code", category: "category_code", department: "department_code", ticket_id: "ticket_id" }),
  toItem: (r, links) => ({
    flag_id: str(r["flag_id"]),
    ticket_id: str(r["ticket_id"]),
    kind: str(r["kind"]),
    status: str(r["status"]),
    reason: str(r["reason"]),
    category_code: str(r["category_code"]),
    district_code: str(r["district_code"]),
    department_code: str(r["department_code"]),
    evidence: parseJson(r["evidence"]),
    first_seen: iso(r["first_seen"]),
    last_updated: iso(r["last_updated"]),
    grafana_url: link(links, {
      uid: DASHBOARDS.overview,
      fromMs: ms(r["first_seen"]) - DAY,
      toMs: ms(r["last_updated"]) + HOUR,
      district: str(r["district_code"]),
      category: str(r["category_code"]),
      department: str(r["department_code"]),
    }),
  }),
};

const callerFlags: Endpoint<z.ZodObject, z.ZodType> = {
  url: "/v1/caller-flags",
  table: "caller_flags",
  summary: "Callers to review (疑似不合理诉求)",
  description: "Very frequent callers, repeated identical text, repeatedly out of scope: for human review only, nothing is blocked. The caller is the keyed hash, never a number.",
  query: z.strictObject({
    ...paging,
    ...timeRange,
    status: status.optional(),
    kind: z.enum(["frequent_caller", "identical_text", "out_of_scope"]).optional(),
  }),
  item: z
    .object({
      flag_id: z.string(),
      caller_key: z.string().meta({ description: "Keyed hash of the caller (never a phone number)." }),
      kind: z.string(),
      ...resultBase,
      reason: z.string(),
      tickets: z.number().int(),
      sample_ticket_ids: z.array(z.string()),
    })
    .meta({ id: "CallerFlag" }),
  idColumn: "flag_id",
  orderColumn: "last_updated",
  orderType: "DateTime64(3, 'UTC')",
  columns: ["flag_id", "caller_key", "kind", "status", "reason", "tickets", "sample_ticket_ids", "first_seen", "last_updated"],
  where: (q) => filters(q, { kind: "kind" }),
  toItem: (r, links) => ({
    flag_id: str(r["flag_id"]),
    caller_key: str(r["caller_key"]),
    kind: str(r["kind"]),
    status: str(r["status"]),
    reason: str(r["reason"]),
    tickets: num(r["tickets"]),
    sample_ticket_ids: strings(r["sample_ticket_ids"]),
    first_seen: iso(r["first_seen"]),
    last_updated: iso(r["last_updated"]),
    grafana_url: link(links, { uid: DASHBOARDS.overview, fromMs: ms(r["first_seen"]) - 30 * DAY, toMs: ms(r["last_updated"]) + HOUR, district: "", category: "", department: "" }),
  }),
};

const PERIOD_DAYS: Readonly<Record<string, number>> = { day: 1, week: 7, month: 31 };

const scores: Endpoint<z.ZodObject, z.ZodType> = {
  url: "/v1/scores",
  table: "performance_scores",
  summary: "Passive performance (无感监测) of departments and districts",
  description: "Case-mix standardised and shrunk rates per unit, metric and period, with intervals and funnel zones: a diagnosis, not a league table.",
  query: z.strictObject({
    ...paging,
    from: localDate.optional().meta({ description: "Periods starting on or after this local date." }),
    to: localDate.optional().meta({ description: "Periods starting before this local date." }),
    unit_kind: z.enum(["department", "district"]).optional(),
    unit: code("department or district").optional(),
    metric: z.enum(["timely_response", "on_time_closure", "real_resolution", "repeat_after_close", "returned", "abnormal"]).optional(),
    period: z.enum(["day", "week", "month", "span"]).optional(),
  }),
  item: z
    .object({
      score_id: z.string(),
      unit_kind: z.string(),
      unit_code: z.string(),
      metric: z.string(),
      higher_is_better: z.boolean(),
      period_kind: z.string(),
      period_start: z.string(),
      volume: z.number().int(),
      trials: z.number().int(),
      observed: z.number().int(),
      expected: z.number(),
      raw_rate: z.number().nullable(),
      city_rate: z.number().nullable(),
      oe_ratio: z.number().nullable(),
      standardised_rate: z.number().nullable(),
      shrunk_rate: z.number().nullable(),
      lower: z.number().nullable(),
      upper: z.number().nullable(),
      too_few: z.boolean(),
      excluded_suspected: z.number().int(),
      provisional: z.number().int(),
      funnel_zone: z.string(),
      as_of: z.string(),
      grafana_url: resultBase.grafana_url,
    })
    .meta({ id: "Score" }),
  idColumn: "score_id",
  orderColumn: "period_start",
  orderType: "Date",
  columns: [
    "score_id", "unit_kind", "unit_code", "metric", "higher_is_better", "period_kind", "period_start", "volume", "trials", "observed", "expected",
    "raw_rate", "city_rate", "oe_ratio", "standardised_rate", "shrunk_rate", "lower", "upper", "too_few", "excluded_suspected", "provisional", "funnel_zone", "as_of",
  ],
  where: (q) => {
    const own = filters(q, { unit_kind: "unit_kind", unit: "unit_code", metric: "metric", period: "period_kind" });
    if (q["from"] !== undefined) (own.sql.push("period_start >= toDate({from:String})"), (own.params["from"] = String(q["from"])));
    if (q["to"] !== undefined) (own.sql.push("period_start < toDate({to:String})"), (own.params["to"] = String(q["to"])));
    return own;
  },
  toItem: (r, links) => {
    const start = Date.parse(`${str(r["period_start"])}T00:00:00Z`);
    const asOf = ms(r["as_of"]);
    const days = PERIOD_DAYS[str(r["period_kind"])];
    const department = str(r["unit_kind"]) === "department" ? str(r["unit_code"]) : "";
    return {
      score_id: str(r["score_id"]),
      unit_kind: str(r["unit_kind"]),
      unit_code: str(r["unit_code"]),
      metric: str(r["metric"]),
      higher_is_better: num(r["higher_is_better"]) === 1,
      period_kind: str(r["period_kind"]),
      period_start: str(r["period_start"]),
      volume: num(r["volume"]),
      trials: num(r["trials"]),
      observed: num(r["observed"]),
      expected: num(r["expected"]),
      raw_rate: numOrNull(r["raw_rate"]),
      city_rate: numOrNull(r["city_rate"]),
      oe_ratio: numOrNull(r["oe_ratio"]),
      standardised_rate: numOrNull(r["standardised_rate"]),
      shrunk_rate: numOrNull(r["shrunk_rate"]),
      lower: numOrNull(r["lower"]),
      upper: numOrNull(r["upper"]),
      too_few: num(r["too_few"]) === 1,
      excluded_suspected: num(r["excluded_suspected"]),
      provisional: num(r["provisional"]),
      funnel_zone: str(r["funnel_zone"]),
      as_of: iso(r["as_of"]),
      grafana_url: link(links, {
        uid: DASHBOARDS.performance,
        fromMs: start,
        toMs: days === undefined ? asOf : start + days * DAY,
        district: department === "" ? str(r["unit_code"]) : "",
        category: "",
        department,
      }),
    };
  },
};

export const RESULT_ENDPOINTS: readonly Endpoint<z.ZodObject, z.ZodType>[] = [spikes, hotspots, repeats, flaggedTickets, callerFlags, scores];
export type ResultEndpoint = (typeof RESULT_ENDPOINTS)[number];

export const pageOf = (item: z.ZodType, id: string) =>
  z
    .object({
      items: z.array(item),
      next_cursor: z.string().nullable().meta({ description: "Pass as cursor for the next page; null on the last page." }),
    })
    .meta({ id });

// ---- running a query --------------------------------------------------------------------------------

/** The position after the last item of a page: its order value and id. */
const cursorBody = z.tuple([z.string().regex(/^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2}\.\d{3})?$/).refine(isRealTime), z.string().max(256)]);

/** A store time (or date) that names a real instant in range: 2026-02-31 does not. */
function isRealTime(text: string): boolean {
  const ms = Date.parse(text.length === 10 ? `${text}T00:00:00Z` : `${text.replace(" ", "T")}Z`);
  return inRange(ms) && new Date(ms).toISOString().slice(0, 10) === text.slice(0, 10);
}

export function encodeCursor(order: string, id: string): string {
  return Buffer.from(JSON.stringify([order, id]), "utf8").toString("base64url");
}

export function decodeCursor(cursor: string): [string, string] | undefined {
  try {
    const parsed = cursorBody.safeParse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export class CursorError extends Error {}

/** One page of an endpoint's results: parameterised SQL only, newest first, FINAL (the tables replace rows by id). */
export async function readPage(
  store: Pick<Store, "query">,
  endpoint: ResultEndpoint,
  q: Record<string, unknown>,
  links: GrafanaLinks,
): Promise<{ items: unknown[]; next_cursor: string | null }> {
  const own = endpoint.where(q);
  const where = [...own.sql];
  const params: Record<string, string | number> = { ...own.params };
  if (q["status"] !== undefined) {
    if (q["status"] === "active") where.push("status != 'closed'");
    else (where.push("status = {status:String}"), (params["status"] = String(q["status"])));
  }
  if (endpoint.orderType !== "Date") {
    if (q["from"] !== undefined) (where.push("last_updated >= toDateTime64({from:String}, 3, 'UTC')"), (params["from"] = msToStoreTime(Date.parse(String(q["from"])))));
    if (q["to"] !== undefined) (where.push("first_seen < toDateTime64({to:String}, 3, 'UTC')"), (params["to"] = msToStoreTime(Date.parse(String(q["to"])))));
  }
  if (q["cursor"] !== undefined) {
    const after = decodeCursor(String(q["cursor"]));
    if (after === undefined) throw new CursorError("cursor is not a cursor this API gave out: start again without it");
    const cast = endpoint.orderType === "Date" ? "toDate({after_order:String})" : "toDateTime64({after_order:String}, 3, 'UTC')";
    where.push(`(${endpoint.orderColumn}, ${endpoint.idColumn}) < (${cast}, {after_id:String})`);
    params["after_order"] = after[0];
    params["after_id"] = after[1];
  }
  const limit = Number(q["limit"] ?? 100);
  params["limit_plus_one"] = limit + 1;
  const sql =
    `SELECT ${endpoint.columns.join(", ")}, toString(${endpoint.orderColumn}) AS _order FROM ${endpoint.table} FINAL` +
    (where.length > 0 ? ` WHERE ${where.join(" AND ")}` : "") +
    ` ORDER BY ${endpoint.orderColumn} DESC, ${endpoint.idColumn} DESC LIMIT {limit_plus_one:UInt32}`;
  const rows = await store.query(sql, params as QueryParams);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map((row) => endpoint.toItem(row, links)),
    next_cursor: rows.length > limit && last !== undefined ? encodeCursor(String(last["_order"]), String(last[endpoint.idColumn])) : null,
  };
}

function parseJson(value: unknown): unknown {
  try {
    return JSON.parse(String(value));
  } catch {
    return String(value);
  }
}
