// The /v1 API on the worker's HTTP app: bearer-token access control and rate limits (onRequest,
// before any body is read), POST /v1/events, the read endpoints and GET /openapi.json. Every answer
// that is not a success is one JSON error body (spec.ts) with a 4xx, or a 503 when the store or
// Kafka is away; a 500 only for a bug, without details (those go to the log, never a token).
import type { Readable } from "node:stream";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { Counter, type Registry } from "prom-client";
import { z } from "zod";
import type { ApiToken, Config } from "../config.js";
import { hotlineEvent } from "../contract/event.js";
import { scrubQuoted } from "../contract/personal-data.js";
import { SensorError } from "../errors.js";
import type { Store } from "../store/port.js";
import type { Logger } from "../telemetry/log.js";
import { alertRoutes, registerAlertApi } from "./alerts.js";
import { allows, createAuthenticator, createRateLimiter, type Caller, type RouteRole } from "./auth.js";
import { BodyError, readBody } from "./body.js";
import { ingestBodyJson, ingestBodyNdjson, ingestItems, ingestResponse, JSON_TYPE, NDJSON_TYPES, type IngestDeps } from "./ingest.js";
import { createItemSplitter, itemsOf, type RawItem } from "./item-splitter.js";
import { buildOpenApi } from "./openapi.js";
import type { GrafanaLinks } from "./result-fields.js";
import { CursorError, pageOf, readPage } from "./result-pages.js";
import { RESULT_ENDPOINTS } from "./results.js";
import { AUTH_RESPONSES, errorBody, issuesOf, type ErrorBody, type RouteSpec } from "./spec.js";

export interface ApiDeps {
  readonly tokens: readonly ApiToken[];
  readonly ratePerSecond: number;
  readonly rateBurst: number;
  /** Failed authentications allowed per client address (a token bucket); default 10 at once, then 1 a second. */
  readonly authFailures?: { readonly ratePerSecond: number; readonly burst: number };
  readonly maxBodyBytes: number;
  /** Where POST /v1/events delivers; undefined answers 503 (a read-only API). */
  readonly ingest: IngestDeps | undefined;
  /** insert: silences and acknowledgements of alerts (alerts.ts). */
  readonly store: Pick<Store, "query" | "insert">;
  readonly grafana: GrafanaLinks;
  readonly logger?: Logger | undefined;
  /** For the rate limiter; tests inject one. */
  readonly nowMs?: () => number;
}

declare module "fastify" {
  interface FastifyRequest {
    caller?: Caller;
  }
  interface FastifyContextConfig {
    role?: RouteRole;
  }
}

type Reply = FastifyReply;

/** Client addresses whose failed authentications are remembered, at most (about 100 bytes each). */
const MAX_TRACKED_ADDRESSES = 10_000;

/** The body of POST /v1/events once split into its items. */
class ItemsBody {
  constructor(readonly items: readonly RawItem[]) {}
}

export function sendError(reply: Reply, statusCode: number, body: ErrorBody): Reply {
  return reply.code(statusCode).header("content-type", "application/json; charset=utf-8").send(body);
}

/** Routes of the API as the OpenAPI document lists them (health and metrics are added by app.ts). */
export function apiRoutes(): RouteSpec[] {
  const read: RouteSpec[] = RESULT_ENDPOINTS.map((e) => ({
    method: "GET",
    url: e.url,
    summary: e.summary,
    description: `${e.description} Newest first (by ${e.orderColumn}); read from \`${e.table}\`.`,
    role: "read",
    query: e.query,
    responses: {
      200: { description: "One page of results.", schema: pageOf(e.item, `${String(z.globalRegistry.get(e.item)?.id)}Page`) },
      400: { description: "An invalid query parameter: each one is named in issues.", schema: errorBody },
      ...AUTH_RESPONSES,
      503: { description: "ClickHouse is unreachable; retry later.", schema: errorBody },
    },
  }));
  return [
    {
      method: "POST",
      url: "/v1/events",
      summary: "Send contract events",
      description:
        "Each item is checked like any other input; valid ones are stored (embedded) or produced to Kafka with acks from all in-sync replicas, and the answer comes only after that. A repeated event_id answers duplicate and stores nothing new.",
      role: "ingest",
      body: {
        [JSON_TYPE]: { schema: ingestBodyJson, description: "A JSON array of contract events, or one event." },
        [NDJSON_TYPES[0]]: { schema: ingestBodyNdjson, description: "One contract event per line (application/ndjson is accepted too)." },
      },
      responses: {
        200: { description: "Every item was accepted or a duplicate.", schema: ingestResponse },
        400: { description: "The body as a whole is unusable (empty, not JSON, not an array or object).", schema: errorBody },
        ...AUTH_RESPONSES,
        413: { description: "The body is larger than HOTLINE_API_MAX_BODY_BYTES, or holds more than HOTLINE_API_MAX_EVENTS items.", schema: errorBody },
        415: { description: "Content-Type is not application/json or application/x-ndjson.", schema: errorBody },
        422: { description: "Some items were rejected (their results say why); the others were stored. Resending the whole body is safe.", schema: ingestResponse },
        503: { description: "Kafka or ClickHouse is away, the pipeline is full, or the worker is stopping; send again later (duplicates are harmless).", schema: errorBody },
      },
    },
    ...read,
    ...alertRoutes(),
    {
      method: "GET",
      url: "/openapi.json",
      summary: "This document",
      description: "The OpenAPI 3.1 description of the API, generated from the same zod schemas that validate requests.",
      role: "any",
      responses: { 200: { description: "OpenAPI 3.1 document." }, ...AUTH_RESPONSES },
    },
  ];
}

