// The alert routing file (YAML): receivers (chat robots and webhooks), routes (which alerts go to
// which receivers), severity overrides and delivery limits. Validated once with zod, secrets
// resolved from inline values, environment variables or files, then frozen. docs/alerts.md
// documents the format; deploy/alerts.example.yaml is a full example.
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { scrubText } from "../contract/personal-data.js";
import { SensorError } from "../errors.js";
import type { Silence } from "./silence.js";
import { ALERT_KINDS, SEVERITIES, type AlertKind, type Severity } from "./severity.js";

export const PLATFORMS = ["wecom", "dingtalk", "feishu", "slack", "webhook"] as const;
export type PlatformName = (typeof PLATFORMS)[number];

/** Requests per minute each platform accepts per robot; used when a receiver sets none. */
export const DEFAULT_RATE_PER_MINUTE: Readonly<Record<PlatformName, number>> = {
  wecom: 20,
  dingtalk: 20,
  feishu: 100,
  slack: 60,
  webhook: 600,
};

const secretRef = z.union(
  [
    z.string().min(1, "must not be empty"),
    z.strictObject({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name") }),
    z.strictObject({ file: z.string().min(1, "must be a file path") }),
  ],
  { error: "must be a value, { env: NAME } or { file: /path }" },
);
type SecretRef = z.infer<typeof secretRef>;

const severity = z.enum(SEVERITIES, { error: `must be one of ${SEVERITIES.join(", ")}` });
const kindFilter = z.string().refine((k) => ALERT_KINDS.some((known) => known === k || known.startsWith(`${k}.`)), {
  error: (issue) => `unknown alert kind ${JSON.stringify(issue.input)}: use one of ${ALERT_KINDS.join(", ")} or a prefix such as repeat`,
});
const ms = (min: number, max: number) => z.number({ error: "must be a number of milliseconds" }).int("must be a whole number").min(min).max(max);
const name = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "must be 1–64 letters, digits, '.', '_' or '-'");

const receiverSchema = z.strictObject({
  platform: z.enum(PLATFORMS, { error: `must be one of ${PLATFORMS.join(", ")}` }),
  url: secretRef,
  secret: secretRef.optional(),
  ratePerMinute: z.number().int().min(1).max(100_000).optional(),
});

const routeSchema = z.strictObject({
  name,
  receivers: z.array(name).min(1, "must name at least one receiver"),
  minSeverity: severity.optional(),
  kinds: z.array(kindFilter).optional(),
  districts: z.array(z.string().min(1)).optional(),
  categories: z.array(z.string().min(1)).optional(),
  departments: z.array(z.string().min(1)).optional(),
  continue: z.boolean().optional(),
});

const silenceSchema = z
  .strictObject({
    kind: kindFilter.optional(),
    maxSeverity: severity.optional(),
    district: z.string().min(1).optional(),
    category: z.string().min(1).optional(),
    department: z.string().min(1).optional(),
    reason: z.string().min(1, "must say why").max(500),
    createdBy: z.string().min(1).max(64).optional(),
    until: z.iso.datetime({ offset: true, error: "must be an ISO 8601 time with its UTC offset, e.g. 2026-12-01T08:00:00+08:00" }),
  })
  .refine((s) => [s.kind, s.maxSeverity, s.district, s.category, s.department].some((v) => v !== undefined), "must set at least one of kind, maxSeverity, district, category, department");

const fileSchema = z.strictObject({
  grafana: z.strictObject({ url: z.url({ error: "must be an http(s) URL such as http://localhost:3000" }).optional(), orgId: z.number().int().min(1).optional() }).optional(),
  timeZone: z.string().optional(),
  severity: z
    .strictObject({
      minimum: severity.optional(),
      kinds: z.partialRecord(z.enum(ALERT_KINDS, { error: `must be one of ${ALERT_KINDS.join(", ")}` }), z.union([severity, z.literal("off")])).optional(),
    })
    .optional(),
  delivery: z
    .strictObject({
      queueMax: z.number().int().min(1).max(1_000_000).optional(),
      timeoutMs: ms(100, 300_000).optional(),
      retries: z.number().int().min(0).max(100).optional(),
      backoffBaseMs: ms(1, 600_000).optional(),
      backoffMaxMs: ms(1, 3_600_000).optional(),
      maxAgeMs: ms(0, 365 * 86_400_000).optional(),
      ticketIds: z.number().int().min(0).max(50).optional(),
    })
    .optional(),
  digest: z
    .strictObject({
      after: z.number().int().min(1).max(1000),
      windowMs: ms(1_000, 3_600_000).optional(),
      maxAlerts: z.number().int().min(2).max(200).optional(),
    })
    .optional(),
  silences: z.array(silenceSchema).optional(),
  acknowledgements: z.strictObject({ quietMs: ms(0, 30 * 86_400_000).optional() }).optional(),
  receivers: z.record(name, receiverSchema).refine((r) => Object.keys(r).length > 0, "must define at least one receiver"),
  routes: z.array(routeSchema).min(1, "must define at least one route"),
});

export interface ReceiverConfig {
  readonly name: string;
  readonly platform: PlatformName;
  /** The webhook URL: a secret (WeCom keys and DingTalk tokens live in it). */
  readonly url: string;
  /** DingTalk and Feishu signing secret; the generic webhook's HMAC key. */
  readonly secret: string | undefined;
  readonly ratePerMinute: number;
}

export interface RouteConfig {
  readonly name: string;
  readonly receivers: readonly string[];
  readonly minSeverity: Severity | undefined;
  readonly kinds: readonly string[] | undefined;
  readonly districts: readonly string[] | undefined;
  readonly categories: readonly string[] | undefined;
  readonly departments: readonly string[] | undefined;
  /** Keep matching later routes after this one matched (default true: every matching route). */
  readonly continue: boolean;
}

export interface DeliveryConfig {
  /** Deliveries waiting at most; past it the lowest severity is dropped first. */
  readonly queueMax: number;
  readonly timeoutMs: number;
  /** Retries after the first attempt, on network errors, timeouts, 5xx, 429 and platform throttling. */
  readonly retries: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  /** Results whose change is older than this (event time against the clock) raise no alert. */
  readonly maxAgeMs: number;
  /** Ticket ids shown in a message. */
  readonly ticketIds: number;
}

/** Grouping of many alerts for one receiver into one message (off when the routing file has no `digest`). */
export interface DigestConfig {
  /** More than this many alerts reaching one receiver within `windowMs` turn on digests for it. */
  readonly after: number;
  readonly windowMs: number;
  /** Alerts in one digest at most (fewer when the platform's body limit is reached first). */
  readonly maxAlerts: number;
}

export interface AlertConfig {
  readonly grafanaUrl: string;
  readonly grafanaOrgId: number;
  readonly timeZone: string;
  readonly minSeverity: Severity;
  readonly severityOverrides: Readonly<Partial<Record<AlertKind, Severity | "off">>>;
  readonly delivery: DeliveryConfig;
  readonly receivers: readonly ReceiverConfig[];
  readonly routes: readonly RouteConfig[];
  readonly digest: DigestConfig | undefined;
  /** Static silences of the routing file (ids `file:<index>`); the API adds more at run time. */
  readonly silences: readonly Silence[];
  /** How long an acknowledgement keeps growth of its result quiet (0: acknowledgements are only recorded). */
  readonly ackQuietMs: number;
  /** Every secret value, so logs and errors can be scrubbed of them. */
  readonly secrets: readonly string[];
}

export interface LoadOptions {
  /** Where `{ env: NAME }` references are read; the worker's configuration passes its environment. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Overrides `grafana.url` (HOTLINE_GRAFANA_URL). */
  readonly grafanaUrl?: string;
  /** Overrides `timeZone` (HOTLINE_TIMEZONE). */
  readonly timeZone?: string;
}

function invalid(where: string, problems: readonly string[]): SensorError {
  return new SensorError("CONFIG_INVALID", `alert routing file ${where} is invalid:\n  - ${problems.join("\n  - ")}`);
}

/** Reads, validates and resolves the routing file at `path`. */
export function loadAlertConfig(path: string, options: LoadOptions = {}): AlertConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw invalid(path, [`cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)}): set HOTLINE_ALERTS_FILE to a readable YAML file`]);
  }
  return parseAlertConfig(text, path, options);
}

