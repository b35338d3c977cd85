// Personal data never leaks (issue 7; issue 12 for the forms): a simulated city whose events carry phone and ID-card
// numbers in every field that can hold them (callers, free text, addresses, reasons, replies,
// comments, dead-letter-bound garbage, events POSTed to the HTTP API) runs through the real CLI —
// `replay` with chat alerts to a local robot, then `run` with the API — and then every table of
// the database, every log line, every dead letter, every API response and every chat message is
// scanned: none holds one of those numbers in clear, in any spacing or in full-width digits.
// The second test does the same with generated numbers in every form (test/privacy/forms.ts) planted
// in every string a caller controls, identifiers and names included.
// (Kafka is not used here, so the dead-letter topic is not scanned; its payloads are the same
// scrubbed text as the dead_letters rows.)
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { openChdbStore } from "../../src/store/chdb.js";
import type { Store } from "../../src/store/port.js";
import { startReceiver, type FakeReceiver } from "../alerts/support/receivers.js";
import { tempDir } from "../support/store.js";
import { runCli, startCli, workerEnv } from "../support/worker.js";
import { plantedCase, plantedEvents, plantedGarbage, secretsOf } from "./planted-events.js";
import { LeakScanner } from "./scanner.js";

/** Numbers planted per field, each written differently, so a leak names the field it came from. */
const PLANTED = {
  callerPhone: "+86 138 1111 2222",
  callerId: "11010519900307123X",
  title: "139-2222-3333",
  text: "１３７３３３３４４４４",
  address: "010-65123456",
  reason: "440106 1985 0723 4567",
  supervisedBy: "13566667777",
  summary: "+86 186 5555 6666",
  comment: "0086-15877778888",
  offeredPhone: "15900001111",
  oldId: "110105491231002",
  deadLetter: "13912345678",
  deadLetterId: "32010219800101001X",
  httpPhone: "17788889999",
  httpId: "510104199912310011",
  localNumber: "6512 3456",
} as const;

const API_TOKEN = "leak-scan-admin-token-0123456789";
const HASH_KEY = "leak-scan-hash-key-0123456789abcdef";

const say = (n: string) => `请回电${n}，或找身份证${PLANTED.oldId}的家属，座机${PLANTED.localNumber}`;

/** Puts the planted numbers into every field of an event that can hold one. */
function plant(event: Record<string, unknown>, i: number): Record<string, unknown> {
  const data = { ...(event["data"] as Record<string, unknown>) };
  switch (event["type"]) {
    case "ticket.created": {
      if (i % 3 === 0) data["caller"] = { phone: PLANTED.callerPhone, id_number: PLANTED.callerId };
      data["title"] = `${String(data["title"] ?? "诉求")}${PLANTED.title}`.slice(0, 200);
      data["text"] = `${String(data["text"] ?? "")}${say(PLANTED.text)}`;
      const location = data["location"] as Record<string, unknown>;
      data["location"] = { ...location, address: `${String(location["address"] ?? "")}，电话${PLANTED.address}` };
      break;
    }
    case "ticket.returned":
    case "ticket.extended":
    case "ticket.reopened":
      data["reason"] = `${String(data["reason"])}${say(PLANTED.reason)}`;
      break;
    case "ticket.supervised":
      data["by"] = `督查室${PLANTED.supervisedBy}`;
      data["reason"] = `${String(data["reason"])}${say(PLANTED.reason)}`;
      break;
    case "ticket.closed":
      data["summary"] = `${String(data["summary"] ?? "")}${say(PLANTED.summary)}`;
      break;
    case "ticket.callback":
      data["comment"] = `${String(data["comment"] ?? "")}${say(PLANTED.comment)}`;
      break;
    case "call.offered":
      if (i % 2 === 0) data["caller"] = { phone: PLANTED.offeredPhone };
      break;
    default:
      break;
  }
  return { ...event, data };
}

