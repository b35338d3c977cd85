// Consistency checks of docker-compose.yml against src/config.ts and the files it mounts: each check returns its problems as readable sentences.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { envSchema, loadConfig, type Config } from "../../src/config.js";

export type JsonRecord = { [key: string]: unknown };

/** The Compose file as parsed, plus access to the repository's files (overridable, for tests that mutate a copy). */
export interface Deployment {
  readonly root: string;
  readonly compose: JsonRecord;
  /** Text of a repository-relative file. */
  readonly readText: (file: string) => string;
  readonly exists: (file: string) => boolean;
  /** Names in a repository-relative folder. */
  readonly list: (folder: string) => readonly string[];
}

export type Check = (deployment: Deployment) => string[];

/** The services the hotline-sensor image runs, and those the checks refer to by name. */
export const WORKER = "worker";
export const SIMULATOR = "simulator";
const KAFKA = "kafka";
const KAFKA_INIT = "kafka-init";
const CLICKHOUSE = "clickhouse";
const PROMETHEUS = "prometheus";
const GRAFANA = "grafana";
/** ClickHouse's default http_port, unless a mounted config.d file sets another. */
const CLICKHOUSE_DEFAULT_HTTP_PORT = 8123;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function loadDeployment(root: string): Deployment {
  const compose: unknown = parse(readFileSync(path.join(root, "docker-compose.yml"), "utf8"), { merge: true });
  if (!isRecord(compose)) throw new Error("docker-compose.yml: not a mapping");
  return {
    root,
    compose,
    readText: (file) => readFileSync(path.resolve(root, file), "utf8"),
    exists: (file) => existsSync(path.resolve(root, file)),
    list: (folder) => (existsSync(path.resolve(root, folder)) ? readdirSync(path.resolve(root, folder)) : []),
  };
}

/** Runs a check; a structural surprise (a missing service, say) becomes a problem instead of a crash. */
export function run(check: Check, deployment: Deployment): string[] {
  try {
    return check(deployment);
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)];
  }
}

// ---------------------------------------------------------------------------------------------
// Reading the Compose file

/**
 * Compose interpolation with every variable unset: `${NAME:-default}` and `${NAME-default}` give the
 * default, `$$` a dollar. A variable without a default would be empty for a user without a .env.
 */
export function interpolate(text: string, where: string): string {
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (match, braced?: string, operator?: string, fallback?: string, bare?: string) => {
    if (match === "$$") return "$";
    const name = braced ?? bare ?? "";
    if (operator === ":-" || operator === "-") return fallback ?? "";
    throw new Error(`${where}: \${${name}} has no default, so it depends on the user's shell or .env`);
  });
}

function services(deployment: Deployment): JsonRecord {
  const all = deployment.compose["services"];
  if (!isRecord(all)) throw new Error("docker-compose.yml: no services");
  return all;
}

export function service(deployment: Deployment, name: string): JsonRecord {
  const found = services(deployment)[name];
  if (!isRecord(found)) throw new Error(`docker-compose.yml: no service "${name}"`);
  return found;
}

/** A service's environment, map or list form, interpolated. A list entry without `=` passes the shell's value through: undefined here. */
export function environment(deployment: Deployment, name: string): Record<string, string | undefined> {
  const raw = service(deployment, name)["environment"];
  const env: Record<string, string | undefined> = {};
  if (raw === undefined) return env;
  const scalar = (key: string, value: unknown): string | undefined => {
    if (value === null || value === undefined) return undefined;
    if (typeof value === "string") return interpolate(value, `${name}.environment.${key}`);
    if (typeof value === "number" || typeof value === "boolean") return String(value);
    throw new Error(`${name}.environment.${key}: not a scalar`);
  };
  if (Array.isArray(raw)) {
    for (const entry of raw) {
      if (typeof entry !== "string") throw new Error(`${name}.environment: list entries must be strings`);
      const at = entry.indexOf("=");
      if (at < 0) env[entry] = undefined;
      else env[entry.slice(0, at)] = scalar(entry.slice(0, at), entry.slice(at + 1));
    }
  } else if (isRecord(raw)) {
    for (const [key, value] of Object.entries(raw)) env[key] = scalar(key, value);
  } else {
    throw new Error(`${name}.environment: neither a map nor a list`);
  }
  return env;
}

function required(env: Record<string, string | undefined>, key: string, where: string): string {
  const value = env[key];
  if (value === undefined || value === "") throw new Error(`${where}: ${key} is not set`);
  return value;
}