/** Validates and resolves a routing file's text; `where` names it in error messages. */
export function parseAlertConfig(text: string, where: string, options: LoadOptions = {}): AlertConfig {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw invalid(where, [`not valid YAML: ${error instanceof Error ? error.message : String(error)}`]);
  }
  const parsed = fileSchema.safeParse(document ?? {});
  if (!parsed.success) {
    throw invalid(where, parsed.error.issues.map((i) => `${i.path.length === 0 ? "(top level)" : i.path.join(".")}: ${i.message}`));
  }
  const file = parsed.data;
  const env = options.env ?? {};
  const problems: string[] = [];
  const secrets: string[] = [];
  const resolve = (ref: SecretRef, at: string): string => {
    let value: string | undefined;
    if (typeof ref === "string") value = ref;
    else if ("env" in ref) {
      value = env[ref.env];
      if (value === undefined || value.trim() === "") problems.push(`${at}: environment variable ${ref.env} is not set`);
    } else {
      try {
        value = readFileSync(ref.file, "utf8");
      } catch (error) {
        problems.push(`${at}: cannot read ${ref.file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
      }
    }
    const trimmed = value?.trim() ?? "";
    if (trimmed !== "") secrets.push(trimmed);
    return trimmed;
  };

  const receivers: ReceiverConfig[] = [];
  for (const [receiverName, r] of Object.entries(file.receivers)) {
    const url = resolve(r.url, `receivers.${receiverName}.url`);
    const secret = r.secret === undefined ? undefined : resolve(r.secret, `receivers.${receiverName}.secret`);
    // Never echo the URL: it carries the robot's key or token.
    if (url !== "" && !/^https?:\/\/[^\s]+$/.test(url)) problems.push(`receivers.${receiverName}.url: must be an http(s) URL (value not shown: it is a secret)`);
    if ((r.platform === "webhook") && secret === undefined) problems.push(`receivers.${receiverName}.secret: the generic webhook needs a signing secret`);
    receivers.push(Object.freeze({ name: receiverName, platform: r.platform, url, secret, ratePerMinute: r.ratePerMinute ?? DEFAULT_RATE_PER_MINUTE[r.platform] }));
  }
  const routeNames = new Set<string>();
  const routes: RouteConfig[] = file.routes.map((r, i) => {
    if (routeNames.has(r.name)) problems.push(`routes.${i}.name: ${r.name} is used twice: route names must be unique`);
    routeNames.add(r.name);
    for (const receiver of r.receivers) {
      if (!Object.hasOwn(file.receivers, receiver)) problems.push(`routes.${i}.receivers: no receiver named ${receiver} (known: ${Object.keys(file.receivers).join(", ")})`);
    }
    return Object.freeze({
      name: r.name,
      receivers: Object.freeze([...new Set(r.receivers)]),
      minSeverity: r.minSeverity,
      kinds: r.kinds,
      districts: r.districts,
      categories: r.categories,
      departments: r.departments,
      continue: r.continue ?? true,
    });
  });
  const grafanaUrl = (options.grafanaUrl ?? file.grafana?.url ?? "http://localhost:3000").replace(/\/+$/, "");
  if (!/^https?:\/\/\S+$/.test(grafanaUrl)) problems.push(`grafana.url (or HOTLINE_GRAFANA_URL): must be an http(s) URL such as http://localhost:3000`);
  const timeZone = options.timeZone ?? file.timeZone ?? "Asia/Shanghai";
  try {
    new Intl.DateTimeFormat("en", { timeZone });
  } catch {
    problems.push(`timeZone: ${timeZone} is not an IANA time zone such as Asia/Shanghai`);
  }
  const d = file.delivery ?? {};
  const delivery: DeliveryConfig = Object.freeze({
    queueMax: d.queueMax ?? 1000,
    timeoutMs: d.timeoutMs ?? 10_000,
    retries: d.retries ?? 5,
    backoffBaseMs: d.backoffBaseMs ?? 1_000,
    backoffMaxMs: d.backoffMaxMs ?? 60_000,
    maxAgeMs: d.maxAgeMs ?? 86_400_000,
    ticketIds: d.ticketIds ?? 5,
  });
  if (delivery.backoffMaxMs < delivery.backoffBaseMs) problems.push(`delivery.backoffMaxMs: must be at least delivery.backoffBaseMs (${delivery.backoffBaseMs})`);
  const silences: Silence[] = (file.silences ?? []).map((s, i) =>
    Object.freeze({
      silenceId: `file:${i}`,
      kind: s.kind ?? "",
      maxSeverity: s.maxSeverity ?? "",
      districtCode: s.district ?? "",
      categoryCode: s.category ?? "",
      departmentCode: s.department ?? "",
      reason: scrubText(s.reason),
      createdBy: s.createdBy ?? "routing file",
      createdAtMs: 0,
      untilMs: Date.parse(s.until),
    }),
  );
  if (problems.length > 0) throw invalid(where, problems);
  return Object.freeze({
    grafanaUrl,
    grafanaOrgId: file.grafana?.orgId ?? 1,
    timeZone,
    minSeverity: file.severity?.minimum ?? "medium",
    severityOverrides: Object.freeze({ ...(file.severity?.kinds ?? {}) }),
    delivery,
    receivers: Object.freeze(receivers),
    routes: Object.freeze(routes),
    digest: file.digest === undefined ? undefined : Object.freeze({ after: file.digest.after, windowMs: file.digest.windowMs ?? 60_000, maxAlerts: file.digest.maxAlerts ?? 50 }),
    silences: Object.freeze(silences),
    ackQuietMs: file.acknowledgements?.quietMs ?? 6 * 3_600_000,
    secrets: Object.freeze(secrets),
  });
}

/** Replaces every secret (and every query value of a secret URL) in `text` with [redacted]. */
export function redact(text: string, secrets: readonly string[]): string {
  const parts = new Set<string>();
  for (const s of secrets) {
    parts.add(s);
    if (/^https?:\/\//.test(s)) {
      try {
        const url = new URL(s);
        for (const value of url.searchParams.values()) if (value.length >= 6) parts.add(value);
        if (url.pathname.length > 1) parts.add(url.pathname);
      } catch {
        // not a URL after all: the whole value is already covered
      }
    }
  }
  let out = text;
  for (const part of [...parts].sort((a, b) => b.length - a.length)) out = out.split(part).join("[redacted]");
  return out;
}
