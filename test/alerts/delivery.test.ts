// Alerts delivered to every platform over real HTTP, into local servers that verify signatures and
// limits as the platforms do; recorded in the outbox; routed by severity, district, category and
// department; never sent twice, also across a restart over the same store.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../../src/store/port.js";
import { count } from "../support/store.js";
import { startAlerter, counter } from "./support/alerter.js";
import { ManualClock, waitFor } from "./support/clock.js";
import { startReceiver, type FakeReceiver, type PlatformKind } from "./support/receivers.js";
import { T0, collectiveRow, hotspotRow, spikeRow, tables, ticketFlagRow } from "./support/rows.js";
import { openAlertStore } from "./support/store.js";

const ALL: PlatformKind[] = ["wecom", "dingtalk", "feishu", "slack", "webhook"];

let store: Store;
let clock: ManualClock;
let robots: FakeReceiver[];

beforeEach(async () => {
  store = await openAlertStore();
  clock = new ManualClock(T0 + 60_000);
  robots = await Promise.all(ALL.map((k) => startReceiver(k, () => clock.now())));
});

afterEach(async () => {
  await Promise.all(robots.map((r) => r.close()));
  await store.close();
});

const robot = (kind: PlatformKind) => robots.find((r) => r.kind === kind) as FakeReceiver;
const everyone = `routes:\n  - name: everyone\n    receivers: [${ALL.join(", ")}]`;

describe("delivery to every platform", () => {
  it("sends one signed, accepted message per platform with the facts, ticket ids and the Grafana link", async () => {
    const h = startAlerter(store, clock, robots, everyone);
    h.alerter.offer(tables({ spikes: [spikeRow({ observed: 12, expected: 2 })] }));
    await waitFor("every robot received the spike", () => robots.every((r) => r.received.length === 1));
    await h.alerter.close(5_000); // everything answers: this drains, the deadline is never reached

    for (const r of robots) {
      expect(r.received.map((x) => x.answer), r.kind).toHaveLength(1);
      expect(r.received[0]?.accepted, `${r.kind} answered ${r.received[0]?.answer}`).toBe(true);
      const text = r.received[0]?.text ?? "";
      expect(text, r.kind).toContain("突增 Spike");
      expect(text, r.kind).toContain("3799.02");
      expect(text, r.kind).toContain("6.0 倍"); // 12 against 2 expected
      expect(text, r.kind).toContain("T202611200000");
      expect(text, r.kind).toContain("2026-11-20 07:00"); // since: started_at (T0 - 3 h) in Asia/Shanghai
      expect(text, r.kind).toContain(
        `http://grafana.test:3000/d/hotline-spikes/?orgId=1&from=${T0 - 3 * 3_600_000 - 86_400_000}&to=${T0 + 3_600_000}&var-district=3799.02&var-category=03.02.01&var-department=All&var-channel=All&var-spike_id=sp_7f3a`,
      );
    }
    const alerts = await store.query<{ alert_id: string; kind: string; severity: string; change: string; routes: string[]; panel_url: string }>("SELECT alert_id, kind, severity, change, routes, panel_url FROM alerts FINAL");
    expect(alerts).toEqual([expect.objectContaining({ alert_id: "spikes:sp_7f3a:3:high", kind: "spike", severity: "high", change: "new", routes: ["everyone"] })]);
    expect(await count(store, "SELECT count() AS n FROM alert_deliveries WHERE outcome = 'sent'")).toBe(5);
    for (const platform of ALL) expect(await counter(h.registry, "hotline_sensor_alert_deliveries_total", { platform, outcome: "sent" }), platform).toBe(1);
  });

  it("a receiver with a wrong signing secret is refused by the platform and recorded as failed, without the secret in logs or the table", async () => {
    const wrong = { ...robot("dingtalk"), secret: "SECwrong-secret-value-0000" } as FakeReceiver;
    const h = startAlerter(store, clock, [wrong], "routes:\n  - name: r\n    receivers: [dingtalk]");
    h.alerter.offer(tables({ spikes: [spikeRow()] }));
    await waitFor("the refusal is recorded", async () => (await count(store, "SELECT count() AS n FROM alert_deliveries WHERE outcome = 'failed'")) === 1);
    await h.alerter.close(5_000); // everything answers: this drains, the deadline is never reached
    expect(robot("dingtalk").received[0]?.answer).toContain("sign not match");
    const errors = await store.query<{ error: string }>("SELECT error FROM alert_deliveries");
    expect(errors[0]?.error).toBe("errcode 310000");
    const everything = h.logs.join("\n") + JSON.stringify(errors);
    expect(everything).not.toContain("SECwrong-secret-value-0000");
    expect(everything).not.toContain("tok_5f2a9c0e7b31d4");
  });
});

