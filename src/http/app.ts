// The HTTP face of the worker, built by a factory so tests use fastify's inject and the CLI listens:
// /healthz (the process is alive), /readyz (broker and store reachable, migrations applied), /metrics.
import Fastify, { type FastifyInstance } from "fastify";
import type { Registry } from "prom-client";

export interface ReadinessCheck {
  readonly name: string;
  /** Resolves true when ready; never throws (a throw counts as not ready). */
  check(): Promise<boolean>;
}

export interface AppDeps {
  readonly registry: Registry;
  readonly readiness: readonly ReadinessCheck[];
}

export function buildApp(deps: AppDeps): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });

  app.get("/healthz", async () => ({ status: "ok" }));

  app.get("/readyz", async (_request, reply) => {
    const results = await Promise.all(
      deps.readiness.map(async ({ name, check }) => [name, await Promise.resolve().then(check).catch(() => false)] as const),
    );
    const checks = Object.fromEntries(results);
    const ready = results.every(([, ok]) => ok);
    return reply.code(ready ? 200 : 503).send({ status: ready ? "ready" : "not ready", checks });
  });

  app.get("/metrics", async (_request, reply) => {
    const body = await deps.registry.metrics();
    return reply.header("content-type", deps.registry.contentType).send(body);
  });

  return app;
}
