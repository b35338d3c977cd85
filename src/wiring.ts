// Builds the parts a command needs from the frozen configuration: the store (ClickHouse server or
// embedded chdb), the personal-data hasher and the migrations. No process-wide state.
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Config } from "./config.js";
import { createHasher, type PersonalDataHasher } from "./contract/personal-data.js";
import { SensorError } from "./errors.js";
import { migrate, pendingMigrations, repoMigrationsDir, type MigrationOptions } from "./store/migrations.js";
import type { Store } from "./store/port.js";
import type { Logger } from "./telemetry/log.js";

/** The embedded store lives in `<dataDir>/chdb`; a ClickHouse server is used when CLICKHOUSE_URL is set. */
export async function openStore(config: Config): Promise<Store> {
  // Each adapter is loaded only when used: a deployment against a server never loads chdb's engine.
  if (config.clickhouse !== undefined) {
    const { openClickHouseStore } = await import("./store/clickhouse.js");
    const { cluster: _cluster, ...server } = config.clickhouse;
    return openClickHouseStore({ ...server, database: config.database });
  }
  await mkdir(config.dataDir, { recursive: true });
  const { openChdbStore } = await import("./store/chdb.js");
  return openChdbStore({ dataDir: path.join(config.dataDir, "chdb"), database: config.database });
}

export function migrationOptions(config: Config): MigrationOptions {
  const cluster = config.clickhouse?.cluster;
  return {
    dir: repoMigrationsDir(),
    vars: { timezone: config.timezone },
    now: () => Date.now(),
    ...(cluster === undefined ? {} : { cluster: { name: cluster, database: config.database } }),
  };
}

export async function applyMigrations(store: Store, config: Config, logger: Logger): Promise<void> {
  const { applied, current } = await migrate(store, migrationOptions(config));
  logger.info({ applied, current }, applied.length > 0 ? "migrations applied" : "schema up to date");
}

export async function migrationsApplied(store: Store, config: Config): Promise<boolean> {
  return (await pendingMigrations(store, migrationOptions(config))).length === 0;
}

/**
 * The HMAC key for phone and ID numbers. With Kafka it must be configured (all workers share it);
 * the embedded default generates one on first run and keeps it beside the data, so replays agree.
 */
export async function openHasher(config: Config, logger: Logger): Promise<PersonalDataHasher> {
  if (config.callerHashKey !== undefined && config.callerHashKeyPrevious !== undefined) {
    // never the keys themselves: operators tell which rotation is running from the rows' caller_key_previous
    logger.info("caller hash key rotation: phones are hashed with HOTLINE_CALLER_HASH_KEY and HOTLINE_CALLER_HASH_KEY_PREVIOUS (events.caller_key_previous)");
    return createHasher(Buffer.from(config.callerHashKey, "utf8"), Buffer.from(config.callerHashKeyPrevious, "utf8"));
  }
  if (config.callerHashKey !== undefined) return createHasher(Buffer.from(config.callerHashKey, "utf8"));
  const file = path.join(config.dataDir, "caller-hash.key");
  try {
    return createHasher(Buffer.from((await readFile(file, "utf8")).trim(), "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
      throw new SensorError("CONFIG_INVALID", `cannot read the generated caller hash key ${file}: ${(error as Error).message}`);
    }
  }
  await mkdir(config.dataDir, { recursive: true });
  const key = randomBytes(32).toString("hex");
  await writeFile(file, `${key}\n`, { mode: 0o600, flag: "wx" });
  logger.warn({ file }, "HOTLINE_CALLER_HASH_KEY is not set: generated a key for this data folder; set the variable in production");
  return createHasher(Buffer.from(key, "utf8"));
}
