// Every error answer of the API in the documented format, over real HTTP against chdb: the test
// walks each error path that can be reached (400, 401, 403, 404, 408, 413, 414, 415, 429, 431, 500,
// 503), including those that node's HTTP parser (408, 431) or the router (414, a malformed
// percent-encoding) answer before any route runs. Each answer must be JSON with only the error
// body's fields, a code documented for its status, a message, and never the URL or a header it
// was sent: a phone number rides in each of them.
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SensorError } from "../../src/errors.js";
import { buildApp } from "../../src/http/app.js";
import { pipelineTarget } from "../../src/http/targets.js";
import { createPushSource } from "../../src/sources/push.js";
import type { Store } from "../../src/store/port.js";
import { openMigratedChdb } from "../support/store.js";
import { bearer, GRAFANA, TOKENS } from "./support.js";

const PHONE = "13812345678";
/** The error codes and their statuses as docs/api.md ("Errors") lists them. */
const DOCUMENTED: Readonly<Record<string, number>> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  request_timeout: 408,
  payload_too_large: 413,
  uri_too_long: 414,
  unsupported_media_type: 415,
  too_many_requests: 429,
  headers_too_large: 431,
  internal: 500,
  unavailable: 503,
};
let store: Store;
let url: string;
let close: () => Promise<void>;
/** When set, every query of the read endpoints fails with it (the store going away, or a bug). */
let fault: Error | undefined;

beforeAll(async () => {
  store = await openMigratedChdb();
  const faulty: Store = { ...store, query: (sql, params) => (fault === undefined ? store.query(sql, params) : Promise.reject(fault)) };
  const push = createPushSource({ store, maxQueued: 100 });
  const app = buildApp({
    registry: new Registry(),
    readiness: [],
    timeouts: { headersTimeoutMs: 300, requestTimeoutMs: 1_000 },
    api: {
      tokens: TOKENS,
      ratePerSecond: 1_000_000,
      rateBurst: 1_000_000,
      authFailures: { ratePerSecond: 0.001, burst: 2 },
      maxBodyBytes: 65_536,
      ingest: { target: pipelineTarget(push), limits: { maxEventBytes: 65_536, maxFutureSkewMs: 86_400_000 }, maxEventsPerRequest: 10, nowMs: Date.now },
      store: faulty,
      grafana: GRAFANA,
    },
  });
  url = await app.listen({ host: "127.0.0.1", port: 0 });
  close = async () => {
    await app.close();
    await push.close();
  };
}, 120_000);

afterAll(async () => {
  await close?.();
  await store?.close();
});

interface Answer {
  readonly status: number;
  readonly head: string;
  readonly text: string;
}

/** One request with node's client, from a chosen loopback address; the raw status, headers and body come back. */
function ask(method: string, path: string, headers: Record<string, string> = {}, body?: string, localAddress = "127.0.0.1"): Promise<Answer> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port: Number(port), method, path, headers, localAddress }, (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, head: JSON.stringify(res.headers), text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Writes `raw` on a socket and reads until the server closes it (for what node's parser answers). */
function askRaw(raw: string): Promise<Answer> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    let text = "";
    const socket = connect(Number(port), "127.0.0.1", () => socket.write(raw));
    const guard = setTimeout(() => socket.destroy(new Error(`no answer to ${raw.slice(0, 40)}`)), 15_000);
    socket.on("data", (d) => (text += d.toString("utf8")));
    socket.on("close", () => {
      clearTimeout(guard);
      const [head = "", body = ""] = text.split("\r\n\r\n");
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), head, text: body });
    });
    socket.on("error", reject);
  });
}

/** The documented error format: JSON of {error, message, issues?}, error a code documented for this status. */
function expectDocumented(answer: Answer, status: number, what: string): void {
  expect(answer.status, `${what}: ${answer.text.slice(0, 200)}`).toBe(status);
  expect(answer.head.toLowerCase(), what).toContain("application/json");
  const body = JSON.parse(answer.text) as Record<string, unknown>;
  expect(Object.keys(body).every((k) => ["error", "message", "issues"].includes(k)), `${what}: ${answer.text}`).toBe(true);
  expect(DOCUMENTED[String(body["error"])], `${what}: ${answer.text}`).toBe(status);
  expect(typeof body["message"] === "string" && body["message"].length > 0, what).toBe(true);
  expect(answer.head + answer.text, `${what} repeats the phone number`).not.toContain(PHONE);
  for (const t of TOKENS) expect(answer.text, what).not.toContain(t.token);
}

