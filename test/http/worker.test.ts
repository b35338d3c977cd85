// The wiring of `hotline-sensor run` in the embedded default: the API on the worker's port, events
// posted over HTTP stored by the same pipeline as the simulated city (merged sources), /metrics on
// HOTLINE_METRICS_PORT only, and no token in the worker's logs.
import { connect, createServer } from "node:net";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { exampleEvents } from "../support/examples.js";
import { tempDir } from "../support/store.js";
import { queryData, startCli, workerEnv } from "../support/worker.js";

const INGEST_TOKEN = "worker-ingest-token-0123456789";
const READ_TOKEN = "worker-read-token-0123456789";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

/** Sends a request line and one header, never the blank line that ends them, and returns what the server answers before it closes. */
function slowHeaders(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const socket = connect(Number(new URL(url).port), "127.0.0.1", () => socket.write("GET /healthz HTTP/1.1\r\nHost: x\r\n"));
    const guard = setTimeout(() => socket.destroy(new Error("no answer within 5 s (ten times the configured timeout) to headers that never end")), 5_000);
    socket.on("data", (d) => (text += d.toString("utf8")));
    socket.on("close", () => {
      clearTimeout(guard);
      resolve(text);
    });
    socket.on("error", reject);
  });
}

describe("hotline-sensor run with the HTTP API", () => {
  it("stores posted events beside the simulated city, serves reads, and keeps tokens out of its logs", async () => {
    const data = path.join(tempDir("api-worker"), "data");
    const metricsPort = await freePort();
    const env = workerEnv({
      HOTLINE_DATA_DIR: data,
      HOTLINE_API_TOKENS: `gongdan:ingest:${INGEST_TOKEN},grafana:read:${READ_TOKEN}`,
      HOTLINE_METRICS_PORT: String(metricsPort),
      HOTLINE_SIM_SPEEDUP: "3600",
      HOTLINE_PERF_INTERVAL_MINUTES: "0",
      HOTLINE_HTTP_HEADERS_TIMEOUT_MS: "500",
    });
    const worker = startCli(["run"], env);
    try {
      const url = await worker.ready;
      const now = Date.now();
      const events = exampleEvents().map((e, i) => ({ ...e, event_id: `api-worker-${i}-0001`, occurred_at: new Date(now - 60_000 + i * 1000).toISOString() }));
      const response = await fetch(`${url}/v1/events`, {
        method: "POST",
        headers: { authorization: `Bearer ${INGEST_TOKEN}`, "content-type": "application/x-ndjson" },
        body: events.map((e) => JSON.stringify(e)).join("\n"),
      });
      const body = (await response.json()) as { accepted: number; results: unknown[] };
      expect(response.status, JSON.stringify(body)).toBe(200);
      expect(body.accepted).toBe(events.length);

      const read = await fetch(`${url}/v1/flagged-tickets?limit=5`, { headers: { authorization: `Bearer ${READ_TOKEN}` } });
      expect(read.status).toBe(200);
      expect((await fetch(`${url}/v1/flagged-tickets`, { headers: { authorization: `Bearer ${INGEST_TOKEN}` } })).status).toBe(403);

      expect((await fetch(`${url}/metrics`)).status).toBe(404);
      // The configured header timeout reaches the server: headers that never end get 408.
      expect(await slowHeaders(url)).toMatch(/^HTTP\/1\.1 408 [^]*"error":"request_timeout"/);
      // the simulated city goes on beside: wait until some of its events went through the same pipeline
      let metrics = "";
      for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 250))) {
        metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
        const consumed = /hotline_sensor_events_consumed_total\{source="simulator\+http"\} (\d+)/.exec(metrics);
        if (Number(consumed?.[1] ?? 0) > events.length) break;
      }
      expect(metrics).toContain(`hotline_sensor_api_ingest_items_total{result="accepted"} ${events.length}`);
      expect(metrics).toContain('source="simulator+http"');
    } finally {
      const exit = await worker.stop();
      expect(exit.code, worker.logs().slice(-2000)).toBe(0);
    }
    const logs = worker.logs();
    expect(logs).toContain('"worker started"');
    expect(logs).toContain("[redacted]");
    expect(logs).not.toContain(INGEST_TOKEN);
    expect(logs).not.toContain(READ_TOKEN);

    const stored = await queryData<{ n: number | string }>(data, "SELECT count() AS n FROM events WHERE startsWith(source, 'http:gongdan#')", env);
    expect(Number(stored[0]!.n)).toBe(exampleEvents().length);
    const simulated = await queryData<{ n: number | string }>(data, "SELECT count() AS n FROM events WHERE startsWith(source, 'sim:')", env);
    expect(Number(simulated[0]!.n)).toBeGreaterThan(0);
  });
});
