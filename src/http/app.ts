// The HTTP face of the worker, built by a factory so tests use fastify's inject and the CLI listens:
// /healthz (the process is alive), /readyz (broker and store reachable, migrations applied), /metrics,
// and, given `api`, the /v1 API with its OpenAPI document (api.ts, docs/api.md). /metrics can move to
// a port of its own (buildMetricsApp), so the API port need not expose it.
import Fastify, { type FastifyInstance, type FastifyReply } from "fastify";
import type { Registry } from "prom-client";
import { z } from "zod";
import { apiRoutes, buildApiDocument, handleError, registerApi, sendError, type ApiDeps } from "./api.js";
import { serverOptions, type HttpTimeouts } from "./server-options.js";
import type { RouteSpec } from "./spec.js";

export interface ReadinessCheck {
  readonly name: string;
  /** Resolves true when ready, or false or why not; never throws (a throw counts as not ready). */
  check(): Promise<boolean | { readonly ready: false; readonly reason: string }>;
}

export interface AppDeps {
  readonly registry: Registry;
  readonly readiness: readonly ReadinessCheck[];
  /** false: /metrics is served elsewhere (buildMetricsApp); default true. */
  readonly metrics?: boolean;
  /** The /v1 API; absent: health, readiness and metrics only. */
  readonly api?: ApiDeps | undefined;
  /** How long a client may take to send a request; default DEFAULT_TIMEOUTS. */
  readonly timeouts?: HttpTimeouts;
}

/** The defaults of HOTLINE_HTTP_HEADERS_TIMEOUT_MS and HOTLINE_HTTP_REQUEST_TIMEOUT_MS (config.ts). */
export const DEFAULT_TIMEOUTS: HttpTimeouts = { headersTimeoutMs: 10_000, requestTimeoutMs: 60_000 };

const health = z.object({ status: z.literal("ok") }).meta({ id: "Health" });
const readiness = z
  .object({
    status: z.enum(["ready", "not ready"]),
    checks: z.record(z.string(), z.boolean()),
    reasons: z.record(z.string(), z.string()).optional().meta({ description: "Why a failing check fails, by check, where it says." }),
  })
  .meta({ id: "Readiness" });

const HEALTH_ROUTES: readonly RouteSpec[] = [
  { method: "GET", url: "/healthz", summary: "Liveness", description: "200 while the process runs. No token.", role: undefined, responses: { 200: { description: "Alive.", schema: health } } },
  {
    method: "GET",
    url: "/readyz",
    summary: "Readiness",
    description: "200 when the store, the migrations and the source are ready and the last write went through, else 503 naming the failing check (and why, in `reasons`). No token.",
    role: undefined,
    responses: { 200: { description: "Ready.", schema: readiness }, 503: { description: "Not ready.", schema: readiness } },
  },
];
const METRICS_ROUTE: RouteSpec = {
  method: "GET",
  url: "/metrics",
  summary: "Prometheus metrics",
  description: "The Prometheus text format. No token; on HOTLINE_METRICS_PORT instead when that is set.",
  role: undefined,
  responses: { 200: { description: "Metrics.", contentType: "text/plain", schema: z.string() } },
};

export function buildApp(deps: AppDeps): FastifyInstance {
  const app = Fastify(serverOptions(deps.timeouts ?? DEFAULT_TIMEOUTS, deps.api?.maxBodyBytes ?? 1024 * 1024));
  const withMetrics = deps.metrics ?? true;

  app.setErrorHandler((error, request, reply) => handleError(error, request, reply, deps.api?.logger));
  // The path is not repeated: it may hold a phone number.
  app.setNotFoundHandler((request, reply) => sendError(reply, 404, { error: "not_found", message: `no route ${request.method} for this path; /openapi.json lists the routes` }));

  app.get("/healthz", async () => ({ status: "ok" }));

  app.get("/readyz", async (_request, reply) => {
    const results = await Promise.all(
      deps.readiness.map(async ({ name, check }) => [name, await Promise.resolve().then(check).catch(() => false)] as const),
    );
    const checks = Object.fromEntries(results.map(([name, result]) => [name, result === true]));
    const reasons = Object.fromEntries(results.flatMap(([name, result]) => (typeof result === "object" ? [[name, result.reason]] : [])));
    const ready = results.every(([, result]) => result === true);
    return reply.code(ready ? 200 : 503).send({ status: ready ? "ready" : "not ready", checks, ...(Object.keys(reasons).length === 0 ? {} : { reasons }) });
  });

  if (withMetrics) app.get("/metrics", (_request, reply) => sendMetrics(deps.registry, reply));

  if (deps.api !== undefined) {
    const routes = [...HEALTH_ROUTES, ...(withMetrics ? [METRICS_ROUTE] : []), ...apiRoutes()];
    let document: unknown;
    registerApi(app, deps.api, deps.registry, () => (document ??= buildApiDocument(routes)));
  }
  return app;
}

/** /metrics alone, for HOTLINE_METRICS_PORT. */
export function buildMetricsApp(registry: Registry, timeouts: HttpTimeouts = DEFAULT_TIMEOUTS): FastifyInstance {
  const app = Fastify(serverOptions(timeouts, 1024 * 1024));
  app.get("/metrics", (_request, reply) => sendMetrics(registry, reply));
  app.setNotFoundHandler((_request, reply) => sendError(reply, 404, { error: "not_found", message: "this port serves /metrics only" }));
  return app;
}

async function sendMetrics(registry: Registry, reply: FastifyReply): Promise<FastifyReply> {
  const body = await registry.metrics();
  return reply.header("content-type", registry.contentType).send(body);
}

/**
 * Closes the app for a stopping worker: answers in flight get `graceMs` to finish, then every
 * connection still open is cut. Without the cut, node waits for each open request up to its
 * request timeout (a POST still sending its body when the pipeline stopped kept the worker alive
 * ~70 s past SIGTERM); a client cut off resends, which event_id makes safe.
 */
export async function closeApp(app: FastifyInstance, graceMs: number): Promise<void> {
  const cut = setTimeout(() => app.server.closeAllConnections(), graceMs);
  try {
    await app.close();
  } finally {
    clearTimeout(cut);
  }
}
