// Bad input at the door: fast-check throws malformed JSON, wrong content types, huge and deeply
// nested bodies, missing and wrong tokens and injection attempts in query parameters at the API
// over real HTTP (fastify on 127.0.0.1:0, the real pipeline and chdb behind it). Every answer must
// be a 2xx for well-formed requests or a 4xx with a JSON error body, never a 5xx or a crash; the
// tables must be intact afterwards, and no caller text may appear in the SQL the store was sent.
import { connect } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RESULT_ENDPOINTS } from "../../src/http/results.js";
import { simulate } from "../../src/sources/simulator/index.js";
import type { QueryParams, Store } from "../../src/store/port.js";
import { replayLines, TEST_HASH_KEY } from "../support/pipeline.js";
import { openMigratedChdb } from "../support/store.js";
import { count, startApi, TOKENS, type RunningApi } from "./support.js";

const MAX_BODY = 256 * 1024;
const START = Date.parse("2026-10-01T00:00:00+08:00");
const CITY = [...simulate({ seed: 3, startMs: START, days: 2, size: "small" })];
const FRESH = [...simulate({ seed: 4, startMs: START + 2 * 86_400_000, days: 1, size: "small" })];

let store: Store;
let api: RunningApi;
/** Every statement the read endpoints sent to the store, with its parameters. */
const readSql: { sql: string; params: QueryParams | undefined }[] = [];
let tablesBefore: unknown[];

beforeAll(async () => {
  store = await openMigratedChdb();
  await replayLines(store, "city.ndjson", CITY.map((e) => JSON.stringify(e)));
  const recording: Pick<Store, "query"> = {
    query: (sql, params) => {
      readSql.push({ sql, params });
      return store.query(sql, params);
    },
  };
  api = await startApi(store, { hashKey: TEST_HASH_KEY, withDerivers: false, maxBodyBytes: MAX_BODY, store: recording as Store });
  tablesBefore = await store.query("SELECT name, engine FROM system.tables WHERE database = 'hotline' ORDER BY name");
}, 300_000);

afterAll(async () => {
  await api?.close();
  await store?.close();
});

const AUTH_HEADERS = [
  undefined,
  "",
  "Bearer",
  "Bearer ",
  "Basic dXNlcjpwYXNz",
  "Bearer wrong-token-0123456789abcdef",
  `Bearer ${TOKENS[2]!.token.slice(0, -1)}`,
  `Bearer ${TOKENS[2]!.token} extra`,
  `bearer ${TOKENS[2]!.token}`,
  `Bearer ${"x".repeat(8000)}`,
  `Bearer ${TOKENS[1]!.token}`,
  `Bearer ${TOKENS[2]!.token}`,
  `Bearer ${TOKENS[0]!.token}`,
];

const CONTENT_TYPES = [
  undefined,
  "application/json",
  "application/json; charset=utf-8",
  "APPLICATION/JSON",
  "application/x-ndjson",
  "application/ndjson",
  "text/plain",
  "application/xml",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=xyz",
  "application/jsonx",
  "",
  "ä/ö",
];

const INJECTIONS = [
  "'; DROP TABLE events; --",
  "' OR '1'='1",
  "01') UNION SELECT * FROM system.users --",
  "{district:String}",
  "1; SELECT sleep(3)",
  "\\'",
  "%27%20OR%201%3D1",
  "110105' --",
  "\u0000",
  "😀🚒",
  "区' OR 1=1 --",
  "${jndi:ldap://x}",
  "../../etc/passwd",
  "a".repeat(10_000),
];

const validEvent = fc.constantFrom(...FRESH.slice(0, 400));
/** A valid event with one field replaced by anything, or removed. */
const mutatedEvent = fc
  .tuple(validEvent, fc.constantFrom("event_id", "type", "occurred_at", "schema_version", "data", "ticket_id", "call_id", "source_system"), fc.option(fc.jsonValue(), { nil: undefined }))
  .map(([event, key, value]) => {
    const copy: Record<string, unknown> = { ...event };
    if (value === undefined) delete copy[key];
    else copy[key] = value;
    return copy;
  });
