// The HTTP API over real HTTP against the real engine: a simulated city replayed through the real
// pipeline (every detector, then scoring) into chdb, read back through every endpoint with filters,
// paging and Grafana links; responses checked against the OpenAPI document the API serves; events
// pushed through POST /v1/events into the embedded pipeline and found in `events` when the answer
// comes. One chdb folder per process: everything here shares the replayed store.
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { simulate } from "../../src/sources/simulator/index.js";
import type { Store } from "../../src/store/port.js";
import { RESULT_ENDPOINTS } from "../../src/http/results.js";
import { replayEvents } from "../performance/city.js";
import { bearer, count, GRAFANA, startApi, TOKENS, type RunningApi } from "./support.js";

const CITY_START = Date.parse("2026-09-01T00:00:00+08:00");
const DAYS = 35;
const HASH_KEY = "performance-test-key-0123456789"; // the key replayEvents gives the CLI

let store: Store;
let api: RunningApi;

beforeAll(async () => {
  store = await replayEvents([...simulate({ seed: 5, startMs: CITY_START, days: DAYS, size: "small" })]);
  api = await startApi(store, { hashKey: HASH_KEY });
}, 600_000);

afterAll(async () => {
  await api?.close();
  await store?.close();
});

async function get(path: string, who: string | null = "analyst"): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(`${api.url}${path}`, { headers: who === null ? {} : bearer(who) });
  return { status: response.status, body: await response.json(), headers: response.headers };
}

async function post(body: string, contentType: string, who = "gongdan"): Promise<{ status: number; body: any }> {
  const response = await fetch(`${api.url}/v1/events`, { method: "POST", headers: { ...bearer(who), "content-type": contentType }, body });
  return { status: response.status, body: await response.json() };
}

/** Every item of a filtered listing, following next_cursor. */
async function all(path: string): Promise<unknown[]> {
  const items: unknown[] = [];
  let cursor: string | null = null;
  do {
    const page: { status: number; body: any } = await get(`${path}&limit=1000${cursor === null ? "" : `&cursor=${cursor}`}`);
    expect(page.status, path).toBe(200);
    items.push(...page.body.items);
    cursor = page.body.next_cursor;
  } while (cursor !== null);
  return items;
}

describe("read endpoints on a replayed city", () => {
  it("every endpoint pages through exactly the rows of its table, newest first, each item valid", async () => {
    for (const endpoint of RESULT_ENDPOINTS) {
      const total = await count(store, `SELECT count() AS n FROM ${endpoint.table} FINAL`);
      // a five-week small city has every kind of result; scores come from the replay's scoring round
      expect(total, endpoint.table).toBeGreaterThan(0);
      const ids: string[] = [];
      let cursor: string | null = null;
      let previous: string | undefined;
      do {
        const page: { status: number; body: any } = await get(`${endpoint.url}?limit=397${cursor === null ? "" : `&cursor=${cursor}`}`);
        expect(page.status, endpoint.url).toBe(200);
        for (const item of page.body.items) {
          expect(endpoint.item.safeParse(item).success, `${endpoint.url} ${JSON.stringify(item)}`).toBe(true);
          const order = String(item[endpoint.orderColumn]);
          if (previous !== undefined) expect(order <= previous, `${endpoint.url} newest first`).toBe(true);
          previous = order;
          ids.push(item[endpoint.idColumn]);
        }
        cursor = page.body.next_cursor;
      } while (cursor !== null);
      expect(ids.length, endpoint.url).toBe(total);
      expect(new Set(ids).size, endpoint.url).toBe(total);
    }
  });

  it("filters agree with the same question asked in SQL", async () => {
    const [spike] = await store.query<{ district_code: string }>("SELECT district_code FROM spikes FINAL WHERE district_code != '' LIMIT 1");
    const cases: [string, string, Record<string, string>][] = [
      [`/v1/spikes?district=${spike!.district_code}`, "SELECT count() AS n FROM spikes FINAL WHERE district_code = {d:String}", { d: spike!.district_code }],
      ["/v1/repeats?kind=after_closure", "SELECT count() AS n FROM repeats FINAL WHERE kind = 'after_closure'", {}],
      ["/v1/flagged-tickets?status=active", "SELECT count() AS n FROM ticket_flags FINAL WHERE status != 'closed'", {}],
      ["/v1/flagged-tickets?category=01", "SELECT count() AS n FROM ticket_flags FINAL WHERE startsWith(category_code, '01.') OR category_code = '01'", {}],
      ["/v1/scores?unit_kind=department&period=month&metric=real_resolution", "SELECT count() AS n FROM performance_scores FINAL WHERE unit_kind = 'department' AND period_kind = 'month' AND metric = 'real_resolution'", {}],
      [
        "/v1/repeats?from=2026-09-20T00:00:00%2B08:00&to=2026-09-27T00:00:00%2B08:00",
        "SELECT count() AS n FROM repeats FINAL WHERE last_updated >= toDateTime64('2026-09-19 16:00:00', 3, 'UTC') AND first_seen < toDateTime64('2026-09-26 16:00:00', 3, 'UTC')",
        {},
      ],
    ];
    for (const [path, sql, params] of cases) {
      const expected = await count(store, sql, params);
      expect((await all(path)).length, path).toBe(expected);
      expect(expected, `${path} should select something to be a test`).toBeGreaterThan(0);
    }
  });

  it("links every result to its Grafana panel with the configured base URL and the result's variables", async () => {
    const spikes = (await get("/v1/spikes?limit=5")).body.items;
    for (const s of spikes) {
      expect(s.grafana_url).toMatch(new RegExp(`^${GRAFANA.url}/d/hotline-spikes/\\?orgId=3&from=\\d+&to=\\d+`));
      expect(s.grafana_url).toContain(`&var-spike_id=${encodeURIComponent(s.spike_id)}`);
      expect(s.grafana_url).toContain(`&var-category=${encodeURIComponent(s.category_code)}`);
    }
    const repeat = (await get("/v1/repeats?kind=after_closure&limit=1")).body.items[0];
    expect(repeat.grafana_url).toContain(`/d/hotline-repeats/`);
    expect(repeat.grafana_url).toContain(`&var-department=${encodeURIComponent(repeat.charged_department)}`);
    const score = (await get("/v1/scores?unit_kind=district&limit=1")).body.items[0];
    expect(score.grafana_url).toContain(`/d/hotline-performance/`);
    expect(score.grafana_url).toContain(`&var-district=${encodeURIComponent(score.unit_code)}`);
    expect((await get("/v1/hotspots?limit=1")).body.items[0].grafana_url).toContain("/d/hotline-hotspots/");
  });

  it("answers 400 naming the parameter for invalid values, unknown parameters and forged cursors", async () => {
    for (const path of [
      "/v1/spikes?limit=0",
      "/v1/spikes?limit=5000",
      "/v1/spikes?district=%27%3B%20DROP%20TABLE%20events%3B%20--",
      "/v1/repeats?kind=everything",
      "/v1/scores?from=2026-02-31",
      "/v1/hotspots?from=yesterday",
      "/v1/flagged-tickets?order_by=ticket_id",
      `/v1/spikes?cursor=${Buffer.from(JSON.stringify(["2026-13-40 00:00:00.000", "x"])).toString("base64url")}`,
      "/v1/spikes?cursor=not*base64",
    ]) {
      const { status, body } = await get(path);
      expect(status, path).toBe(400);
      expect(body.error, path).toBe("bad_request");
      expect(body.message, path).toEqual(expect.any(String));
    }
    const { body } = await get("/v1/spikes?limit=0&district=%27");
    expect(body.issues.map((i: { path: string }) => i.path).sort()).toEqual(["district", "limit"]);
    expect(await count(store, "SELECT count() AS n FROM system.tables WHERE database = 'hotline' AND name = 'events'")).toBe(1);
  });
});

