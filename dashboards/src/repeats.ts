// 重复诉求 (hotline-repeats): repeat complaints by kind, charged to the department that closed the
// earlier ticket (办结≠解决), and each chain with its tickets.
import type * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import {
  categoryUnder,
  commonVariables,
  department,
  district,
  Grid,
  hotlineDashboard,
  joinNames,
  named,
  panelLink,
  resultVariable,
  rowLink,
  ticketsChannel,
  ticketsDepartment,
  UID,
} from "./common.js";
import { barPanel, tablePanel, timeSeriesPanel } from "./panels.js";

const KIND = `multiIf(r.kind = 'same_caller', '重复来电', r.kind = 'after_closure', '办结≠解决', r.kind = 'multi_channel', '多头受理',
               r.kind = 'collective', '群体诉求', r.kind = 'similar_text', '相似文本', toString(r.kind))`;

/** Repeats of the selection first seen in the time range. */
const IN_RANGE = `$__timeFilter(r.first_seen)
  AND ${district("r.district_code")}
  AND ${categoryUnder("r.category_code")}
  AND ${ticketsDepartment("r.ticket_ids")}
  AND ${ticketsChannel("r.ticket_ids")}`;

const BY_KIND = `
SELECT ${KIND} AS \`类型\`, count() AS \`重复诉求\`, sum(r.tickets) AS \`涉及工单\`, sum(r.callers) AS \`诉求人次\`
FROM repeats AS r FINAL
WHERE ${IN_RANGE}
GROUP BY \`类型\`
ORDER BY \`类型\``;

const DAILY = `
SELECT toStartOfDay(r.first_seen, 'Asia/Shanghai') AS time, ${KIND} AS kind, count() AS repeats
FROM repeats AS r FINAL
WHERE ${IN_RANGE}
GROUP BY time, kind
ORDER BY time, kind`;

/** 办结≠解决 charged to the department that closed the earlier ticket; volume beside it, not a ranking. */
const CHARGED = `
SELECT ${named("dep", "r.charged_department")} AS \`责任单位\`, count() AS \`办结后重复诉求\`, uniqExact(r.caller_key) AS \`诉求人\`
FROM repeats AS r FINAL
${joinNames("department", "dep", "r.charged_department")}
WHERE r.kind = 'after_closure' AND r.charged_department != '' AND ${IN_RANGE}
  AND ${department("r.charged_department")}
GROUP BY \`责任单位\`
ORDER BY \`责任单位\`
LIMIT 100`;

const CHAINS = `
SELECT r.repeat_id AS repeat_id, ${KIND} AS \`类型\`, r.status AS \`状态\`, r.tickets AS \`工单数\`, r.callers AS \`诉求人数\`,
       arrayStringConcat(r.channels, ',') AS \`渠道\`, ${named("c", "r.category_code")} AS \`分类\`, ${named("d", "r.district_code")} AS \`区\`,
       ${named("dep", "r.charged_department")} AS \`责任单位\`, r.first_seen AS \`首次发现\`, r.last_updated AS \`最近更新\`,
       arrayStringConcat(arraySlice(r.ticket_ids, 1, 5), ',') AS \`工单(前5)\`
FROM repeats AS r FINAL
${joinNames("category", "c", "r.category_code")}
${joinNames("district", "d", "r.district_code")}
${joinNames("department", "dep", "r.charged_department")}
WHERE ${IN_RANGE}
ORDER BY r.tickets DESC, r.first_seen DESC
LIMIT 500`;

const CHAIN_TICKETS = `
SELECT r.repeat_id AS repeat_id, ${KIND} AS \`类型\`, e.ticket_id AS ticket_id, e.occurred_at AS \`受理时间\`, e.channel AS \`渠道\`,
       e.district_name AS \`区\`, e.community_name AS \`社区\`, arrayStringConcat(e.category_names, ' > ') AS \`分类\`,
       substring(e.text, 1, 120) AS \`诉求摘要\`
FROM repeats AS r FINAL
ARRAY JOIN r.ticket_ids AS chain_ticket
INNER JOIN
(
    SELECT ticket_id, occurred_at, channel, district_name, community_name, category_names, text
    FROM events
    WHERE type = 'ticket.created' AND occurred_at >= $__fromTime - INTERVAL 90 DAY AND occurred_at <= $__toTime
) AS e ON e.ticket_id = chain_ticket
WHERE ${IN_RANGE}
  AND $__conditionalAll(r.repeat_id IN (\${repeat_id:sqlstring}), $repeat_id)
ORDER BY r.repeat_id, e.occurred_at
LIMIT 1000`;

export function repeats(): dashboard.Dashboard {
  const board = hotlineDashboard(
    UID.repeats,
    "重复诉求",
    "Repeat complaints (重复诉求): the same caller again, again after closing (办结≠解决, charged to the closing department), several channels, many callers on one place (群体诉求), near-identical text; each chain with its tickets.",
    { from: "now-30d", to: "now" },
  )
    .variables(commonVariables())
    .withVariable(
      resultVariable(
        "repeat_id",
        "重复诉求",
        "One chain for the line list; All = every chain first seen in the time range",
        `SELECT r.repeat_id, concat(r.kind, ' ', r.category_code, ' ', toString(r.tickets), '件') FROM repeats AS r FINAL
WHERE $__timeFilter(r.first_seen) AND ${district("r.district_code")} AND ${categoryUnder("r.category_code")}
ORDER BY r.tickets DESC LIMIT 500`,
      ),
    );
  new Grid(board)
    .add(barPanel("按类型", "Repeat complaints first seen in the time range, by kind: groups, tickets and callers", BY_KIND), 8, 8)
    .add(timeSeriesPanel("每日新增", "New repeat complaints per local day, by kind", DAILY), 16, 8)
    .add(
      barPanel("办结≠解决 按责任单位", "Callers back on the same issue after closing, charged to the department that closed the earlier ticket (in code order: volume, not a ranking)", CHARGED).links([panelLink("部门与区诊断", UID.performance)]),
      24,
      10,
    )
    .add(tablePanel("重复诉求链", "Each repeat group with its tickets; click a row to list its tickets", CHAINS).dataLinks([rowLink("查看该链条", UID.repeats, "repeat_id", "repeat_id")]), 24, 10)
    .add(tablePanel("链条中的工单", "Line list: the tickets of the selected chain (All: every chain first seen in range), oldest first", CHAIN_TICKETS), 24, 10);
  return board.build();
}
