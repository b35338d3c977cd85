// A typed query builder for the ClickHouse data source (plugin grafana-clickhouse-datasource, v4):
// the foundation SDK has no ClickHouse query type, so this implements its cog.Builder<Dataquery>.
// Only the SQL editor is used: every panel's SQL is written here and tested on chdb
// (test/dashboards/), never built in the UI.
import type * as cog from "@grafana/grafana-foundation-sdk/cog";
import type * as common from "@grafana/grafana-foundation-sdk/common";

export const CLICKHOUSE_PLUGIN_ID = "grafana-clickhouse-datasource";
/** The data source uids provisioned in dashboards/provisioning/datasources/datasources.yaml. */
export const CLICKHOUSE: common.DataSourceRef = { type: CLICKHOUSE_PLUGIN_ID, uid: "clickhouse" };
export const PROMETHEUS: common.DataSourceRef = { type: "prometheus", uid: "prometheus" };

/** sqlutil.FormatQueryOption of the plugin's backend: how the rows become data frames. */
export enum ClickHouseFormat {
  TimeSeries = 0,
  Table = 1,
}

/** The plugin's QueryType (what the editor shows, and the default visualisation in Explore). */
export type ClickHouseQueryType = "timeseries" | "table";

/** The query as the plugin stores it in a panel's targets (CHSqlQuery). */
export interface ClickHouseQuery {
  refId: string;
  datasource: common.DataSourceRef;
  editorType: "sql";
  queryType: ClickHouseQueryType;
  format: ClickHouseFormat;
  rawSql: string;
  hide?: boolean;
  _implementsDataqueryVariant(): void;
}

export class ClickHouseQueryBuilder implements cog.Builder<ClickHouseQuery> {
  private readonly internal: ClickHouseQuery;

  constructor(rawSql: string) {
    this.internal = {
      refId: "A",
      datasource: CLICKHOUSE,
      editorType: "sql",
      queryType: "table",
      format: ClickHouseFormat.Table,
      rawSql: rawSql.trim(),
      _implementsDataqueryVariant() {},
    };
  }

  refId(refId: string): this {
    this.internal.refId = refId;
    return this;
  }

  /** Long rows (time, group…, value) turned into one series per group by the plugin's backend. */
  timeSeries(): this {
    this.internal.queryType = "timeseries";
    this.internal.format = ClickHouseFormat.TimeSeries;
    return this;
  }

  table(): this {
    this.internal.queryType = "table";
    this.internal.format = ClickHouseFormat.Table;
    return this;
  }

  datasource(ref: common.DataSourceRef): this {
    this.internal.datasource = ref;
    return this;
  }

  build(): ClickHouseQuery {
    return { ...this.internal };
  }
}

/** A ClickHouse SQL query (table format unless `.timeSeries()`). */
export function sql(rawSql: string): ClickHouseQueryBuilder {
  return new ClickHouseQueryBuilder(rawSql);
}
