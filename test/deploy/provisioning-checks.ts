// Consistency checks of Grafana's provisioning (dashboards/provisioning/) against the Compose file,
// the generated dashboards and each other: each check returns its problems as readable sentences.
import path from "node:path";
import { parse } from "yaml";
import { bindMounts, environment, isRecord, type Deployment, type JsonRecord } from "./compose-checks.js";

const GRAFANA = "grafana";
const PROVISIONING = "dashboards/provisioning";
const EXPRESSIONS = "__expr__";

export interface Provisioning {
  readonly datasources: JsonRecord[];
  readonly providers: JsonRecord[];
  readonly ruleGroups: JsonRecord[];
  readonly contactPoints: JsonRecord[];
  readonly policies: JsonRecord[];
  /** Every provisioning file's text, by repository path. */
  readonly files: ReadonlyMap<string, string>;
}

const list = (value: unknown): JsonRecord[] => (Array.isArray(value) ? value.filter(isRecord) : []);

/** Reads every YAML file under dashboards/provisioning/<kind>/; a file that does not parse or lacks apiVersion 1 throws. */
export function loadProvisioning(deployment: Deployment): Provisioning {
  const files = new Map<string, string>();
  const parsed: JsonRecord[] = [];
  for (const kind of deployment.list(PROVISIONING)) {
    for (const name of deployment.list(`${PROVISIONING}/${kind}`).filter((n) => /\.ya?ml$/.test(n))) {
      const file = `${PROVISIONING}/${kind}/${name}`;
      const text = deployment.readText(file);
      files.set(file, text);
      const doc: unknown = parse(text);
      if (!isRecord(doc)) throw new Error(`${file}: not a mapping`);
      if (doc["apiVersion"] !== 1) throw new Error(`${file}: apiVersion must be 1 (has ${String(doc["apiVersion"])})`);
      parsed.push(doc);
    }
  }
  return {
    datasources: parsed.flatMap((d) => list(d["datasources"])),
    providers: parsed.flatMap((d) => list(d["providers"])),
    ruleGroups: parsed.flatMap((d) => list(d["groups"])),
    contactPoints: parsed.flatMap((d) => list(d["contactPoints"])),
    policies: parsed.flatMap((d) => list(d["policies"])),
    files,
  };
}

/** The generated dashboards as Grafana's provider loads them: every .json file of the folder it reads. */
export function providedDashboards(deployment: Deployment, provisioning: Provisioning): { problems: string[]; dashboards: JsonRecord[] } {
  const problems: string[] = [];
  const dashboards: JsonRecord[] = [];
  if (provisioning.providers.length === 0) problems.push(`${PROVISIONING}/dashboards: no dashboard provider`);
  for (const provider of provisioning.providers) {
    const options = isRecord(provider["options"]) ? provider["options"] : {};
    const target = String(options["path"] ?? "");
    const mount = bindMounts(deployment, GRAFANA).find((m) => path.posix.normalize(m.target) === path.posix.normalize(target));
    if (mount === undefined) {
      problems.push(`dashboard provider ${String(provider["name"])} reads ${target}, which the grafana service does not mount`);
      continue;
    }
    const json = deployment.list(mount.source).filter((n) => n.endsWith(".json"));
    if (json.length === 0) problems.push(`dashboard provider ${String(provider["name"])} reads ${mount.source}, which has no dashboard JSON`);
    for (const name of json) {
      const doc: unknown = JSON.parse(deployment.readText(`${mount.source}/${name}`));
      if (isRecord(doc)) dashboards.push(doc);
    }
  }
  return { problems, dashboards };
}

function datasourceUids(provisioning: Provisioning): Map<string, string> {
  return new Map(provisioning.datasources.map((d) => [String(d["uid"]), String(d["type"])]));
}

/** Every data source a dashboard, panel, query or variable names is provisioned, with the same type. */
export function checkDashboardDatasources(dashboards: readonly JsonRecord[], provisioning: Provisioning): string[] {
  const known = datasourceUids(provisioning);
  const problems: string[] = [];
  const visit = (value: unknown, where: string): void => {
    if (Array.isArray(value)) value.forEach((v, i) => visit(v, `${where}[${i}]`));
    if (!isRecord(value)) return;
    const ref = value["datasource"];
    if (isRecord(ref) && typeof ref["uid"] === "string") {
      const type = known.get(ref["uid"]);
      if (type === undefined) problems.push(`${where}: data source uid ${ref["uid"]} is not provisioned`);
      else if (ref["type"] !== undefined && ref["type"] !== type) problems.push(`${where}: data source ${ref["uid"]} is of type ${type}, not ${String(ref["type"])}`);
    }
    for (const [key, child] of Object.entries(value)) if (key !== "datasource") visit(child, `${where}.${key}`);
  };
  for (const d of dashboards) visit(d, String(d["uid"]));
  return problems;
}

