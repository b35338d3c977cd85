// Work bounded before parsing, over real HTTP (fastify listening on 127.0.0.1): a body of millions
// of tiny items is refused at the item limit while it arrives, with the event loop measured inside
// this process (perf_hooks.monitorEventLoopDelay) and the peak memory of the process; a slow
// client is cut off by the header and request timeouts; failed authentications are limited per
// client address. The ingest target and the store are never reached by these requests: both
// fail the test when asked.
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import type { ApiDeps } from "../../src/http/api.js";
import { buildApp, type AppDeps } from "../../src/http/app.js";
import type { IngestTarget } from "../../src/http/ingest.js";
import type { Store } from "../../src/store/port.js";
import { GRAFANA, TOKENS } from "./support.js";

const MAX_BODY = 8 * 1024 * 1024;
const INGEST = `Bearer ${TOKENS.find((t) => t.role === "ingest")!.token}`;

const apps: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

let targetCalls = 0;
const unreachableStore = { query: () => Promise.reject(new Error("the store should not be asked")) } as unknown as Store;
const countingTarget: IngestTarget = {
  kind: "pipeline",
  submit: async () => {
    targetCalls += 1;
    throw new Error("the ingest target should not be reached");
  },
};

async function listen(api: Partial<ApiDeps> = {}, app: Partial<AppDeps> = {}): Promise<string> {
  const built = buildApp({
    registry: new Registry(),
    readiness: [],
    ...app,
    api: {
      tokens: TOKENS,
      ratePerSecond: 1_000_000,
      rateBurst: 1_000_000,
      maxBodyBytes: MAX_BODY,
      ingest: { target: countingTarget, limits: { maxEventBytes: 65_536, maxFutureSkewMs: 86_400_000 }, maxEventsPerRequest: 5_000, nowMs: Date.now },
      store: unreachableStore,
      grafana: GRAFANA,
      ...api,
    },
  });
  apps.push(built);
  return built.listen({ host: "127.0.0.1", port: 0 });
}

const peakRssBytes = () => process.resourceUsage().maxRSS * 1024;

/**
 * POST /v1/events with node's own client: it writes the Buffer as it is, where fetch would copy
 * 8 MiB per request inside this process and count its own work into the delay measured here.
 */
function post(url: string, body: Buffer, contentType: string): Promise<{ status: number; json: any }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: "127.0.0.1", port: Number(port), method: "POST", path: "/v1/events", headers: { authorization: INGEST, "content-type": contentType, "content-length": body.length } },
      (res) => {
        let text = "";
        res.on("data", (d) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
      },
    );
    // The server answers before it read the whole body; what it then leaves unread may reset the upload.
    req.on("error", (error) => ((error as NodeJS.ErrnoException).code === "ECONNRESET" || (error as NodeJS.ErrnoException).code === "EPIPE" ? undefined : reject(error)));
    req.end(body);
  });
}

/**
 * Posts `body` while the event-loop delay of this process is recorded. The peak RSS is the
 * process's own high-water mark, so a spike between two samples is not missed.
 */
async function postMeasured(url: string, body: Buffer, contentType: string): Promise<{ status: number; json: any; maxDelayMs: number; peakGrowthBytes: number }> {
  // A small request over the limit first, so what is measured is the big body, not the first
  // compilation of the route and the splitter.
  expect((await post(url, Buffer.from(contentType === "application/json" ? `[${"1,".repeat(5_000)}1]` : "1\n".repeat(5_001)), contentType)).status).toBe(413);
  const peakBefore = peakRssBytes();
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  try {
    const { status, json } = await post(url, body, contentType);
    return { status, json, maxDelayMs: delay.max / 1e6, peakGrowthBytes: peakRssBytes() - peakBefore };
  } finally {
    delay.disable();
  }
}

// Before: 4.2 million items were parsed (JSON.parse, then each re-serialised) before they were
// counted: 5.5-7 s with the event loop blocked and about 1.5 GB. The bounds below leave room for a
// loaded machine, yet sit an order of magnitude under that: 500 ms is what /healthz may wait at
// most, and 200 MB above the peak before covers the 8 MiB body held as a string, its copy in the
// client and the chunks on the server side, with the allocator's slack.
const MAX_DELAY_MS = 500;
const MAX_PEAK_GROWTH_BYTES = 200 * 1024 * 1024;

describe("POST /v1/events: the item limit applies while the body arrives", () => {
  it("refuses an 8 MiB JSON array of 4 million tiny items with 413, without blocking the event loop or growing memory", async () => {
    const url = await listen();
    const items = Math.floor((MAX_BODY - 2) / 2); // "[" + "1," × (items - 1) + "1]" is just under the byte limit
    const body = Buffer.from(`[${"1,".repeat(items - 1)}1]`);
    expect(body.length).toBeLessThanOrEqual(MAX_BODY);
    const answer = await postMeasured(url, body, "application/json");
    expect(answer.status).toBe(413);
    expect(answer.json).toEqual({ error: "payload_too_large", message: expect.stringContaining("HOTLINE_API_MAX_EVENTS") });
    expect(answer.maxDelayMs, `event loop blocked ${answer.maxDelayMs} ms`).toBeLessThan(MAX_DELAY_MS);
    expect(answer.peakGrowthBytes, `peak RSS grew ${answer.peakGrowthBytes} bytes`).toBeLessThan(MAX_PEAK_GROWTH_BYTES);
    expect(targetCalls).toBe(0);
  });

  it("refuses 8 MiB of NDJSON lines `1` the same way", async () => {
    const url = await listen();
    const body = Buffer.from("1\n".repeat(MAX_BODY / 2));
    const answer = await postMeasured(url, body, "application/x-ndjson");
    expect(answer.status).toBe(413);
    expect(answer.json).toEqual({ error: "payload_too_large", message: expect.stringContaining("HOTLINE_API_MAX_EVENTS") });
    expect(answer.maxDelayMs, `event loop blocked ${answer.maxDelayMs} ms`).toBeLessThan(MAX_DELAY_MS);
    expect(answer.peakGrowthBytes, `peak RSS grew ${answer.peakGrowthBytes} bytes`).toBeLessThan(MAX_PEAK_GROWTH_BYTES);
    expect(targetCalls).toBe(0);
  });

  it("answers /healthz while four such bodies are posted at once", async () => {
    const url = await listen();
    const body = Buffer.from(`[${"1,".repeat(MAX_BODY / 2 - 2)}1]`);
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const posts = Array.from({ length: 4 }, () => post(url, body, "application/json"));
    const health = await fetch(`${url}/healthz`);
    const statuses = (await Promise.all(posts)).map((p) => p.status);
    delay.disable();
    expect(health.status).toBe(200);
    expect(statuses).toEqual([413, 413, 413, 413]);
    expect(delay.max / 1e6).toBeLessThan(MAX_DELAY_MS);
  });
});

