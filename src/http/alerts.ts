// The alert routes of the API (docs/alerts.md, docs/api.md): silences with an expiry (POST, GET,
// DELETE /v1/silences), acknowledgements (POST /v1/alerts/{alert_id}/ack) and the recent alerts with
// their delivery and acknowledgement state (GET /v1/alerts). Bodies and parameters are validated
// with zod; every value reaches ClickHouse as a query parameter. The alerter reads the same tables
// (alert_silences, alert_acks: schemas/clickhouse/025_alert_silences.sql), so nothing is wired
// between the API and the running alerter.
import { randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { SILENCE_COLUMNS, silenceFromRow, silenceToRow, type SilenceRow } from "../alerts/outbox.js";
import { ALERT_KINDS, SEVERITIES, severityRank } from "../alerts/severity.js";
import type { Silence } from "../alerts/silence.js";
import { scrubText } from "../contract/personal-data.js";
import { msToStoreTime, storeTimeToMs } from "../contract/store-time.js";
import type { Store } from "../store/port.js";
import { AUTH_RESPONSES, errorBody, issuesOf, type ErrorBody, type RouteSpec } from "./spec.js";

export interface AlertApiDeps {
  readonly store: Pick<Store, "query" | "insert">;
  readonly nowMs: () => number;
}

/** A silence may last this long at most: a forgotten one must not hide alerts for ever. */
export const MAX_SILENCE_MS = 90 * 86_400_000;

const code = (what: string) => z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, `must be a ${what} code: 1-64 letters, digits, _ . : -`);
const kind = z
  .string()
  .refine((k) => ALERT_KINDS.some((known) => known === k || known.startsWith(`${k}.`)), `must be an alert kind or its prefix: ${ALERT_KINDS.join(", ")}`)
  .meta({ description: "Alert kind, or its prefix before a dot (repeat = every repeat.*)." });
const severity = z.enum(SEVERITIES);
const instant = z.iso.datetime({ offset: true, error: "must be an ISO 8601 time with its UTC offset, e.g. 2026-12-01T08:00:00+08:00" });

const silenceBody = z
  .strictObject({
    kind: kind.optional(),
    max_severity: severity.optional().meta({ description: "Matches alerts of this severity or lower." }),
    district: code("district").optional(),
    category: code("category").optional().meta({ description: "Matches the code itself, codes on the alert's path and codes below it." }),
    department: code("department").optional(),
    reason: z.string().trim().min(1, "must say why").max(500, "must be at most 500 characters"),
    until: instant.meta({ description: `Expiry; in the future and at most ${MAX_SILENCE_MS / 86_400_000} days ahead.` }),
  })
  .refine((s) => [s.kind, s.max_severity, s.district, s.category, s.department].some((v) => v !== undefined), {
    message: "set at least one of kind, max_severity, district, category, department",
  })
  .meta({ id: "SilenceRequest" });

const silenceItem = z
  .object({
    silence_id: z.string(),
    kind: z.string().meta({ description: "Empty: any." }),
    max_severity: z.string().meta({ description: "Empty: any." }),
    district: z.string(),
    category: z.string(),
    department: z.string(),
    reason: z.string(),
    created_by: z.string().meta({ description: "The API token's name." }),
    created_at: z.string(),
    until: z.string(),
    active: z.boolean(),
  })
  .meta({ id: "Silence" });

const silenceList = z.object({ items: z.array(silenceItem) }).meta({ id: "SilenceList" });
const silenceQuery = z.strictObject({
  state: z.enum(["active", "all"]).default("active").meta({ description: "active (default): not expired; all: expired too." }),
  limit: z.coerce.number({ error: "must be a number" }).int().min(1).max(1000).default(100),
});
const silenceParams = z.strictObject({ id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, "is not a silence id") });

const ackBody = z.strictObject({ note: z.string().max(1000, "must be at most 1000 characters").optional() }).meta({ id: "AckRequest" });
const ackItem = z
  .object({ alert_id: z.string(), acked_by: z.string().meta({ description: "The API token's name." }), note: z.string(), acked_at: z.string() })
  .meta({ id: "Acknowledgement" });
const ackParams = z.strictObject({ alert_id: z.string().min(1).max(300, "is not an alert id") });

