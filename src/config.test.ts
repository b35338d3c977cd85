// Unit tests of configuration: defaults, strict validation that names each variable, secrets from files, freezing and redaction.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { describeConfig, envSchema, loadConfig, type Config } from "./config.js";
import { SensorError } from "./errors.js";

type Env = Record<string, string | undefined>;

const HASH_KEY = "caller-hash-key-0123456789abcdef";
const CH_PASSWORD = "clickhouse-pw-7f3a9c";
const SASL_PASSWORD = "sasl-pw-c41e88";

const secretsDir = mkdtempSync(path.join(os.tmpdir(), "hotline-config-test-"));
afterAll(() => rmSync(secretsDir, { recursive: true, force: true }));

function secretFile(name: string, content: string): string {
  const file = path.join(secretsDir, name);
  writeFileSync(file, content);
  return file;
}

/** The CONFIG_INVALID error loadConfig raises for this environment; fails the test if it accepts it. */
function rejection(env: Env): SensorError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof SensorError) return error;
    throw error;
  }
  throw new Error(`expected loadConfig to reject ${JSON.stringify(env)}`);
}

function expectDeeplyFrozen(value: unknown, at = "config"): void {
  if (typeof value !== "object" || value === null) return;
  expect(Object.isFrozen(value), `${at} is frozen`).toBe(true);
  for (const [key, inner] of Object.entries(value)) expectDeeplyFrozen(inner, `${at}.${key}`);
}

