// The HTTP face of the worker, built by a factory so tests use fastify's inject and the CLI listens:
// /healthz (the process is alive), /readyz (broker and store reachable, migrations applied), /metrics,
// and, given `api`, the /v1 API with its OpenAPI document (api.ts, docs/api.md). /metrics can move to
// a port of its own (buildMetricsApp), so the API port need not expose it.
import Fastify, { type FastifyInstance, type FastifyReply } from "fastify";
import type { Registry } from "prom-client";
import { z } from "zod";
import { scrubQuoted } from "../contract/personal-data.js";
import { apiRoutes, buildApiDocument, handleError, registerApi, sendError, type ApiDeps } from "./api.js";
import type { RouteSpec } from "./spec.js";

export interface ReadinessCheck {
  readonly name: string;
  /** Resolves true when ready; never throws (a throw counts as not ready). */
  check(): Promise<boolean>;
}

export interface AppDeps {
  readonly registry: Registry;
  readonly readiness: readonly ReadinessCheck[];
  /** false: /metrics is served elsewhere (buildMetricsApp); default true. */
  readonly metrics?: boolean;
  /** The /v1 API; absent: health, readiness and metrics only. */
  readonly api?: ApiDeps | undefined;
}

const health = z.object({ status: z.literal("ok") }).meta({ id: "Health" });
const readiness = z.object({ status: z.enum(["ready", "not ready"]), checks: z.record(z.string(), z.boolean()) }).meta({ id: "Readiness" });

const HEALTH_ROUTES: readonly RouteSpec[] = [
  { method: "GET", url: "/healthz", summary: "Liveness", description: "200 while the process runs. No token.", role: undefined, responses: { 200: { description: "Alive.", schema: health } } },
  {
    method: "GET",
    url: "/readyz",
    summary: "Readiness",
    description: "200 when the store, the migrations and the source are ready, else 503 naming the failing check. No token.",
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
  const app = Fastify({ logger: false, bodyLimit: deps.api?.maxBodyBytes ?? 1024 * 1024 });
  const withMetrics = deps.metrics ?? true;

  app.setErrorHandler((error, request, reply) => handleError(error, request, reply, deps.api?.logger));
  app.setNotFoundHandler((request, reply) => sendError(reply, 404, { error: "not_found", message: `no route ${request.method} ${scrubQuoted(request.url.split("?")[0]!.slice(0, 200))}` }));

  app.get("/healthz", async () => ({ status: "ok" }));

  app.get("/readyz", async (_request, reply) => {
    const results = await Promise.all(
      deps.readiness.map(async ({ name, check }) => [name, await Promise.resolve().then(check).catch(() => false)] as const),
    );
    const checks = Object.fromEntries(results);
    const ready = results.every(([, ok]) => ok);
    return reply.code(ready ? 200 : 503).send({ status: ready ? "ready" : "not ready", checks });
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
export function buildMetricsApp(registry: Registry): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get("/metrics", (_request, reply) => sendMetrics(registry, reply));
  app.setNotFoundHandler((_request, reply) => sendError(reply, 404, { error: "not_found", message: "this port serves /metrics only" }));
  return app;
}

async function sendMetrics(registry: Registry, reply: FastifyReply): Promise<FastifyReply> {
  const body = await registry.metrics();
  return reply.header("content-type", registry.contentType).send(body);
}
