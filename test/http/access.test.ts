// Access control and limits of the HTTP API that need no data: tokens from the environment or a file,
// never in the configuration dump or in an error; rate limits per token; body and item limits; the
// metrics endpoint on a port of its own; the merge of two sources acknowledging each its own.
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { describeConfig, loadConfig } from "../../src/config.js";
import type { ApiDeps } from "../../src/http/api.js";
import { buildApp, buildMetricsApp } from "../../src/http/app.js";
import type { IngestTarget } from "../../src/http/ingest.js";
import { mergeSources } from "../../src/sources/merge.js";
import type { Source, SourceMessage } from "../../src/sources/message.js";
import type { Store } from "../../src/store/port.js";
import { bearer, GRAFANA, TOKENS } from "./support.js";

const SECRET = "s3cret-token-value-0123456789";

describe("HOTLINE_API_TOKENS", () => {
  it("reads name:role:token entries from the variable or a file, and never shows a token in the dump", () => {
    const fromEnv = loadConfig({ HOTLINE_API_TOKENS: `ops:admin:${SECRET}, bot:ingest:${SECRET}-2` });
    expect(fromEnv.api.tokens.map((t) => [t.name, t.role])).toEqual([["ops", "admin"], ["bot", "ingest"]]);
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "hotline-tokens-")), "tokens");
    writeFileSync(file, `# one per line\nanalyst:read:${SECRET}\n`);
    const fromFile = loadConfig({ HOTLINE_API_TOKENS_FILE: file });
    expect(fromFile.api.tokens).toEqual([{ name: "analyst", role: "read", token: SECRET }]);
    for (const config of [fromEnv, fromFile]) {
      const dump = JSON.stringify(describeConfig(config));
      expect(dump).not.toContain(SECRET);
      expect(dump).toContain('"name":"analyst"'.replace("analyst", config.api.tokens[0]!.name));
    }
  });

  it("names the bad entry by number, never by its text", () => {
    for (const value of [`ops:root:${SECRET}`, `ops:admin:short`, `bad name:read:${SECRET}`, `a:read:${SECRET},a:read:${SECRET}`]) {
      let message = "";
      try {
        loadConfig({ HOTLINE_API_TOKENS: value });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message, value).toMatch(/HOTLINE_API_TOKENS: entry \d \(of name:role:token\) is invalid/);
      expect(message, value).not.toContain(SECRET);
      expect(message, value).not.toContain("short");
    }
  });
});

const apps: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

/** The store is never reached by these requests: any call fails the test. */
const unreachableStore = { query: () => Promise.reject(new Error("the store should not be asked")) } as unknown as Store;
const acceptingTarget: IngestTarget = { kind: "pipeline", submit: async (_client, items) => items.map(() => ({ status: "accepted" as const })) };

function app(overrides: Partial<ApiDeps> = {}, metrics = true) {
  const built = buildApp({
    registry: new Registry(),
    readiness: [],
    metrics,
    api: {
      tokens: TOKENS,
      ratePerSecond: 1,
      rateBurst: 3,
      maxBodyBytes: 4096,
      ingest: { target: acceptingTarget, limits: { maxEventBytes: 65536, maxFutureSkewMs: 86_400_000 }, maxEventsPerRequest: 2, nowMs: Date.now },
      store: unreachableStore,
      grafana: GRAFANA,
      ...overrides,
    },
  });
  apps.push(built);
  return built;
}