const nested = fc.integer({ min: 1, max: 300_000 }).map((n) => `[${"[".repeat(n)}${"]".repeat(n)}]`);
const nestedObject = fc.integer({ min: 33, max: 5_000 }).map((n) => `[${'{"a":'.repeat(n)}1${"}".repeat(n)}]`);

const bodyArb = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary", maxLength: 500 }),
  fc.uint8Array({ maxLength: 2_000 }).map((b) => Buffer.from(b)),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.array(fc.oneof(mutatedEvent, validEvent, fc.jsonValue()), { maxLength: 20 }).map((a) => JSON.stringify(a)),
  fc.array(fc.oneof(mutatedEvent, validEvent), { maxLength: 20 }).map((a) => a.map((e) => JSON.stringify(e)).join("\n")),
  fc.array(validEvent, { maxLength: 5 }).map((a) => JSON.stringify(a).slice(0, -1)), // truncated
  nested,
  nestedObject,
  fc.constant(`[${'"x",'.repeat(MAX_BODY / 4)}"x"]`), // larger than the body limit
  fc.constant('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}'),
);

interface Answer {
  readonly status: number;
  readonly contentType: string | null;
  readonly text: string;
  readonly headers: Headers;
}

async function send(path: string, init: { method?: string; auth?: string | undefined; contentType?: string | undefined; body?: string | Uint8Array }): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (init.auth !== undefined) headers["authorization"] = init.auth;
  if (init.contentType !== undefined) headers["content-type"] = init.contentType;
  const response = await fetch(`${api.url}${path}`, { method: init.method ?? "GET", headers, ...(init.body === undefined ? {} : { body: init.body }) });
  return { status: response.status, contentType: response.headers.get("content-type"), text: await response.text(), headers: response.headers };
}

/** The contract every answer keeps: no 5xx, JSON, and an error code with a message on 4xx. */
function expectProper(answer: Answer, context: string): any {
  expect(answer.status, `${context} → ${answer.status} ${answer.text.slice(0, 300)}`).toBeLessThan(500);
  expect(answer.contentType, context).toMatch(/^application\/json/);
  const body = JSON.parse(answer.text);
  if (answer.status >= 400 && answer.status !== 422) {
    expect(body, context).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    expect(body.message.length, context).toBeGreaterThan(0);
  }
  if (answer.status === 401) expect(answer.headers.get("www-authenticate"), context).toMatch(/^Bearer /);
  for (const token of TOKENS) expect(answer.text, context).not.toContain(token.token);
  return body;
}

describe("POST /v1/events under fuzzing", () => {
  it("answers every body, content type and token with a 2xx/4xx and a JSON body, never a 5xx", async () => {
    let accepted = 0;
    const before = await count(store, "SELECT count() AS n FROM events");
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...AUTH_HEADERS), fc.constantFrom(...CONTENT_TYPES), bodyArb, async (auth, contentType, body) => {
        const answer = await send("/v1/events", { method: "POST", auth, contentType, body });
        const parsed = expectProper(answer, `POST ${contentType} ${String(body).slice(0, 80)}`);
        if (answer.status === 200 || answer.status === 422) {
          expect(parsed.results.length).toBe(parsed.accepted + parsed.duplicates + parsed.rejected);
          for (const r of parsed.results) if (r.status === "rejected") expect(r.message.length).toBeGreaterThan(0);
          accepted += parsed.accepted;
        }
      }),
      { numRuns: 400, seed: 7_012 },
    );
    expect(await count(store, "SELECT count() AS n FROM events")).toBe(before + accepted);
    expect(accepted, "some valid events should have gone through to make this a test of acceptance too").toBeGreaterThan(0);
  });

  it("refuses a streamed body past the limit with 413 while reading it", async () => {
    const chunk = new TextEncoder().encode(`${JSON.stringify(FRESH[0])}\n`);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > 4 * MAX_BODY) controller.close();
        else {
          sent += chunk.length;
          controller.enqueue(chunk);
        }
      },
    });
    const response = await fetch(`${api.url}/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKENS[2]!.token}`, "content-type": "application/x-ndjson" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: "payload_too_large" });
  });

  it("survives bytes that are not HTTP at all", async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(new URL(api.url).port), "127.0.0.1", () => socket.write("GARBAGE \u0000\u0001 NOT HTTP\r\n\r\n"));
      let text = "";
      socket.on("data", (d) => (text += d.toString("latin1")));
      socket.on("end", () => resolve(text));
      socket.on("error", reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
  });
});

