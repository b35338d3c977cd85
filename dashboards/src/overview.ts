// 实时总览 (hotline-overview): what the duty supervisor watches live: today's volume against
// normal, open spikes, new hotspots, repeat complaints, abnormal tickets and the recent alerts.
import type * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import {
  categoryPath,
  categoryRelated,
  categoryUnder,
  channel,
  commonVariables,
  department,
  district,
  Grid,
  hotlineDashboard,
  joinNames,
  named,
  panelLink,
  rowLink,
  ticketChannel,
  ticketDepartment,
  ticketsChannel,
  ticketsDepartment,
  UID,
} from "./common.js";
import { barPanel, statPanel, tablePanel, timeSeriesPanel } from "./panels.js";

/** Ticket.created events of the selection. */
const createdFilters = [district(), categoryPath(), channel(), ticketDepartment()].join("\n  AND ");

const TODAY_AGAINST_NORMAL = `
WITH toStartOfDay($__toTime, 'Asia/Shanghai') AS today,
     toUnixTimestamp($__toTime) - toUnixTimestamp(today) AS elapsed
SELECT countIf(occurred_at >= today) AS \`今日受理\`,
       round(countIf(occurred_at < today AND toDayOfWeek(occurred_at, 0, 'Asia/Shanghai') = toDayOfWeek(today, 0, 'Asia/Shanghai')
             AND toUnixTimestamp(occurred_at) - toUnixTimestamp(toStartOfDay(occurred_at, 'Asia/Shanghai')) <= elapsed) / 4, 1) AS \`常态同期\`,
       round(\`今日受理\` / nullIf(\`常态同期\`, 0), 2) AS \`倍数\`
FROM events
WHERE type = 'ticket.created' AND occurred_at >= today - INTERVAL 28 DAY AND occurred_at <= $__toTime
  AND ${createdFilters}`;

const TODAY_BY_HOUR = `
WITH toStartOfDay($__toTime, 'Asia/Shanghai') AS today
SELECT time, countIf(k = 0) AS \`今日\`, countIf(k > 0) / 4 AS \`常态(近4周同日均值)\`
FROM
(
    SELECT today + toIntervalHour(toHour(occurred_at, 'Asia/Shanghai')) AS time,
           intDiv(dateDiff('day', toStartOfDay(occurred_at, 'Asia/Shanghai'), today), 7) AS k
    FROM events
    WHERE type = 'ticket.created' AND occurred_at >= today - INTERVAL 28 DAY AND occurred_at <= $__toTime
      AND toDayOfWeek(occurred_at, 0, 'Asia/Shanghai') = toDayOfWeek(today, 0, 'Asia/Shanghai')
      AND ${createdFilters}
)
GROUP BY time
ORDER BY time`;

const VOLUME_IN_RANGE = `
SELECT $__timeInterval(occurred_at) AS time, count() AS \`受理量\`
FROM events
WHERE type = 'ticket.created' AND $__timeFilter(occurred_at)
  AND ${createdFilters}
GROUP BY time
ORDER BY time`;

const OPEN_SPIKES = `
SELECT s.spike_id AS spike_id, s.status AS \`状态\`, ${named("c", "s.category_code")} AS \`分类\`,
       if(s.district_code = '', '全市', ${named("d", "s.district_code")}) AS \`区\`, s.resolution AS \`粒度\`,
       s.started_at AS \`开始\`, s.observed AS \`实际\`, round(s.expected, 1) AS \`期望\`, round(s.ratio, 1) AS \`倍数\`
FROM spikes AS s FINAL
${joinNames("category", "c", "s.category_code")}
${joinNames("district", "d", "s.district_code")}
WHERE (s.status != 'closed' OR $__timeFilter(s.first_seen))
  AND ${district("s.district_code")}
  AND ${categoryRelated("s.category_code")}
  AND ${ticketsDepartment("s.sample_ticket_ids")}
  AND ${ticketsChannel("s.sample_ticket_ids")}
ORDER BY s.status = 'closed', s.first_seen DESC
LIMIT 50`;

const NEW_HOTSPOTS = `
SELECT h.hotspot_id AS hotspot_id, h.kind AS \`类型\`, h.status AS \`状态\`, ${named("c", "h.category_code")} AS \`分类\`,
       ${named("d", "h.district_code")} AS \`区\`, h.place_kind AS \`地点类型\`, h.place AS \`地点\`,
       h.observed AS \`工单数\`, round(h.expected, 1) AS \`期望\`, h.first_seen AS \`首次发现\`
FROM hotspots AS h FINAL
${joinNames("category", "c", "h.category_code")}
${joinNames("district", "d", "h.district_code")}
WHERE $__timeFilter(h.first_seen)
  AND ${district("h.district_code")}
  AND ${categoryRelated("h.category_code")}
  AND ${ticketsDepartment("h.sample_ticket_ids")}
  AND ${ticketsChannel("h.sample_ticket_ids")}
ORDER BY h.first_seen DESC
LIMIT 50`;