describe("loadConfig defaults", () => {
  it("is the embedded default with an empty environment: simulator in, chdb out", () => {
    const config = loadConfig({});
    expect(config.kafka).toBeUndefined();
    expect(config.clickhouse).toBeUndefined();
    expect(config.callerHashKey).toBeUndefined();
    expect(path.isAbsolute(config.dataDir)).toBe(true);
    expect(config.dataDir).toBe(path.resolve("data"));
    expect(config.timezone).toBe("Asia/Shanghai");
    expect(config.database).toBe("hotline");
    expect(config.logLevel).toBe("info");
    expect(config.batch).toEqual({ maxRows: 10_000, maxWaitMs: 250 });
    expect(config.ingest).toEqual({ maxEventBytes: 64 * 1024, maxFutureSkewMs: 300_000 });
    expect(config.storeRetryMaxMs).toBe(30_000);
    expect(config.http).toEqual({ host: "0.0.0.0", port: 8080, headersTimeoutMs: 10_000, requestTimeoutMs: 60_000 });
    expect(config.api).toMatchObject({ authFailureRatePerSecond: 1, authFailureBurst: 10 });
    expect(config.simulator).toEqual({ seed: 12345, size: "small", speedup: 60 });
    expect(config.failpoints).toEqual({ killBeforeCommitAfterBatches: undefined });
  });

  it("treats an empty value as unset, so `VAR=` in a compose file keeps the default", () => {
    const config = loadConfig({ HOTLINE_TIMEZONE: "", HOTLINE_BATCH_MAX_ROWS: "", CLICKHOUSE_URL: "" });
    expect(config.timezone).toBe("Asia/Shanghai");
    expect(config.batch.maxRows).toBe(10_000);
    expect(config.clickhouse).toBeUndefined();
  });

  it("reads numbers with their units and resolves a relative data directory", () => {
    const config = loadConfig({
      HOTLINE_DATA_DIR: "var/hotline",
      HOTLINE_TIMEZONE: "Europe/Berlin",
      HOTLINE_BATCH_MAX_ROWS: "500",
      HOTLINE_BATCH_MAX_WAIT_MS: "1000",
      HOTLINE_STORE_RETRY_MAX_MS: "5000",
      HOTLINE_HTTP_PORT: "0",
      CLICKHOUSE_URL: "https://ch.example:8443",
      CLICKHOUSE_DATABASE: "hotline_test",
    });
    expect(config.dataDir).toBe(path.resolve("var/hotline"));
    expect(config.timezone).toBe("Europe/Berlin");
    expect(config.batch).toEqual({ maxRows: 500, maxWaitMs: 1000 });
    expect(config.storeRetryMaxMs).toBe(5000);
    expect(config.http.port).toBe(0);
    expect(config.database).toBe("hotline_test");
    expect(config.clickhouse).toEqual({ url: "https://ch.example:8443", username: "default", password: "", requestTimeoutMs: 30_000 });
  });

  it("maps passive-performance variables onto the scorer's settings, tiers left out keeping their defaults", () => {
    const c = loadConfig({
      HOTLINE_PERF_WINDOW_DAYS: "14",
      HOTLINE_PERF_CLOSE_HOURS: "general=120, complex=240",
      HOTLINE_PERF_UTILITY_CATEGORIES: "03,07.02",
      HOTLINE_PERF_EXCLUDE_SUSPECTED: "false",
      HOTLINE_PERF_INTERVAL_MINUTES: "0",
    });
    expect(c.performance.intervalMs).toBe(0);
    expect(c.performance.settings).toMatchObject({ observationWindowMs: 14 * 86_400_000, excludeSuspectedAbuse: false, utilityCategoryPrefixes: ["03", "07.02"] });
    expect(c.performance.settings.tiers).toMatchObject({ emergency: { closeHours: 2 }, utility: { closeHours: 24 }, general: { closeHours: 120 }, complex: { closeHours: 240 } });
    expect(rejection({ HOTLINE_PERF_EXCLUDE_SUSPECTED: "maybe", HOTLINE_PERF_UTILITY_CATEGORIES: "03;04" }).message).toMatch(
      /HOTLINE_PERF_EXCLUDE_SUSPECTED: must be true or false[\s\S]*HOTLINE_PERF_UTILITY_CATEGORIES: "03;04" is not a category code/,
    );
  });

  it("lets overrides.dataDir win over HOTLINE_DATA_DIR", () => {
    const config = loadConfig({ HOTLINE_DATA_DIR: "/srv/from-env" }, { dataDir: "from-flag" });
    expect(config.dataDir).toBe(path.resolve("from-flag"));
  });

  it("accepts every batch size in range and rejects every one outside it", () => {
    fc.assert(
      fc.property(fc.integer({ min: -10, max: 2_000_000 }), (rows) => {
        const env = { HOTLINE_BATCH_MAX_ROWS: String(rows) };
        if (rows >= 1 && rows <= 1_000_000) expect(loadConfig(env).batch.maxRows).toBe(rows);
        else expect(rejection(env).message).toContain("HOTLINE_BATCH_MAX_ROWS:");
      }),
      { numRuns: 200 },
    );
  });
});