/** Inputs that become dead letters, each carrying numbers. */
function garbage(template: Record<string, unknown>): string[] {
  const { data, ...envelope } = template;
  return [
    `{"event_id":"broken-1","type":"ticket.created","data":{"caller":{"phone":"${PLANTED.deadLetter}"`, // malformed JSON
    JSON.stringify(`市民${PLANTED.deadLetter}身份证${PLANTED.deadLetterId}`), // not an object
    JSON.stringify({ ...envelope, event_id: "dl-schema", data: { ...(data as object), channel: PLANTED.deadLetter, caller: { phone: PLANTED.deadLetter, id_number: PLANTED.deadLetterId } } }),
    JSON.stringify({ ...envelope, event_id: "dl-type", type: "ticket.teleported", data: { phone: PLANTED.deadLetter, id_number: PLANTED.deadLetterId } }),
    JSON.stringify({ ...envelope, event_id: "dl-time", occurred_at: "1999-01-01T00:00:00+08:00", data: { ...(data as object), text: say(PLANTED.deadLetter) } }),
    JSON.stringify({ ...envelope, event_id: "dl-big", data: { ...(data as object), text: say(PLANTED.deadLetter).repeat(1_500) } }), // oversized
  ];
}

/** Every phone and ID number the simulator itself put into the events, in clear. */
function simulatedNumbers(ndjson: string): string[] {
  return [...ndjson.matchAll(/"(?:phone|id_number)":"([^"]+)"/g)].map((m) => m[1] ?? "").filter((v) => !v.includes("*"));
}

/** Every table of the database, each row with every column cast to String. */
async function scanTables(store: Store, scanner: LeakScanner): Promise<string[]> {
  const tables = await store.query<{ name: string }>("SELECT name FROM system.tables WHERE database = 'hotline' ORDER BY name");
  for (const { name } of tables) {
    const columns = await store.query<{ name: string }>("SELECT name FROM system.columns WHERE database = 'hotline' AND table = {t:String} ORDER BY position", { t: name });
    const cast = columns.map((c) => `toString(\`${c.name}\`)`).join(", ");
    const rows = await store.query<{ row: string[] }>(`SELECT [${cast}] AS row FROM hotline.\`${name}\``);
    for (const [i, { row }] of rows.entries()) scanner.scan(`table ${name} row ${i}`, row.join("\t"));
  }
  return tables.map((t) => t.name);
}

/** The routing file of a test: every alert kind that can carry the planted fields, to one receiver. */
function routingFile(dir: string, platform: "dingtalk" | "webhook"): string {
  const file = path.join(dir, "alerts.yaml");
  writeFileSync(file, ["severity:", "  minimum: info", "delivery:", "  ticketIds: 5", "  maxAgeMs: 259200000",
    "receivers:", "  duty:", `    platform: ${platform}`, "    url: { env: TEST_ROBOT_URL }", "    secret: { env: TEST_ROBOT_SECRET }",
    "routes:", "  - name: duty-desk", "    receivers: [duty]", "    kinds: [repeat.collective, repeat.after_closure, repeat.same_caller, ticket_flag.supervised, ticket_flag.ping_pong, caller_flag.frequent_caller]", ""].join("\n"));
  return file;
}

