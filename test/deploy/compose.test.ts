// Unit tests (no Docker) that docker-compose.yml, its mounted files and the Dockerfile agree with src/config.ts and with each other.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  checkClickHouseUrl,
  checkDockerfile,
  checkGrafanaDatasource,
  checkHttpPort,
  checkKafkaAddress,
  checkMountedFilesExist,
  checkReadOnlyUser,
  checkTopics,
  checkValuesLoad,
  checkVariableNames,
  createdTopics,
  environment,
  imageEnvironment,
  interpolate,
  isRecord,
  loadDeployment,
  run,
  service,
  type Check,
  type Deployment,
  type JsonRecord,
} from "./compose-checks.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const deployment = loadDeployment(ROOT);

/** A deep copy of the deployment whose Compose file (and optionally one repository file) is changed. */
function mutated(change: (compose: JsonRecord) => void, file?: { readonly path: string; readonly edit: (text: string) => string }): Deployment {
  const compose = structuredClone(deployment.compose);
  change(compose);
  return {
    ...deployment,
    compose,
    readText: (name) => {
      const original = deployment.readText(name);
      return file !== undefined && path.posix.normalize(name) === file.path ? file.edit(original) : original;
    },
  };
}

/** The environment map of a service in a mutable copy (the Compose file uses the map form). */
function envOf(compose: JsonRecord, name: string): JsonRecord {
  const services = compose["services"];
  const target = isRecord(services) ? services[name] : undefined;
  const env = isRecord(target) ? target["environment"] : undefined;
  if (!isRecord(env)) throw new Error(`${name} has no environment map`);
  return env;
}

const CHECKS: ReadonlyArray<readonly [string, Check]> = [
  ["every variable on worker and simulator is read by src/config.ts (or is a secret's _FILE)", checkVariableNames],
  ["the worker's and simulator's values pass loadConfig, with the example secret file", checkValuesLoad],
  ["KAFKA_BROKERS is the broker's advertised PLAINTEXT listener", checkKafkaAddress],
  ["CLICKHOUSE_URL names the clickhouse service and its HTTP port, with its user, password and database", checkClickHouseUrl],
  ["HOTLINE_HTTP_PORT is the published port and the Prometheus scrape target", checkHttpPort],
  ["the worker's topics are created by kafka-init and the simulator produces to the worker's topic", checkTopics],
  ["Grafana's ClickHouse data source matches the clickhouse service and database", checkGrafanaDatasource],
  ["the data source's user is read-only in a mounted users.d file, with a matching password", checkReadOnlyUser],
  ["every file mounted from the repository exists", checkMountedFilesExist],
  ["the Dockerfile runs the package's bin as non-root, with schemas/ and a /healthz check", checkDockerfile],
];

describe("docker-compose.yml", () => {
  it.each(CHECKS)("%s", (_title, check) => {
    expect(run(check, deployment)).toEqual([]);
  });

  it("has no obsolete top-level version key", () => {
    expect(Object.keys(deployment.compose)).not.toContain("version");
  });

  it("reads both environment forms, map and list, and Compose defaults", () => {
    const listForm = mutated((compose) => {
      const worker = service({ ...deployment, compose }, "worker");
      worker["environment"] = ["KAFKA_TOPIC=hotline.events", "CLICKHOUSE_PASSWORD=${CLICKHOUSE_PASSWORD:-secret}", "FROM_SHELL"];
    });
    expect(environment(listForm, "worker")).toEqual({ KAFKA_TOPIC: "hotline.events", CLICKHOUSE_PASSWORD: "secret", FROM_SHELL: undefined });
    expect(interpolate("a$$b-${X-y}", "test")).toBe("a$b-y");
    expect(() => interpolate("${NO_DEFAULT}", "test")).toThrow(/no default/);
  });

  it("reads the runtime stage's ENV as the base environment of the built services", () => {
    expect(imageEnvironment(deployment)).toMatchObject({ HOTLINE_DATA_DIR: "/var/lib/hotline-sensor", HOTLINE_HTTP_PORT: "8080" });
  });

  it("creates the topics with the intended partition counts", () => {
    expect(Object.fromEntries(createdTopics(deployment))).toEqual({ "hotline.events": 12, "hotline.events.dlq": 3 });
  });
});

