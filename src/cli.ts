#!/usr/bin/env node
// The `hotline-sensor` command: parses the command line, validates the configuration once and
// hands both to one command. Exit codes: 0 done, 1 failed, 2 wrong usage or configuration.
import { parseArgs } from "node:util";
import { loadConfig, type Config } from "./config.js";
import { migrateCommand } from "./commands/migrate.js";
import { formatClause, queryCommand } from "./commands/query.js";
import { replayCommand } from "./commands/replay.js";
import { runCommand } from "./commands/run.js";
import { scoreCommand } from "./commands/score.js";
import { simulateCommand } from "./commands/simulate.js";
import { SensorError } from "./errors.js";
import { createLogger } from "./telemetry/log.js";

const USAGE = `hotline-sensor: passive monitoring of a 12345 hotline (Kafka in, ClickHouse out)

Usage:
  hotline-sensor run       [--data DIR] [--speedup N] [--seed N] [--size small|medium|large]
  hotline-sensor replay    <file|->  [--data DIR]
  hotline-sensor simulate  [--seed N] [--days N] [--start YYYY-MM-DD] [--size S] [--out FILE|-]
                           [--kafka] [--rate EVENTS_PER_SECOND] [--incidents random|FILE] [--labels FILE]
                           (--incidents stages labelled incidents: a default random set, or a JSON
                           array of them; --labels writes their ground truth as JSON)
  hotline-sensor query     "<SQL>" [--data DIR] [--format table|json]
  hotline-sensor migrate   [--data DIR]
  hotline-sensor score     [--data DIR] [--as-of ISO-8601 time]
                           (passive performance: judges tickets and scores departments and
                           districts as of the newest stored event, or the given time)

Without KAFKA_BROKERS and CLICKHOUSE_URL, run uses the embedded default: the simulated city in real
time (--speedup, default 60x) into ClickHouse (chdb) under ./data. Other settings come from
environment variables; see the README.`;