describe("access control", () => {
  it("requires a token on every route but health, readiness and metrics", async () => {
    for (const route of ["/healthz", "/readyz", "/metrics"]) expect((await fetch(`${api.url}${route}`)).status, route).toBe(200);
    for (const url of [...RESULT_ENDPOINTS.map((e) => e.url), "/openapi.json"]) {
      const missing = await get(url, null);
      expect(missing.status, url).toBe(401);
      expect(missing.headers.get("www-authenticate"), url).toMatch(/^Bearer /);
      expect(missing.body.error).toBe("unauthorized");
      const wrong = await fetch(`${api.url}${url}`, { headers: { authorization: `Bearer ${TOKENS[1]!.token}x` } });
      expect(wrong.status, url).toBe(401);
      expect(wrong.headers.get("www-authenticate")).toContain('error="invalid_token"');
    }
    const unauthenticatedPost = await fetch(`${api.url}/v1/events`, { method: "POST", headers: { "content-type": "application/json" }, body: "[]" });
    expect(unauthenticatedPost.status).toBe(401);
  });

  it("answers 403 when the role is not enough, and admin may do both", async () => {
    expect((await get("/v1/spikes", "gongdan")).status).toBe(403);
    expect((await post("[]", "application/json", "analyst")).status).toBe(403);
    expect((await get("/v1/spikes?limit=1", "ops")).status).toBe(200);
    const forbidden = await get("/v1/scores", "gongdan");
    expect(forbidden.body).toEqual({ error: "forbidden", message: expect.stringContaining("needs read") });
    for (const token of TOKENS) expect(JSON.stringify(forbidden.body)).not.toContain(token.token);
  });
});

