// What every hotline dashboard shares: the time zone, the template variables (district, category
// at any level, department, channel), the SQL filters that use them, links that carry the time
// range and the variables to the other dashboards, and small panel factories.
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import type * as cog from "@grafana/grafana-foundation-sdk/cog";
import { CLICKHOUSE } from "./clickhouse.js";

export const TIME_ZONE = "Asia/Shanghai";
export const TAG = "hotline";

/** Every dashboard's uid: the chat alerts link to them, so they never change. */
export const UID = {
  overview: "hotline-overview",
  spikes: "hotline-spikes",
  hotspots: "hotline-hotspots",
  repeats: "hotline-repeats",
  performance: "hotline-performance",
  monthlyProblems: "hotline-monthly-problems",
  operations: "hotline-operations",
} as const;
export type DashboardUid = (typeof UID)[keyof typeof UID];

/** The variables every ClickHouse panel filters by. */
export const COMMON_VARIABLES = ["district", "category", "department", "channel"] as const;
export type CommonVariable = (typeof COMMON_VARIABLES)[number];

// ---------------------------------------------------------------------------------------------
// SQL filters. `$__conditionalAll(cond, $var)` becomes 1=1 when All is selected (the plugin does
// this before it interpolates), so the possibly costly condition runs only for a real selection.
// `${var:sqlstring}` quotes each selected value ('a','b'), single or multi.

export const all = (condition: string, variable: string) => `$__conditionalAll(${condition}, $${variable})`;
export const selected = (variable: string) => `\${${variable}:sqlstring}`;

/** A district code column. */
export const district = (column = "district_code") => all(`${column} IN (${selected("district")})`, "district");
/** A channel column. */
export const channel = (column = "channel") => all(`${column} IN (${selected("channel")})`, "channel");
/** A department code column. */
export const department = (column = "department_code") => all(`${column} IN (${selected("department")})`, "department");
/** A ticket's category path (root to leaf): the ticket is under one of the selected categories. */
export const categoryPath = (column = "category_path") => all(`hasAny(${column}, [${selected("category")}])`, "category");
/** A category code of any level: it is under one of the selected categories. */
export const categoryUnder = (column = "category_code") =>
  all(`${column} IN (SELECT code FROM category_tree FINAL WHERE hasAny(path, [${selected("category")}]))`, "category");
/**
 * A result's category (a spike's series, a hotspot's second-level category): under a selected
 * category, or above one (a hotspot on 物业管理 concerns someone who selected 电梯故障).
 */
export const categoryRelated = (column = "category_code") => all(categoryRelatedCondition(column), "category");
export const categoryRelatedCondition = (column: string) =>
  `(${column} IN (SELECT code FROM category_tree FINAL WHERE hasAny(path, [${selected("category")}])) OR ${column} IN (SELECT arrayJoin(path) FROM category_tree FINAL WHERE code IN (${selected("category")})))`;

/** How far before the time range a ticket behind a result may have been created or dispatched. */
const LOOKBACK = "INTERVAL 90 DAY";
/** Tickets dispatched to a selected department. */
const departmentTickets = `SELECT ticket_id FROM events WHERE type = 'ticket.dispatched' AND department_code IN (${selected("department")}) AND occurred_at >= $__fromTime - ${LOOKBACK}`;
/** Tickets received through a selected channel. */
const channelTickets = `SELECT ticket_id FROM events WHERE type = 'ticket.created' AND channel IN (${selected("channel")}) AND occurred_at >= $__fromTime - ${LOOKBACK}`;

/** A ticket id column: the ticket went to a selected department. */
export const ticketDepartment = (column = "ticket_id") => all(`${column} IN (${departmentTickets})`, "department");
/** A ticket id column: the ticket came through a selected channel. */
export const ticketChannel = (column = "ticket_id") => all(`${column} IN (${channelTickets})`, "channel");
/** An array of ticket ids: one of them went to a selected department. */
export const ticketsDepartment = (column: string) => all(`hasAny(${column}, (SELECT groupArray(ticket_id) FROM (${departmentTickets})))`, "department");
/** An array of ticket ids: one of them came through a selected channel. */
export const ticketsChannel = (column: string) => all(`hasAny(${column}, (SELECT groupArray(ticket_id) FROM (${channelTickets})))`, "channel");

/** A SQL comment saying why a variable does not filter a panel (the tests require one or the other). */
export const noFilter = (variable: CommonVariable, why: string) => `-- no ${variable} filter: ${why}`;

/** Local day (Asia/Shanghai), never toStartOfInterval(…, 1 day), which starts at 08:00 Beijing time. */
export const localDay = (column: string) => `toStartOfDay(${column}, '${TIME_ZONE}')`;
export const localHour = (column: string) => `toStartOfHour(${column}, '${TIME_ZONE}')`;
/**
 * A LEFT JOIN that brings the names of one kind of code (district, street, community, department;
 * or category) as `<alias>.name`; show it with `named(alias, column)`, which falls back to the code.
 */
export const joinNames = (kind: "district" | "street" | "community" | "department" | "category", alias: string, column: string) =>
  kind === "category"
    ? `LEFT JOIN (SELECT code, name FROM category_tree FINAL) AS ${alias} ON ${alias}.code = ${column}`
    : `LEFT JOIN (SELECT code, name FROM dimension_names FINAL WHERE kind = '${kind}') AS ${alias} ON ${alias}.code = ${column}`;
export const named = (alias: string, column: string) => `if(${alias}.name = '', toString(${column}), ${alias}.name)`;

// ---------------------------------------------------------------------------------------------
// Template variables

const allOption: dashboard.VariableOption = { selected: true, text: "All", value: "$__all" };