/** Alert rules: data sources provisioned, the condition is one of the rule's queries, linked dashboards exist. */
export function checkAlertRules(dashboards: readonly JsonRecord[], provisioning: Provisioning): string[] {
  const known = datasourceUids(provisioning);
  const uids = new Set(dashboards.map((d) => String(d["uid"])));
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const group of provisioning.ruleGroups) {
    for (const rule of list(group["rules"])) {
      const uid = String(rule["uid"]);
      if (seen.has(uid)) problems.push(`alert rule uid ${uid} is used twice`);
      seen.add(uid);
      const data = list(rule["data"]);
      const refIds = data.map((q) => String(q["refId"]));
      if (!refIds.includes(String(rule["condition"]))) problems.push(`alert rule ${uid}: condition ${String(rule["condition"])} is none of its queries (${refIds.join(", ")})`);
      for (const query of data) {
        const ds = String(query["datasourceUid"]);
        if (ds !== EXPRESSIONS && !known.has(ds)) problems.push(`alert rule ${uid}: data source uid ${ds} is not provisioned`);
      }
      const annotations = isRecord(rule["annotations"]) ? rule["annotations"] : {};
      const dashboard = annotations["__dashboardUid__"];
      if (dashboard !== undefined && !uids.has(String(dashboard))) problems.push(`alert rule ${uid}: links to dashboard ${String(dashboard)}, which is not provisioned`);
    }
  }
  if (seen.size === 0) problems.push("no alert rules are provisioned");
  return problems;
}

/** Every receiver a notification policy names is a provisioned contact point. */
export function checkPolicies(provisioning: Provisioning): string[] {
  const names = new Set(provisioning.contactPoints.map((c) => String(c["name"])));
  const problems: string[] = [];
  const visit = (policy: JsonRecord, where: string): void => {
    const receiver = policy["receiver"];
    if (receiver !== undefined && !names.has(String(receiver))) problems.push(`${where}: receiver ${String(receiver)} is not a provisioned contact point`);
    list(policy["routes"]).forEach((route, i) => visit(route, `${where}.routes[${i}]`));
  };
  provisioning.policies.forEach((p, i) => visit(p, `policies[${i}]`));
  if (provisioning.policies.length > 0 && names.size === 0) problems.push("notification policies without contact points");
  return problems;
}

/** Every $VARIABLE a provisioning file uses is set (with its Compose default) on the grafana service. */
export function checkProvisioningVariables(deployment: Deployment, provisioning: Provisioning): string[] {
  const env = environment(deployment, GRAFANA);
  const problems: string[] = [];
  for (const [file, text] of provisioning.files) {
    const withoutComments = text
      .split("\n")
      .filter((line) => !line.trimStart().startsWith("#"))
      .join("\n");
    for (const m of withoutComments.matchAll(/\$\{?([A-Z_][A-Z0-9_]*)\}?/g)) {
      const name = m[1] ?? "";
      if (env[name] === undefined || env[name] === "") problems.push(`${file}: $${name} is not set on the grafana service`);
    }
  }
  return problems;
}

/** The ClickHouse queries of the alert rules, for running them. */
export function clickhouseRuleQueries(provisioning: Provisioning): { uid: string; sql: string }[] {
  const ch = new Set(provisioning.datasources.filter((d) => d["type"] === "grafana-clickhouse-datasource").map((d) => String(d["uid"])));
  return provisioning.ruleGroups.flatMap((g) =>
    list(g["rules"]).flatMap((rule) =>
      list(rule["data"])
        .filter((q) => ch.has(String(q["datasourceUid"])))
        .map((q) => ({ uid: String(rule["uid"]), sql: String(isRecord(q["model"]) ? q["model"]["rawSql"] : "") })),
    ),
  );
}

/** The PromQL of the alert rules. */
export function prometheusRuleQueries(provisioning: Provisioning): { uid: string; expr: string }[] {
  const prom = new Set(provisioning.datasources.filter((d) => d["type"] === "prometheus").map((d) => String(d["uid"])));
  return provisioning.ruleGroups.flatMap((g) =>
    list(g["rules"]).flatMap((rule) =>
      list(rule["data"])
        .filter((q) => prom.has(String(q["datasourceUid"])))
        .map((q) => ({ uid: String(rule["uid"]), expr: String(isRecord(q["model"]) ? q["model"]["expr"] : "") })),
    ),
  );
}