interface Mount {
  /** Repository-relative (or absolute) host path. */
  readonly source: string;
  readonly target: string;
}

function hostPath(source: string): string {
  return path.isAbsolute(source) ? source : path.posix.normalize(source);
}

/** A service's bind mounts (named volumes left out), short or long syntax. */
export function bindMounts(deployment: Deployment, name: string): Mount[] {
  const volumes = service(deployment, name)["volumes"];
  if (volumes === undefined) return [];
  if (!Array.isArray(volumes)) throw new Error(`${name}.volumes: not a list`);
  const mounts: Mount[] = [];
  for (const volume of volumes) {
    if (typeof volume === "string") {
      const [source = "", target = ""] = interpolate(volume, `${name}.volumes`).split(":");
      if (/^[.~/]/.test(source)) mounts.push({ source: hostPath(source), target });
    } else if (isRecord(volume) && volume["type"] === "bind" && typeof volume["source"] === "string" && typeof volume["target"] === "string") {
      mounts.push({ source: hostPath(interpolate(volume["source"], `${name}.volumes`)), target: volume["target"] });
    }
  }
  return mounts;
}

/** The service's secrets as mounts: top-level `secrets.<name>.file` at `/run/secrets/<target>`. */
function secretMounts(deployment: Deployment, name: string): Mount[] {
  const wanted = service(deployment, name)["secrets"];
  if (wanted === undefined) return [];
  if (!Array.isArray(wanted)) throw new Error(`${name}.secrets: not a list`);
  const declared = deployment.compose["secrets"];
  return wanted.map((entry: unknown): Mount => {
    const source = typeof entry === "string" ? entry : isRecord(entry) && typeof entry["source"] === "string" ? entry["source"] : undefined;
    if (source === undefined) throw new Error(`${name}.secrets: an entry names no secret`);
    const target = isRecord(entry) && typeof entry["target"] === "string" ? entry["target"] : source;
    const definition = isRecord(declared) ? declared[source] : undefined;
    if (!isRecord(definition) || typeof definition["file"] !== "string") {
      throw new Error(`${name}.secrets: secret "${source}" is not declared with a file under the top-level secrets`);
    }
    return { source: hostPath(interpolate(definition["file"], `secrets.${source}.file`)), target: target.startsWith("/") ? target : `/run/secrets/${target}` };
  });
}

/** The host file behind a path inside a service's container, through its secrets and bind mounts. */
function hostFileFor(deployment: Deployment, name: string, containerPath: string): string | undefined {
  for (const mount of [...secretMounts(deployment, name), ...bindMounts(deployment, name)]) {
    if (containerPath === mount.target) return mount.source;
    if (containerPath.startsWith(`${mount.target.replace(/\/$/, "")}/`)) return path.posix.join(mount.source, containerPath.slice(mount.target.replace(/\/$/, "").length + 1));
  }
  return undefined;
}

/** Container ports a service publishes (`"host:container"`, `"container"` or the long syntax). */
function publishedContainerPorts(deployment: Deployment, name: string): number[] {
  const ports = service(deployment, name)["ports"];
  if (ports === undefined) return [];
  if (!Array.isArray(ports)) throw new Error(`${name}.ports: not a list`);
  return ports.map((entry: unknown) => {
    if (isRecord(entry)) return Number(entry["target"]);
    const spec = String(entry).replace(/\/(tcp|udp)$/, "");
    return Number(spec.split(":").at(-1)?.split("-")[0]);
  });
}

function command(deployment: Deployment, name: string): string {
  const raw = service(deployment, name)["command"];
  if (typeof raw === "string") return raw;
  if (Array.isArray(raw)) return raw.map(String).join(" ");
  throw new Error(`${name}: no command`);
}

function readYaml(deployment: Deployment, file: string): JsonRecord {
  const document: unknown = parse(deployment.readText(file));
  if (!isRecord(document)) throw new Error(`${file}: not a mapping`);
  return document;
}

function hostAndPort(address: string, where: string): { host: string; port: number } {
  const match = /^(?:[A-Za-z][A-Za-z0-9+.-]*:\/\/)?([^:/]+):(\d+)\/?$/.exec(address.trim());
  if (match === null) throw new Error(`${where}: "${address}" is not host:port`);
  return { host: match[1] ?? "", port: Number(match[2]) };
}

// ---------------------------------------------------------------------------------------------
// What src/config.ts accepts

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

const SCHEMA_NAMES: readonly string[] = Object.keys(envSchema.shape);
const NOWHERE = "/nonexistent/hotline-compose-check/secret";
const secretFileVariables = new Map<string, boolean>();

