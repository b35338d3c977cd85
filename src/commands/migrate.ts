// `hotline-sensor migrate`: applies pending migrations to the configured store and exits.
import type { Config } from "../config.js";
import type { Logger } from "../telemetry/log.js";
import { applyMigrations, openStore } from "../wiring.js";

export async function migrateCommand(config: Config, logger: Logger): Promise<void> {
  const store = await openStore(config);
  try {
    await applyMigrations(store, config, logger);
  } finally {
    await store.close();
  }
}