/** A raw HTTP exchange: writes `head`, then `trickle` one byte at a time every `everyMs`, and returns what the server sent before closing. */
function rawExchange(url: string, head: string, trickle = "", everyMs = 100, giveUpMs = 15_000): Promise<{ text: string; closedByServer: boolean }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    let text = "";
    let sent = 0;
    const socket = connect(Number(port), "127.0.0.1", () => socket.write(head));
    const drip = setInterval(() => {
      if (sent < trickle.length && !socket.destroyed) socket.write(trickle[sent++]!);
    }, everyMs);
    // A guard so a server without timeouts fails this test instead of hanging it.
    const guard = setTimeout(() => {
      clearInterval(drip);
      socket.destroy();
      resolve({ text, closedByServer: false });
    }, giveUpMs);
    socket.on("data", (d) => (text += d.toString("utf8")));
    socket.on("close", () => {
      clearInterval(drip);
      clearTimeout(guard);
      resolve({ text, closedByServer: true });
    });
    socket.on("error", (error) => {
      if ((error as NodeJS.ErrnoException).code !== "ECONNRESET") reject(error);
    });
  });
}

function parseRaw(text: string): { status: number; headers: string; body: any } {
  const [head = "", body = ""] = text.split("\r\n\r\n");
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), headers: head.toLowerCase(), body: body === "" ? undefined : JSON.parse(body) };
}

describe("request timeouts", () => {
  const timeouts = { headersTimeoutMs: 500, requestTimeoutMs: 1_500 };

  it("answers 408 in the error format and closes when the headers do not arrive in time", async () => {
    const url = await listen({}, { timeouts });
    const exchange = await rawExchange(url, "GET /healthz HTTP/1.1\r\nHost: x\r\n");
    expect(exchange.closedByServer).toBe(true);
    const answer = parseRaw(exchange.text);
    expect(answer.status).toBe(408);
    expect(answer.headers).toContain("content-type: application/json");
    expect(answer.body).toEqual({ error: "request_timeout", message: expect.stringContaining("HOTLINE_HTTP_HEADERS_TIMEOUT_MS") });
  });

  it("answers 408 and closes when a body trickles in slower than the request timeout allows", async () => {
    const url = await listen({}, { timeouts });
    const body = `[${"1,".repeat(200)}1]`;
    const head = `POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: ${INGEST}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    const exchange = await rawExchange(url, head, body, 50);
    expect(exchange.closedByServer).toBe(true);
    const answer = parseRaw(exchange.text);
    expect(answer.status).toBe(408);
    expect(answer.body).toEqual({ error: "request_timeout", message: expect.stringContaining("HOTLINE_HTTP_REQUEST_TIMEOUT_MS") });
    expect(targetCalls).toBe(0);
  });
});

/** One request from a chosen loopback address (127.0.0.0/8 is all loopback on Linux). */
function fromAddress(url: string, localAddress: string, authorization: string): Promise<{ status: number; retryAfter: string | undefined; body: any }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port: Number(port), path: "/openapi.json", localAddress, headers: { authorization } }, (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers["retry-after"], body: JSON.parse(text) }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("failed authentications per client address", () => {
  it("answers 429 with Retry-After after the burst of failures, even to a valid token, for that address only; it refills with time", async () => {
    let now = 1_000_000;
    const url = await listen({ authFailures: { ratePerSecond: 1, burst: 3 }, nowMs: () => now });
    const wrong = "Bearer wrong-token-0123456789abcdef";
    const valid = `Bearer ${TOKENS[1]!.token}`;
    for (let i = 0; i < 3; i++) expect((await fromAddress(url, "127.0.0.2", wrong)).status).toBe(401);
    const limited = await fromAddress(url, "127.0.0.2", wrong);
    expect(limited.status).toBe(429);
    expect(limited.retryAfter).toBe("1");
    expect(limited.body).toEqual({ error: "too_many_requests", message: expect.stringContaining("failed authentications") });
    // Guessing stops: not even the right token is checked from there until the bucket refills.
    expect((await fromAddress(url, "127.0.0.2", valid)).status).toBe(429);
    expect((await fromAddress(url, "127.0.0.3", valid)).status).toBe(200);
    expect((await fromAddress(url, "127.0.0.3", wrong)).status).toBe(401);
    now += 1_000;
    expect((await fromAddress(url, "127.0.0.2", valid)).status).toBe(200);
    expect((await fromAddress(url, "127.0.0.2", wrong)).status).toBe(401);
    expect((await fromAddress(url, "127.0.0.2", wrong)).status).toBe(429);
  });
});