describe("read endpoints under fuzzing", () => {
  const names = [...new Set(RESULT_ENDPOINTS.flatMap((e) => Object.keys(e.query.shape))), "order_by", "sql", "format", "limit[]", "__proto__"];
  const hostile = fc.oneof(fc.constantFrom(...INJECTIONS), fc.string({ unit: "grapheme", maxLength: 50 }), fc.string({ unit: "binary", minLength: 1, maxLength: 20 }), fc.string({ minLength: 300, maxLength: 3_000 }));
  const plausible = fc.constantFrom("10", "1000", "open", "active", "after_closure", "day", "department", "2026-10-01", "2026-10-01T00:00:00+08:00", "110105", "02.05", "hour");

  it("answers 200 or a 4xx naming the problem, never 5xx, and sends no caller text as SQL", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...RESULT_ENDPOINTS),
        fc.array(fc.tuple(fc.constantFrom(...names), fc.oneof(hostile.map((v) => ({ v, hostile: true })), plausible.map((v) => ({ v, hostile: false })))), { maxLength: 4 }),
        fc.constantFrom(`Bearer ${TOKENS[1]!.token}`, `Bearer ${TOKENS[0]!.token}`, `Bearer ${TOKENS[2]!.token}`, undefined),
        async (endpoint, params, auth) => {
          const query = new URLSearchParams(params.map(([k, { v }]): [string, string] => [k, v])).toString();
          readSql.length = 0;
          const answer = await send(`${endpoint.url}?${query}`, { auth });
          const body = expectProper(answer, `${endpoint.url}?${query.slice(0, 200)}`);
          if (answer.status === 200) expect(Array.isArray(body.items)).toBe(true);
          if (answer.status === 400) expect(body.error).toBe("bad_request");
          for (const { sql } of readSql) {
            for (const [, { v, hostile: isHostile }] of params) if (isHostile && v.length >= 8) expect(sql, `${v} in SQL`).not.toContain(v);
          }
        },
      ),
      { numRuns: 500, seed: 4_242 },
    );
  });

  it("rejects a classic injection in each filter, and the tables stay as they were", async () => {
    const events = await count(store, "SELECT count() AS n FROM events");
    for (const endpoint of RESULT_ENDPOINTS) {
      for (const name of Object.keys(endpoint.query.shape).filter((n) => !["limit"].includes(n))) {
        const answer = await send(`${endpoint.url}?${name}=${encodeURIComponent("'; DROP TABLE events; --")}`, { auth: `Bearer ${TOKENS[1]!.token}` });
        const body = expectProper(answer, `${endpoint.url} ${name}`);
        expect(answer.status, `${endpoint.url} ${name}`).toBe(400);
        expect(body.issues.map((i: { path: string }) => i.path)).toEqual([name]);
      }
      // raw, not percent-encoded: quotes and spaces straight in the URL
      const raw = await send(`${endpoint.url}?district=1'%20OR%20'1'='1`, { auth: `Bearer ${TOKENS[1]!.token}` });
      expect(raw.status).toBe(400);
    }
    expect(await count(store, "SELECT count() AS n FROM events")).toBe(events);
    expect(await store.query("SELECT name, engine FROM system.tables WHERE database = 'hotline' ORDER BY name")).toEqual(tablesBefore);
  });

  it("takes caller values as literals: a valid-looking code with SQL in it finds nothing and changes nothing", async () => {
    // ticket_id is a code (letters, digits, _ . : -): SQL punctuation cannot pass, but a value that
    // spells SQL keywords can, and must be compared as text.
    readSql.length = 0;
    const answer = await send("/v1/flagged-tickets?ticket_id=1:OR:1.1--DROP_TABLE", { auth: `Bearer ${TOKENS[1]!.token}` });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text).items).toEqual([]);
    expect(readSql[0]!.sql).toContain("ticket_id = {ticket_id:String}");
    expect(readSql[0]!.params).toMatchObject({ ticket_id: "1:OR:1.1--DROP_TABLE" });
  });
});