const alertQuery = z.strictObject({
  limit: z.coerce.number({ error: "must be a number" }).int().min(1).max(1000).default(100),
  from: instant.optional().meta({ description: "Alerts recorded at or after this time." }),
  kind: kind.optional(),
  min_severity: severity.optional(),
  acked: z.enum(["true", "false"]).optional().meta({ description: "Only acknowledged (true) or unacknowledged (false) alerts." }),
});
const alertItem = z
  .object({
    alert_id: z.string(),
    raised_at: z.string(),
    recorded_at: z.string(),
    kind: z.string(),
    change: z.string(),
    severity: z.string(),
    title: z.string(),
    summary: z.string(),
    district_code: z.string(),
    category_code: z.string(),
    department_code: z.string(),
    tickets: z.number().int(),
    panel_url: z.string(),
    deliveries: z.array(z.object({ receiver: z.string(), outcome: z.string() })).meta({ description: "Latest outcome per receiver: sent, retry, failed, dropped, silenced, acknowledged; pending when none yet." }),
    acknowledgement: ackItem.nullable().meta({ description: "The latest acknowledgement of this alert, or null." }),
  })
  .meta({ id: "Alert" });
const alertList = z.object({ items: z.array(alertItem) }).meta({ id: "AlertList" });

const unavailable = { 503: { description: "ClickHouse is unreachable; retry later.", schema: errorBody } };
const badRequest = { 400: { description: "An invalid parameter or body: each problem is named in issues.", schema: errorBody } };
const notFound = (what: string) => ({ 404: { description: `No such ${what}.`, schema: errorBody } });

export function alertRoutes(): RouteSpec[] {
  return [
    {
      method: "POST",
      url: "/v1/silences",
      summary: "Create a silence",
      description: "Alerts matching every field set are recorded but not sent (delivery outcome silenced) until the silence expires. The creator is the token's name.",
      role: "admin",
      body: { "application/json": { schema: silenceBody, description: "What to silence, why, and until when." } },
      responses: { 201: { description: "The silence.", schema: silenceItem }, ...badRequest, ...AUTH_RESPONSES, ...unavailable },
    },
    {
      method: "GET",
      url: "/v1/silences",
      summary: "Silences",
      description: "Silences created through the API, newest first (those of the routing file are in the file).",
      role: "read",
      query: silenceQuery,
      responses: { 200: { description: "Silences.", schema: silenceList }, ...badRequest, ...AUTH_RESPONSES, ...unavailable },
    },
    {
      method: "DELETE",
      url: "/v1/silences/{id}",
      summary: "Expire a silence now",
      description: "Sets the silence's expiry to now; it stops matching at once. An already expired silence is answered unchanged.",
      role: "admin",
      params: silenceParams,
      responses: { 200: { description: "The silence, expired.", schema: silenceItem }, ...badRequest, ...AUTH_RESPONSES, ...notFound("silence"), ...unavailable },
    },
    {
      method: "POST",
      url: "/v1/alerts/{alert_id}/ack",
      summary: "Acknowledge an alert",
      description: "Records who (the token's name) acknowledged the alert, with an optional note (phone and ID numbers masked). While the acknowledgement is recent (acknowledgements.quietMs of the routing file, default 6 h), growth of the same result is recorded but not sent; a higher severity still is.",
      role: "admin",
      params: ackParams,
      body: { "application/json": { schema: ackBody, description: "An optional note; the body may be omitted." } },
      responses: { 201: { description: "The acknowledgement.", schema: ackItem }, ...badRequest, ...AUTH_RESPONSES, ...notFound("alert"), ...unavailable },
    },
    {
      method: "GET",
      url: "/v1/alerts",
      summary: "Recent alerts",
      description: "Alerts of the outbox, newest recorded first, with each receiver's latest delivery outcome and the latest acknowledgement.",
      role: "read",
      query: alertQuery,
      responses: { 200: { description: "Alerts.", schema: alertList }, ...badRequest, ...AUTH_RESPONSES, ...unavailable },
    },
  ];
}

const iso = (storeTime: unknown): string => new Date(storeTimeToMs(String(storeTime))).toISOString();

function silenceOut(s: Silence, nowMs: number): z.infer<typeof silenceItem> {
  return {
    silence_id: s.silenceId,
    kind: s.kind,
    max_severity: s.maxSeverity,
    district: s.districtCode,
    category: s.categoryCode,
    department: s.departmentCode,
    reason: s.reason,
    created_by: s.createdBy,
    created_at: new Date(s.createdAtMs).toISOString(),
    until: new Date(s.untilMs).toISOString(),
    active: nowMs < s.untilMs,
  };
}