/**
 * Whether the configuration reads `<name>_FILE` as a file: it then fails naming the missing path.
 * Found by behaviour, so src/config.ts need export no list of secrets.
 */
function readsFileVariable(name: string): boolean {
  const known = secretFileVariables.get(name);
  if (known !== undefined) return known;
  let reads = false;
  try {
    loadConfig({ [`${name}_FILE`]: NOWHERE });
  } catch (error) {
    reads = error instanceof Error && error.message.includes(`${name}_FILE`) && error.message.includes(NOWHERE);
  }
  secretFileVariables.set(name, reads);
  return reads;
}

/** Why the worker would not read this variable, or undefined when it does. */
export function unknownVariable(key: string): string | undefined {
  if (SCHEMA_NAMES.includes(key)) return undefined;
  if (key.endsWith("_FILE")) {
    const base = key.slice(0, -"_FILE".length);
    if (SCHEMA_NAMES.includes(base)) {
      return readsFileVariable(base) ? undefined : `${key} is not read: ${base} is not a secret, so it has no _FILE form`;
    }
  }
  const candidates = [...SCHEMA_NAMES, ...SCHEMA_NAMES.filter(readsFileVariable).map((name) => `${name}_FILE`)];
  const closest = candidates
    .map((name) => ({ name, distance: editDistance(key, name) }))
    .sort((a, b) => a.distance - b.distance)[0];
  const hint = closest !== undefined && closest.distance <= 3 ? ` (did you mean ${closest.name}?)` : "";
  return `${key} is not a variable of envSchema in src/config.ts${hint}`;
}

/** `ENV` of the Dockerfile's last (runtime) stage: the base environment of services built from it. */
export function imageEnvironment(deployment: Deployment): Record<string, string> {
  const stages = deployment.readText("Dockerfile").replace(/\\\n/g, " ").split(/^FROM\s/m);
  const env: Record<string, string> = {};
  for (const line of (stages.at(-1) ?? "").split("\n")) {
    const instruction = /^ENV\s+(.*)$/.exec(line.trim());
    if (instruction === null) continue;
    for (const pair of (instruction[1] ?? "").trim().split(/\s+/)) {
      const at = pair.indexOf("=");
      if (at > 0) env[pair.slice(0, at)] = pair.slice(at + 1).replace(/^"(.*)"$/, "$1");
    }
  }
  return env;
}

function builtFromDockerfile(deployment: Deployment, name: string): boolean {
  return service(deployment, name)["build"] !== undefined;
}

/** The service's environment as the container sees it (image ENV, then Compose), with `*_FILE` paths mapped to the repository's files. */
function localEnvironment(deployment: Deployment, name: string): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...(builtFromDockerfile(deployment, name) ? imageEnvironment(deployment) : {}), ...environment(deployment, name) };
  for (const [key, value] of Object.entries(env)) {
    if (!key.endsWith("_FILE") || value === undefined) continue;
    const file = hostFileFor(deployment, name, value);
    if (file === undefined) throw new Error(`${name}: ${key}=${value}, but no secret or bind mount of the service provides that path`);
    env[key] = path.resolve(deployment.root, file);
  }
  return env;
}

