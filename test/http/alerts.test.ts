// The alert routes over real HTTP against chdb: silences created, listed and expired through the
// API are honoured by the real alerter (fake Slack robot, manual clock) on the same store; alerts
// are acknowledged and listed with their delivery and acknowledgement state; wrong roles get
// 401/403 and invalid input a zod 400 naming the problem.
import type { FastifyInstance } from "fastify";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/http/app.js";
import type { Store } from "../../src/store/port.js";
import { startAlerter } from "../alerts/support/alerter.js";
import { ManualClock, waitFor } from "../alerts/support/clock.js";
import { startReceiver, type FakeReceiver } from "../alerts/support/receivers.js";
import { T0, tables, ticketFlagRow } from "../alerts/support/rows.js";
import { openAlertStore } from "../alerts/support/store.js";
import { count } from "../support/store.js";
import { bearer, GRAFANA, TOKENS } from "./support.js";

const HOUR = 3_600_000;
let store: Store;
let clock: ManualClock;
let app: FastifyInstance;
let url: string;
let slack: FakeReceiver;

beforeAll(async () => {
  store = await openAlertStore();
  clock = new ManualClock(T0 + 60_000);
  slack = await startReceiver("slack", () => clock.now());
  app = buildApp({
    registry: new Registry(),
    readiness: [],
    api: { tokens: TOKENS, ratePerSecond: 1_000_000, rateBurst: 1_000_000, maxBodyBytes: 65_536, ingest: undefined, store, grafana: GRAFANA, nowMs: () => clock.now() },
  });
  url = await app.listen({ host: "127.0.0.1", port: 0 });
});

afterAll(async () => {
  await app?.close();
  await slack?.close();
  await store?.close();
});