describe("loadConfig validation", () => {
  it.each([
    ["HOTLINE_BATCH_MAX_ROWS", "abc"],
    ["HOTLINE_BATCH_MAX_ROWS", "1.5"],
    ["HOTLINE_BATCH_MAX_ROWS", "0"],
    ["HOTLINE_TIMEZONE", "Mars/Base"],
    ["CLICKHOUSE_URL", "ftp://x"],
    ["CLICKHOUSE_URL", "not a url"],
    ["CLICKHOUSE_DATABASE", "a;b"],
    ["CLICKHOUSE_DATABASE", "1abc"],
    ["HOTLINE_HTTP_PORT", "65536"],
    ["HOTLINE_LOG_LEVEL", "verbose"],
    ["HOTLINE_SIM_SIZE", "huge"],
    ["HOTLINE_CALLER_HASH_KEY", "too-short"],
    ["KAFKA_SECURITY_PROTOCOL", "tls"],
    ["KAFKA_SASL_MECHANISM", "GSSAPI"],
  ])("rejects %s=%j and names the variable", (name, value) => {
    const error = rejection({ [name]: value });
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.retriable).toBe(false);
    expect(error.message).toContain(`${name}:`);
  });

  it("says what a valid value looks like", () => {
    expect(rejection({ HOTLINE_TIMEZONE: "Mars/Base" }).message).toMatch(/IANA time zone/);
    expect(rejection({ CLICKHOUSE_DATABASE: "a;b" }).message).toMatch(/plain identifier/);
    expect(rejection({ HOTLINE_CALLER_HASH_KEY: "short" }).message).toMatch(/at least 16 characters/);
  });

  it("reports several problems together, one per line", () => {
    const { message } = rejection({ HOTLINE_BATCH_MAX_ROWS: "abc", HOTLINE_TIMEZONE: "Mars/Base", CLICKHOUSE_URL: "ftp://x", HOTLINE_BATCH_ROWS: "5" });
    for (const name of ["HOTLINE_BATCH_MAX_ROWS:", "HOTLINE_TIMEZONE:", "CLICKHOUSE_URL:", "HOTLINE_BATCH_ROWS:"]) expect(message).toContain(name);
    expect(message.split("\n").filter((line) => line.startsWith("  - "))).toHaveLength(4);
  });

  // loadConfig promises to name *every* wrong variable; a cross-variable problem (Kafka without the
  // hash key) must not wait until the operator has fixed an unrelated typo and restarted.
  it("reports a cross-variable problem together with a bad value", () => {
    const { message } = rejection({ HOTLINE_BATCH_MAX_ROWS: "abc", KAFKA_BROKERS: "kafka:9092" });
    expect(message).toContain("HOTLINE_BATCH_MAX_ROWS:");
    expect(message).toContain("HOTLINE_CALLER_HASH_KEY");
  });

  it("refuses a header timeout longer than the request timeout (node would refuse to start the server)", () => {
    const { message } = rejection({ HOTLINE_HTTP_HEADERS_TIMEOUT_MS: "20000", HOTLINE_HTTP_REQUEST_TIMEOUT_MS: "10000" });
    expect(message).toContain("HOTLINE_HTTP_HEADERS_TIMEOUT_MS is longer than HOTLINE_HTTP_REQUEST_TIMEOUT_MS");
    expect(loadConfig({ HOTLINE_HTTP_HEADERS_TIMEOUT_MS: "2000", HOTLINE_HTTP_REQUEST_TIMEOUT_MS: "5000" }).http).toMatchObject({ headersTimeoutMs: 2_000, requestTimeoutMs: 5_000 });
  });

  it.each(["HOTLINE_BATCH_ROWS", "HOTLINE_TIMEZONE_NAME", "KAFKA_BROKER", "CLICKHOUSE_HOST", "HOTLINE_CALLER_HASH_KEY_PATH"])(
    "rejects the unknown variable %s as a likely typo",
    (name) => {
      const { message } = rejection({ [name]: "x" });
      expect(message).toContain(`${name}: unknown variable`);
    },
  );

  it("only defines variables under the checked prefixes, so a typo of any of them is caught", () => {
    for (const name of Object.keys(envSchema.shape)) expect(name).toMatch(/^(HOTLINE|KAFKA|CLICKHOUSE)_[A-Z0-9_]+$/);
  });

  it("allows variables of Kafka's own scripts and of other programs", () => {
    expect(() => loadConfig({ KAFKA_HEAP_OPTS: "-Xmx1G", KAFKA_OPTS: "-Dx=y", PATH: "/usr/bin", HOME: "/root", NODE_ENV: "production" })).not.toThrow();
  });

  it("requires the caller hash key when reading from Kafka", () => {
    const { message } = rejection({ KAFKA_BROKERS: "kafka:9092" });
    expect(message).toContain("HOTLINE_CALLER_HASH_KEY");
    expect(message).toContain("KAFKA_BROKERS");
  });

  it("builds the Kafka settings when brokers and key are given", () => {
    const config = loadConfig({ KAFKA_BROKERS: "a:9092,b:9092", HOTLINE_CALLER_HASH_KEY: HASH_KEY, KAFKA_GROUP_INSTANCE_ID: "worker-1" });
    expect(config.kafka).toEqual({
      brokers: "a:9092,b:9092",
      topic: "hotline.events",
      groupId: "hotline-sensor",
      clientId: "hotline-sensor",
      deadLetterTopic: "hotline.events.dlq",
      sessionTimeoutMs: 45_000,
      groupInstanceId: "worker-1",
      security: { "security.protocol": "plaintext" },
    });
  });

  it.each([
    { KAFKA_SASL_MECHANISM: "PLAIN" },
    { KAFKA_SASL_MECHANISM: "SCRAM-SHA-256", KAFKA_SASL_USERNAME: "writer" },
    { KAFKA_SASL_MECHANISM: "SCRAM-SHA-512", KAFKA_SASL_PASSWORD: SASL_PASSWORD },
  ])("rejects a SASL mechanism without both credentials: %j", (sasl) => {
    const { message } = rejection({ KAFKA_BROKERS: "kafka:9092", HOTLINE_CALLER_HASH_KEY: HASH_KEY, KAFKA_SECURITY_PROTOCOL: "sasl_ssl", ...sasl });
    expect(message).toContain("KAFKA_SASL_MECHANISM");
    expect(message).toMatch(/KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD/);
  });

  it("passes SASL settings to librdkafka when complete", () => {
    const config = loadConfig({
      KAFKA_BROKERS: "kafka:9093",
      HOTLINE_CALLER_HASH_KEY: HASH_KEY,
      KAFKA_SECURITY_PROTOCOL: "sasl_ssl",
      KAFKA_SASL_MECHANISM: "SCRAM-SHA-512",
      KAFKA_SASL_USERNAME: "writer",
      KAFKA_SASL_PASSWORD: SASL_PASSWORD,
    });
    expect(config.kafka?.security).toEqual({
      "security.protocol": "sasl_ssl",
      "sasl.mechanisms": "SCRAM-SHA-512",
      "sasl.username": "writer",
      "sasl.password": SASL_PASSWORD,
    });
  });
});

