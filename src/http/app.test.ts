// Unit tests of the HTTP app factory through fastify's inject and once over a real socket: health, readiness by named checks, Prometheus metrics.
import type { FastifyInstance } from "fastify";
import { Counter, Registry, type OpenMetricsContentType, type RegistryContentType } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { buildApp, type ReadinessCheck } from "./app.js";

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

function app(readiness: readonly ReadinessCheck[] = [], registry = new Registry()): FastifyInstance {
  const built = buildApp({ registry, readiness });
  apps.push(built);
  return built;
}

const check = (name: string, ready: boolean): ReadinessCheck => ({ name, check: async () => ready });

function withCounter<T extends Registry<RegistryContentType>>(registry: T): T {
  const counter = new Counter({ name: "hotline_sensor_events_consumed_total", help: "Inputs read.", labelNames: ["source"], registers: [registry] });
  counter.inc({ source: "kafka" }, 42);
  return registry;
}

describe("GET /healthz", () => {
  it("answers 200 while the process runs, whatever the readiness", async () => {
    const response = await app([check("store", false)]).inject({ method: "GET", url: "/healthz" });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: "ok" });
  });
});

describe("GET /readyz", () => {
  it("answers 200 when every check passes, listing them", async () => {
    const response = await app([check("store", true), check("migrations", true), check("source", true)]).inject({ method: "GET", url: "/readyz" });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: "ready", checks: { store: true, migrations: true, source: true } });
  });

  it("answers 503 and names the failing check", async () => {
    const response = await app([check("store", true), check("migrations", false), check("source", true)]).inject({ method: "GET", url: "/readyz" });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ status: "not ready", checks: { store: true, migrations: false, source: true } });
  });

  it("answers 503 with the reason a failing check gives", async () => {
    const writes: ReadinessCheck = { name: "writes", check: async () => ({ ready: false, reason: "the store takes no writes, retrying the batch" }) };
    const response = await app([check("store", true), writes]).inject({ method: "GET", url: "/readyz" });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ status: "not ready", checks: { store: true, writes: false }, reasons: { writes: "the store takes no writes, retrying the batch" } });
  });

  it("counts a check whose promise rejects as not ready", async () => {
    const failing: ReadinessCheck = { name: "source", check: async () => Promise.reject(new Error("broker unreachable")) };
    const response = await app([check("store", true), failing]).inject({ method: "GET", url: "/readyz" });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ status: "not ready", checks: { store: true, source: false } });
  });

  // Checks are often one-liners such as `() => parts.store.ping()`: if the adapter is missing or
  // throws before returning its promise, that is "not ready", not an internal server error.
  it("counts a check that throws before returning a promise as not ready", async () => {
    const throwing: ReadinessCheck = {
      name: "store",
      check: () => {
        throw new Error("store not opened yet");
      },
    };
    const response = await app([throwing, check("source", true)]).inject({ method: "GET", url: "/readyz" });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ status: "not ready", checks: { store: false, source: true } });
  });

  it("runs the checks on every request rather than caching an answer", async () => {
    let ready = false;
    const server = app([{ name: "store", check: async () => ready }]);
    expect((await server.inject({ method: "GET", url: "/readyz" })).statusCode).toBe(503);
    ready = true;
    expect((await server.inject({ method: "GET", url: "/readyz" })).statusCode).toBe(200);
  });
});

describe("GET /metrics", () => {
  it("returns the injected registry in the Prometheus text format with its content type", async () => {
    const registry = withCounter(new Registry());
    const response = await app([], registry).inject({ method: "GET", url: "/metrics" });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe(registry.contentType);
    expect(response.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.body).toContain("# TYPE hotline_sensor_events_consumed_total counter");
    expect(response.body).toContain('hotline_sensor_events_consumed_total{source="kafka"} 42');
  });

  it("uses the content type of the registry it was given (OpenMetrics here)", async () => {
    const registry = withCounter(new Registry<OpenMetricsContentType>());
    registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    // AppDeps is typed for the default (Prometheus) registry; at run time any registry works.
    const response = await app([], registry as unknown as Registry).inject({ method: "GET", url: "/metrics" });
    expect(response.headers["content-type"]).toBe(Registry.OPENMETRICS_CONTENT_TYPE);
    expect(response.body).toContain('hotline_sensor_events_consumed_total{source="kafka"} 42');
  });
});

describe("over real HTTP", () => {
  it("serves /healthz, /readyz and /metrics on a port of its own", async () => {
    const registry = withCounter(new Registry());
    const server = app([check("store", true), check("source", false)], registry);
    const address = await server.listen({ port: 0, host: "127.0.0.1" });
    expect(address).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const health = await fetch(`${address}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });

    const ready = await fetch(`${address}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: "not ready", checks: { store: true, source: false } });

    const metrics = await fetch(`${address}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get("content-type")).toBe(registry.contentType);
    expect(await metrics.text()).toContain('hotline_sensor_events_consumed_total{source="kafka"} 42');

    expect((await fetch(`${address}/nothing-here`)).status).toBe(404);
  });
});