/** loadConfig over the service's environment, as the container would run it. */
export function serviceConfig(deployment: Deployment, name: string): Config {
  const env = localEnvironment(deployment, name);
  try {
    return loadConfig(env);
  } catch (error) {
    throw new Error(`${name}: the configuration is rejected by loadConfig: ${error instanceof Error ? error.message : String(error)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// The checks

const IMAGE_SERVICES = [WORKER, SIMULATOR] as const;

/** Every variable set on the worker and the simulator is one src/config.ts reads. */
export const checkVariableNames: Check = (deployment) =>
  IMAGE_SERVICES.flatMap((name) =>
    Object.keys(environment(deployment, name)).flatMap((key) => {
      const why = unknownVariable(key);
      return why === undefined ? [] : [`${name}: ${why}`];
    }),
  );

/** The values validate, and each service gets the parts it needs (Kafka for both, ClickHouse for the worker). */
export const checkValuesLoad: Check = (deployment) =>
  IMAGE_SERVICES.flatMap((name) => {
    let config: Config;
    try {
      config = serviceConfig(deployment, name);
    } catch (error) {
      return [error instanceof Error ? error.message : String(error)];
    }
    const problems: string[] = [];
    if (config.kafka === undefined) problems.push(`${name}: KAFKA_BROKERS is not set, so it would not use Kafka`);
    if (config.callerHashKey === undefined) problems.push(`${name}: no caller hash key (HOTLINE_CALLER_HASH_KEY_FILE)`);
    if (name === WORKER && config.clickhouse === undefined) problems.push(`${name}: CLICKHOUSE_URL is not set, so it would write to embedded chdb`);
    return problems;
  });

function advertisedPlaintext(deployment: Deployment): { host: string; port: number } {
  const env = environment(deployment, KAFKA);
  const advertised = required(env, "KAFKA_ADVERTISED_LISTENERS", KAFKA);
  const listener = advertised.split(",").find((entry) => entry.trim().startsWith("PLAINTEXT://"));
  if (listener === undefined) throw new Error(`${KAFKA}: KAFKA_ADVERTISED_LISTENERS has no PLAINTEXT listener`);
  return hostAndPort(listener, `${KAFKA}.KAFKA_ADVERTISED_LISTENERS`);
}

/** Clients bootstrap from the broker's advertised PLAINTEXT listener, which names the kafka service and a port it listens on. */
export const checkKafkaAddress: Check = (deployment) => {
  const problems: string[] = [];
  const advertised = advertisedPlaintext(deployment);
  const expected = `${advertised.host}:${advertised.port}`;
  if (!(advertised.host in services(deployment)) && service(deployment, KAFKA)["hostname"] !== advertised.host) {
    problems.push(`${KAFKA}: the advertised listener's host "${advertised.host}" is neither a service name nor the broker's hostname`);
  }
  const listeners = required(environment(deployment, KAFKA), "KAFKA_LISTENERS", KAFKA);
  const plaintext = listeners.split(",").find((entry) => entry.trim().startsWith("PLAINTEXT://"));
  if (plaintext === undefined || !plaintext.trim().endsWith(`:${advertised.port}`)) {
    problems.push(`${KAFKA}: KAFKA_LISTENERS has no PLAINTEXT listener on port ${advertised.port}, which KAFKA_ADVERTISED_LISTENERS advertises`);
  }
  for (const name of IMAGE_SERVICES) {
    const brokers = required(environment(deployment, name), "KAFKA_BROKERS", name);
    for (const broker of brokers.split(",")) {
      if (broker.trim() !== expected) problems.push(`${name}: KAFKA_BROKERS has "${broker.trim()}", but the broker advertises PLAINTEXT://${expected}`);
    }
  }
  for (const match of command(deployment, KAFKA_INIT).matchAll(/--bootstrap-server[ =](\S+)/g)) {
    if (match[1] !== expected) problems.push(`${KAFKA_INIT}: --bootstrap-server ${match[1] ?? ""}, but the broker advertises ${expected}`);
  }
  return problems;
};

function clickHouseHttpPort(deployment: Deployment): number {
  for (const mount of bindMounts(deployment, CLICKHOUSE)) {
    if (!mount.target.startsWith("/etc/clickhouse-server/config.d/")) continue;
    const port = /<http_port>\s*(\d+)\s*<\/http_port>/.exec(deployment.readText(mount.source));
    if (port !== null) return Number(port[1]);
  }
  return CLICKHOUSE_DEFAULT_HTTP_PORT;
}

/** The worker's CLICKHOUSE_URL names the clickhouse service on its HTTP port, with the server's user, password and database. */
export const checkClickHouseUrl: Check = (deployment) => {
  const problems: string[] = [];
  const env = environment(deployment, WORKER);
  const url = new URL(required(env, "CLICKHOUSE_URL", WORKER));
  const port = Number(url.port === "" ? (url.protocol === "https:" ? 443 : 80) : url.port);
  const httpPort = clickHouseHttpPort(deployment);
  if (url.hostname !== CLICKHOUSE) problems.push(`${WORKER}: CLICKHOUSE_URL's host is "${url.hostname}", not the service "${CLICKHOUSE}"`);
  service(deployment, CLICKHOUSE);
  if (port !== httpPort) problems.push(`${WORKER}: CLICKHOUSE_URL's port is ${port}, but ClickHouse serves HTTP on ${httpPort}`);
  if (url.protocol !== "http:") problems.push(`${WORKER}: CLICKHOUSE_URL uses ${url.protocol}, but the clickhouse service has no TLS`);
  const published = publishedContainerPorts(deployment, CLICKHOUSE);
  if (published.length > 0 && !published.includes(httpPort)) problems.push(`${CLICKHOUSE}: publishes ${published.join(", ")}, not its HTTP port ${httpPort}`);
  const server = environment(deployment, CLICKHOUSE);
  const pairs: ReadonlyArray<readonly [string, string]> = [
    ["CLICKHOUSE_USER", "CLICKHOUSE_USER"],
    ["CLICKHOUSE_PASSWORD", "CLICKHOUSE_PASSWORD"],
    ["CLICKHOUSE_DATABASE", "CLICKHOUSE_DB"],
  ];
  for (const [workerKey, serverKey] of pairs) {
    if (env[workerKey] !== server[serverKey]) {
      problems.push(`${WORKER}: ${workerKey}=${env[workerKey] ?? "(unset)"} differs from the clickhouse service's ${serverKey}=${server[serverKey] ?? "(unset)"}`);
    }
  }
  return problems;
};

