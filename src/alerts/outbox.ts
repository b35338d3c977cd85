// The alerts outbox in ClickHouse (schemas/clickhouse/021_alerts.sql): which results were already
// announced and how far, the alerts recorded before they are sent, every delivery attempt, and
// the deliveries a restart must resume. All SQL of the alerts lives here.
import { msToStoreTime, storeTimeToMs } from "../contract/store-time.js";
import type { Store } from "../store/port.js";
import type { Alert } from "./alert.js";
import type { PlatformName } from "./config.js";
import { summaryOf, titleOf } from "./message.js";
import { SEVERITIES, severityRank } from "./severity.js";
import type { Silence } from "./silence.js";

export interface Announced {
  readonly step: number;
  readonly rank: number;
}

export interface RoutedAlert {
  readonly alert: Alert;
  readonly routes: readonly string[];
  readonly receivers: readonly string[];
}

/** silenced: a silence matched, nothing sent; acknowledged: its result was acknowledged recently and it only grew. Both are final. */
export type DeliveryOutcome = "sent" | "retry" | "failed" | "dropped" | "silenced" | "acknowledged";

/** Outcomes after which a receiver is done with an alert (a restart resumes the others). */
export const FINAL_OUTCOMES = ["sent", "failed", "dropped", "silenced", "acknowledged"] as const;

export interface SilenceRow extends Readonly<Record<string, unknown>> {
  readonly silence_id: string;
  readonly kind: string;
  readonly max_severity: string;
  readonly district_code: string;
  readonly category_code: string;
  readonly department_code: string;
  readonly reason: string;
  readonly created_by: string;
  readonly created_at: string;
  readonly until: string;
}

export const SILENCE_COLUMNS = "silence_id, kind, max_severity, district_code, category_code, department_code, reason, created_by, created_at, until";

export function silenceFromRow(r: SilenceRow): Silence {
  const severity = SEVERITIES.find((s) => s === r.max_severity);
  return {
    silenceId: r.silence_id,
    kind: r.kind,
    maxSeverity: severity ?? "",
    districtCode: r.district_code,
    categoryCode: r.category_code,
    departmentCode: r.department_code,
    reason: r.reason,
    createdBy: r.created_by,
    createdAtMs: storeTimeToMs(r.created_at),
    untilMs: storeTimeToMs(r.until),
  };
}

export function silenceToRow(s: Silence, versionMs: number): Record<string, string | number> {
  return {
    silence_id: s.silenceId,
    kind: s.kind,
    max_severity: s.maxSeverity,
    district_code: s.districtCode,
    category_code: s.categoryCode,
    department_code: s.departmentCode,
    reason: s.reason,
    created_by: s.createdBy,
    created_at: msToStoreTime(s.createdAtMs),
    until: msToStoreTime(s.untilMs),
    version: versionMs,
  };
}

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

  /** Silences created through the API that have not expired at `nowMs`. */
  async activeSilences(nowMs: number): Promise<Silence[]> {
    const rows = await this.store.query<SilenceRow>(`SELECT ${SILENCE_COLUMNS} FROM alert_silences FINAL WHERE until > {now:DateTime64(3, 'UTC')}`, { now: msToStoreTime(nowMs) });
    return rows.map(silenceFromRow);
  }

  /** Results (keyed like `keyOf`) of `alerts` acknowledged at or after `sinceMs`. */
  async acknowledged(alerts: readonly Alert[], sinceMs: number): Promise<Set<string>> {
    const keys = [...new Set(alerts.map((a) => resultKey(a.resultTable, a.resultId)))];
    if (keys.length === 0) return new Set();
    const rows = await this.store.query<{ key: string }>(
      `SELECT DISTINCT concat(result_table, '\\0', result_id) AS key FROM alert_acks
       WHERE concat(result_table, '\\0', result_id) IN {keys:Array(String)} AND acked_at >= {since:DateTime64(3, 'UTC')}`,
      { keys, since: msToStoreTime(sinceMs) },
    );
    return new Set(rows.map((r) => r.key));
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
       WHERE (alert_id, receiver) NOT IN (SELECT alert_id, receiver FROM alert_deliveries WHERE outcome IN {final:Array(String)})
       GROUP BY alert_id ORDER BY min(recorded_at)`,
      { since: msToStoreTime(sinceMs), final: [...FINAL_OUTCOMES] },
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