describe("limits", () => {
  it("rate-limits each token on its own with 429 and Retry-After, refilling with time", async () => {
    let now = 1_000_000;
    const server = app({ nowMs: () => now });
    const ask = (who: string) => server.inject({ method: "GET", url: "/openapi.json", headers: bearer(who) });
    for (let i = 0; i < 3; i++) expect((await ask("analyst")).statusCode).toBe(200);
    const limited = await ask("analyst");
    expect(limited.statusCode).toBe(429);
    expect(limited.headers["retry-after"]).toBe("1");
    expect(limited.json()).toMatchObject({ error: "too_many_requests" });
    expect((await ask("ops")).statusCode).toBe(200); // another token, another bucket
    now += 1_000;
    expect((await ask("analyst")).statusCode).toBe(200);
    expect((await ask("analyst")).statusCode).toBe(429);
  });

  it("refuses a body above HOTLINE_API_MAX_BODY_BYTES and more items than HOTLINE_API_MAX_EVENTS with 413", async () => {
    const server = app({ ratePerSecond: 1000, rateBurst: 1000 });
    const big = await server.inject({ method: "POST", url: "/v1/events", headers: { ...bearer("gongdan"), "content-type": "application/json" }, payload: `[${'"x",'.repeat(2000)}"x"]` });
    expect(big.statusCode).toBe(413);
    expect(big.json()).toMatchObject({ error: "payload_too_large" });
    const many = await server.inject({ method: "POST", url: "/v1/events", headers: { ...bearer("gongdan"), "content-type": "application/x-ndjson" }, payload: "{}\n{}\n{}\n" });
    expect(many.statusCode).toBe(413);
    expect(many.json().message).toContain("HOTLINE_API_MAX_EVENTS");
  });

  it("does not read the body of a request without a valid token", async () => {
    const server = app();
    const response = await server.inject({ method: "POST", url: "/v1/events", headers: { "content-type": "application/json" }, payload: "x".repeat(100_000) });
    expect(response.statusCode).toBe(401);
  });
});

describe("HOTLINE_METRICS_PORT", () => {
  it("serves /metrics on its own port, and not on the API port", async () => {
    const registry = new Registry();
    const metricsApp = buildMetricsApp(registry);
    apps.push(metricsApp);
    const main = app({}, false);
    const metricsUrl = await metricsApp.listen({ host: "127.0.0.1", port: 0 });
    const mainUrl = await main.listen({ host: "127.0.0.1", port: 0 });
    expect((await fetch(`${metricsUrl}/metrics`)).status).toBe(200);
    expect((await fetch(`${mainUrl}/metrics`)).status).toBe(404);
    expect((await fetch(`${metricsUrl}/v1/spikes`)).status).toBe(404);
    expect((await fetch(`${mainUrl}/healthz`)).status).toBe(200);
  });
});

describe("mergeSources", () => {
  function listSource(name: string, batches: SourceMessage[][]): Source & { acked: SourceMessage[] } {
    const acked: SourceMessage[] = [];
    return {
      name,
      acked,
      start: async () => {},
      next: async (_max, wait) => {
        const batch = batches.shift();
        if (batch === undefined) return null;
        if (batch.length === 0) await new Promise((r) => setTimeout(r, wait));
        return batch;
      },
      ack: async (b) => void acked.push(...b),
      idle: async () => {},
      close: async () => {},
    };
  }
  const msg = (seq: number): SourceMessage => ({ bytes: new Uint8Array([seq]), position: { kind: "simulator", seed: 1, seq } });

  it("yields what either child read, hands each ack back to its owner, and ends when both end", async () => {
    const a = listSource("a", [[msg(1), msg(2)], [], [msg(3)]]);
    const b = listSource("b", [[msg(10)], [msg(11), msg(12)]]);
    const merged = mergeSources("a+b", [a, b]);
    await merged.start();
    const seen: SourceMessage[] = [];
    for (;;) {
      const batch = await merged.next(2, 5);
      if (batch === null) break;
      expect(batch.length).toBeLessThanOrEqual(2);
      seen.push(...batch);
      await merged.ack(batch);
    }
    expect(seen.map((m) => m.bytes[0]).sort((x, y) => x! - y!)).toEqual([1, 2, 3, 10, 11, 12]);
    expect(a.acked.map((m) => m.bytes[0])).toEqual([1, 2, 3]);
    expect(b.acked.map((m) => m.bytes[0])).toEqual([10, 11, 12]);
  });
});