describe("secrets from *_FILE", () => {
  it("reads each secret from its file and trims the trailing newline and spaces", () => {
    const config = loadConfig({
      HOTLINE_CALLER_HASH_KEY_FILE: secretFile("hash-key", `  ${HASH_KEY}\n`),
      CLICKHOUSE_PASSWORD_FILE: secretFile("ch-password", `${CH_PASSWORD}\r\n`),
      KAFKA_SASL_PASSWORD_FILE: secretFile("sasl-password", `${SASL_PASSWORD}\n`),
      KAFKA_BROKERS: "kafka:9092",
      KAFKA_SASL_MECHANISM: "PLAIN",
      KAFKA_SASL_USERNAME: "writer",
      CLICKHOUSE_URL: "http://clickhouse:8123",
    });
    expect(config.callerHashKey).toBe(HASH_KEY);
    expect(config.clickhouse?.password).toBe(CH_PASSWORD);
    expect(config.kafka?.security["sasl.password"]).toBe(SASL_PASSWORD);
  });

  it("validates a secret read from a file like a plain one", () => {
    const { message } = rejection({ HOTLINE_CALLER_HASH_KEY_FILE: secretFile("short-key", "short\n") });
    expect(message).toContain("HOTLINE_CALLER_HASH_KEY:");
  });

  it("rejects a secret given both directly and as a file", () => {
    const { message } = rejection({ HOTLINE_CALLER_HASH_KEY: HASH_KEY, HOTLINE_CALLER_HASH_KEY_FILE: secretFile("both", HASH_KEY) });
    expect(message).toContain("HOTLINE_CALLER_HASH_KEY and HOTLINE_CALLER_HASH_KEY_FILE are both set");
    expect(message).not.toContain(HASH_KEY);
  });

  it("rejects a missing file and names the variable and the path", () => {
    const missing = path.join(secretsDir, "does-not-exist");
    const { message } = rejection({ CLICKHOUSE_PASSWORD_FILE: missing });
    expect(message).toContain("CLICKHOUSE_PASSWORD_FILE:");
    expect(message).toContain(missing);
    expect(message).toContain("ENOENT");
  });
});

