// Scores departments and districts again every so often while the worker runs. A failed round
// (ClickHouse away, say) is logged and tried again at the next one; it never stops the worker.
import type { Store } from "../store/port.js";
import type { Logger } from "../telemetry/log.js";
import type { PerformanceConfig } from "./config.js";
import { scorePerformance, type ScoreSummary } from "./score.js";

export interface PerformanceSchedule {
  /** Waits for a round in flight, then stops. */
  stop(): Promise<void>;
}

export interface ScheduleOptions {
  readonly store: Store;
  readonly logger: Logger;
  readonly timeZone: string;
  readonly intervalMs: number;
  readonly settings: Partial<PerformanceConfig>;
  readonly onRound?: (summary: ScoreSummary) => void;
}

export function schedulePerformance(options: ScheduleOptions): PerformanceSchedule {
  const { store, logger, intervalMs } = options;
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<void> | undefined;
  let stopped = false;
  const run = async (): Promise<void> => {
    try {
      const summary = await scorePerformance(store, { timeZone: options.timeZone, config: options.settings });
      logger.info({ ...summary, asOf: summary.asOfMs === undefined ? undefined : new Date(summary.asOfMs).toISOString() }, "passive performance scored");
      options.onRound?.(summary);
    } catch (error) {
      logger.warn({ err: (error as Error).message, retryInMs: intervalMs }, "passive performance scoring failed; trying again at the next round");
    }
  };
  const next = (): void => {
    if (stopped || intervalMs <= 0) return;
    timer = setTimeout(() => {
      round = run().finally(next);
    }, intervalMs);
    timer.unref();
  };
  next();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await round;
    },
  };
}