async function call(method: string, path: string, who: string | null, body?: unknown): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = who === null ? {} : bearer(who);
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${url}${path}`, { method, headers, ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }) });
  return { status: response.status, body: await response.json() };
}

const future = (ms: number) => new Date(clock.now() + ms).toISOString();

describe("access", () => {
  it("401 without a token, 403 for a role that may not", async () => {
    const routes: [string, string][] = [["POST", "/v1/silences"], ["GET", "/v1/silences"], ["DELETE", "/v1/silences/abc"], ["POST", "/v1/alerts/x/ack"], ["GET", "/v1/alerts"]];
    for (const [method, path] of routes) {
      const r = await call(method, path, null);
      expect(r.status, `${method} ${path}`).toBe(401);
      expect(r.body.error).toBe("unauthorized");
      expect((await call(method, path, "gongdan")).status, `${method} ${path} with ingest`).toBe(403);
    }
    const asReader = await call("POST", "/v1/silences", "analyst", { kind: "spike", reason: "x", until: future(HOUR) });
    expect(asReader).toEqual({ status: 403, body: { error: "forbidden", message: expect.stringContaining("needs admin") } });
    expect((await call("DELETE", "/v1/silences/abc", "analyst")).status).toBe(403);
    expect(await count(store, "SELECT count() AS n FROM alert_silences")).toBe(0);
  });

  // Acknowledging quiets an alert's growth for hours: a change to alerting, like a silence.
  it("403 for a read-only token on acknowledge, before the body is read, and nothing stored", async () => {
    const asReader = await call("POST", `/v1/alerts/${encodeURIComponent("ticket_flags:TA2:supervised:0:medium")}/ack`, "analyst", { note: "x" });
    expect(asReader).toEqual({ status: 403, body: { error: "forbidden", message: expect.stringContaining("needs admin") } });
    expect(await count(store, "SELECT count() AS n FROM alert_acks")).toBe(0);
  });

  it("takes alert ids up to the documented 300 characters in the path, and refuses longer ones with 400", async () => {
    const id = (n: number) => encodeURIComponent(`ticket_flags:${"T".repeat(n - 30)}:supervised:0:medium`.slice(0, n));
    const unknown = await call("POST", `/v1/alerts/${id(300)}/ack`, "ops");
    expect(unknown).toEqual({ status: 404, body: { error: "not_found", message: expect.any(String) } });
    const tooLong = await call("POST", `/v1/alerts/${id(301)}/ack`, "ops");
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.issues.map((i: { path: string }) => i.path)).toEqual(["alert_id"]);
  });
});

describe("validation", () => {
  it("answers 400 with the problem named, and stores nothing", async () => {
    const bad: [string, string, unknown, string][] = [
      ["POST", "/v1/silences", { reason: "no matcher", until: future(HOUR) }, ""],
      ["POST", "/v1/silences", { kind: "spike", reason: "x", until: future(HOUR), extra: 1 }, ""],
      ["POST", "/v1/silences", { kind: "nonsense", reason: "x", until: future(HOUR) }, "kind"],
      ["POST", "/v1/silences", { kind: "spike", reason: "x", until: "2026-12-01T08:00:00" }, "until"],
      ["POST", "/v1/silences", { kind: "spike", reason: "x", until: new Date(clock.now() - 1000).toISOString() }, "until"],
      ["POST", "/v1/silences", { kind: "spike", reason: "x", until: future(91 * 24 * HOUR) }, "until"],
      ["POST", "/v1/silences", { kind: "spike", reason: "", until: future(HOUR) }, "reason"],
      ["POST", "/v1/silences", { kind: "spike", district: "'; DROP TABLE alerts --", reason: "x", until: future(HOUR) }, "district"],
      ["POST", "/v1/silences", "{not json", ""],
      ["GET", "/v1/silences?state=maybe", undefined, "state"],
      ["GET", "/v1/alerts?limit=0", undefined, "limit"],
      ["GET", "/v1/alerts?min_severity=urgent", undefined, "min_severity"],
      ["GET", "/v1/alerts?nope=1", undefined, ""],
      ["POST", "/v1/alerts/x/ack", { note: "n".repeat(1001) }, "note"],
    ];
    for (const [method, path, body, issue] of bad) {
      const r = await call(method, path, "ops", body);
      expect(r.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
      expect(r.body.error).toBe("bad_request");
      if (issue !== "") expect(r.body.issues.map((i: { path: string }) => i.path), `${path} ${JSON.stringify(body)}`).toContain(issue);
    }
    expect(await count(store, "SELECT count() AS n FROM alert_silences")).toBe(0);
    expect(await count(store, "SELECT count() AS n FROM system.tables WHERE name = 'alerts'")).toBeGreaterThan(0);
  });
});

describe("silences and acknowledgements with the real alerter", () => {
  it("a silence created through the API is honoured until DELETE expires it; an ack is recorded and listed", async () => {
    const h = startAlerter(store, clock, [slack], "routes:\n  - name: r\n    receivers: [slack]");
    const created = await call("POST", "/v1/silences", "ops", { kind: "ticket_flag", district: "3799.01", reason: "道路施工 roadworks, 联系 13812345678", until: future(2 * HOUR) });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: "ticket_flag", max_severity: "", district: "3799.01", created_by: "ops", active: true, until: future(2 * HOUR) });
    expect(created.body.reason).not.toContain("13812345678"); // scrubbed
    const listed = await call("GET", "/v1/silences", "analyst");
    expect(listed.body.items.map((s: { silence_id: string }) => s.silence_id)).toEqual([created.body.silence_id]);

    h.alerter.offer(tables({ ticket_flags: [ticketFlagRow({ ticket: "TA1", district: "3799.01" }), ticketFlagRow({ ticket: "TA2", district: "3799.05" })] }));
    await waitFor("one sent, one silenced", async () => (await count(store, "SELECT count() AS n FROM alert_deliveries WHERE outcome IN ('sent', 'silenced')")) === 2);
    expect(slack.received.map((r) => r.text.includes("TA2"))).toEqual([true]);

    clock.advance(60_000);
    const deleted = await call("DELETE", `/v1/silences/${created.body.silence_id}`, "ops");
    expect(deleted).toMatchObject({ status: 200, body: { active: false, until: new Date(clock.now()).toISOString() } });
    expect((await call("GET", "/v1/silences", "analyst")).body.items).toEqual([]);
    expect((await call("GET", "/v1/silences?state=all", "analyst")).body.items).toMatchObject([{ silence_id: created.body.silence_id, active: false }]);
    expect((await call("DELETE", "/v1/silences/00000000-0000-0000-0000-000000000000", "ops")).status).toBe(404);

    h.alerter.offer(tables({ ticket_flags: [ticketFlagRow({ ticket: "TA3", district: "3799.01" })] }));
    await waitFor("sent now that the silence expired", () => slack.received.length === 2);
    await h.alerter.close(1_000);

    expect((await call("POST", "/v1/alerts/no-such-alert/ack", "ops")).status).toBe(404);
    const id = "ticket_flags:TA2:supervised:0:medium";
    // The alert exists now: a read-only token still may not acknowledge it.
    expect((await call("POST", `/v1/alerts/${encodeURIComponent(id)}/ack`, "analyst", { note: "x" })).status).toBe(403);
    expect(await count(store, "SELECT count() AS n FROM alert_acks")).toBe(0);
    const ack = await call("POST", `/v1/alerts/${encodeURIComponent(id)}/ack`, "ops", { note: "已派人 on it, call 13812345678" });
    expect(ack.status).toBe(201);
    expect(ack.body).toEqual({ alert_id: id, acked_by: "ops", note: expect.not.stringContaining("13812345678"), acked_at: new Date(clock.now()).toISOString() });
    expect((await call("POST", `/v1/alerts/${encodeURIComponent("ticket_flags:TA3:supervised:0:medium")}/ack`, "ops")).status).toBe(201); // no body: no note
    const stored = await store.query("SELECT alert_id, result_table, result_id, acked_by FROM alert_acks ORDER BY alert_id");
    expect(stored).toEqual([
      { alert_id: id, result_table: "ticket_flags", result_id: "TA2:supervised", acked_by: "ops" },
      { alert_id: "ticket_flags:TA3:supervised:0:medium", result_table: "ticket_flags", result_id: "TA3:supervised", acked_by: "ops" },
    ]);
    for (const t of TOKENS) expect(JSON.stringify(stored)).not.toContain(t.token);

    const alerts = await call("GET", "/v1/alerts", "analyst");
    expect(alerts.status).toBe(200);
    const byId = new Map(alerts.body.items.map((a: { alert_id: string }) => [a.alert_id, a]));
    expect(byId.size).toBe(3);
    expect(byId.get("ticket_flags:TA1:supervised:0:medium")).toMatchObject({ deliveries: [{ receiver: "slack", outcome: "silenced" }], acknowledgement: null });
    expect(byId.get(id)).toMatchObject({ kind: "ticket_flag.supervised", severity: "medium", deliveries: [{ receiver: "slack", outcome: "sent" }], acknowledgement: { acked_by: "ops" } });
    const acked = await call("GET", "/v1/alerts?acked=true", "analyst");
    expect(acked.body.items.map((a: { alert_id: string }) => a.alert_id).sort()).toEqual([id, "ticket_flags:TA3:supervised:0:medium"]);
    expect((await call("GET", "/v1/alerts?acked=false&kind=ticket_flag", "analyst")).body.items.map((a: { alert_id: string }) => a.alert_id)).toEqual(["ticket_flags:TA1:supervised:0:medium"]);
    expect((await call("GET", "/v1/alerts?min_severity=high", "analyst")).body.items).toEqual([]);
  });
});

describe("GET /openapi.json", () => {
  it("documents the alert routes with their roles and path parameters", async () => {
    const { body: doc } = await call("GET", "/openapi.json", "analyst");
    expect(doc.paths["/v1/silences"].post["x-required-role"]).toBe("admin");
    expect(doc.paths["/v1/silences/{id}"].delete["x-required-role"]).toBe("admin");
    expect(doc.paths["/v1/silences/{id}"].delete.parameters).toEqual([expect.objectContaining({ name: "id", in: "path", required: true })]);
    expect(doc.paths["/v1/alerts/{alert_id}/ack"].post["x-required-role"]).toBe("admin");
    expect(doc.paths["/v1/alerts"].get.responses["200"].content["application/json"].schema.$ref).toBe("#/components/schemas/AlertList");
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(["Silence", "SilenceRequest", "Alert", "Acknowledgement"]));
  });
});