describe("secret files that are unsafe (issue 12)", () => {
  function privateFile(name: string, content: string, mode: number): string {
    const file = secretFile(name, content);
    chmodSync(file, mode);
    return file;
  }

  it.each(["", "\n", "  \n\t \r\n"])("refuses an empty or blank HOTLINE_CALLER_HASH_KEY_FILE (%j), naming the file, instead of generating a key", (content) => {
    const file = privateFile("empty-key", content, 0o600);
    const { message } = rejection({ HOTLINE_CALLER_HASH_KEY_FILE: file });
    expect(message).toContain(`HOTLINE_CALLER_HASH_KEY_FILE: ${file} is empty`);
    expect(message).toContain("unset HOTLINE_CALLER_HASH_KEY_FILE");
  });

  it("refuses every empty secret file, not only the hash key", () => {
    const { message } = rejection({ CLICKHOUSE_URL: "http://clickhouse:8123", CLICKHOUSE_PASSWORD_FILE: privateFile("empty-pw", "\n", 0o600), HOTLINE_API_TOKENS_FILE: privateFile("empty-tokens", "", 0o600) });
    expect(message).toContain("CLICKHOUSE_PASSWORD_FILE:");
    expect(message).toContain("HOTLINE_API_TOKENS_FILE:");
  });

  it.each([0o644, 0o640, 0o604, 0o660])("accepts a secret file of mode %s with a warning naming the variable, the file and its mode", (mode) => {
    const file = privateFile(`open-key-${mode}`, HASH_KEY, mode);
    const config = loadConfig({ HOTLINE_CALLER_HASH_KEY_FILE: file });
    expect(config.callerHashKey).toBe(HASH_KEY);
    expect(config.secretFileWarnings).toEqual([{ variable: "HOTLINE_CALLER_HASH_KEY_FILE", file, mode: `0${mode.toString(8)}` }]);
  });

  it("warns about nothing for files only their owner can read", () => {
    const config = loadConfig({ HOTLINE_CALLER_HASH_KEY_FILE: privateFile("own-key", HASH_KEY, 0o600), HOTLINE_API_TOKENS_FILE: privateFile("own-tokens", "ops:admin:0123456789abcdef0123", 0o400) });
    expect(config.secretFileWarnings).toEqual([]);
  });

  it("refuses a secret file readable by group or others with HOTLINE_SECRET_FILES_STRICT=true, saying what to run", () => {
    const file = privateFile("strict-key", HASH_KEY, 0o644);
    const { message } = rejection({ HOTLINE_CALLER_HASH_KEY_FILE: file, HOTLINE_SECRET_FILES_STRICT: "true" });
    expect(message).toContain(`HOTLINE_CALLER_HASH_KEY_FILE: ${file} can be read by group or others (mode 0644): run chmod 600 ${file}`);
    expect(message).not.toContain(HASH_KEY);
    expect(loadConfig({ HOTLINE_CALLER_HASH_KEY_FILE: privateFile("strict-own-key", HASH_KEY, 0o600), HOTLINE_SECRET_FILES_STRICT: "true" }).callerHashKey).toBe(HASH_KEY);
  });

  it("checks HOTLINE_SECRET_FILES_STRICT like any flag", () => {
    expect(rejection({ HOTLINE_SECRET_FILES_STRICT: "yes" }).message).toContain("HOTLINE_SECRET_FILES_STRICT: must be true or false");
  });
});