describe("the checks catch mistakes", () => {
  const cases: ReadonlyArray<readonly [string, Check, Deployment, RegExp]> = [
    [
      "a misspelled variable",
      checkVariableNames,
      mutated((compose) => {
        const env = envOf(compose, "worker");
        env["KAFKA_TOPCI"] = env["KAFKA_TOPIC"];
        delete env["KAFKA_TOPIC"];
      }),
      /worker: KAFKA_TOPCI is not a variable of envSchema.*did you mean KAFKA_TOPIC\?/,
    ],
    [
      "a _FILE form of a variable that is not a secret",
      checkVariableNames,
      mutated((compose) => {
        envOf(compose, "simulator")["KAFKA_TOPIC_FILE"] = "/run/secrets/topic";
      }),
      /simulator: KAFKA_TOPIC_FILE is not read: KAFKA_TOPIC is not a secret/,
    ],
    [
      "a value loadConfig rejects",
      checkValuesLoad,
      mutated((compose) => {
        envOf(compose, "worker")["HOTLINE_TIMEZONE"] = "Mars/Olympus_Mons";
      }),
      /worker: the configuration is rejected by loadConfig:.*HOTLINE_TIMEZONE/s,
    ],
    [
      "a secret path no secret provides",
      checkValuesLoad,
      mutated((compose) => {
        envOf(compose, "simulator")["HOTLINE_CALLER_HASH_KEY_FILE"] = "/run/secrets/other_key";
      }),
      /simulator: HOTLINE_CALLER_HASH_KEY_FILE=\/run\/secrets\/other_key, but no secret or bind mount/,
    ],
    [
      "a broker address that is not the advertised listener",
      checkKafkaAddress,
      mutated((compose) => {
        envOf(compose, "worker")["KAFKA_BROKERS"] = "localhost:9092";
      }),
      /worker: KAFKA_BROKERS has "localhost:9092", but the broker advertises PLAINTEXT:\/\/kafka:9092/,
    ],
    [
      "a ClickHouse URL on the native port",
      checkClickHouseUrl,
      mutated((compose) => {
        envOf(compose, "worker")["CLICKHOUSE_URL"] = "http://clickhouse:9000";
      }),
      /CLICKHOUSE_URL's port is 9000, but ClickHouse serves HTTP on 8123/,
    ],
    [
      "an HTTP port Prometheus does not scrape",
      checkHttpPort,
      mutated((compose) => {
        envOf(compose, "worker")["HOTLINE_HTTP_PORT"] = 9464;
      }),
      /HOTLINE_HTTP_PORT is 9464, but the service publishes container port\(s\) 8080/,
    ],
    [
      "a dead-letter topic kafka-init does not create",
      checkTopics,
      mutated((compose) => {
        envOf(compose, "worker")["KAFKA_DEAD_LETTER_TOPIC"] = "hotline.dead-letters";
      }),
      /KAFKA_DEAD_LETTER_TOPIC=hotline\.dead-letters is not created by kafka-init/,
    ],
    [
      "a simulator producing elsewhere",
      checkTopics,
      mutated((compose) => {
        envOf(compose, "simulator")["KAFKA_TOPIC"] = "hotline.events.test";
      }),
      /simulator: KAFKA_TOPIC=hotline\.events\.test, but the worker consumes hotline\.events/,
    ],
    [
      "a data source pointing at another host",
      checkGrafanaDatasource,
      mutated(() => undefined, { path: "dashboards/provisioning/datasources/datasources.yaml", edit: (text) => text.replace("host: clickhouse", "host: clickhous") }),
      /the ClickHouse data source's host is clickhous, not the service "clickhouse"/,
    ],
    [
      "a read-only user that is not read-only",
      checkReadOnlyUser,
      mutated(() => undefined, { path: "deploy/clickhouse/users.d/grafana-readonly.xml", edit: (text) => text.replace("<readonly>1</readonly>", "<readonly>0</readonly>") }),
      /must set readonly=1 \(has 0\)/,
    ],
    [
      "Grafana and ClickHouse disagreeing on the reader's password",
      checkReadOnlyUser,
      mutated((compose) => {
        envOf(compose, "grafana")["GRAFANA_CLICKHOUSE_PASSWORD"] = "something-else";
      }),
      /does not match grafana_reader's password/,
    ],
    [
      "a secret file that does not exist",
      checkMountedFilesExist,
      mutated((compose) => {
        const secrets = compose["secrets"];
        if (isRecord(secrets)) secrets["caller_hash_key"] = { file: "./deploy/secrets/missing" };
      }),
      /secrets\.caller_hash_key: file deploy\/secrets\/missing does not exist/,
    ],
    [
      "a misspelled variable in the Dockerfile's ENV",
      checkDockerfile,
      mutated(() => undefined, { path: "Dockerfile", edit: (text) => text.replace("HOTLINE_DATA_DIR=", "HOTLINE_DATADIR=") }),
      /Dockerfile: ENV HOTLINE_DATADIR is not a variable of envSchema.*did you mean HOTLINE_DATA_DIR\?/,
    ],
  ];

  it.each(cases)("%s", (_title, check, changed, expected) => {
    const problems = run(check, changed);
    expect(problems.join("\n")).toMatch(expected);
  });
});
