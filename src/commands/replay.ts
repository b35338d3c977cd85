// `hotline-sensor replay <file|->`: a finite NDJSON stream into the configured store, with progress
// on the terminal; resolves once everything is durable and departments and districts are scored.
import type { Config } from "../config.js";
import { createDerivers } from "../detectors/index.js";
import { scorePerformance } from "../performance/score.js";
import type { PipelineProgress } from "../pipeline/pipeline.js";
import { createNdjsonSource } from "../sources/ndjson.js";
import type { Logger } from "../telemetry/log.js";
import { openWorkerParts, runPipeline } from "./worker.js";
import { createProgressReporter } from "./progress.js";

export async function replayCommand(config: Config, logger: Logger, file: string): Promise<PipelineProgress> {
  const parts = await openWorkerParts(config, logger);
  const reporter = createProgressReporter(process.stderr, "replay");
  try {
    const progress = await runPipeline(parts, { source: createNdjsonSource({ file }), onBatch: reporter.update, derivers: () => createDerivers(config) });
    reporter.done(progress);
    if (progress.stored > 0) {
      const scored = await scorePerformance(parts.store, { timeZone: config.timezone, config: config.performance.settings });
      logger.info(scored, "passive performance scored");
    }
    return progress;
  } finally {
    await parts.store.close();
  }
}