function clickhouseVariable(name: string, label: string, description: string, rawSql: string, multi: boolean): dashboard.QueryVariableBuilder {
  return new dashboard.QueryVariableBuilder(name)
    .label(label)
    .description(description)
    .datasource(CLICKHOUSE)
    .query({ refId: `${name}-variable`, editorType: "sql", queryType: "table", format: 1, rawSql })
    .definition(rawSql)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.Disabled)
    .multi(multi)
    .includeAll(true)
    .current(multi ? { selected: true, text: ["All"], value: ["$__all"] } : allOption);
}

/** Channels of the event contract (src/contract/fields.ts), labelled in Chinese. */
const CHANNELS: ReadonlyArray<readonly [string, string]> = [
  ["phone", "电话"],
  ["web", "网站"],
  ["app", "App"],
  ["wechat", "微信"],
  ["sms", "短信"],
  ["mayor_mailbox", "市长信箱"],
  ["leader_board", "领导留言板"],
  ["petition", "信访"],
  ["media", "媒体"],
  ["other", "其他"],
];

/** The four variables every dashboard has. First column the value, second the text (the plugin's convention). */
export function commonVariables(): cog.Builder<dashboard.VariableModel>[] {
  return [
    clickhouseVariable(
      "district",
      "区",
      "District (区): filters every panel; All = the whole city",
      "SELECT code, name FROM dimension_names FINAL WHERE kind = 'district' ORDER BY code",
      true,
    ),
    clickhouseVariable(
      "category",
      "分类",
      "Category (分类) at any level of the tree: a panel shows what lies under the selected categories",
      "SELECT code, concat(code, ' ', repeat('· ', level - 1), name) FROM category_tree FINAL ORDER BY code",
      true,
    ),
    clickhouseVariable(
      "department",
      "承办单位",
      "Department (承办单位): tickets dispatched to it, and results that involve such tickets",
      "SELECT code, name FROM dimension_names FINAL WHERE kind = 'department' ORDER BY code",
      true,
    ),
    new dashboard.CustomVariableBuilder("channel")
      .label("渠道")
      .description("Channel (渠道) the request came through")
      .values(CHANNELS.map(([value, text]) => `${text} : ${value}`).join(", "))
      .options(CHANNELS.map(([value, text]) => ({ text, value, selected: false })))
      .multi(true)
      .includeAll(true)
      .current({ selected: true, text: ["All"], value: ["$__all"] }),
  ];
}

/** A variable that picks one result (spike, hotspot, repeat) for the line lists; All = every one in range. */
export function resultVariable(name: string, label: string, description: string, rawSql: string): dashboard.QueryVariableBuilder {
  return clickhouseVariable(name, label, description, rawSql, false);
}

// ---------------------------------------------------------------------------------------------
// Links: the time range and the four variables travel along.

/** The query string that carries the time range and the common variables. */
export const CARRY = ["${__url_time_range}", ...COMMON_VARIABLES.map((v) => `\${${v}:queryparam}`)].join("&");

export function dashboardUrl(uid: DashboardUid, extra = ""): string {
  return `/d/${uid}?${CARRY}${extra === "" ? "" : `&${extra}`}`;
}

/** A link in a panel's header menu to another dashboard. */
export function panelLink(title: string, uid: DashboardUid, extra = ""): dashboard.DashboardLinkBuilder {
  return new dashboard.DashboardLinkBuilder(title).type(dashboard.DashboardLinkType.Link).url(dashboardUrl(uid, extra)).targetBlank(false);
}

/** A data link on a table row or a point: the value of `field` selects a variable on another dashboard. */
export function rowLink(title: string, uid: DashboardUid, variable: string, field: string): dashboard.DashboardLinkBuilder {
  return panelLink(title, uid, `var-${variable}=\${__data.fields.${field}}`);
}

/** The dropdown of every hotline dashboard at the top, keeping time and variables. */
export function dashboardsMenu(): dashboard.DashboardLinkBuilder {
  return new dashboard.DashboardLinkBuilder("12345 热线看板")
    .type(dashboard.DashboardLinkType.Dashboards)
    .tags([TAG])
    .asDropdown(true)
    .keepTime(true)
    .includeVars(true)
    .targetBlank(false);
}

/** A dashboard with the house settings: Chinese title, English description, Beijing time, the common variables. */
export function hotlineDashboard(uid: DashboardUid, title: string, description: string, time: { from: string; to: string }): dashboard.DashboardBuilder {
  return new dashboard.DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags([TAG])
    .timezone(TIME_ZONE)
    .weekStart("monday")
    .editable()
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .time(time)
    .refresh("1m")
    .link(dashboardsMenu());
}

// ---------------------------------------------------------------------------------------------
// Layout: panels flow left to right in a 24-column grid; a row starts a new line.

interface Placeable {
  gridPos(gridPos: dashboard.GridPos): unknown;
}

export class Grid {
  private x = 0;
  private y = 0;
  private lineHeight = 0;

  constructor(private readonly board: dashboard.DashboardBuilder) {}

  add<P extends Placeable & cog.Builder<dashboard.Panel>>(panel: P, w: number, h: number): this {
    if (this.x + w > 24) this.newLine();
    panel.gridPos({ x: this.x, y: this.y, w, h });
    this.x += w;
    this.lineHeight = Math.max(this.lineHeight, h);
    this.board.withPanel(panel);
    return this;
  }

  row(title: string): this {
    this.newLine();
    this.board.withRow(new dashboard.RowBuilder(title).gridPos({ x: 0, y: this.y, w: 24, h: 1 }));
    this.y += 1;
    return this;
  }

  private newLine(): void {
    this.y += this.lineHeight;
    this.x = 0;
    this.lineHeight = 0;
  }
}