describe("personal data never leaks", () => {
  let robot: FakeReceiver | undefined;
  let webhook: FakeReceiver | undefined;
  afterAll(async () => {
    await robot?.close();
    await webhook?.close();
  });

  it("is found nowhere in clear: tables, logs, dead letters, API responses, chat messages", async () => {
    robot = await startReceiver("dingtalk", () => Date.now());
    const dir = tempDir("leak-scan");
    const data = path.join(dir, "data");
    const routing = routingFile(dir, "dingtalk");
    const env = workerEnv({
      HOTLINE_CALLER_HASH_KEY: HASH_KEY,
      HOTLINE_ALERTS_FILE: routing,
      HOTLINE_GRAFANA_URL: "http://grafana.test:3000",
      HOTLINE_API_TOKENS: `ops:admin:${API_TOKEN}`,
      HOTLINE_LOG_LEVEL: "debug",
      TEST_ROBOT_URL: robot.url,
      TEST_ROBOT_SECRET: robot.secret,
    });

    // 1. a city of two days that end now, numbers planted everywhere, garbage mixed in; replayed with alerts
    const simulated = path.join(dir, "simulated.ndjson");
    await runCli(["simulate", "--seed", "5", "--days", "2", "--out", simulated], env);
    const text = readFileSync(simulated, "utf8");
    const events = text.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    const template = events.find((e) => e["type"] === "ticket.created")!;
    const city = path.join(dir, "city.ndjson");
    writeFileSync(city, [...events.map((e, i) => JSON.stringify(plant(e, i))), ...garbage(template)].join("\n") + "\n");
    const scanner = new LeakScanner([...Object.values(PLANTED), ...simulatedNumbers(text)]);
    expect(scanner.secrets).toBeGreaterThan(50);
    const replay = await runCli(["replay", city, "--data", data], env);
    for (const [i, line] of `${replay.stdout}\n${replay.stderr}`.split("\n").entries()) scanner.scan(`replay log line ${i + 1}`, line);

    // 2. the worker with the HTTP API: events POSTed with numbers (one rejected), then every read endpoint
    const worker = startCli(["run", "--data", data, "--speedup", "1"], env);
    const base = await worker.ready;
    const auth = { authorization: `Bearer ${API_TOKEN}` };
    const now = new Date().toISOString();
    const posted = [
      plant({ ...template, event_id: "http-event-1", ticket_id: "HTTP-1", occurred_at: now }, 0),
      { ...template, event_id: "http-event-2", ticket_id: "HTTP-2", occurred_at: now, data: { ...(template["data"] as object), caller: { phone: PLANTED.httpPhone, id_number: PLANTED.httpId }, text: say(PLANTED.httpPhone) } },
      { ...template, event_id: "http-event-3", ticket_id: "HTTP-3", occurred_at: now, data: { ...(template["data"] as object), urgency: PLANTED.httpPhone, caller: { phone: PLANTED.httpPhone } } },
    ];
    const bodies: [string, number, string][] = [];
    const post = await fetch(`${base}/v1/events`, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify(posted) });
    bodies.push(["POST /v1/events", post.status, await post.text()]);
    const ndjson = await fetch(`${base}/v1/events`, { method: "POST", headers: { ...auth, "content-type": "application/x-ndjson" }, body: `{"phone":"${PLANTED.httpPhone}"\n` });
    bodies.push(["POST /v1/events (NDJSON)", ndjson.status, await ndjson.text()]);
    for (const route of ["spikes", "hotspots", "repeats", "flagged-tickets", "caller-flags", "scores"]) {
      const response = await fetch(`${base}/v1/${route}?limit=500`, { headers: auth });
      bodies.push([`GET /v1/${route}`, response.status, await response.text()]);
    }
    const badQuery = await fetch(`${base}/v1/repeats?caller_key=${PLANTED.httpPhone}`, { headers: auth });
    bodies.push(["GET /v1/repeats?caller_key=<phone>", badQuery.status, await badQuery.text()]);
    for (const [what, , body] of bodies) scanner.scan(`response of ${what}`, body);
    expect(bodies[0]![1]).toBe(422); // http-3 was rejected, the others stored
    expect(bodies.filter(([what, status]) => what.startsWith("GET /v1/") && !what.includes("?") && status !== 200)).toEqual([]);
    const metrics = await fetch(`${base}/metrics`);
    scanner.scan("GET /metrics", await metrics.text());
    expect((await worker.stop()).code).toBe(0);
    for (const [i, line] of worker.logs().split("\n").entries()) scanner.scan(`worker log line ${i + 1}`, line);

    // 3. chat messages
    expect(robot.received.length).toBeGreaterThan(0);
    for (const [i, message] of robot.received.entries()) scanner.scan(`chat message ${i + 1}`, `${message.path}?${message.query.toString()}\n${message.body}`);

    // 4. every table (dead letters included)
    const store = await openChdbStore({ dataDir: path.join(data, "chdb"), database: "hotline" });
    try {
      const [stored] = await store.query<{ events: number; letters: number; http: number }>(
        "SELECT (SELECT count() FROM events) AS events, (SELECT count() FROM dead_letters) AS letters, (SELECT count() FROM events WHERE event_id LIKE 'http-event-%') AS http",
      );
      expect(Number(stored?.letters)).toBeGreaterThanOrEqual(6);
      expect(Number(stored?.http)).toBe(2);
      const tables = await scanTables(store, scanner);
      expect(tables).toEqual(expect.arrayContaining(["events", "dead_letters", "repeats", "caller_flags", "alerts", "alert_deliveries"]));

      // the scan itself can fail: a raw number planted in a scratch table is found, then dropped
      const probe = new LeakScanner(Object.values(PLANTED));
      await store.command("CREATE TABLE hotline.leak_probe (note String, n Array(String)) ENGINE = Memory");
      await store.insert("hotline.leak_probe", [{ note: "备用电话 ８６５５５６６６", n: ["x", `+86 186-5555-6666`] }]);
      try {
        await scanTables(store, probe);
        expect(probe.leaks.map((l) => l.where)).toContain("table leak_probe row 0");
      } finally {
        await store.command("DROP TABLE hotline.leak_probe");
      }
    } finally {
      await store.close();
    }

    expect(scanner.scanned).toBeGreaterThan(1_000);
    expect(scanner.leaks.slice(0, 20)).toEqual([]);
  });

  it("finds no generated number in any form, planted in text, names and identifiers, through replay and HTTP", async () => {
    webhook = await startReceiver("webhook", () => Date.now());
    const dir = tempDir("leak-forms");
    const data = path.join(dir, "data");
    const env = workerEnv({
      HOTLINE_CALLER_HASH_KEY: HASH_KEY,
      HOTLINE_ALERTS_FILE: routingFile(dir, "webhook"),
      HOTLINE_API_TOKENS: `ops:admin:${API_TOKEN}`,
      HOTLINE_LOG_LEVEL: "debug",
      TEST_ROBOT_URL: webhook.url,
      TEST_ROBOT_SECRET: webhook.secret,
    });
    const cases = fc.sample(plantedCase, { numRuns: 24, seed: 1212 });
    const scanner = new LeakScanner(cases.flatMap(secretsOf));
    const kinds = new Set(cases.map((c) => c.free.kind));
    expect([...kinds].sort()).toEqual(["email", "id", "landline", "mobile"]);
    const startMs = Date.now() - 60 * 60_000;

    // 1. the NDJSON replay path
    const file = path.join(dir, "planted.ndjson");
    const lines = cases.flatMap((c, i) => [...plantedEvents(c, i, "r", startMs).map((e) => JSON.stringify(e)), ...plantedGarbage(c, i, "r", startMs)]);
    writeFileSync(file, `${lines.join("\n")}\n`);
    const replay = await runCli(["replay", file, "--data", data], env);
    for (const [i, line] of `${replay.stdout}\n${replay.stderr}`.split("\n").entries()) scanner.scan(`replay log line ${i + 1}`, line);

    // 2. the worker over HTTP: the same cases as a JSON array and as NDJSON, then every read endpoint and some bad requests
    const worker = startCli(["run", "--data", data, "--speedup", "1"], env);
    const base = await worker.ready;
    const auth = { authorization: `Bearer ${API_TOKEN}` };
    const bodies: [string, number, string][] = [];
    const request = async (what: string, url: string, init: RequestInit = {}) => {
      const response = await fetch(`${base}${url}`, { ...init, headers: { ...auth, ...(init.headers as Record<string, string> | undefined) } });
      bodies.push([what, response.status, await response.text()]);
    };
    const json = cases.flatMap((c, i) => plantedEvents(c, i, "h", startMs + 30 * 60_000));
    await request("POST /v1/events", "/v1/events", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(json) });
    const ndjson = cases.flatMap((c, i) => [...plantedEvents(c, i, "n", startMs + 40 * 60_000).map((e) => JSON.stringify(e)), ...plantedGarbage(c, i, "n", startMs)]);
    await request("POST /v1/events (NDJSON)", "/v1/events", { method: "POST", headers: { "content-type": "application/x-ndjson" }, body: ndjson.join("\n") });
    for (const [i, c] of cases.slice(0, 4).entries()) {
      await request(`POST /v1/events (malformed ${i})`, "/v1/events", { method: "POST", headers: { "content-type": "application/json" }, body: `[{"pad":"${"p".repeat(80 + i)}","t": x${c.free.value}}]` });
      await request(`GET /v1/tickets/<number> ${i}`, `/v1/tickets/${encodeURIComponent(c.free.written)}`);
      await request(`GET /v1/repeats?caller_key=<number> ${i}`, `/v1/repeats?caller_key=${encodeURIComponent(c.free.written)}`);
    }
    for (const route of ["spikes", "hotspots", "repeats", "flagged-tickets", "caller-flags", "scores"]) await request(`GET /v1/${route}`, `/v1/${route}?limit=500`);
    for (const [what, , body] of bodies) scanner.scan(`response of ${what}`, body);
    const [posted, postedNdjson] = bodies;
    expect(posted?.[1]).toBe(200);
    expect(JSON.parse(posted![2]) as { accepted: number }).toMatchObject({ accepted: json.length });
    expect(postedNdjson?.[1]).toBe(422); // the garbage lines are rejected, the events accepted
    scanner.scan("GET /metrics", await (await fetch(`${base}/metrics`)).text());
    expect((await worker.stop()).code).toBe(0);
    for (const [i, line] of worker.logs().split("\n").entries()) scanner.scan(`worker log line ${i + 1}`, line);

    // 3. chat messages, at a real webhook receiver
    expect(webhook.received.length).toBeGreaterThan(0);
    for (const [i, message] of webhook.received.entries()) scanner.scan(`webhook message ${i + 1}`, `${message.path}?${message.query.toString()}\n${JSON.stringify(message.headers)}\n${message.body}`);

    // 4. every table, dead letters included
    const store = await openChdbStore({ dataDir: path.join(data, "chdb"), database: "hotline" });
    let stored: { planted: number; hashed: number; letters: number } | undefined;
    try {
      [stored] = await store.query<{ planted: number; hashed: number; letters: number }>(
        "SELECT (SELECT count() FROM events WHERE event_id LIKE 'planted-%') AS planted, (SELECT count() FROM events WHERE ticket_id LIKE 'pii:%') AS hashed, (SELECT count() FROM dead_letters) AS letters",
      );
      expect(Number(stored?.planted)).toBe(json.length * 3);
      expect(Number(stored?.letters)).toBeGreaterThanOrEqual(cases.length * 7);
      await scanTables(store, scanner);
    } finally {
      await store.close();
    }

    expect(scanner.scanned).toBeGreaterThan(1_000);
    expect(scanner.leaks.slice(0, 20)).toEqual([]);
    // the planted tickets are stored and flagged under their hashed ids, joinable as before
    expect(Number(stored?.hashed)).toBeGreaterThan(0);
    expect(bodies.find(([what]) => what === "GET /v1/flagged-tickets")![2]).toMatch(/"ticket_id":"pii:[a-p]{20}"/);
  }, 300_000);
});
