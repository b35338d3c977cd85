// Grafana's provisioning for the Compose stack: every file parses (apiVersion 1), the dashboard
// provider finds the generated dashboards, every data source they and the alert rules name is
// provisioned, alert rules link to dashboards that exist, policies route to contact points that
// exist, every $VARIABLE is set on the grafana service, and the rules' SQL runs on ClickHouse (chdb)
// and their PromQL names metrics the worker exports.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Store } from "../../src/store/port.js";
import { createMetrics } from "../../src/telemetry/metrics.js";
import { openMigratedChdb } from "../support/store.js";
import { loadDeployment, type Deployment } from "./compose-checks.js";
import {
  checkAlertRules,
  checkDashboardDatasources,
  checkPolicies,
  checkProvisioningVariables,
  clickhouseRuleQueries,
  loadProvisioning,
  prometheusRuleQueries,
  providedDashboards,
} from "./provisioning-checks.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const deployment = loadDeployment(ROOT);
const provisioning = loadProvisioning(deployment);
const { problems: providerProblems, dashboards } = providedDashboards(deployment, provisioning);

/** The deployment with one provisioning file edited. */
function edited(file: string, edit: (text: string) => string): Deployment {
  return { ...deployment, readText: (name) => (path.posix.normalize(name) === file ? edit(deployment.readText(name)) : deployment.readText(name)) };
}

describe("Grafana provisioning", () => {
  it("the dashboard provider reads the folder Grafana mounts, which holds the seven generated dashboards", () => {
    expect(providerProblems).toEqual([]);
    expect(dashboards.map((d) => d["uid"]).sort()).toEqual([
      "hotline-hotspots",
      "hotline-monthly-problems",
      "hotline-operations",
      "hotline-overview",
      "hotline-performance",
      "hotline-repeats",
      "hotline-spikes",
    ]);
  });

  it("provisions the ClickHouse (read-only user) and Prometheus data sources", () => {
    expect(provisioning.datasources.map((d) => [d["uid"], d["type"]])).toEqual([
      ["clickhouse", "grafana-clickhouse-datasource"],
      ["prometheus", "prometheus"],
    ]);
  });

  it("every data source the dashboards name is provisioned, with its type", () => {
    expect(checkDashboardDatasources(dashboards, provisioning)).toEqual([]);
  });

  it("alert rules use provisioned data sources, a condition among their queries, and link to existing dashboards", () => {
    expect(checkAlertRules(dashboards, provisioning)).toEqual([]);
  });

  it("notification policies route to provisioned contact points", () => {
    expect(provisioning.contactPoints.length).toBeGreaterThan(0);
    expect(checkPolicies(provisioning)).toEqual([]);
  });

  it("every $VARIABLE of the provisioning files is set on the grafana service", () => {
    expect(checkProvisioningVariables(deployment, provisioning)).toEqual([]);
  });

  it("alert rules query only metrics the worker exports", () => {
    const registry = new Registry();
    createMetrics(registry, { processMetrics: false });
    const names = new Set(registry.getMetricsAsArray().map((m) => m.name));
    const queries = prometheusRuleQueries(provisioning);
    expect(queries.length).toBeGreaterThan(0);
    for (const { uid, expr } of queries) {
      for (const m of expr.matchAll(/\bhotline_sensor_\w+/g)) expect(names.has(m[0].replace(/_(bucket|sum|count)$/, "")), `${uid}: ${m[0]}`).toBe(true);
    }
  });
});

describe("the alert rules' SQL", () => {
  let store: Store;
  beforeAll(async () => {
    store = await openMigratedChdb();
  });
  afterAll(async () => {
    await store.close();
  });
  it.each(clickhouseRuleQueries(provisioning).map((q) => [q.uid, q.sql] as const))("%s runs and returns one numeric value", async (_uid, sql) => {
    const columns = await store.query<{ name: string; type: string }>(`DESCRIBE TABLE (${sql})`);
    expect(columns).toHaveLength(1);
    expect(columns[0]?.type).toMatch(/^U?Int|^Float/);
    expect(await store.query(sql)).toHaveLength(1);
  });
});

describe("the provisioning checks catch mistakes", () => {
  const cases: ReadonlyArray<readonly [string, () => string[], RegExp]> = [
    [
      "a rule linking to a dashboard that does not exist",
      () => checkAlertRules(dashboards, loadProvisioning(edited("dashboards/provisioning/alerting/rules.yaml", (t) => t.replace("__dashboardUid__: hotline-spikes", "__dashboardUid__: hotline-spikez")))),
      /links to dashboard hotline-spikez/,
    ],
    [
      "a rule on a data source that is not provisioned",
      () => checkAlertRules(dashboards, loadProvisioning(edited("dashboards/provisioning/alerting/rules.yaml", (t) => t.replace("datasourceUid: clickhouse", "datasourceUid: clickhouse-old")))),
      /data source uid clickhouse-old is not provisioned/,
    ],
    [
      "a policy naming a missing contact point",
      () => checkPolicies(loadProvisioning(edited("dashboards/provisioning/alerting/contact-points.yaml", (t) => t.replace("receiver: hotline-wecom", "receiver: hotline-dingtalk")))),
      /receiver hotline-dingtalk is not a provisioned contact point/,
    ],
    [
      "a variable Grafana does not have",
      () => checkProvisioningVariables(deployment, loadProvisioning(edited("dashboards/provisioning/alerting/contact-points.yaml", (t) => t.replace("$GRAFANA_WECOM_WEBHOOK_URL", "$GRAFANA_DINGTALK_URL")))),
      /\$GRAFANA_DINGTALK_URL is not set on the grafana service/,
    ],
    [
      "a dashboard on an unknown data source",
      () => checkDashboardDatasources([{ uid: "x", panels: [{ datasource: { type: "prometheus", uid: "thanos" } }] }], provisioning),
      /data source uid thanos is not provisioned/,
    ],
  ];
  it.each(cases)("%s", (_title, check, expected) => {
    expect(check().join("\n")).toMatch(expected);
  });

  it("a file without apiVersion 1 is refused", () => {
    expect(() => loadProvisioning(edited("dashboards/provisioning/alerting/rules.yaml", (t) => t.replace("apiVersion: 1", "apiVersion: 2")))).toThrow(/apiVersion must be 1/);
  });
});