function fail(reply: FastifyReply, statusCode: number, body: ErrorBody): FastifyReply {
  return reply.code(statusCode).header("content-type", "application/json; charset=utf-8").send(body);
}

const invalid = (reply: FastifyReply, what: string, error: z.ZodError) => fail(reply, 400, { error: "bad_request", message: `invalid ${what}`, issues: issuesOf(error) });

/** The JSON body (the API keeps bodies as bytes); undefined when there is none. */
function jsonBody(request: FastifyRequest): { ok: true; value: unknown } | { ok: false } {
  const body = request.body;
  if (body === undefined || body === null || (Buffer.isBuffer(body) && body.length === 0)) return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(Buffer.isBuffer(body) ? body.toString("utf8") : String(body)) as unknown };
  } catch {
    return { ok: false };
  }
}

export function registerAlertApi(app: FastifyInstance, deps: AlertApiDeps): void {
  const { store } = deps;

  app.post("/v1/silences", { config: { role: "admin" } }, async (request, reply) => {
    const body = jsonBody(request);
    if (!body.ok) return fail(reply, 400, { error: "bad_request", message: "the body is not JSON" });
    const parsed = silenceBody.safeParse(body.value ?? {});
    if (!parsed.success) return invalid(reply, "silence", parsed.error);
    const now = deps.nowMs();
    const untilMs = Date.parse(parsed.data.until);
    if (untilMs <= now || untilMs > now + MAX_SILENCE_MS) {
      return fail(reply, 400, { error: "bad_request", message: "invalid silence", issues: [{ path: "until", message: `must be in the future and at most ${MAX_SILENCE_MS / 86_400_000} days ahead` }] });
    }
    const s = parsed.data;
    const silence: Silence = {
      silenceId: randomUUID(),
      kind: s.kind ?? "",
      maxSeverity: s.max_severity ?? "",
      districtCode: s.district ?? "",
      categoryCode: s.category ?? "",
      departmentCode: s.department ?? "",
      reason: scrubText(s.reason),
      createdBy: request.caller!.name,
      createdAtMs: now,
      untilMs,
    };
    await store.insert("alert_silences", [silenceToRow(silence, now)]);
    return reply.code(201).send(silenceOut(silence, now));
  });

  app.get("/v1/silences", { config: { role: "read" } }, async (request, reply) => {
    const parsed = silenceQuery.safeParse(request.query ?? {});
    if (!parsed.success) return invalid(reply, "query parameters for /v1/silences", parsed.error);
    const now = deps.nowMs();
    const rows = await store.query<SilenceRow>(
      `SELECT ${SILENCE_COLUMNS} FROM alert_silences FINAL
       WHERE {all:Bool} OR until > {now:DateTime64(3, 'UTC')} ORDER BY created_at DESC, silence_id LIMIT {limit:UInt32}`,
      { all: parsed.data.state === "all", now: msToStoreTime(now), limit: parsed.data.limit },
    );
    return reply.send({ items: rows.map((r) => silenceOut(silenceFromRow(r), now)) });
  });

  app.delete("/v1/silences/:id", { config: { role: "admin" } }, async (request, reply) => {
    const parsed = silenceParams.safeParse(request.params);
    if (!parsed.success) return invalid(reply, "silence id", parsed.error);
    const rows = await store.query<SilenceRow>(`SELECT ${SILENCE_COLUMNS} FROM alert_silences FINAL WHERE silence_id = {id:String}`, { id: parsed.data.id });
    const found = rows[0];
    if (found === undefined) return fail(reply, 404, { error: "not_found", message: `no silence ${parsed.data.id} (silences of the routing file are changed in the file)` });
    const now = deps.nowMs();
    const silence = silenceFromRow(found);
    if (silence.untilMs <= now) return reply.send(silenceOut(silence, now));
    const expired = { ...silence, untilMs: now };
    // A newer version of the same row: ReplacingMergeTree keeps it, and FINAL reads it.
    await store.insert("alert_silences", [silenceToRow(expired, Math.max(now, silence.createdAtMs + 1))]);
    return reply.send(silenceOut(expired, now));
  });

  app.post("/v1/alerts/:alert_id/ack", { config: { role: "admin" } }, async (request, reply) => {
    const params = ackParams.safeParse(request.params);
    if (!params.success) return invalid(reply, "alert id", params.error);
    const body = jsonBody(request);
    if (!body.ok) return fail(reply, 400, { error: "bad_request", message: "the body is not JSON" });
    const parsed = ackBody.safeParse(body.value ?? {});
    if (!parsed.success) return invalid(reply, "acknowledgement", parsed.error);
    const alert = (
      await store.query<{ result_table: string; result_id: string }>(`SELECT result_table, result_id FROM alerts FINAL WHERE alert_id = {id:String}`, { id: params.data.alert_id })
    )[0];
    if (alert === undefined) return fail(reply, 404, { error: "not_found", message: "no alert with this id (GET /v1/alerts lists them)" });
    const now = deps.nowMs();
    const ack = { alert_id: params.data.alert_id, acked_by: request.caller!.name, note: scrubText(parsed.data.note ?? "").trim(), acked_at: new Date(now).toISOString() };
    await store.insert("alert_acks", [{ ...ack, result_table: alert.result_table, result_id: alert.result_id, acked_at: msToStoreTime(now) }]);
    return reply.code(201).send(ack);
  });

  app.get("/v1/alerts", { config: { role: "read" } }, async (request, reply) => {
    const parsed = alertQuery.safeParse(request.query ?? {});
    if (!parsed.success) return invalid(reply, "query parameters for /v1/alerts", parsed.error);
    const q = parsed.data;
    const where: string[] = [];
    const params: Record<string, string | number> = { limit: q.limit };
    if (q.from !== undefined) {
      where.push("recorded_at >= {from:DateTime64(3, 'UTC')}");
      params["from"] = msToStoreTime(Date.parse(q.from));
    }
    if (q.kind !== undefined) {
      where.push("(kind = {kind:String} OR startsWith(kind, concat({kind:String}, '.')))");
      params["kind"] = q.kind;
    }
    if (q.min_severity !== undefined) {
      where.push("severity_rank >= {rank:UInt8}");
      params["rank"] = severityRank(q.min_severity);
    }
    if (q.acked !== undefined) where.push(`alert_id ${q.acked === "true" ? "" : "NOT "}IN (SELECT alert_id FROM alert_acks)`);
    const rows = await store.query(
      `SELECT alert_id, raised_at, recorded_at, kind, change, severity, title, summary, district_code, category_code, department_code, tickets, panel_url, receivers
       FROM alerts FINAL ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY recorded_at DESC, alert_id LIMIT {limit:UInt32}`,
      params,
    );
    const ids = rows.map((r) => String(r["alert_id"]));
    const [deliveries, acks] =
      ids.length === 0
        ? [[], []]
        : await Promise.all([
            store.query<{ alert_id: string; receiver: string; last_outcome: string }>(
              `SELECT alert_id, receiver, argMax(outcome, at) AS last_outcome FROM alert_deliveries WHERE alert_id IN {ids:Array(String)} GROUP BY alert_id, receiver`,
              { ids },
            ),
            store.query<{ alert_id: string; last_by: string; last_note: string; last_at: string }>(
              `SELECT alert_id, argMax(acked_by, acked_at) AS last_by, argMax(note, acked_at) AS last_note, max(acked_at) AS last_at FROM alert_acks WHERE alert_id IN {ids:Array(String)} GROUP BY alert_id`,
              { ids },
            ),
          ]);
    const outcome = new Map(deliveries.map((d) => [`${d.alert_id}\u0000${d.receiver}`, d.last_outcome]));
    const ackOf = new Map(acks.map((a) => [a.alert_id, { alert_id: a.alert_id, acked_by: a.last_by, note: a.last_note, acked_at: iso(a.last_at) }]));
    const items = rows.map((r) => {
      const id = String(r["alert_id"]);
      const receivers = Array.isArray(r["receivers"]) ? r["receivers"].map(String) : [];
      return {
        alert_id: id,
        raised_at: iso(r["raised_at"]),
        recorded_at: iso(r["recorded_at"]),
        kind: String(r["kind"]),
        change: String(r["change"]),
        severity: String(r["severity"]),
        title: String(r["title"]),
        summary: String(r["summary"]),
        district_code: String(r["district_code"]),
        category_code: String(r["category_code"]),
        department_code: String(r["department_code"]),
        tickets: Number(r["tickets"]),
        panel_url: String(r["panel_url"]),
        deliveries: receivers.map((receiver) => ({ receiver, outcome: outcome.get(`${id}\u0000${receiver}`) ?? "pending" })),
        acknowledgement: ackOf.get(id) ?? null,
      };
    });
    return reply.send({ items });
  });
}