describe("every error answer is in the documented format", () => {
  it("400: an invalid query parameter, a body that is not JSON, and a path that is not valid percent-encoding", async () => {
    expectDocumented(await ask("GET", `/v1/spikes?limit=0&district=${PHONE}`, bearer("analyst")), 400, "invalid parameter");
    expectDocumented(await ask("POST", "/v1/events", { ...bearer("gongdan"), "content-type": "application/json" }, `[{"a":1}`), 400, "truncated body");
    expectDocumented(await ask("POST", `/v1/alerts/${PHONE}%zz/ack`, bearer("ops")), 400, "bad percent-encoding");
  });

  it("401 without a token, 403 for a role that may not", async () => {
    expectDocumented(await ask("GET", `/v1/spikes?district=${PHONE}`), 401, "no token");
    expectDocumented(await ask("GET", "/v1/spikes", bearer("gongdan")), 403, "ingest token reading");
    expectDocumented(await ask("POST", `/v1/alerts/${PHONE}/ack`, bearer("analyst")), 403, "read token acknowledging");
  });

  it("404 for an unknown path or alert, without repeating the path; a wrong method is a 404 too", async () => {
    expectDocumented(await ask("GET", `/v1/callers/${PHONE}`, bearer("analyst")), 404, "unknown path");
    expectDocumented(await ask("POST", `/v1/alerts/${PHONE}/ack`, bearer("ops")), 404, "unknown alert");
    expectDocumented(await ask("DELETE", `/v1/spikes?district=${PHONE}`, bearer("ops")), 404, "wrong method");
  });

  it("408 when the headers do not arrive in time (node's parser answers)", async () => {
    expectDocumented(await askRaw(`GET /v1/spikes?district=${PHONE} HTTP/1.1\r\nHost: x\r\n`), 408, "slow headers");
  });

  it("413 for a body over the byte limit and for more items than the limit", async () => {
    const auth = { ...bearer("gongdan"), "content-type": "application/x-ndjson" };
    expectDocumented(await ask("POST", "/v1/events", auth, `{"t":"${PHONE}"}\n`.repeat(5_000)), 413, "bytes");
    expectDocumented(await ask("POST", "/v1/events", auth, `{"t":"${PHONE}"}\n`.repeat(11)), 413, "items");
  });

  it("414 for a path part longer than any id, without repeating it", async () => {
    expectDocumented(await ask("POST", `/v1/alerts/${PHONE.repeat(300)}/ack`, bearer("ops")), 414, "long alert id");
  });

  it("415 for a content type the API does not take", async () => {
    expectDocumented(await ask("POST", "/v1/events", { ...bearer("gongdan"), "content-type": "text/plain" }, PHONE), 415, "text/plain");
  });

  it("431 for headers larger than node accepts (node's parser answers)", async () => {
    expectDocumented(await ask("GET", "/v1/spikes", { ...bearer("analyst"), "x-padding": PHONE.repeat(2_000) }), 431, "large header");
    expectDocumented(await ask("GET", `/v1/spikes?district=${PHONE.repeat(2_000)}`, bearer("analyst")), 431, "long URL");
  });

  it("429 once an address used up its failed authentications", async () => {
    const wrong = { authorization: `Bearer wrong-token-${PHONE}` };
    for (let i = 0; i < 2; i++) expectDocumented(await ask("GET", "/v1/spikes", wrong, undefined, "127.0.0.7"), 401, "wrong token");
    const limited = await ask("GET", "/v1/spikes", wrong, undefined, "127.0.0.7");
    expectDocumented(limited, 429, "too many failures");
    expect(limited.head).toContain("retry-after");
  });

  it("503 when the store is away, with Retry-After; 500 for a bug, without its details", async () => {
    try {
      fault = new SensorError("STORE_UNAVAILABLE", "connection refused");
      const away = await ask("GET", "/v1/spikes", bearer("analyst"));
      expectDocumented(away, 503, "store away");
      expect(away.head).toContain("retry-after");
      fault = new Error(`a bug that mentions ${PHONE}`);
      const bug = await ask("GET", "/v1/spikes", bearer("analyst"));
      expectDocumented(bug, 500, "bug");
      expect(bug.text).not.toContain("a bug");
    } finally {
      fault = undefined;
    }
    expect((await ask("GET", "/v1/spikes", bearer("analyst"))).status).toBe(200);
  });
});
