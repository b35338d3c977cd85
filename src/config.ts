// Configuration: read from the environment in this one place, validated strictly (errors name the
// variable and what is wrong), frozen and passed down. Nothing else reads process.env.
import path from "node:path";
import { z } from "zod";
import { SensorError } from "./errors.js";
import { loadAlertConfig, type AlertConfig } from "./alerts/config.js";
import { DEFAULT_PERFORMANCE_CONFIG, type PerformanceConfig } from "./performance/config.js";
import { apiTokens, closeHours, codeList, flag, int, nonEmpty, TIERS, timeZone, type ApiToken } from "./config-fields.js";
import { readSecretFiles, SECRET_VARIABLES, type SecretFileWarning } from "./secret-files.js";

export { API_ROLES, type ApiRole, type ApiToken } from "./config-fields.js";
export type { SecretFileWarning } from "./secret-files.js";


/** Every environment variable the worker reads, with its default. The README's table mirrors this. */
export const envSchema = z.strictObject({
  HOTLINE_DATA_DIR: nonEmpty.default("./data"),
  HOTLINE_TIMEZONE: timeZone.default("Asia/Shanghai"),
  HOTLINE_CALLER_HASH_KEY: nonEmpty.min(16, "must be at least 16 characters").optional(),
  HOTLINE_CALLER_HASH_KEY_PREVIOUS: nonEmpty.min(16, "must be at least 16 characters").optional(),
  HOTLINE_SECRET_FILES_STRICT: flag.default(false),
  HOTLINE_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  HOTLINE_BATCH_MAX_ROWS: int(1, 1_000_000).default(10_000),
  HOTLINE_BATCH_MAX_WAIT_MS: int(1, 600_000).default(250),
  HOTLINE_MAX_EVENT_BYTES: int(256, 16 * 1024 * 1024).default(64 * 1024),
  HOTLINE_MAX_FUTURE_SKEW_MS: int(0, 365 * 86_400_000).default(5 * 60_000),
  HOTLINE_STORE_RETRY_MAX_MS: int(100, 600_000).default(30_000),
  HOTLINE_HTTP_HOST: nonEmpty.default("0.0.0.0"),
  HOTLINE_HTTP_PORT: int(0, 65_535).default(8080),
  HOTLINE_METRICS_PORT: int(0, 65_535).optional(),
  HOTLINE_HTTP_HEADERS_TIMEOUT_MS: int(100, 600_000).default(10_000),
  HOTLINE_HTTP_REQUEST_TIMEOUT_MS: int(100, 3_600_000).default(60_000),
  HOTLINE_API_TOKENS: apiTokens.optional(),
  HOTLINE_API_RATE_PER_SECOND: z.coerce.number({ error: "must be a number" }).gt(0).max(1_000_000).default(20),
  HOTLINE_API_RATE_BURST: int(1, 1_000_000).default(40),
  HOTLINE_API_AUTH_FAILURE_RATE_PER_SECOND: z.coerce.number({ error: "must be a number" }).gt(0).max(1_000_000).default(1),
  HOTLINE_API_AUTH_FAILURE_BURST: int(1, 1_000_000).default(10),
  HOTLINE_API_MAX_BODY_BYTES: int(1024, 256 * 1024 * 1024).default(8 * 1024 * 1024),
  HOTLINE_API_MAX_EVENTS: int(1, 1_000_000).default(5_000),
  HOTLINE_DETECT_LATENESS_MS: int(0, 7 * 86_400_000).default(600_000),
  HOTLINE_FLAG_MAX_HOPS: int(2, 100).default(3),
  HOTLINE_FLAG_RETURNS: int(1, 100).default(2),
  HOTLINE_FLAG_EXTENSIONS: int(1, 100).default(2),
  HOTLINE_FLAG_DEPARTMENTS: int(2, 100).default(3),
  HOTLINE_REPEAT_WINDOW_DAYS: int(1, 365).default(30),
  HOTLINE_COLLECTIVE_CALLERS: int(2, 10_000).default(5),
  HOTLINE_COLLECTIVE_WINDOW_HOURS: int(1, 24 * 30).default(24),
  HOTLINE_SIMILAR_TEXT_BITS: int(0, 3).default(3),
  HOTLINE_FREQUENT_CALLER_DAILY: int(2, 10_000).default(8),
  HOTLINE_FREQUENT_CALLER_WINDOW: int(2, 100_000).default(30),
  HOTLINE_IDENTICAL_TEXTS: int(2, 10_000).default(3),
  HOTLINE_OUT_OF_SCOPE_TICKETS: int(1, 10_000).default(3),
  HOTLINE_SPIKE_ALPHA_PER_SERIES_DAY: z.coerce.number({ error: "must be a number" }).gt(0).lt(1).default(4e-3),
  HOTLINE_SPIKE_MIN_COUNT: int(1, 10_000).default(3),
  HOTLINE_SPIKE_WARMUP_DAYS: int(1, 56).default(14),
  HOTLINE_HOTSPOT_H3_RESOLUTION: int(4, 12).default(8),
  HOTLINE_HOTSPOT_RECENT_DAYS: int(1, 60).default(3),
  HOTLINE_HOTSPOT_BASELINE_DAYS: int(7, 365).default(28),
  HOTLINE_CHRONIC_TOP: int(1, 1_000).default(10),
  HOTLINE_PHRASE_MIN_COUNT: int(2, 100_000).default(5),
  HOTLINE_PERF_INTERVAL_MINUTES: int(0, 7 * 24 * 60).default(60),
  HOTLINE_PERF_WINDOW_DAYS: int(1, 365).default(30),
  HOTLINE_PERF_LOOKBACK_DAYS: int(1, 3 * 365).default(92),
  HOTLINE_PERF_MIN_VOLUME: int(1, 1_000_000).default(25),
  HOTLINE_PERF_EXCLUDE_SUSPECTED: flag.default(true),
  HOTLINE_PERF_COUNT_CALLBACK_REOPENS: flag.default(true),
  HOTLINE_PERF_CLOSE_HOURS: closeHours.default({ emergency: 2, utility: 24, general: 7 * 24, complex: 15 * 24 }),
  HOTLINE_PERF_UTILITY_CATEGORIES: codeList.default(["03"]),
  HOTLINE_PERF_COMPLEX_CATEGORIES: codeList.default([]),
  HOTLINE_ALERTS_FILE: nonEmpty.optional(),
  HOTLINE_GRAFANA_URL: z.url({ protocol: /^https?$/, error: "must be an http(s) URL such as http://grafana.example:3000" }).optional(),
  HOTLINE_SIM_SEED: int(0, 2 ** 31 - 1).default(12345),
  HOTLINE_SIM_SIZE: z.enum(["small", "medium", "large"]).default("small"),
  HOTLINE_SIM_SPEEDUP: z.coerce.number().min(0.001).max(1_000_000).default(60),
  KAFKA_BROKERS: nonEmpty.optional(),
  KAFKA_TOPIC: nonEmpty.default("hotline.events"),
  KAFKA_GROUP_ID: nonEmpty.default("hotline-sensor"),
  KAFKA_CLIENT_ID: nonEmpty.default("hotline-sensor"),
  KAFKA_DEAD_LETTER_TOPIC: nonEmpty.default("hotline.events.dlq"),
  KAFKA_SESSION_TIMEOUT_MS: int(1_000, 3_600_000).default(45_000),
  KAFKA_GROUP_INSTANCE_ID: nonEmpty.optional(),
  KAFKA_SECURITY_PROTOCOL: z.enum(["plaintext", "ssl", "sasl_plaintext", "sasl_ssl"]).default("plaintext"),
  KAFKA_SASL_MECHANISM: z.enum(["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]).optional(),
  KAFKA_SASL_USERNAME: nonEmpty.optional(),
  KAFKA_SASL_PASSWORD: nonEmpty.optional(),
  CLICKHOUSE_URL: z.url({ protocol: /^https?$/ }).optional(),
  CLICKHOUSE_USER: nonEmpty.default("default"),
  CLICKHOUSE_PASSWORD: z.string().default(""),
  CLICKHOUSE_DATABASE: nonEmpty.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a plain identifier").default("hotline"),
  CLICKHOUSE_REQUEST_TIMEOUT_MS: int(100, 3_600_000).default(30_000),
  CLICKHOUSE_CLUSTER: nonEmpty.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a plain identifier (the cluster's name in remote_servers)").optional(),
  /** Test-only fault injection: SIGKILL the worker after this many batches were written, before the commit. */
  HOTLINE_FAILPOINT_KILL_BEFORE_COMMIT: int(1, 1_000_000).optional(),
});

/** Variables with our prefixes that belong to other tools (Kafka's scripts) and may share the environment. */
const FOREIGN_VARIABLES: ReadonlySet<string> = new Set(["KAFKA_HOME", "KAFKA_HEAP_OPTS", "KAFKA_OPTS", "KAFKA_JVM_PERFORMANCE_OPTS", "KAFKA_LOG4J_OPTS", "KAFKA_JMX_OPTS", "KAFKA_DEBUG"]);

export interface KafkaConfig {
  readonly brokers: string;
  readonly topic: string;
  readonly groupId: string;
  readonly clientId: string;
  readonly deadLetterTopic: string;
  /** How long the group waits for a silent member (a crashed worker) before rebalancing its partitions. */
  readonly sessionTimeoutMs: number;
  /** Static membership: a restarted worker with the same id gets its partitions back without a rebalance. */
  readonly groupInstanceId: string | undefined;
  /** librdkafka settings for security, passed through as they are. */
  readonly security: Readonly<Record<string, string>>;
}

export interface ClickHouseConfig {
  readonly url: string;
  readonly username: string;
  readonly password: string;
  readonly requestTimeoutMs: number;
  /** Migrations generate ON CLUSTER, Replicated and Distributed DDL for this cluster (README, "ClickHouse cluster"). */
  readonly cluster: string | undefined;
}

export interface Config {
  readonly dataDir: string;
  /** Secret files readable by group or others, accepted because HOTLINE_SECRET_FILES_STRICT is off; the CLI logs one line for each. */
  readonly secretFileWarnings: readonly SecretFileWarning[];
  readonly timezone: string;
  readonly database: string;
  /** The HMAC key for phone and ID numbers; undefined means "generate one under dataDir" (embedded default only). */
  readonly callerHashKey: string | undefined;
  /** During a key rotation, the key being rotated out: rows then carry the caller's key under both (README, "Personal data"). */
  readonly callerHashKeyPrevious: string | undefined;
  readonly logLevel: z.infer<typeof envSchema>["HOTLINE_LOG_LEVEL"];
  readonly batch: { readonly maxRows: number; readonly maxWaitMs: number };
  readonly ingest: { readonly maxEventBytes: number; readonly maxFutureSkewMs: number };
  readonly storeRetryMaxMs: number;
  readonly detect: {
    /** Late events up to this (event time) still count before deadlines and windows are judged. */
    readonly latenessMs: number;
    readonly flags: { readonly maxHops: number; readonly returnsThreshold: number; readonly extensionsThreshold: number; readonly departmentsThreshold: number };
    readonly repeats: { readonly windowMs: number; readonly collectiveCallers: number; readonly collectiveWindowMs: number; readonly maxTextDistance: number };
    readonly callers: { readonly dailyTickets: number; readonly windowTickets: number; readonly identicalTexts: number; readonly outOfScope: number; readonly windowMs: number };
    readonly spikes: { readonly alphaPerSeriesDay: number; readonly minCount: number; readonly warmupDays: number };
    readonly hotspots: { readonly h3Resolution: number; readonly recentDays: number; readonly baselineDays: number; readonly chronicTop: number };
    readonly phrases: { readonly minCount: number };
  };
  readonly performance: {
    /** How often (wall clock) a running worker scores departments and districts; 0 = only after replays and on `score`. */
    readonly intervalMs: number;
    readonly settings: Partial<PerformanceConfig>;
  };
  /** Chat alerts: the routing file, validated with its secrets resolved; undefined when HOTLINE_ALERTS_FILE is unset. */
  readonly alerts: { readonly file: string; readonly routing: AlertConfig } | undefined;
  /** Where links to dashboards point: HOTLINE_GRAFANA_URL, else the routing file's grafana.url, else http://localhost:3000. */
  readonly grafanaUrl: string;
  /**
   * metricsPort: /metrics on a port of its own (and not on the API port) when set. A client must send
   * its headers within headersTimeoutMs and its whole request within requestTimeoutMs, else 408.
   */
  readonly http: { readonly host: string; readonly port: number; readonly metricsPort: number | undefined; readonly headersTimeoutMs: number; readonly requestTimeoutMs: number };
  /** The HTTP API (docs/api.md): bearer tokens with roles, per-token rate limit, request size limits. */
  readonly api: {
    readonly tokens: readonly ApiToken[];
    readonly ratePerSecond: number;
    readonly rateBurst: number;
    readonly maxBodyBytes: number;
    readonly maxEventsPerRequest: number;
    /** Failed authentications per client address: a token bucket of this burst and refill rate; empty: 429. */
    readonly authFailureRatePerSecond: number;
    readonly authFailureBurst: number;
  };
  readonly simulator: { readonly seed: number; readonly size: "small" | "medium" | "large"; readonly speedup: number };
  /** Where events come from: Kafka when KAFKA_BROKERS is set, otherwise the simulator (embedded default). */
  readonly kafka: KafkaConfig | undefined;
  /** Where results go: a ClickHouse server when CLICKHOUSE_URL is set, otherwise chdb under dataDir. */
  readonly clickhouse: ClickHouseConfig | undefined;
  readonly failpoints: { readonly killBeforeCommitAfterBatches: number | undefined };
}

export interface ConfigOverrides {
  readonly dataDir?: string;
}

/** The environment with `*_FILE` secrets read into their plain names (secret-files.ts). */
function resolveSecretFiles(env: Readonly<Record<string, string | undefined>>, problems: string[], warnings: SecretFileWarning[]): Record<string, string | undefined> {
  const resolved: Record<string, string | undefined> = {};
  for (const key of Object.keys(envSchema.shape)) resolved[key] = env[key];
  const strict = envSchema.shape.HOTLINE_SECRET_FILES_STRICT.safeParse(env["HOTLINE_SECRET_FILES_STRICT"] || undefined).data === true;
  Object.assign(resolved, readSecretFiles(env, strict, problems, warnings));
  return resolved;
}

/** Validates the environment once. Throws CONFIG_INVALID naming every variable that is wrong. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>, overrides: ConfigOverrides = {}): Config {
  const problems: string[] = [];
  const warnings: SecretFileWarning[] = [];
  const input = resolveSecretFiles(env, problems, warnings);
  for (const [key, value] of Object.entries(input)) if (value === "") delete input[key];
  for (const key of Object.keys(env)) {
    const known = key in envSchema.shape || SECRET_VARIABLES.some((name) => key === `${name}_FILE`);
    if (/^(HOTLINE|KAFKA|CLICKHOUSE)_/.test(key) && !known && !FOREIGN_VARIABLES.has(key)) {
      problems.push(`${key}: unknown variable (a typo? see the configuration table in the README)`);
    }
  }
  const parsed = envSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join(".")}: ${issue.message}`);
  }
  // Rules across variables, checked on the raw values so they are reported with the others.
  if (input["KAFKA_BROKERS"] !== undefined && input["HOTLINE_CALLER_HASH_KEY"] === undefined) {
    problems.push("HOTLINE_CALLER_HASH_KEY (or HOTLINE_CALLER_HASH_KEY_FILE) is required when KAFKA_BROKERS is set: every worker of a group must hash phones with the same key");
  }
  if (input["HOTLINE_CALLER_HASH_KEY_PREVIOUS"] !== undefined) {
    if (input["HOTLINE_CALLER_HASH_KEY"] === undefined) {
      problems.push("HOTLINE_CALLER_HASH_KEY_PREVIOUS is set without HOTLINE_CALLER_HASH_KEY: a rotation needs the new key as HOTLINE_CALLER_HASH_KEY and the old one as _PREVIOUS");
    } else if (input["HOTLINE_CALLER_HASH_KEY_PREVIOUS"].trim() === input["HOTLINE_CALLER_HASH_KEY"].trim()) {
      problems.push("HOTLINE_CALLER_HASH_KEY_PREVIOUS equals HOTLINE_CALLER_HASH_KEY: give the new key as HOTLINE_CALLER_HASH_KEY and the old one as _PREVIOUS, or unset _PREVIOUS");
    }
  }
  if (input["KAFKA_SASL_MECHANISM"] !== undefined && (input["KAFKA_SASL_USERNAME"] === undefined || input["KAFKA_SASL_PASSWORD"] === undefined)) {
    problems.push("KAFKA_SASL_MECHANISM needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD");
  }
  if (input["CLICKHOUSE_CLUSTER"] !== undefined && input["CLICKHOUSE_URL"] === undefined) {
    problems.push("CLICKHOUSE_CLUSTER needs CLICKHOUSE_URL: the embedded store is a single node");
  }
  if (parsed.success && parsed.data.HOTLINE_HTTP_HEADERS_TIMEOUT_MS > parsed.data.HOTLINE_HTTP_REQUEST_TIMEOUT_MS) {
    problems.push("HOTLINE_HTTP_HEADERS_TIMEOUT_MS is longer than HOTLINE_HTTP_REQUEST_TIMEOUT_MS: the headers are part of the request, so the request needs at least as long");
  }
  if (problems.length > 0 || !parsed.success) {
    throw new SensorError("CONFIG_INVALID", `invalid configuration:\n  - ${problems.join("\n  - ")}`);
  }
  const e = parsed.data;
  // The routing file is read here, once, so a mistake in it stops the worker at start with the others' kind of message.
  const alerts =
    e.HOTLINE_ALERTS_FILE === undefined
      ? undefined
      : {
          file: e.HOTLINE_ALERTS_FILE,
          routing: loadAlertConfig(e.HOTLINE_ALERTS_FILE, { env, timeZone: e.HOTLINE_TIMEZONE, ...(e.HOTLINE_GRAFANA_URL === undefined ? {} : { grafanaUrl: e.HOTLINE_GRAFANA_URL }) }),
        };
  const grafanaUrl = e.HOTLINE_GRAFANA_URL ?? alerts?.routing.grafanaUrl ?? "http://localhost:3000";
  return deepFreeze({ ...toConfig(e, overrides), alerts, grafanaUrl, secretFileWarnings: warnings });
}

function toConfig(e: z.infer<typeof envSchema>, overrides: ConfigOverrides): Omit<Config, "alerts" | "grafanaUrl" | "secretFileWarnings"> {
  const security: Record<string, string> = { "security.protocol": e.KAFKA_SECURITY_PROTOCOL };
  if (e.KAFKA_SASL_MECHANISM !== undefined) {
    security["sasl.mechanisms"] = e.KAFKA_SASL_MECHANISM;
    security["sasl.username"] = e.KAFKA_SASL_USERNAME ?? "";
    security["sasl.password"] = e.KAFKA_SASL_PASSWORD ?? "";
  }
  return {
    dataDir: path.resolve(overrides.dataDir ?? e.HOTLINE_DATA_DIR),
    timezone: e.HOTLINE_TIMEZONE,
    database: e.CLICKHOUSE_DATABASE,
    callerHashKey: e.HOTLINE_CALLER_HASH_KEY,
    callerHashKeyPrevious: e.HOTLINE_CALLER_HASH_KEY_PREVIOUS,
    logLevel: e.HOTLINE_LOG_LEVEL,
    batch: { maxRows: e.HOTLINE_BATCH_MAX_ROWS, maxWaitMs: e.HOTLINE_BATCH_MAX_WAIT_MS },
    ingest: { maxEventBytes: e.HOTLINE_MAX_EVENT_BYTES, maxFutureSkewMs: e.HOTLINE_MAX_FUTURE_SKEW_MS },
    storeRetryMaxMs: e.HOTLINE_STORE_RETRY_MAX_MS,
    detect: {
      latenessMs: e.HOTLINE_DETECT_LATENESS_MS,
      flags: {
        maxHops: e.HOTLINE_FLAG_MAX_HOPS,
        returnsThreshold: e.HOTLINE_FLAG_RETURNS,
        extensionsThreshold: e.HOTLINE_FLAG_EXTENSIONS,
        departmentsThreshold: e.HOTLINE_FLAG_DEPARTMENTS,
      },
      repeats: {
        windowMs: e.HOTLINE_REPEAT_WINDOW_DAYS * 86_400_000,
        collectiveCallers: e.HOTLINE_COLLECTIVE_CALLERS,
        collectiveWindowMs: e.HOTLINE_COLLECTIVE_WINDOW_HOURS * 3_600_000,
        maxTextDistance: e.HOTLINE_SIMILAR_TEXT_BITS,
      },
      callers: {
        dailyTickets: e.HOTLINE_FREQUENT_CALLER_DAILY,
        windowTickets: e.HOTLINE_FREQUENT_CALLER_WINDOW,
        identicalTexts: e.HOTLINE_IDENTICAL_TEXTS,
        outOfScope: e.HOTLINE_OUT_OF_SCOPE_TICKETS,
        windowMs: e.HOTLINE_REPEAT_WINDOW_DAYS * 86_400_000,
      },
      spikes: { alphaPerSeriesDay: e.HOTLINE_SPIKE_ALPHA_PER_SERIES_DAY, minCount: e.HOTLINE_SPIKE_MIN_COUNT, warmupDays: e.HOTLINE_SPIKE_WARMUP_DAYS },
      hotspots: {
        h3Resolution: e.HOTLINE_HOTSPOT_H3_RESOLUTION,
        recentDays: e.HOTLINE_HOTSPOT_RECENT_DAYS,
        baselineDays: e.HOTLINE_HOTSPOT_BASELINE_DAYS,
        chronicTop: e.HOTLINE_CHRONIC_TOP,
      },
      phrases: { minCount: e.HOTLINE_PHRASE_MIN_COUNT },
    },
    performance: {
      intervalMs: e.HOTLINE_PERF_INTERVAL_MINUTES * 60_000,
      settings: {
        observationWindowMs: e.HOTLINE_PERF_WINDOW_DAYS * 86_400_000,
        lookbackMs: e.HOTLINE_PERF_LOOKBACK_DAYS * 86_400_000,
        minVolume: e.HOTLINE_PERF_MIN_VOLUME,
        excludeSuspectedAbuse: e.HOTLINE_PERF_EXCLUDE_SUSPECTED,
        abuseWindowMs: e.HOTLINE_REPEAT_WINDOW_DAYS * 86_400_000,
        countCallbackReopens: e.HOTLINE_PERF_COUNT_CALLBACK_REOPENS,
        tiers: Object.fromEntries(
          TIERS.map((tier) => [tier, { ...DEFAULT_PERFORMANCE_CONFIG.tiers[tier], closeHours: e.HOTLINE_PERF_CLOSE_HOURS[tier] }]),
        ) as PerformanceConfig["tiers"],
        utilityCategoryPrefixes: e.HOTLINE_PERF_UTILITY_CATEGORIES,
        complexCategoryPrefixes: e.HOTLINE_PERF_COMPLEX_CATEGORIES,
      },
    },
    http: {
      host: e.HOTLINE_HTTP_HOST,
      port: e.HOTLINE_HTTP_PORT,
      metricsPort: e.HOTLINE_METRICS_PORT,
      headersTimeoutMs: e.HOTLINE_HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: e.HOTLINE_HTTP_REQUEST_TIMEOUT_MS,
    },
    api: {
      tokens: e.HOTLINE_API_TOKENS ?? [],
      ratePerSecond: e.HOTLINE_API_RATE_PER_SECOND,
      rateBurst: e.HOTLINE_API_RATE_BURST,
      maxBodyBytes: e.HOTLINE_API_MAX_BODY_BYTES,
      maxEventsPerRequest: e.HOTLINE_API_MAX_EVENTS,
      authFailureRatePerSecond: e.HOTLINE_API_AUTH_FAILURE_RATE_PER_SECOND,
      authFailureBurst: e.HOTLINE_API_AUTH_FAILURE_BURST,
    },
    simulator: { seed: e.HOTLINE_SIM_SEED, size: e.HOTLINE_SIM_SIZE, speedup: e.HOTLINE_SIM_SPEEDUP },
    kafka:
      e.KAFKA_BROKERS === undefined
        ? undefined
        : {
            brokers: e.KAFKA_BROKERS,
            topic: e.KAFKA_TOPIC,
            groupId: e.KAFKA_GROUP_ID,
            clientId: e.KAFKA_CLIENT_ID,
            deadLetterTopic: e.KAFKA_DEAD_LETTER_TOPIC,
            sessionTimeoutMs: e.KAFKA_SESSION_TIMEOUT_MS,
            groupInstanceId: e.KAFKA_GROUP_INSTANCE_ID,
            security,
          },
    clickhouse:
      e.CLICKHOUSE_URL === undefined
        ? undefined
        : { url: e.CLICKHOUSE_URL, username: e.CLICKHOUSE_USER, password: e.CLICKHOUSE_PASSWORD, requestTimeoutMs: e.CLICKHOUSE_REQUEST_TIMEOUT_MS, cluster: e.CLICKHOUSE_CLUSTER },
    failpoints: { killBeforeCommitAfterBatches: e.HOTLINE_FAILPOINT_KILL_BEFORE_COMMIT },
  };
}

/** Properties of the configuration that hold secrets (see SECRET_VARIABLES; config.test.ts checks every one is covered). */
const REDACTED_KEYS: ReadonlySet<string> = new Set(["callerHashKey", "callerHashKeyPrevious", "password", "sasl.password", "token"]);

/** The configuration as it may be logged: secrets replaced by "[redacted]". */
export function describeConfig(config: Config): Record<string, unknown> {
  // Chat receivers carry webhook keys and signing secrets: only their names and platforms are shown.
  const alerts = config.alerts && {
    file: config.alerts.file,
    receivers: config.alerts.routing.receivers.map((r) => `${r.name} (${r.platform})`),
    routes: config.alerts.routing.routes.length,
  };
  return JSON.parse(
    JSON.stringify({ ...config, alerts }, (key, value: unknown) =>
      REDACTED_KEYS.has(key) && value !== undefined && value !== "" ? "[redacted]" : value,
    ),
  ) as Record<string, unknown>;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