describe("GET /openapi.json", () => {
  it("documents every route, and the answers given match the schemas it publishes", async () => {
    const { status, body: doc } = await get("/openapi.json");
    expect(status).toBe(200);
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        "/healthz",
        "/readyz",
        "/metrics",
        "/openapi.json",
        "/v1/events",
        ...RESULT_ENDPOINTS.map((e) => e.url),
        "/v1/silences",
        "/v1/silences/{id}",
        "/v1/alerts",
        "/v1/alerts/{alert_id}/ack",
      ].sort(),
    );
    expect(doc.paths["/v1/events"].post.requestBody.content["application/json"].schema.$ref).toBe("#/components/schemas/IngestBody");
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(["HotlineEvent", "IngestResponse", "Error", "Spike", "SpikePage", "Score"]));
    const spikeParams = doc.paths["/v1/spikes"].get.parameters.map((p: { name: string }) => p.name);
    expect(spikeParams).toEqual(expect.arrayContaining(["limit", "cursor", "from", "to", "status", "district", "category"]));
    expect(doc.paths["/v1/spikes"].get.responses["401"]).toBeDefined();

    // The published schemas validate real answers (Ajv over the document's own components).
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv.addSchema({ $id: "doc", components: doc.components });
    for (const endpoint of RESULT_ENDPOINTS) {
      const ref = doc.paths[endpoint.url].get.responses["200"].content["application/json"].schema.$ref as string;
      const validate = ajv.getSchema(`doc${ref}`)!;
      const page = (await get(`${endpoint.url}?limit=20`)).body;
      expect(validate(page), `${endpoint.url}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    const event = ajv.getSchema("doc#/components/schemas/HotlineEvent")!;
    expect(event({ schema_version: 1, type: "nope" })).toBe(false);
  });
});

describe("POST /v1/events into the embedded pipeline", () => {
  const fresh = [...simulate({ seed: 77, startMs: CITY_START + DAYS * 86_400_000, days: 1, size: "small" })].slice(0, 300);

  it("stores the accepted events before it answers, and answers per item", async () => {
    const batch = fresh.slice(0, 200);
    const invalid = { ...batch[0]!, event_id: "bad-event-0001", data: { channel: "carrier-pigeon" } };
    const { status, body } = await post(JSON.stringify([...batch, invalid, 42]), "application/json");
    expect(status).toBe(422);
    expect(body.accepted).toBe(200);
    expect(body.rejected).toBe(2);
    expect(body.results[200]).toMatchObject({ index: 200, event_id: "bad-event-0001", status: "rejected", reason_code: "schema_violation" });
    expect(body.results[200].message).toContain("data.");
    expect(body.results[201]).toMatchObject({ status: "rejected", reason_code: "not_an_object" });
    // No waiting: the answer came after the write.
    const ids = batch.map((e) => e.event_id);
    expect(await count(store, "SELECT count() AS n FROM events WHERE event_id IN {ids:Array(String)} AND startsWith(source, 'http:gongdan#')", { ids } as never)).toBe(200);
  });

  it("answers duplicate for event_ids stored before, in the same body or sent at once, and stores nothing new", async () => {
    const before = await count(store, "SELECT count() AS n FROM events");
    const again = await post(JSON.stringify(fresh.slice(0, 10)), "application/json");
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 10, rejected: 0 });

    const twice = [fresh[200]!, fresh[200]!];
    const same = await post(JSON.stringify(twice), "application/json");
    expect(same.body.results.map((r: { status: string }) => r.status)).toEqual(["accepted", "duplicate"]);

    const racing = await Promise.all([post(JSON.stringify([fresh[201]]), "application/json"), post(JSON.stringify([fresh[201]]), "application/json")]);
    expect(racing.map((r) => r.body.results[0].status).sort()).toEqual(["accepted", "duplicate"]);
    expect(await count(store, "SELECT count() AS n FROM events")).toBe(before + 2);
  });

  it("takes NDJSON, reporting lines, and reports events the pipeline dead-letters (too_late) with their reason", async () => {
    const lines = [JSON.stringify(fresh[210]), "", "{not json", JSON.stringify(fresh[211])].join("\r\n");
    const { status, body } = await post(lines, "application/x-ndjson");
    expect(status).toBe(422);
    expect(body.results.map((r: { line: number; status: string }) => [r.line, r.status])).toEqual([
      [1, "accepted"],
      [3, "rejected"],
      [4, "accepted"],
    ]);
    expect(body.results[1].reason_code).toBe("malformed_json");

    // A day behind the newest event of this client's stream: past the allowed lateness (10 min).
    const late = { ...fresh[212]!, event_id: "late-event-000001", occurred_at: new Date(Date.parse(fresh[211]!.occurred_at) - 86_400_000).toISOString() };
    const lateAnswer = await post(JSON.stringify([late]), "application/json");
    expect(lateAnswer.status).toBe(422);
    expect(lateAnswer.body.results[0]).toMatchObject({ status: "rejected", reason_code: "too_late" });
    expect(await count(store, "SELECT count() AS n FROM dead_letters WHERE event_id = 'late-event-000001' AND reason_code = 'too_late' AND source_kind = 'http'")).toBe(1);
  });

  it("refuses bodies that are not events as a whole with 400, 413 or 415 and a message", async () => {
    expect((await post("", "application/json")).status).toBe(400);
    expect((await post("{", "application/json")).body.error).toBe("bad_request");
    expect((await post('"a string"', "application/json")).status).toBe(400);
    const wrongType = await post("[]", "text/plain");
    expect(wrongType.status).toBe(415);
    expect(wrongType.body.error).toBe("unsupported_media_type");
  });
});
