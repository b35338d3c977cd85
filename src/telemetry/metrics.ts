// Every metric the worker exposes, registered on an injected prom-client registry (never the
// global one) so tests and several workers in one process do not collide.
import { collectDefaultMetrics, Counter, Gauge, Histogram, type Registry } from "prom-client";

export interface Metrics {
  readonly eventsConsumed: Counter<"source">;
  readonly eventsStored: Counter<"type">;
  readonly duplicatesSkipped: Counter<"kind">;
  readonly deadLetters: Counter<"reason">;
  readonly batchRows: Histogram;
  readonly storeWriteSeconds: Histogram<"table">;
  readonly storeRetries: Counter;
  readonly storeAvailable: Gauge;
  readonly consumerLag: Gauge<"topic" | "partition">;
  readonly lastEventTime: Gauge;
  /** Kafka mode, on the worker holding the detect lease: events before this were fed to the detectors. */
  readonly detectionWatermark: Gauge;
}

export function createMetrics(registry: Registry, options: { processMetrics: boolean }): Metrics {
  if (options.processMetrics) collectDefaultMetrics({ register: registry, prefix: "hotline_sensor_" });
  const registers = [registry];
  return {
    eventsConsumed: new Counter({ name: "hotline_sensor_events_consumed_total", help: "Inputs read from the source (valid or not).", labelNames: ["source"], registers }),
    eventsStored: new Counter({ name: "hotline_sensor_events_stored_total", help: "Valid events written to the events table, by type.", labelNames: ["type"], registers }),
    duplicatesSkipped: new Counter({
      name: "hotline_sensor_duplicates_skipped_total",
      help: "Inputs already stored before (re-delivery, replay), skipped: kind is event or dead_letter.",
      labelNames: ["kind"],
      registers,
    }),
    deadLetters: new Counter({ name: "hotline_sensor_dead_letters_total", help: "Inputs rejected at ingest, by reason.", labelNames: ["reason"], registers }),
    batchRows: new Histogram({
      name: "hotline_sensor_batch_rows",
      help: "Inputs per batch written to the store.",
      buckets: [1, 10, 100, 500, 1_000, 5_000, 10_000, 50_000],
      registers,
    }),
    storeWriteSeconds: new Histogram({
      name: "hotline_sensor_store_write_seconds",
      help: "Time to write one batch into one table.",
      labelNames: ["table"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    storeRetries: new Counter({ name: "hotline_sensor_store_retries_total", help: "Batch writes retried because the store was unavailable.", registers }),
    storeAvailable: new Gauge({ name: "hotline_sensor_store_available", help: "1 while the last store write succeeded, 0 while retrying.", registers }),
    consumerLag: new Gauge({
      name: "hotline_sensor_consumer_lag",
      help: "Messages between the high watermark and the next offset to read, per Kafka partition.",
      labelNames: ["topic", "partition"],
      registers,
    }),
    lastEventTime: new Gauge({ name: "hotline_sensor_last_event_time_seconds", help: "occurred_at of the newest stored event (Unix seconds).", registers }),
    detectionWatermark: new Gauge({
      name: "hotline_sensor_detection_watermark_seconds",
      help: "Kafka mode, on the worker holding the detect lease: events before this instant (Unix seconds, event time) were fed to the detectors.",
      registers,
    }),
  };
}