export function registerApi(app: FastifyInstance, deps: ApiDeps, registry: Registry, openApi: () => unknown): void {
  const auth = createAuthenticator(deps.tokens);
  const limiter = createRateLimiter(deps.ratePerSecond, deps.rateBurst, deps.nowMs);
  const failures = deps.authFailures ?? { ratePerSecond: 1, burst: 10 };
  const failuresByAddress = createRateLimiter(failures.ratePerSecond, failures.burst, deps.nowMs, MAX_TRACKED_ADDRESSES);
  const items = counter(registry, "hotline_sensor_api_ingest_items_total", "Items of POST /v1/events by result (accepted, duplicate, rejected).", ["result"]);
  const denied = counter(registry, "hotline_sensor_api_denied_total", "API requests refused before their handler: unauthorized, forbidden, rate_limited, auth_rate_limited (an address with too many failed authentications).", ["reason"]);

  app.addHook("onRequest", async (request, reply) => {
    const role = request.routeOptions.config.role;
    if (role === undefined) return;
    // An address that failed too often is not asked for its token at all: guessing stops there.
    const blockedSeconds = failuresByAddress.wait(request.ip);
    if (blockedSeconds > 0) {
      denied.inc({ reason: "auth_rate_limited" });
      reply.header("retry-after", String(blockedSeconds));
      return sendError(reply, 429, {
        error: "too_many_requests",
        message: `too many failed authentications from this address (${failures.burst} at once, then ${failures.ratePerSecond} a second); retry in ${blockedSeconds} s with a valid token`,
      });
    }
    const caller = auth.authenticate(request.headers.authorization);
    if (caller === undefined) {
      failuresByAddress.take(request.ip);
      denied.inc({ reason: "unauthorized" });
      const given = request.headers.authorization !== undefined;
      reply.header("www-authenticate", given ? 'Bearer realm="hotline-sensor", error="invalid_token"' : 'Bearer realm="hotline-sensor"');
      return sendError(reply, 401, {
        error: "unauthorized",
        message: given ? "the bearer token is not valid" : "send a bearer token: Authorization: Bearer <token> (HOTLINE_API_TOKENS)",
      });
    }
    if (!allows(caller.role, role)) {
      denied.inc({ reason: "forbidden" });
      return sendError(reply, 403, { error: "forbidden", message: `the token "${caller.name}" has role ${caller.role}; this route needs ${role === "admin" ? "admin" : `${role} (or admin)`}` });
    }
    const waitSeconds = limiter.take(caller.name);
    if (waitSeconds > 0) {
      denied.inc({ reason: "rate_limited" });
      reply.header("retry-after", String(waitSeconds));
      return sendError(reply, 429, { error: "too_many_requests", message: `rate limit of ${deps.ratePerSecond} requests a second (burst ${deps.rateBurst}) reached; retry in ${waitSeconds} s` });
    }
    request.caller = caller;
  });

  // Bodies are kept as bytes: the door (contract/ingest.ts) decodes and parses each item itself.
  // POST /v1/events is split into items while it arrives, so the item limit stops a request before
  // the rest of it is read and before anything is parsed.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser([JSON_TYPE, ...NDJSON_TYPES], async (request: FastifyRequest, payload: Readable) => {
    const declared = Number(request.headers["content-length"]);
    const declaredBytes = Number.isFinite(declared) ? declared : undefined;
    if (request.routeOptions.url !== "/v1/events" || deps.ingest === undefined) return readBody(payload, deps.maxBodyBytes, declaredBytes);
    const mime = (request.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    const splitter = createItemSplitter((NDJSON_TYPES as readonly string[]).includes(mime) ? "ndjson" : "json", deps.ingest.maxEventsPerRequest);
    const body = await readBody(payload, deps.maxBodyBytes, declaredBytes, (chunk) => splitter.push(chunk));
    return new ItemsBody(itemsOf(body, splitter.end()));
  });

  app.post("/v1/events", { config: { role: "ingest" } }, async (request, reply) => {
    if (deps.ingest === undefined) return sendError(reply, 503, { error: "unavailable", message: "this worker takes no events over HTTP" });
    if (!(request.body instanceof ItemsBody)) throw new BodyError(400, "bad_request", "the body is empty: send a JSON array of events, one event, or NDJSON (one event per line)");
    const response = await ingestItems(deps.ingest, request.caller!.name, request.body.items);
    items.inc({ result: "accepted" }, response.accepted);
    items.inc({ result: "duplicate" }, response.duplicates);
    items.inc({ result: "rejected" }, response.rejected);
    return reply.code(response.rejected > 0 ? 422 : 200).send(response);
  });

  for (const endpoint of RESULT_ENDPOINTS) {
    app.get(endpoint.url, { config: { role: "read" } }, async (request, reply) => {
      const parsed = endpoint.query.safeParse(request.query ?? {});
      if (!parsed.success) {
        return sendError(reply, 400, { error: "bad_request", message: `invalid query parameters for ${endpoint.url}`, issues: issuesOf(parsed.error) });
      }
      return reply.send(await readPage(deps.store, endpoint, parsed.data as Record<string, unknown>, deps.grafana));
    });
  }

  registerAlertApi(app, { store: deps.store, nowMs: deps.nowMs ?? Date.now });

  app.get("/openapi.json", { config: { role: "any" } }, async () => openApi());
}

