// `hotline-sensor score`: judges every ticket and scores departments and districts (passive
// performance, 无感监测) as of the newest stored event or a given time, then exits.
import type { Config } from "../config.js";
import { scorePerformance, type ScoreSummary } from "../performance/score.js";
import type { Logger } from "../telemetry/log.js";
import { applyMigrations, openStore } from "../wiring.js";

export async function scoreCommand(config: Config, logger: Logger, asOfMs: number | undefined): Promise<ScoreSummary> {
  const store = await openStore(config);
  try {
    await applyMigrations(store, config, logger);
    return await scorePerformance(store, { timeZone: config.timezone, config: config.performance.settings, ...(asOfMs === undefined ? {} : { asOfMs }) });
  } finally {
    await store.close();
  }
}
