// Alerts from the worker itself: `hotline-sensor replay` of a simulated city that ends now, with
// HOTLINE_ALERTS_FILE routing everything to a local DingTalk-like robot (which checks the signature
// as DingTalk does). The robot receives signed messages with Grafana links and no personal data,
// the alerts are recorded, and replaying the same file again sends nothing twice.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openChdbStore } from "../../src/store/chdb.js";
import { tempDir } from "../support/store.js";
import { runCli, workerEnv } from "../support/worker.js";
import { startReceiver, type FakeReceiver } from "./support/receivers.js";

/** Every phone and ID number the simulated events carry, in clear. */
function personalData(ndjson: string): Set<string> {
  return new Set([...ndjson.matchAll(/"(?:phone|id_number)":"([^"]+)"/g)].map((m) => m[1] ?? ""));
}

describe("chat alerts from the worker", () => {
  let robot: FakeReceiver | undefined;
  afterAll(async () => robot?.close());

  it("replay raises alerts into chat once, signed, linked to Grafana, without personal data", async () => {
    robot = await startReceiver("dingtalk", () => Date.now());
    const dir = tempDir("alerts-worker");
    const city = path.join(dir, "city.ndjson");
    const routing = path.join(dir, "alerts.yaml");
    writeFileSync(
      routing,
      ["grafana:", "  url: http://grafana.test:3000", "severity:", "  minimum: info", "delivery:", "  ticketIds: 3", "  maxAgeMs: 259200000",
        "receivers:", "  duty:", "    platform: dingtalk", "    url: { env: TEST_ROBOT_URL }", "    secret: { env: TEST_ROBOT_SECRET }",
                // fewer kinds than DingTalk's 20 messages a minute would allow, so nothing waits for a later start
        "routes:", "  - name: duty-desk", "    receivers: [duty]", "    kinds: [repeat.collective, repeat.after_closure, ticket_flag.supervised, ticket_flag.ping_pong]", ""].join("\n"),
    );
    const env = workerEnv({
      HOTLINE_CALLER_HASH_KEY: "alerts-worker-test-key-0123456789",
      HOTLINE_ALERTS_FILE: routing,
      HOTLINE_GRAFANA_URL: "http://grafana.test:3000",
      TEST_ROBOT_URL: robot.url,
      TEST_ROBOT_SECRET: robot.secret,
    });
    // Two days that end now (local midnight); alerts are raised for results up to 3 days old (event time).
    await runCli(["simulate", "--seed", "11", "--days", "2", "--out", city], env);
    const data = path.join(dir, "data");
    await runCli(["replay", city, "--data", data], env);

    const accepted = robot.received.filter((r) => r.accepted);
    expect(accepted.length).toBeGreaterThan(0);
    const secrets = personalData(readFileSync(city, "utf8"));
    expect(secrets.size).toBeGreaterThan(100);
    for (const message of robot.received) {
      expect(message.accepted).toBe(true);
      expect(message.text).toMatch(/http:\/\/grafana\.test:3000\/d\/hotline-[a-z-]+\//);
      const leaked = [...secrets].filter((value) => message.body.includes(value) || message.body.includes(value.slice(-8)));
      expect(leaked).toEqual([]);
    }

    const store = await openChdbStore({ dataDir: path.join(data, "chdb"), database: "hotline" });
    const [alerts] = await store.query<{ n: number }>("SELECT count() AS n FROM alerts FINAL");
    await store.close();
    expect(Number(alerts?.n)).toBeGreaterThanOrEqual(accepted.length > 0 ? 1 : 0);

    const before = robot.received.length;
    await runCli(["replay", city, "--data", data], env);
    expect(robot.received.length).toBe(before);
  });
});