describe("the loaded configuration", () => {
  const full = (): Config =>
    loadConfig({
      HOTLINE_CALLER_HASH_KEY: HASH_KEY,
      KAFKA_BROKERS: "kafka:9093",
      KAFKA_SECURITY_PROTOCOL: "sasl_ssl",
      KAFKA_SASL_MECHANISM: "PLAIN",
      KAFKA_SASL_USERNAME: "writer",
      KAFKA_SASL_PASSWORD: SASL_PASSWORD,
      CLICKHOUSE_URL: "http://clickhouse:8123",
      CLICKHOUSE_USER: "hotline_writer",
      CLICKHOUSE_PASSWORD: CH_PASSWORD,
    });

  it("is deeply frozen", () => {
    const config = full();
    expectDeeplyFrozen(config);
    expectDeeplyFrozen(loadConfig({}));
    expect(() => {
      (config.batch as { maxRows: number }).maxRows = 1;
    }).toThrow(TypeError);
    expect(() => {
      (config.kafka?.security as Record<string, string>)["sasl.password"] = "changed";
    }).toThrow(TypeError);
  });

  it("is described without any secret, but with everything else", () => {
    const config = full();
    const text = JSON.stringify(describeConfig(config));
    for (const secret of [HASH_KEY, CH_PASSWORD, SASL_PASSWORD]) expect(text).not.toContain(secret);
    expect(text.match(/\[redacted\]/g)).toHaveLength(3);
    expect(text).toContain("hotline_writer");
    expect(text).toContain("kafka:9093");
    expect(text).toContain('"sasl.username":"writer"');
  });

  it("reads the alert routing file at start: its mistakes are configuration errors, its secrets never described", () => {
    const robotSecret = "SEC-dingtalk-4f1e2d";
    const file = secretFile("alerts.yaml", ["receivers:", "  duty:", "    platform: dingtalk", "    url: https://oapi.dingtalk.com/robot/send?access_token=tok-9a8b7c", "    secret: { env: ROBOT_SECRET }",
      "routes:", "  - name: all", "    receivers: [duty]", ""].join("\n"));
    const config = loadConfig({ HOTLINE_ALERTS_FILE: file, HOTLINE_GRAFANA_URL: "http://grafana.city.gov:3000", ROBOT_SECRET: robotSecret });
    expect(config.alerts?.routing.grafanaUrl).toBe("http://grafana.city.gov:3000");
    const text = JSON.stringify(describeConfig(config));
    expect(text).toContain("duty (dingtalk)");
    for (const secret of [robotSecret, "tok-9a8b7c"]) expect(text).not.toContain(secret);
    const broken = secretFile("broken-alerts.yaml", "receivers: {}\nroutes: []\n");
    expect(() => loadConfig({ HOTLINE_ALERTS_FILE: broken })).toThrow(/alert routing file .*broken-alerts\.yaml is invalid/);
    expect(() => loadConfig({ HOTLINE_ALERTS_FILE: path.join(secretsDir, "missing.yaml") })).toThrow(/set HOTLINE_ALERTS_FILE to a readable YAML file/);
  });

  it("leaves the configuration itself intact when describing it", () => {
    const config = full();
    describeConfig(config);
    expect(config.callerHashKey).toBe(HASH_KEY);
    expect(config.clickhouse?.password).toBe(CH_PASSWORD);
  });

  it("does not claim a secret exists when none was set", () => {
    const text = JSON.stringify(describeConfig(loadConfig({ CLICKHOUSE_URL: "http://clickhouse:8123" })));
    expect(text).not.toContain("[redacted]");
  });
});

