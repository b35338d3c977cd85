// 每月一题 (hotline-monthly-problems): the recurring category-and-place problems that most deserve a
// proactive fix, month by month, with the change from the month before (view monthly_problems, 023).
import type * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import { categoryRelated, commonVariables, district, Grid, hotlineDashboard, joinNames, named, noFilter, panelLink, UID } from "./common.js";
import { statPanel, tablePanel, timeSeriesPanel } from "./panels.js";

const NOT_BY = [
  noFilter("department", "a problem is a category in a place, whoever handled its tickets"),
  noFilter("channel", "a problem is a category in a place, whatever channel its tickets came through"),
].join("\n");

const SELECTION = `${district("p.district_code")}
  AND ${categoryRelated("p.category_code")}`;

const PLACE = `if(p.place_kind = 'community', ${named("m", "p.place_code")}, ${named("s", "p.place_code")})`;
const JOINS = `${joinNames("category", "c", "p.category_code")}
${joinNames("district", "d", "p.district_code")}
${joinNames("community", "m", "p.place_code")}
${joinNames("street", "s", "p.place_code")}`;

/** The month of the range's end: its problems by score, with the month-on-month change. */
const THIS_MONTH = `
${NOT_BY}
SELECT ${named("d", "p.district_code")} AS \`区\`, ${PLACE} AS \`地点\`, ${named("c", "p.category_code")} AS \`问题分类\`,
       p.tickets AS \`本月工单\`, p.previous_tickets AS \`上月工单\`, p.change AS \`环比(件)\`, round(p.change_ratio, 2) AS \`环比\`,
       p.months_recurring AS \`近6月复发月数\`, p.callers AS \`诉求人\`, p.not_resolved AS \`未实际解决\`, round(p.score, 1) AS \`优先程度\`
FROM monthly_problems AS p
${JOINS}
WHERE p.month = toStartOfMonth($__toTime, 'Asia/Shanghai')
  AND ${SELECTION}
ORDER BY p.score DESC
LIMIT 30`;

/** The five candidates of every month in the range. */
const BY_MONTH = `
${NOT_BY}
SELECT p.month AS \`月份\`, ${named("d", "p.district_code")} AS \`区\`, ${PLACE} AS \`地点\`, ${named("c", "p.category_code")} AS \`问题分类\`,
       p.tickets AS \`工单\`, p.change AS \`环比(件)\`, p.months_recurring AS \`复发月数\`, round(p.score, 1) AS \`优先程度\`
FROM monthly_problems AS p
${JOINS}
WHERE p.month >= toStartOfMonth($__fromTime, 'Asia/Shanghai') AND p.month <= toStartOfMonth($__toTime, 'Asia/Shanghai')
  AND ${SELECTION}
ORDER BY p.month DESC, p.score DESC
LIMIT 5 BY p.month`;

/** Monthly tickets of this month's top five problems over the range. */
const TREND = `
${NOT_BY}
WITH top AS
(
    SELECT p.district_code, p.place_code, p.category_code
    FROM monthly_problems AS p
    WHERE p.month = toStartOfMonth($__toTime, 'Asia/Shanghai') AND ${SELECTION}
    ORDER BY p.score DESC
    LIMIT 5
)
SELECT toDateTime(p.month, 'Asia/Shanghai') AS time, concat(${PLACE}, ' · ', ${named("c", "p.category_code")}) AS problem, p.tickets AS tickets
FROM monthly_problems AS p
${JOINS}
WHERE (p.district_code, p.place_code, p.category_code) IN (SELECT * FROM top)
  AND p.month >= toStartOfMonth($__fromTime, 'Asia/Shanghai') AND p.month <= toStartOfMonth($__toTime, 'Asia/Shanghai')
ORDER BY time, problem`;

const SUMMARY = `
${NOT_BY}
SELECT countIf(p.months_recurring >= 3) AS \`反复出现的问题\`, countIf(p.change > 0) AS \`环比上升\`, sum(p.tickets) AS \`本月工单\`
FROM monthly_problems AS p
WHERE p.month = toStartOfMonth($__toTime, 'Asia/Shanghai')
  AND ${SELECTION}`;

export function monthlyProblems(): dashboard.Dashboard {
  const board = hotlineDashboard(
    UID.monthlyProblems,
    "每月一题",
    "One problem a month (每月一题, after Beijing's practice): recurring problems of a category in a place, ranked by tickets × months recurring in the last six × (1 + share not really resolved), with the change from the month before. Candidates for a proactive fix (未诉先办).",
    { from: "now-6M", to: "now" },
  ).variables(commonVariables());
  new Grid(board)
    .add(statPanel("本月概况", "The month of the range's end: problems that recurred in at least three of the last six months, problems up on the month before, tickets", SUMMARY), 24, 4)
    .add(
      tablePanel("本月候选问题", "This month's problems (the month of the range's end) by priority, with the month-on-month change", THIS_MONTH).links([panelLink("热点地图", UID.hotspots)]),
      24,
      11,
    )
    .add(timeSeriesPanel("候选问题的月度走势", "Monthly tickets of this month's five highest-priority problems", TREND), 24, 8)
    .add(tablePanel("历月前五", "The five highest-priority problems of every month in the range", BY_MONTH), 24, 10);
  return board.build();
}
