// Alerts into chat (issue 5): the worker's own delivery of spikes, hotspots, collective
// complaints and other results to WeCom, DingTalk, Feishu/Lark, Slack and signed webhooks.
// The pipeline calls `offer(rows)` after a batch's results are written; `close()` drains.
import type { Registry } from "prom-client";
import type { TableRows } from "../pipeline/derive.js";
import type { Store } from "../store/port.js";
import type { Logger } from "../telemetry/log.js";
import { systemClock, type Clock } from "./clock.js";
import type { AlertConfig } from "./config.js";
import { Dispatcher } from "./dispatcher.js";
import { createAlertMetrics } from "./metrics.js";
import { Outbox } from "./outbox.js";

export { loadAlertConfig, parseAlertConfig, type AlertConfig, type LoadOptions } from "./config.js";
export type { Clock } from "./clock.js";

export interface AlerterOptions {
  readonly config: AlertConfig;
  /** The migrated store (021_alerts.sql): the outbox and delivery log live there. */
  readonly store: Store;
  readonly logger: Logger;
  /** Metrics are registered here (never on the global registry). */
  readonly registry: Registry;
  readonly clock?: Clock;
  readonly fetch?: typeof fetch;
}

export interface Alerter {
  /** Hands a batch's result rows over; returns at once and never throws. */
  offer(tables: readonly TableRows[]): void;
  /** Stops taking rows and delivers what waits for at most `deadlineMs` (default 10 s). */
  close(deadlineMs?: number): Promise<void>;
  /** Deliveries waiting now (for /readyz or tests). */
  depth(): number;
}

export function createAlerter(options: AlerterOptions): Alerter {
  const dispatcher = new Dispatcher({
    config: options.config,
    outbox: new Outbox(options.store),
    clock: options.clock ?? systemClock,
    fetch: options.fetch ?? globalThis.fetch,
    metrics: createAlertMetrics(options.registry),
    logger: options.logger.child({ component: "alerts" }),
  });
  dispatcher.start();
  return {
    offer: (tables) => dispatcher.offer(tables),
    close: (deadlineMs = 10_000) => dispatcher.close(deadlineMs),
    depth: () => dispatcher.depth(),
  };
}