describe("every secret", () => {
  const PREVIOUS_KEY = "previous-hash-key-fedcba9876543210";
  const API_TOKEN = "api-token-5b2c9e7d1a3f";
  /** A value for every secret variable; the first test keeps this list complete. */
  const SECRETS: Readonly<Record<string, string>> = {
    HOTLINE_CALLER_HASH_KEY: HASH_KEY,
    HOTLINE_CALLER_HASH_KEY_PREVIOUS: PREVIOUS_KEY,
    CLICKHOUSE_PASSWORD: CH_PASSWORD,
    KAFKA_SASL_PASSWORD: SASL_PASSWORD,
    HOTLINE_API_TOKENS: `grafana:read:${API_TOKEN}`,
  };
  const rest = { KAFKA_BROKERS: "kafka:9092", KAFKA_SASL_MECHANISM: "PLAIN", KAFKA_SASL_USERNAME: "writer", CLICKHOUSE_URL: "http://clickhouse:8123" };

  it("is covered here: each variable whose name says it holds a secret, and only those, may come from a file", () => {
    // HOTLINE_SECRET_FILES_STRICT is a flag about secret files, not a secret
    const looksSecret = Object.keys(envSchema.shape).filter((name) => /KEY|PASSWORD|TOKEN|SECRET/.test(name) && name !== "HOTLINE_SECRET_FILES_STRICT");
    expect(looksSecret.sort()).toEqual(Object.keys(SECRETS).sort());
    for (const name of Object.keys(SECRETS)) expect(() => loadConfig({ [`${name}_FILE`]: path.join(secretsDir, "nope") })).toThrow(`${name}_FILE: cannot read`);
  });

  it("is redacted from the configuration dump, given directly or as a file", () => {
    const direct = JSON.stringify(describeConfig(loadConfig({ ...rest, ...SECRETS })));
    const files = Object.fromEntries(Object.entries(SECRETS).map(([name, value]) => [`${name}_FILE`, secretFile(`every-${name}`, `${value}\n`)]));
    const fromFiles = JSON.stringify(describeConfig(loadConfig({ ...rest, ...files })));
    for (const text of [direct, fromFiles]) {
      for (const value of [HASH_KEY, PREVIOUS_KEY, CH_PASSWORD, SASL_PASSWORD, API_TOKEN]) expect(text).not.toContain(value);
      expect(text.match(/\[redacted\]/g)).toHaveLength(5);
      expect(text).toContain('"name":"grafana"');
    }
  });

  it("never appears in a configuration error, however it is wrong", () => {
    const bad: Record<string, string> = {
      HOTLINE_CALLER_HASH_KEY: "short-key-9x",
      HOTLINE_CALLER_HASH_KEY_PREVIOUS: "short-prev-7y",
      HOTLINE_API_TOKENS: "grafana:reader:tok-9f8e7d6c5b4a3f2e1d, bad name:read:tok-1a2b3c4d5e6f7a8b9c",
    };
    for (const [name, value] of Object.entries(bad)) {
      const { message } = rejection({ ...rest, HOTLINE_CALLER_HASH_KEY: HASH_KEY, [name]: value });
      expect(message).toContain(name);
      for (const part of value.split(/[:,\s]+/).filter((p) => p.length >= 10)) expect(message).not.toContain(part);
    }
    const same = rejection({ HOTLINE_CALLER_HASH_KEY: HASH_KEY, HOTLINE_CALLER_HASH_KEY_PREVIOUS: HASH_KEY });
    expect(same.message).toContain("HOTLINE_CALLER_HASH_KEY_PREVIOUS equals HOTLINE_CALLER_HASH_KEY");
    expect(same.message).not.toContain(HASH_KEY);
    const alone = rejection({ HOTLINE_CALLER_HASH_KEY_PREVIOUS: PREVIOUS_KEY });
    expect(alone.message).toContain("HOTLINE_CALLER_HASH_KEY_PREVIOUS is set without HOTLINE_CALLER_HASH_KEY");
    expect(alone.message).not.toContain(PREVIOUS_KEY);
  });

  it("loads the previous hash key of a rotation", () => {
    const config = loadConfig({ HOTLINE_CALLER_HASH_KEY: HASH_KEY, HOTLINE_CALLER_HASH_KEY_PREVIOUS_FILE: secretFile("previous", `${PREVIOUS_KEY}\n`) });
    expect([config.callerHashKey, config.callerHashKeyPrevious]).toEqual([HASH_KEY, PREVIOUS_KEY]);
    expect(loadConfig({}).callerHashKeyPrevious).toBeUndefined();
  });
});
