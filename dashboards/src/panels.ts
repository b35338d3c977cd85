// Small panel factories: each takes a Chinese title, an English description and its query, and
// sets the house defaults (data source, size, units). The SQL lives in the dashboard files.
import type * as cog from "@grafana/grafana-foundation-sdk/cog";
import * as common from "@grafana/grafana-foundation-sdk/common";
import * as barchart from "@grafana/grafana-foundation-sdk/barchart";
import * as geomap from "@grafana/grafana-foundation-sdk/geomap";
import * as prometheus from "@grafana/grafana-foundation-sdk/prometheus";
import * as stat from "@grafana/grafana-foundation-sdk/stat";
import * as table from "@grafana/grafana-foundation-sdk/table";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import * as xychart from "@grafana/grafana-foundation-sdk/xychart";
import { CLICKHOUSE, PROMETHEUS, sql, type ClickHouseQueryBuilder } from "./clickhouse.js";

type Size = { readonly w: number; readonly h: number };
const HALF: Size = { w: 12, h: 9 };

/** One or more queries: SQL text is a ClickHouse table query. */
type Targets = string | ClickHouseQueryBuilder | readonly ClickHouseQueryBuilder[];

function targets(queries: Targets, asTimeSeries: boolean): ClickHouseQueryBuilder[] {
  const list = typeof queries === "string" ? [sql(queries)] : Array.isArray(queries) ? [...(queries as readonly ClickHouseQueryBuilder[])] : [queries as ClickHouseQueryBuilder];
  return list.map((query, i) => {
    const refId = String.fromCharCode(65 + i);
    return asTimeSeries ? query.refId(refId).timeSeries() : query.refId(refId);
  });
}

/** A time series: every query returns a `time` column, then a group (optional) and values. */
export function timeSeriesPanel(title: string, description: string, queries: Targets, size: Size = HALF): timeseries.PanelBuilder {
  return new timeseries.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(CLICKHOUSE)
    .targets(targets(queries, true))
    .gridPos({ x: 0, y: 0, ...size })
    .lineWidth(1)
    .fillOpacity(10)
    .spanNulls(false)
    .legend(new common.VizLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.List).placement(common.LegendPlacement.Bottom));
}

export function tablePanel(title: string, description: string, queries: Targets, size: Size = HALF): table.PanelBuilder {
  return new table.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(CLICKHOUSE)
    .targets(targets(queries, false))
    .gridPos({ x: 0, y: 0, ...size })
    .filterable(true)
    .cellHeight(common.TableCellHeight.Sm);
}

export function statPanel(title: string, description: string, queries: Targets, size: Size = { w: 6, h: 5 }): stat.PanelBuilder {
  return new stat.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(CLICKHOUSE)
    .targets(targets(queries, false))
    .gridPos({ x: 0, y: 0, ...size })
    .graphMode(common.BigValueGraphMode.None)
    .colorMode(common.BigValueColorMode.Value)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(["lastNotNull"]).values(false));
}

/** Bars by a text column (the first column), one bar group per row. */
export function barPanel(title: string, description: string, queries: Targets, size: Size = HALF): barchart.PanelBuilder {
  return new barchart.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(CLICKHOUSE)
    .targets(targets(queries, false))
    .gridPos({ x: 0, y: 0, ...size })
    .orientation(common.VizOrientation.Horizontal)
    .stacking(common.StackingMode.Normal)
    .legend(new common.VizLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.List).placement(common.LegendPlacement.Bottom));
}

const layer = (options: common.MapLayerOptions): cog.Builder<common.MapLayerOptions> => ({ build: () => options });

/** Markers at `lat`/`lon`, sized and coloured by `sizeField`. */
export function mapPanel(title: string, description: string, queries: Targets, sizeField: string, size: Size = { w: 24, h: 14 }): geomap.PanelBuilder {
  return new geomap.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(CLICKHOUSE)
    .targets(targets(queries, false))
    .gridPos({ x: 0, y: 0, ...size })
    .view(new geomap.MapViewConfigBuilder().id("fit").allLayers(true).zoom(11))
    .controls(new geomap.ControlsOptionsBuilder().showZoom(true).mouseWheelZoom(true).showScale(true))
    .basemap(layer({ type: "default", name: "底图" }))
    .layers([
      layer({
        type: "markers",
        name: "热点",
        location: { mode: common.FrameGeometrySourceMode.Coords, latitude: "lat", longitude: "lon" },
        tooltip: true,
        config: {
          showLegend: true,
          style: {
            size: { field: sizeField, fixed: 5, min: 4, max: 24 },
            color: { field: sizeField, fixed: "dark-orange" },
            opacity: 0.6,
            symbol: { fixed: "img/icons/marker/circle.svg", mode: "fixed" },
          },
        },
      }),
    ])
    .tooltip(new geomap.TooltipOptionsBuilder().mode(geomap.TooltipMode.Details));
}

const byName = (name: string) => ({ matcher: { id: "byName", options: name } });

/** A scatter (funnel plot): `x` against each of `ys`, from one table query. */
export function scatterPanel(title: string, description: string, queries: Targets, x: string, ys: readonly string[], size: Size = HALF): xychart.PanelBuilder {
  return new xychart.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(CLICKHOUSE)
    .targets(targets(queries, false))
    .gridPos({ x: 0, y: 0, ...size })
    .mapping(xychart.SeriesMapping.Manual)
    .series(ys.map((y) => new xychart.XYSeriesConfigBuilder().name({ fixed: y }).x(byName(x)).y(byName(y))));
}

/** A Prometheus time series (operations). */
export function promPanel(title: string, description: string, exprs: ReadonlyArray<readonly [expr: string, legend: string]>, unit: string, size: Size = HALF): timeseries.PanelBuilder {
  return new timeseries.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(PROMETHEUS)
    .targets(exprs.map(([expr, legend], i) => new prometheus.DataqueryBuilder().datasource(PROMETHEUS).expr(expr).range().legendFormat(legend).refId(String.fromCharCode(65 + i))))
    .gridPos({ x: 0, y: 0, ...size })
    .unit(unit)
    .lineWidth(1)
    .fillOpacity(10);
}