const REPEATS_BY_KIND = `
SELECT multiIf(kind = 'same_caller', '重复来电', kind = 'after_closure', '办结≠解决', kind = 'multi_channel', '多头受理',
               kind = 'collective', '群体诉求', kind = 'similar_text', '相似文本', toString(kind)) AS \`类型\`,
       countIf(status != 'closed') AS \`未结束\`, countIf(status = 'closed') AS \`已结束\`
FROM repeats FINAL
WHERE $__timeFilter(first_seen)
  AND ${district()}
  AND ${categoryUnder()}
  AND ${ticketsDepartment("ticket_ids")}
  AND ${ticketsChannel("ticket_ids")}
GROUP BY \`类型\`
ORDER BY \`类型\``;

const ABNORMAL_BY_KIND = `
SELECT multiIf(kind = 'ping_pong', '推诿', kind = 'overdue', '超期', kind = 'repeated_extensions', '多次延期',
               kind = 'supervised', '督办', kind = 'reopened', '重办', kind = 'multi_department', '多部门', toString(kind)) AS \`类型\`,
       countIf(status != 'closed') AS \`未结束\`, countIf(status = 'closed') AS \`已结束\`
FROM ticket_flags FINAL
WHERE $__timeFilter(first_seen)
  AND ${district()}
  AND ${categoryUnder()}
  AND ${department()}
  AND ${ticketChannel()}
GROUP BY \`类型\`
ORDER BY \`类型\``;

const RECENT_ALERTS = `
SELECT raised_at AS \`时间\`, severity AS \`级别\`, kind AS \`类型\`, title AS \`标题\`, summary AS \`摘要\`, tickets AS \`工单数\`,
       result_table, result_id, panel_url
FROM alerts FINAL
WHERE $__timeFilter(raised_at)
  AND ${district()}
  AND ${categoryRelated()}
  AND ${department()}
  AND ${ticketsChannel("ticket_ids")}
ORDER BY raised_at DESC
LIMIT 100`;

export function overview(): dashboard.Dashboard {
  const board = hotlineDashboard(
    UID.overview,
    "12345 热线实时总览",
    "Live overview for the duty supervisor (值班长): today's volume against normal, open spikes, new hotspots, repeat complaints, abnormal tickets and the recent alerts.",
    { from: "now-24h", to: "now" },
  ).variables(commonVariables());
  new Grid(board)
    .add(
      statPanel("今日受理 / 常态同期", "Tickets created today (local day of the range's end) against the mean of the same weekday and time of day over the previous four weeks", TODAY_AGAINST_NORMAL),
      8,
      6,
    )
    .add(timeSeriesPanel("今日逐时受理 与 常态", "Today's tickets per local hour against the mean of the same weekday over the previous four weeks", TODAY_BY_HOUR), 16, 6)
    .add(timeSeriesPanel("受理量", "Tickets created in the time range, per Grafana interval (UTC-aligned buckets; daily views use local days)", VOLUME_IN_RANGE), 24, 7)
    .add(
      tablePanel("未结束突增", "Spikes still open, and those first reported in the time range; click a row for its series and tickets", OPEN_SPIKES)
        .links([panelLink("突增详情", UID.spikes)])
        .dataLinks([rowLink("查看该突增", UID.spikes, "spike_id", "spike_id")]),
      12,
      9,
    )
    .add(
      tablePanel("新发热点", "Hotspots first found in the time range; click a row for its map and tickets", NEW_HOTSPOTS)
        .links([panelLink("热点地图", UID.hotspots)])
        .dataLinks([rowLink("查看该热点", UID.hotspots, "hotspot_id", "hotspot_id")]),
      12,
      9,
    )
    .add(barPanel("重复诉求", "Repeat complaints first seen in the time range, by kind", REPEATS_BY_KIND).links([panelLink("重复诉求详情", UID.repeats)]), 12, 8)
    .add(barPanel("异常工单", "Abnormal and complex tickets flagged in the time range, by kind of trouble", ABNORMAL_BY_KIND).links([panelLink("部门与区诊断", UID.performance)]), 12, 8)
    .add(tablePanel("最近告警", "Alerts raised in the time range (table alerts), newest first, with the link each chat message carried", RECENT_ALERTS), 24, 9);
  return board.build();
}
