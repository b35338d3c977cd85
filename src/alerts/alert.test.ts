import { describe, expect, it } from "vitest";
import { msToStoreTime } from "../contract/store-time.js";
import { raiseAlerts, rungOf } from "./alert.js";
import { parseAlertConfig } from "./config.js";
import { routeAlert } from "./route.js";
import { severityOf } from "./severity.js";

const T = Date.parse("2026-11-20T02:00:00Z");
const config = parseAlertConfig(
  "grafana:\n  url: http://g:3000\nreceivers:\n  a:\n    platform: slack\n    url: https://hooks.example/a\nroutes:\n  - name: a\n    receivers: [a]\n",
  "inline",
);

function spike(observed: number, expected: number, extra: Record<string, unknown> = {}) {
  return {
    spike_id: "s1", status: "open", resolution: "hour", category_code: "03.02", category_path: ["03", "03.02"], district_code: "", trigger: "bucket",
    started_at: msToStoreTime(T - 7_200_000), observed, expected, ratio: observed / expected, sample_ticket_ids: ["A"], last_updated: msToStoreTime(T), ...extra,
  };
}

describe("raising alerts", () => {
  it("rates spikes by size: medium, high from ×3 and 10 tickets, critical from ×5 and 30", () => {
    expect(severityOf("spike", { observed: 5, expected: 1, callers: 0 }, {})).toBe("medium");
    expect(severityOf("spike", { observed: 10, expected: 3.3, callers: 0 }, {})).toBe("high");
    expect(severityOf("spike", { observed: 30, expected: 6, callers: 0 }, {})).toBe("critical");
    expect(severityOf("spike", { observed: 30, expected: 6, callers: 0 }, { spike: "off" })).toBeUndefined();
    expect(severityOf("repeat.collective", { observed: 12, expected: 0, callers: 10 }, {})).toBe("critical");
  });

  it("gives a deterministic id from table, result, rung and severity", () => {
    const a = raiseAlerts([{ table: "spikes", rows: [spike(12, 2)] }], config, T).alerts;
    const b = raiseAlerts([{ table: "spikes", rows: [spike(12, 2)] }], config, T + 999_999).alerts;
    expect(a.map((x) => x.alertId)).toEqual(["spikes:s1:3:high"]);
    expect(b.map((x) => x.alertId)).toEqual(a.map((x) => x.alertId));
    expect([1, 2, 3, 4, 7, 8, 15, 16].map(rungOf)).toEqual([0, 1, 1, 2, 2, 3, 3, 4]);
  });

  it("skips closed results, results older than maxAgeMs, and counts malformed rows", () => {
    const { alerts, malformed } = raiseAlerts(
      [
        { table: "spikes", rows: [spike(12, 2, { status: "closed" }), spike(12, 2, { observed: "many" })] },
        { table: "tickets", rows: [{ status: "open" }] },
      ],
      config,
      T,
    );
    expect(alerts).toEqual([]);
    expect(malformed).toBe(1);
    expect(raiseAlerts([{ table: "spikes", rows: [spike(12, 2)] }], config, T + 86_400_001).alerts).toEqual([]);
  });

  it("links a city-wide spike to its panel with All for the district", () => {
    const [alert] = raiseAlerts([{ table: "spikes", rows: [spike(12, 2)] }], config, T).alerts;
    expect(alert?.panelUrl).toBe(
      `http://g:3000/d/hotline-spikes/?orgId=1&from=${T - 7_200_000 - 86_400_000}&to=${T + 3_600_000}&var-district=All&var-category=03.02&var-department=All&var-channel=All&var-spike_id=s1`,
    );
  });
});

describe("routing", () => {
  const routes = parseAlertConfig(
    `receivers:
  a: { platform: slack, url: "https://h/a" }
  b: { platform: slack, url: "https://h/b" }
  c: { platform: slack, url: "https://h/c" }
routes:
  - { name: water, receivers: [a], categories: ["03"], continue: false }
  - { name: rest, receivers: [b] }
  - { name: city, receivers: [c], districts: ["3799.01"] }
`,
    "inline",
  ).routes;

  it("matches a category at any level, stops at continue: false, and city-wide alerts match no district filter", () => {
    const [water] = raiseAlerts([{ table: "spikes", rows: [spike(12, 2)] }], config, T).alerts;
    expect(water === undefined ? undefined : routeAlert(routes, water)).toEqual({ routes: ["water"], receivers: ["a"] });
    const [other] = raiseAlerts([{ table: "spikes", rows: [spike(12, 2, { category_code: "04.01", category_path: ["04", "04.01"] })] }], config, T).alerts;
    expect(other === undefined ? undefined : routeAlert(routes, other)).toEqual({ routes: ["rest"], receivers: ["b"] });
  });
});
