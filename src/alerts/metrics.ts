// The alerter's metrics, on the registry it is given (never the global one).
import { Counter, Gauge, type Registry } from "prom-client";

export interface AlertMetrics {
  /** outcome: sent, retried (an attempt failed and will be retried), failed (gave up), dropped (queue full), silenced, acknowledged (not sent). */
  readonly deliveries: Counter<"platform" | "outcome">;
  readonly raised: Counter<"severity">;
  readonly deduplicated: Counter;
  readonly malformedRows: Counter;
  readonly queueDepth: Gauge;
  /** Digest messages sent (each also counts its alerts under deliveries, outcome sent). */
  readonly digests: Counter<"platform">;
}

export function createAlertMetrics(registry: Registry): AlertMetrics {
  const registers = [registry];
  return {
    deliveries: new Counter({
      name: "hotline_sensor_alert_deliveries_total",
      help: "Chat alert deliveries by platform and outcome: sent, retried, failed (gave up), dropped (queue full).",
      labelNames: ["platform", "outcome"],
      registers,
    }),
    raised: new Counter({ name: "hotline_sensor_alerts_raised_total", help: "Alerts recorded in the outbox (new or grown results), by severity.", labelNames: ["severity"], registers }),
    deduplicated: new Counter({ name: "hotline_sensor_alerts_deduplicated_total", help: "Alert candidates skipped because the result was already announced at that rung and severity.", registers }),
    malformedRows: new Counter({ name: "hotline_sensor_alert_malformed_rows_total", help: "Result rows the alerter could not read (a bug upstream); they raise no alert.", registers }),
    digests: new Counter({ name: "hotline_sensor_alert_digests_total", help: "Digest messages sent (several alerts in one message), by platform.", labelNames: ["platform"], registers }),
    queueDepth: new Gauge({ name: "hotline_sensor_alert_queue_depth", help: "Deliveries waiting (not yet recorded or not yet sent), across receivers.", registers }),
  };
}