export function buildApiDocument(routes: readonly RouteSpec[]): unknown {
  return buildOpenApi(
    routes,
    {
      title: "hotline-sensor API",
      version: "1",
      description: "Send 12345-hotline contract events, and read what the worker found: spikes, hotspots, repeats, flagged tickets and callers, performance scores. See docs/api.md.",
    },
    [[hotlineEvent, "HotlineEvent"]],
  );
}

/** Turns any error of a request into its JSON answer: 4xx with what was wrong, 503 when a dependency is away, else a bare 500. */
export function handleError(error: unknown, request: FastifyRequest, reply: Reply, logger: Logger | undefined): Reply {
  if (error instanceof BodyError) return sendError(reply, error.statusCode, { error: error.code, message: error.message });
  if (error instanceof CursorError) return sendError(reply, 400, { error: "bad_request", message: error.message });
  if (error instanceof SensorError && ["SHUTDOWN", "SOURCE_UNAVAILABLE", "STORE_UNAVAILABLE", "DEAD_LETTER_UNAVAILABLE"].includes(error.code)) {
    reply.header("retry-after", "5");
    return sendError(reply, 503, { error: "unavailable", message: scrubQuoted(error.message).slice(0, 500) });
  }
  const statusCode = (error as { statusCode?: unknown }).statusCode;
  if (typeof statusCode === "number" && statusCode >= 400 && statusCode < 500) {
    const message = scrubQuoted(String((error as Error).message ?? "bad request")).slice(0, 300);
    return sendError(reply, statusCode, { error: CODES[statusCode] ?? "bad_request", message });
  }
  logger?.error({ err: describeError(error), method: request.method, route: request.routeOptions.url }, "HTTP request failed");
  return sendError(reply, 500, { error: "internal", message: "internal error; the worker's log has the details" });
}

const CODES: Readonly<Record<number, string>> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  406: "not_acceptable",
  408: "request_timeout",
  413: "payload_too_large",
  414: "uri_too_long",
  415: "unsupported_media_type",
  429: "too_many_requests",
  431: "headers_too_large",
};

function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof SensorError) return { code: error.code, storeCode: error.storeCode, message: error.message };
  return { message: error instanceof Error ? error.message : String(error) };
}

function counter(registry: Registry, name: string, help: string, labelNames: string[]): Counter {
  const existing = registry.getSingleMetric(name);
  return existing instanceof Counter ? existing : new Counter({ name, help, labelNames, registers: [registry] });
}

/** The API's dependencies from the configuration, for `run`. */
export function apiDepsFromConfig(
  config: Pick<Config, "api" | "ingest" | "grafanaUrl" | "alerts">,
  parts: { readonly store: Pick<Store, "query" | "insert">; readonly target: IngestDeps["target"]; readonly nowMs: () => number; readonly logger: Logger },
): ApiDeps {
  if (config.api.tokens.length === 0) parts.logger.warn("HOTLINE_API_TOKENS is not set: the /v1 API answers 401 to every request");
  return {
    tokens: config.api.tokens,
    ratePerSecond: config.api.ratePerSecond,
    rateBurst: config.api.rateBurst,
    authFailures: { ratePerSecond: config.api.authFailureRatePerSecond, burst: config.api.authFailureBurst },
    maxBodyBytes: config.api.maxBodyBytes,
    ingest: { target: parts.target, limits: config.ingest, maxEventsPerRequest: config.api.maxEventsPerRequest, nowMs: parts.nowMs },
    store: parts.store,
    grafana: { url: config.grafanaUrl, orgId: config.alerts?.routing.grafanaOrgId ?? 1 },
    logger: parts.logger,
  };
}