const options = {
  data: { type: "string" },
  speedup: { type: "string" },
  seed: { type: "string" },
  size: { type: "string" },
  days: { type: "string" },
  start: { type: "string" },
  out: { type: "string" },
  kafka: { type: "boolean" },
  rate: { type: "string" },
  incidents: { type: "string" },
  labels: { type: "string" },
  format: { type: "string" },
  "as-of": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

class UsageError extends Error {
  /** showUsage false: the message says all there is to fix, on one line. */
  constructor(
    message: string,
    readonly showUsage = true,
  ) {
    super(message);
  }
}

function number(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new UsageError(`--${name} must be a non-negative number, got "${value}"`);
  return parsed;
}

/** Command-line flags override the matching environment variables. */
function withFlags(env: NodeJS.ProcessEnv, values: { seed?: string | undefined; size?: string | undefined; speedup?: string | undefined }): NodeJS.ProcessEnv {
  const merged = { ...env };
  if (values.seed !== undefined) merged["HOTLINE_SIM_SEED"] = values.seed;
  if (values.size !== undefined) merged["HOTLINE_SIM_SIZE"] = values.size;
  if (values.speedup !== undefined) merged["HOTLINE_SIM_SPEEDUP"] = values.speedup;
  return merged;
}

/** Local midnight (in the configured zone) of `day`, or by default of the day `days` before today, so the simulation ends now. */
function startOf(day: string | undefined, days: number, config: Config): number {
  const date = day ?? new Date(Date.now() - days * 86_400_000).toLocaleDateString("en-CA", { timeZone: config.timezone });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new UsageError(`--start must be YYYY-MM-DD, got "${date}"`);
  const utcMidnight = Date.parse(`${date}T00:00:00Z`);
  const offsetMs = Date.parse(new Date(utcMidnight).toLocaleString("en-US", { timeZone: config.timezone }) + " UTC") - utcMidnight;
  return utcMidnight - offsetMs;
}

async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  const [command, ...rest] = positionals;
  if (values.help === true || command === undefined || command === "help") {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined && values.help !== true ? 2 : 0;
  }
  const config = loadConfig(withFlags(process.env, values), values.data === undefined ? {} : { dataDir: values.data });
  const logger = createLogger(config.logLevel);
  for (const { variable, file, mode } of config.secretFileWarnings) {
    logger.warn({ variable, file, mode }, `${variable}: ${file} can be read by group or others: run chmod 600 ${file} (HOTLINE_SECRET_FILES_STRICT=true refuses to start instead)`);
  }
  switch (command) {
    case "run":
      await runCommand(config, logger);
      return 0;
    case "replay": {
      const file = rest[0];
      if (file === undefined) throw new UsageError("replay needs a file, or - for standard input");
      const progress = await replayCommand(config, logger, file);
      process.stdout.write(`${JSON.stringify({ inputs: progress.inputs, stored: progress.stored, already_stored: progress.duplicates, dead_letters: progress.deadLetters, dead_letters_by_reason: progress.deadLettersByReason })}\n`);
      return 0;
    }
    case "simulate": {
      const days = number(values.days, "days", 1);
      const count = await simulateCommand(config, logger, {
        simulation: { seed: config.simulator.seed, size: config.simulator.size, days, startMs: startOf(values.start, days, config) },
        out: values.out ?? "-",
        kafka: values.kafka === true,
        ratePerSecond: number(values.rate, "rate", 0),
        ...(values.incidents === undefined ? {} : { incidents: values.incidents }),
        ...(values.labels === undefined ? {} : { labels: values.labels }),
      });
      logger.info({ events: count }, "simulation written");
      return 0;
    }
    case "query": {
      const sql = rest[0];
      if (sql === undefined) throw new UsageError('query needs SQL, e.g. hotline-sensor query "SELECT count() FROM events"');
      const format = values.format ?? "table";
      if (format !== "table" && format !== "json") throw new UsageError(`--format must be table or json, got "${format}"`);
      const asked = formatClause(sql);
      if (asked !== undefined) {
        throw new UsageError(`query prints rows itself: remove "FORMAT ${asked}" from the SQL and use --format table or --format json (for other formats, run the SQL with clickhouse-client or clickhouse local)`, false);
      }
      await queryCommand(config, sql, format, process.stdout);
      return 0;
    }
    case "migrate":
      await migrateCommand(config, logger);
      return 0;
    case "score": {
      const asOf = values["as-of"];
      const asOfMs = asOf === undefined ? undefined : Date.parse(asOf);
      if (asOfMs !== undefined && !Number.isFinite(asOfMs)) throw new UsageError(`--as-of must be an ISO-8601 time such as 2026-11-01T00:00:00+08:00, got "${asOf}"`);
      const summary = await scoreCommand(config, logger, asOfMs);
      process.stdout.write(`${JSON.stringify({ ...summary, as_of: summary.asOfMs === undefined ? null : new Date(summary.asOfMs).toISOString() })}\n`);
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

/** Exits once stdout is flushed: a pipe would otherwise lose the end of a large query result. */
function exitAfterFlush(code: number): void {
  process.stdout.write("", () => process.exit(code));
}

main(process.argv.slice(2)).then(
  (code) => exitAfterFlush(code),
  (error: unknown) => {
    if (error instanceof UsageError || (error instanceof TypeError && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS"))) {
      process.stderr.write(error instanceof UsageError && !error.showUsage ? `hotline-sensor: ${error.message}\n` : `hotline-sensor: ${error.message}\n\n${USAGE}\n`);
      process.exit(2);
    }
    if (error instanceof SensorError) {
      process.stderr.write(`hotline-sensor: ${error.code}: ${error.message}\n`);
      process.exit(error.code === "CONFIG_INVALID" ? 2 : 1);
    }
    process.stderr.write(`hotline-sensor: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
