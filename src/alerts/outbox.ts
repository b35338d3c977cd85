// The alerts outbox in ClickHouse (schemas/clickhouse/021_alerts.sql): which results were already
// announced and how far, the alerts recorded before they are sent, every delivery attempt, and
// the deliveries a restart must resume. All SQL of the alerts lives here.
import { msToStoreTime } from "../contract/store-time.js";
import type { Store } from "../store/port.js";
import type { Alert } from "./alert.js";
import type { PlatformName } from "./config.js";
import { summaryOf, titleOf } from "./message.js";
import { severityRank } from "./severity.js";

export interface Announced {
  readonly step: number;
  readonly rank: number;
}

export interface RoutedAlert {
  readonly alert: Alert;
  readonly routes: readonly string[];
  readonly receivers: readonly string[];
}

export type DeliveryOutcome = "sent" | "retry" | "failed" | "dropped";

export interface DeliveryRecord {
  readonly alertId: string;
  readonly receiver: string;
  readonly platform: PlatformName;
  readonly attempt: number;
  readonly outcome: DeliveryOutcome;
  readonly httpStatus: number;
  readonly error: string;
  readonly atMs: number;
}

const resultKey = (table: string, id: string) => `${table}\u0000${id}`;

export class Outbox {
  constructor(private readonly store: Store) {}

  /** The highest rung and severity already announced for each result, keyed by table and id. */
  async announced(alerts: readonly Alert[]): Promise<Map<string, Announced>> {
    const keys = [...new Set(alerts.map((a) => resultKey(a.resultTable, a.resultId)))];
    const out = new Map<string, Announced>();
    if (keys.length === 0) return out;
    const rows = await this.store.query<{ key: string; step: number | string; rank: number | string }>(
      `SELECT concat(result_table, '\\0', result_id) AS key, max(step) AS step, max(severity_rank) AS rank
       FROM alerts FINAL WHERE concat(result_table, '\\0', result_id) IN {keys:Array(String)} GROUP BY key`,
      { keys },
    );
    for (const r of rows) out.set(r.key, { step: Number(r.step), rank: Number(r.rank) });
    return out;
  }

  static keyOf(alert: Alert): string {
    return resultKey(alert.resultTable, alert.resultId);
  }

  async record(alerts: readonly RoutedAlert[], nowMs: number): Promise<void> {
    if (alerts.length === 0) return;
    await this.store.insert(
      "alerts",
      alerts.map(({ alert, routes, receivers }) => ({
        alert_id: alert.alertId,
        raised_at: msToStoreTime(alert.raisedAtMs),
        recorded_at: msToStoreTime(nowMs),
        kind: alert.kind,
        change: alert.change,
        step: alert.step,
        severity: alert.severity,
        severity_rank: severityRank(alert.severity),
        title: titleOf(alert),
        summary: summaryOf(alert),
        result_table: alert.resultTable,
        result_id: alert.resultId,
        district_code: alert.districtCode,
        category_code: alert.categoryCode,
        department_code: alert.departmentCode,
        tickets: alert.tickets,
        ticket_ids: alert.ticketIds.slice(0, 20),
        panel_url: alert.panelUrl,
        routes,
        receivers,
        details: JSON.stringify(alert),
        version: nowMs,
      })),
    );
  }

  async logDeliveries(records: readonly DeliveryRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.store.insert(
      "alert_deliveries",
      records.map((r) => ({
        alert_id: r.alertId,
        receiver: r.receiver,
        platform: r.platform,
        attempt: r.attempt,
        outcome: r.outcome,
        http_status: r.httpStatus,
        error: r.error.slice(0, 1000),
        at: msToStoreTime(r.atMs),
      })),
    );
  }

  /**
   * Deliveries recorded since `sinceMs` (worker clock) that no receiver finished (sent, failed or
   * dropped): a restart resumes them. Returns each alert with the receivers still owed.
   */
  async unfinished(sinceMs: number): Promise<RoutedAlert[]> {
    const rows = await this.store.query<{ details: string; routes: string[]; owed: string[] }>(
      `SELECT any(details) AS details, any(routes) AS routes, groupArray(receiver) AS owed
       FROM (SELECT alert_id, details, routes, recorded_at, arrayJoin(receivers) AS receiver FROM alerts FINAL WHERE recorded_at >= {since:DateTime64(3, 'UTC')})
       WHERE (alert_id, receiver) NOT IN (SELECT alert_id, receiver FROM alert_deliveries WHERE outcome IN ('sent', 'failed', 'dropped'))
       GROUP BY alert_id ORDER BY min(recorded_at)`,
      { since: msToStoreTime(sinceMs) },
    );
    const out: RoutedAlert[] = [];
    for (const r of rows) {
      try {
        out.push({ alert: JSON.parse(r.details) as Alert, routes: r.routes, receivers: r.owed });
      } catch {
        // a details text that does not parse cannot be resent; it stays in the table for analysts
      }
    }
    return out;
  }
}