describe("routing", () => {
  it("routes by severity, district, category at any level and department", async () => {
    const routes = `routes:
  - name: district-02
    receivers: [wecom]
    districts: ["3799.02"]
  - name: utilities-category
    receivers: [dingtalk]
    categories: ["03"]
  - name: housing-department
    receivers: [feishu]
    departments: ["3799.housing"]
  - name: critical-only
    receivers: [slack]
    minSeverity: critical
  - name: collective
    receivers: [webhook]
    kinds: [repeat]`;
    const h = startAlerter(store, clock, robots, routes);
    h.alerter.offer(
      tables({
        spikes: [spikeRow({ id: "sp_a", district: "3799.02", path: ["03", "03.02"], observed: 12, expected: 2 })], // high
        ticket_flags: [ticketFlagRow({ district: "3799.01", category: "02.01.03", department: "3799.housing" })], // medium
        repeats: [collectiveRow({ district: "3799.03", category: "01.04.02", callers: 12, tickets: 12 })], // critical
      }),
    );
    await waitFor("the deliveries", async () => (await count(store, "SELECT count() AS n FROM alert_deliveries WHERE outcome = 'sent'")) === 5);
    await h.alerter.close(5_000); // everything answers: this drains, the deadline is never reached
    const kinds = (k: PlatformKind) => robot(k).received.map((r) => (r.text.includes("Spike") ? "spike" : r.text.includes("Supervised") ? "flag" : r.text.includes("Collective") ? "collective" : "?"));
    expect(kinds("wecom")).toEqual(["spike"]);
    expect(kinds("dingtalk")).toEqual(["spike"]);
    expect(kinds("feishu")).toEqual(["flag"]);
    expect(kinds("slack")).toEqual(["collective"]);
    expect(kinds("webhook")).toEqual(["collective"]);
    const routed = await store.query<{ kind: string; routes: string[] }>("SELECT kind, routes FROM alerts FINAL ORDER BY kind");
    expect(routed).toEqual([
      { kind: "repeat.collective", routes: ["critical-only", "collective"] },
      { kind: "spike", routes: ["district-02", "utilities-category"] },
      { kind: "ticket_flag.supervised", routes: ["housing-department"] },
    ]);
  });

  it("raises nothing below the minimum severity and nothing for closed results", async () => {
    const h = startAlerter(store, clock, robots, everyone, "severity:\n  minimum: high\n  kinds:\n    hotspot.emerging: critical\n");
    h.alerter.offer(
      tables({
        spikes: [spikeRow({ id: "sp_small", observed: 4, expected: 1 }), spikeRow({ id: "sp_closed", status: "closed", observed: 50, expected: 1 })],
        ticket_flags: [ticketFlagRow()], // medium: below high
        hotspots: [hotspotRow()], // overridden to critical
      }),
    );
    await waitFor("the hotspot is delivered", () => robots.every((r) => r.received.length === 1));
    await h.alerter.close(5_000); // everything answers: this drains, the deadline is never reached
    expect(await store.query("SELECT kind, severity FROM alerts FINAL")).toEqual([{ kind: "hotspot.emerging", severity: "critical" }]);
    expect(robot("wecom").received[0]?.text).toContain("var-hotspot_id=emerging%3Acommunity%3A3799.02.03.01%3A03.02%3A2026-11-18");
  });
});

describe("dedupe", () => {
  it("never sends the same alert twice, also from a second alerter over the same store after a restart; a clear rise is sent once", async () => {
    const first = startAlerter(store, clock, robots, everyone);
    const rows = tables({ spikes: [spikeRow({ observed: 12 })], repeats: [collectiveRow({ tickets: 6 })] });
    first.alerter.offer(rows);
    first.alerter.offer(rows); // a re-delivered batch
    await waitFor("two alerts on every robot", () => robots.every((r) => r.received.length === 2));
    await first.alerter.close(5_000);

    const second = startAlerter(store, clock, robots, everyone);
    second.alerter.offer(rows); // the rebuild after a restart writes the same rows again
    second.alerter.offer(tables({ spikes: [spikeRow({ observed: 14, status: "updated" })] })); // 14: same rung as 12 (8–15)
    second.alerter.offer(tables({ spikes: [spikeRow({ observed: 25, status: "updated", atMs: T0 + 3_600_000 })] })); // 25: next rung
    await waitFor("the grown spike", () => robots.every((r) => r.received.length === 3));
    await second.alerter.close(5_000);

    expect(await counter(second.registry, "hotline_sensor_alerts_deduplicated_total", {})).toBe(3);
    for (const r of robots) {
      expect(r.received, r.kind).toHaveLength(3);
      expect(r.received[2]?.text, r.kind).toContain("升级 grew");
    }
    expect(await store.query("SELECT alert_id, change FROM alerts FINAL ORDER BY raised_at, alert_id")).toEqual([
      { alert_id: "repeats:collective:T202611200001:2:high", change: "new" },
      { alert_id: "spikes:sp_7f3a:3:high", change: "new" },
      { alert_id: "spikes:sp_7f3a:4:high", change: "grew" },
    ]);
  });
});