interface ScrapeTarget {
  readonly job: string;
  readonly host: string;
  readonly port: number;
  readonly metricsPath: string;
}

function scrapeTargets(deployment: Deployment): ScrapeTarget[] {
  const mount = bindMounts(deployment, PROMETHEUS).find((m) => m.target === "/etc/prometheus/prometheus.yml");
  if (mount === undefined) throw new Error(`${PROMETHEUS}: nothing is mounted at /etc/prometheus/prometheus.yml`);
  const config = readYaml(deployment, mount.source);
  const jobs = config["scrape_configs"];
  if (!Array.isArray(jobs)) throw new Error(`${mount.source}: no scrape_configs`);
  const targets: ScrapeTarget[] = [];
  for (const job of jobs) {
    if (!isRecord(job)) continue;
    const name = String(job["job_name"]);
    const metricsPath = typeof job["metrics_path"] === "string" ? job["metrics_path"] : "/metrics";
    for (const sd of Array.isArray(job["static_configs"]) ? job["static_configs"] : []) {
      for (const target of isRecord(sd) && Array.isArray(sd["targets"]) ? sd["targets"] : []) {
        targets.push({ job: name, ...hostAndPort(String(target), `${mount.source} ${name}`), metricsPath });
      }
    }
    for (const sd of Array.isArray(job["dns_sd_configs"]) ? job["dns_sd_configs"] : []) {
      if (!isRecord(sd)) continue;
      for (const host of Array.isArray(sd["names"]) ? sd["names"] : []) targets.push({ job: name, host: String(host), port: Number(sd["port"]), metricsPath });
    }
  }
  return targets;
}

/** The worker listens where it publishes its port and where Prometheus scrapes it. */
export const checkHttpPort: Check = (deployment) => {
  const problems: string[] = [];
  const port = serviceConfig(deployment, WORKER).http.port;
  const published = publishedContainerPorts(deployment, WORKER);
  if (!published.includes(port)) problems.push(`${WORKER}: HOTLINE_HTTP_PORT is ${port}, but the service publishes container port(s) ${published.join(", ") || "none"}`);
  const targets = scrapeTargets(deployment).filter((target) => target.host === WORKER);
  if (targets.length === 0) problems.push(`${PROMETHEUS}: no scrape target names the service "${WORKER}"`);
  for (const target of targets) {
    if (target.port !== port) problems.push(`${PROMETHEUS}: job ${target.job} scrapes ${WORKER}:${target.port}, but HOTLINE_HTTP_PORT is ${port}`);
    if (target.metricsPath !== "/metrics") problems.push(`${PROMETHEUS}: job ${target.job} scrapes ${target.metricsPath}, not /metrics`);
  }
  const dockerfile = deployment.readText("Dockerfile");
  if (!new RegExp(`^EXPOSE\\s+(?:\\d+\\s+)*${port}\\b`, "m").test(dockerfile)) problems.push(`Dockerfile: does not EXPOSE ${port}`);
  return problems;
};

/** Topics kafka-init creates, with their partition counts. */
export function createdTopics(deployment: Deployment): Map<string, number> {
  const topics = new Map<string, number>();
  for (const line of command(deployment, KAFKA_INIT).split(/\n|&&|;/)) {
    if (!/kafka-topics(\.sh)?\s/.test(line) || !/\s--create(\s|$)/.test(line)) continue;
    const topic = /--topic[ =](\S+)/.exec(line)?.[1];
    const partitions = /--partitions[ =](\d+)/.exec(line)?.[1];
    if (topic !== undefined) topics.set(topic, partitions === undefined ? 1 : Number(partitions));
  }
  return topics;
}

