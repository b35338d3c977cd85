// 运行监控 (hotline-operations): the worker itself, from Prometheus (src/telemetry/metrics.ts):
// consumer lag, throughput, dead letters by reason, write latency and store availability.
import type * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import { commonVariables, Grid, hotlineDashboard, noFilter, UID } from "./common.js";
import { promPanel, tablePanel } from "./panels.js";

const DEAD_LETTERS = `
${noFilter("district", "a dead letter was never read as a ticket")}
${noFilter("category", "a dead letter was never read as a ticket")}
${noFilter("department", "a dead letter was never read as a ticket")}
${noFilter("channel", "a dead letter was never read as a ticket")}
SELECT reason_code AS \`原因\`, count() AS \`死信\`, max(dead_lettered_at) AS \`最近\`, any(reason) AS \`示例\`
FROM dead_letters
WHERE $__timeFilter(dead_lettered_at)
GROUP BY reason_code
ORDER BY reason_code`;

export function operations(): dashboard.Dashboard {
  const board = hotlineDashboard(
    UID.operations,
    "运行监控",
    "The hotline-sensor workers, from Prometheus: Kafka consumer lag, throughput, dead letters by reason, write latency per table and store availability.",
    { from: "now-6h", to: "now" },
  )
    .refresh("30s")
    .variables(commonVariables());
  new Grid(board)
    .add(promPanel("消费延迟 (条)", "Messages between each partition's high watermark and the next offset to read, summed per topic", [["sum by (topic) (hotline_sensor_consumer_lag)", "{{topic}}"], ["max(hotline_sensor_consumer_lag)", "最大分区"]], "short"), 12, 8)
    .add(promPanel("事件时间延迟", "Seconds between now and the occurred_at of the newest stored event, per worker", [["time() - hotline_sensor_last_event_time_seconds", "{{instance}}"]], "s"), 12, 8)
    .add(
      promPanel(
        "吞吐量",
        "Inputs read, events stored and duplicates skipped per second, all workers",
        [
          ["sum(rate(hotline_sensor_events_consumed_total[$__rate_interval]))", "读取"],
          ["sum(rate(hotline_sensor_events_stored_total[$__rate_interval]))", "写入"],
          ["sum by (kind) (rate(hotline_sensor_duplicates_skipped_total[$__rate_interval]))", "跳过重复 {{kind}}"],
        ],
        "ops",
      ),
      12,
      8,
    )
    .add(promPanel("死信 (按原因)", "Inputs rejected at ingest per reason, per interval", [["sum by (reason) (increase(hotline_sensor_dead_letters_total[$__rate_interval]))", "{{reason}}"]], "short"), 12, 8)
    .add(
      promPanel(
        "写入延迟",
        "Time to write one batch into one table: 50th and 99th percentiles",
        [
          ["histogram_quantile(0.5, sum by (le, table) (rate(hotline_sensor_store_write_seconds_bucket[$__rate_interval])))", "p50 {{table}}"],
          ["histogram_quantile(0.99, sum by (le, table) (rate(hotline_sensor_store_write_seconds_bucket[$__rate_interval])))", "p99 {{table}}"],
        ],
        "s",
      ),
      12,
      8,
    )
    .add(
      promPanel(
        "存储可用与重试",
        "1 while every worker's last store write succeeded; retries of batch writes while ClickHouse was unavailable",
        [
          ["min(hotline_sensor_store_available)", "可用"],
          ["sum(increase(hotline_sensor_store_retries_total[$__rate_interval]))", "重试"],
        ],
        "short",
      ),
      12,
      8,
    )
    .add(promPanel("批大小", "Inputs per batch written to the store: median and 90th percentile", [["histogram_quantile(0.5, sum by (le) (rate(hotline_sensor_batch_rows_bucket[$__rate_interval])))", "p50"], ["histogram_quantile(0.9, sum by (le) (rate(hotline_sensor_batch_rows_bucket[$__rate_interval])))", "p90"]], "short"), 12, 8)
    .add(tablePanel("死信原因 (ClickHouse)", "Rejected inputs stored in the time range, by reason, with an example reason text", DEAD_LETTERS), 12, 8);
  return board.build();
}