/** The worker's topic and dead-letter topic are created by kafka-init (auto-creation is off); the simulator produces to the worker's topic. */
export const checkTopics: Check = (deployment) => {
  const problems: string[] = [];
  const topics = createdTopics(deployment);
  const worker = serviceConfig(deployment, WORKER).kafka;
  const simulator = serviceConfig(deployment, SIMULATOR).kafka;
  if (worker === undefined || simulator === undefined) return [`${WORKER} and ${SIMULATOR} must both set KAFKA_BROKERS`];
  const created = [...topics.keys()].join(", ") || "none";
  if (!topics.has(worker.topic)) problems.push(`${WORKER}: KAFKA_TOPIC=${worker.topic} is not created by ${KAFKA_INIT} (it creates ${created})`);
  if (!topics.has(worker.deadLetterTopic)) problems.push(`${WORKER}: KAFKA_DEAD_LETTER_TOPIC=${worker.deadLetterTopic} is not created by ${KAFKA_INIT} (it creates ${created})`);
  if (simulator.topic !== worker.topic) problems.push(`${SIMULATOR}: KAFKA_TOPIC=${simulator.topic}, but the worker consumes ${worker.topic}`);
  if (environment(deployment, KAFKA)["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] !== "false") problems.push(`${KAFKA}: KAFKA_AUTO_CREATE_TOPICS_ENABLE should be "false" (a typo in a topic name would otherwise create it)`);
  return problems;
};

function grafanaProvisioningDir(deployment: Deployment): string {
  const mount = bindMounts(deployment, GRAFANA).find((m) => m.target.replace(/\/$/, "") === "/etc/grafana/provisioning");
  if (mount === undefined) throw new Error(`${GRAFANA}: nothing is mounted at /etc/grafana/provisioning`);
  return mount.source;
}

/** The provisioned data sources (every YAML file under provisioning/datasources). */
export function datasources(deployment: Deployment): JsonRecord[] {
  const folder = path.posix.join(grafanaProvisioningDir(deployment), "datasources");
  return deployment
    .list(folder)
    .filter((file) => /\.ya?ml$/.test(file))
    .flatMap((file) => {
      const list = readYaml(deployment, path.posix.join(folder, file))["datasources"];
      return Array.isArray(list) ? list.filter(isRecord) : [];
    });
}

function clickHouseDatasource(deployment: Deployment): { jsonData: JsonRecord; secure: JsonRecord; uid: unknown } {
  const found = datasources(deployment).filter((ds) => ds["type"] === "grafana-clickhouse-datasource");
  const [ds] = found;
  if (ds === undefined || found.length !== 1) throw new Error(`${GRAFANA}: expected one grafana-clickhouse-datasource data source, found ${found.length}`);
  const jsonData = isRecord(ds["jsonData"]) ? ds["jsonData"] : {};
  const secure = isRecord(ds["secureJsonData"]) ? ds["secureJsonData"] : {};
  return { jsonData, secure, uid: ds["uid"] };
}

/** Grafana's ClickHouse data source reaches the clickhouse service over HTTP, in the worker's database. */
export const checkGrafanaDatasource: Check = (deployment) => {
  const problems: string[] = [];
  const { jsonData, uid } = clickHouseDatasource(deployment);
  const httpPort = clickHouseHttpPort(deployment);
  const database = serviceConfig(deployment, WORKER).database;
  if (uid !== "clickhouse") problems.push(`${GRAFANA}: the ClickHouse data source's uid is ${String(uid)}, dashboards expect "clickhouse"`);
  if (jsonData["host"] !== CLICKHOUSE) problems.push(`${GRAFANA}: the ClickHouse data source's host is ${String(jsonData["host"])}, not the service "${CLICKHOUSE}"`);
  if (Number(jsonData["port"]) !== httpPort) problems.push(`${GRAFANA}: the ClickHouse data source's port is ${String(jsonData["port"])}, but ClickHouse serves HTTP on ${httpPort}`);
  if (jsonData["protocol"] !== "http") problems.push(`${GRAFANA}: the ClickHouse data source's protocol is ${String(jsonData["protocol"])}, but port ${httpPort} speaks http`);
  if (jsonData["defaultDatabase"] !== database) problems.push(`${GRAFANA}: the ClickHouse data source's defaultDatabase is ${String(jsonData["defaultDatabase"])}, but the worker writes to ${database} (CLICKHOUSE_DATABASE)`);
  if (environment(deployment, CLICKHOUSE)["CLICKHOUSE_DB"] !== database) problems.push(`${CLICKHOUSE}: CLICKHOUSE_DB is not the worker's database ${database}`);
  const prometheus = datasources(deployment).find((ds) => ds["type"] === "prometheus");
  if (prometheus === undefined || prometheus["uid"] !== "prometheus") problems.push(`${GRAFANA}: no Prometheus data source with uid "prometheus"`);
  else {
    const { host, port } = hostAndPort(String(prometheus["url"]), `${GRAFANA} Prometheus url`);
    if (host !== PROMETHEUS || port !== 9090) problems.push(`${GRAFANA}: the Prometheus data source points at ${host}:${port}, not ${PROMETHEUS}:9090`);
  }
  return problems;
};

// Minimal XML reading for the users.d files: comments dropped, first element of a name.
function withoutComments(xml: string): string {
  return xml.replace(/<!--[\s\S]*?-->/g, "");
}

function element(xml: string, tag: string): { attributes: string; body: string } | undefined {
  const pattern = new RegExp(`<${tag}(\\s[^>]*?)?(?:/>|>([\\s\\S]*?)</${tag}>)`);
  const match = pattern.exec(xml);
  return match === null ? undefined : { attributes: match[1] ?? "", body: match[2] ?? "" };
}

function text(xml: string, tag: string): string | undefined {
  return element(xml, tag)?.body.trim();
}

/** The read-only user the data source logs in as exists in a users.d file mounted into ClickHouse, with readonly=1 and SELECT on the database only. */
export const checkReadOnlyUser: Check = (deployment) => {
  const problems: string[] = [];
  const { jsonData, secure } = clickHouseDatasource(deployment);
  const username = String(jsonData["username"]);
  const database = serviceConfig(deployment, WORKER).database;
  const files = bindMounts(deployment, CLICKHOUSE).filter((m) => m.target.startsWith("/etc/clickhouse-server/users.d/"));
  const configs = bindMounts(deployment, CLICKHOUSE).filter((m) => m.target.startsWith("/etc/clickhouse-server/config.d/"));
  const xml = files.map((m) => withoutComments(deployment.readText(m.source))).join("\n");
  const user = element(text(xml, "users") ?? "", username);
  if (user === undefined) return [`${CLICKHOUSE}: the data source's user "${username}" is not defined in a users.d file mounted into the clickhouse service (${files.map((m) => m.source).join(", ") || "none mounted"})`];
  const profileName = text(user.body, "profile");
  const profile = profileName === undefined ? undefined : element(text(xml, "profiles") ?? "", profileName);
  if (profile === undefined) return [`${CLICKHOUSE}: user ${username}'s profile "${profileName ?? "(none)"}" is not defined`];
  const constraints = text(profile.body, "constraints") ?? "";
  const settings = profile.body.replace(/<constraints>[\s\S]*<\/constraints>/, "");
  if (text(settings, "readonly") !== "1") problems.push(`${CLICKHOUSE}: profile ${profileName ?? ""} of ${username} must set readonly=1 (has ${text(settings, "readonly") ?? "none"})`);
  const grants = [...user.body.matchAll(/<query>([\s\S]*?)<\/query>/g)].map((m) => (m[1] ?? "").trim());
  if (grants.length === 0 || grants.some((grant) => !new RegExp(`^GRANT SELECT ON ${database}\\.\\*$`, "i").test(grant))) {
    problems.push(`${CLICKHOUSE}: ${username} should be granted exactly SELECT ON ${database}.* (has ${grants.join("; ") || "no grants: full access"})`);
  }
  // The plugin sends its query timeout as max_execution_time, which readonly=1 refuses unless allowed.
  const timeout = element(constraints, "max_execution_time");
  const queryTimeout = Number(jsonData["queryTimeout"] ?? 60);
  if (timeout === undefined || !/<changeable_in_readonly\s*\/>/.test(timeout.body)) {
    problems.push(`${CLICKHOUSE}: profile ${profileName ?? ""} must let max_execution_time change in readonly mode (constraint with <changeable_in_readonly/>): Grafana's plugin sets it on every query`);
  } else {
    const min = Number(text(timeout.body, "min") ?? 0);
    const max = Number(text(timeout.body, "max") ?? Infinity);
    if (queryTimeout < min || queryTimeout > max) problems.push(`${GRAFANA}: queryTimeout ${queryTimeout} is outside the max_execution_time constraint [${min}, ${max}]`);
    const replaces = configs.some((m) => /<settings_constraints_replace_previous>\s*true\s*</.test(deployment.readText(m.source)));
    if (!replaces) problems.push(`${CLICKHOUSE}: changeable_in_readonly needs access_control_improvements/settings_constraints_replace_previous=true in a mounted config.d file`);
  }
  // The password Grafana sends is the one ClickHouse expects.
  const password = String(secure["password"] ?? "");
  const grafanaVariable = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(password)?.[1];
  const sent = grafanaVariable === undefined ? password : environment(deployment, GRAFANA)[grafanaVariable];
  const passwordElement = element(user.body, "password");
  const fromEnv = /from_env="([^"]+)"/.exec(passwordElement?.attributes ?? "")?.[1];
  const expected = fromEnv === undefined ? passwordElement?.body.trim() : environment(deployment, CLICKHOUSE)[fromEnv];
  if (sent === undefined || sent === "" || sent !== expected) {
    problems.push(`${GRAFANA}: the data source's password (${password}) does not match ${username}'s password in users.d${fromEnv === undefined ? "" : ` (the clickhouse service's ${fromEnv})`}`);
  }
  return problems;
};

/** Every file or folder a service mounts from the repository, and every secret file, exists; so does the build context's Dockerfile. */
export const checkMountedFilesExist: Check = (deployment) => {
  const problems: string[] = [];
  for (const name of Object.keys(services(deployment))) {
    for (const mount of bindMounts(deployment, name)) {
      if (!deployment.exists(mount.source)) problems.push(`${name}: mounts ${mount.source} at ${mount.target}, but ${mount.source} does not exist`);
    }
    const build = service(deployment, name)["build"];
    const context = typeof build === "string" ? build : isRecord(build) && typeof build["context"] === "string" ? build["context"] : undefined;
    if (context !== undefined) {
      const dockerfile = isRecord(build) && typeof build["dockerfile"] === "string" ? build["dockerfile"] : "Dockerfile";
      if (!deployment.exists(path.posix.join(context, dockerfile))) problems.push(`${name}: builds ${path.posix.join(context, dockerfile)}, which does not exist`);
    }
  }
  const secrets = deployment.compose["secrets"];
  for (const [name, definition] of Object.entries(isRecord(secrets) ? secrets : {})) {
    if (!isRecord(definition) || typeof definition["file"] !== "string") continue;
    const file = hostPath(interpolate(definition["file"], `secrets.${name}.file`));
    if (!deployment.exists(file)) problems.push(`secrets.${name}: file ${file} does not exist`);
  }
  return problems;
};

/** The image runs the package's bin, ships the migrations and checks /healthz. */
export const checkDockerfile: Check = (deployment) => {
  const problems: string[] = [];
  const dockerfile = deployment.readText("Dockerfile");
  const pkg: unknown = JSON.parse(deployment.readText("package.json"));
  const bin = isRecord(pkg) && isRecord(pkg["bin"]) ? pkg["bin"]["hotline-sensor"] : undefined;
  if (!dockerfile.includes(`ENTRYPOINT ["node", "${String(bin)}"]`)) problems.push(`Dockerfile: ENTRYPOINT should run package.json's bin ${String(bin)}`);
  if (!/^COPY\s+(?:--\S+\s+)*schemas\s/m.test(dockerfile)) problems.push("Dockerfile: the runtime stage must copy schemas/ (migrations are read at run time)");
  if (!/^COPY\s+(?:--\S+\s+)*\S*package\.json\s/m.test(dockerfile.split(/^FROM /m).at(-1) ?? "")) problems.push("Dockerfile: the runtime stage must copy package.json (it marks the package root)");
  if (!/^HEALTHCHECK[\s\S]*\/healthz/m.test(dockerfile)) problems.push("Dockerfile: HEALTHCHECK should ask /healthz");
  if (!/^USER\s+(?!root\b|0\b)\S+/m.test(dockerfile)) problems.push("Dockerfile: the image should run as a non-root USER");
  for (const key of Object.keys(imageEnvironment(deployment))) {
    if (!/^(HOTLINE|KAFKA|CLICKHOUSE)_/.test(key)) continue;
    const why = unknownVariable(key);
    if (why !== undefined) problems.push(`Dockerfile: ENV ${why}`);
  }
  const ignored = deployment.exists(".dockerignore") ? deployment.readText(".dockerignore").split("\n").map((line) => line.trim()) : [];
  for (const needed of ["src", "schemas", "package.json", "package-lock.json", "tsconfig.json", "tsconfig.build.json"]) {
    if (ignored.includes(needed) || ignored.includes(`${needed}/`)) problems.push(`.dockerignore: excludes ${needed}, which the build needs`);
  }
  return problems;
};
