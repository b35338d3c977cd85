// 突增 (hotline-spikes): every spike in the time range, the series of one (the selected spike, or
// the largest excess when All) against a reference band, and the tickets behind them (line list).
import type * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import {
  categoryRelated,
  commonVariables,
  district,
  Grid,
  hotlineDashboard,
  joinNames,
  named,
  resultVariable,
  rowLink,
  ticketChannel,
  ticketDepartment,
  ticketsChannel,
  ticketsDepartment,
  UID,
} from "./common.js";
import { statPanel, tablePanel, timeSeriesPanel } from "./panels.js";

/** Spikes of the selection that overlap the time range or are still open. */
const SPIKES_IN_RANGE = `(s.started_at <= $__toTime AND (s.status != 'closed' OR ifNull(s.ended_at, s.last_updated) >= $__fromTime))
  AND ${district("s.district_code")}
  AND ${categoryRelated("s.category_code")}
  AND ${ticketsDepartment("s.sample_ticket_ids")}
  AND ${ticketsChannel("s.sample_ticket_ids")}`;
const SELECTED = `$__conditionalAll(s.spike_id IN (\${spike_id:sqlstring}), $spike_id)`;

const SPIKE_LIST = `
SELECT s.spike_id AS spike_id, s.status AS \`状态\`, ${named("c", "s.category_code")} AS \`分类\`, s.level AS \`层级\`,
       if(s.district_code = '', '全市', ${named("d", "s.district_code")}) AS \`区\`, s.resolution AS \`粒度\`, s.trigger AS \`触发\`,
       s.started_at AS \`开始\`, s.ended_at AS \`结束\`, s.observed AS \`实际\`, round(s.expected, 1) AS \`期望\`,
       round(s.ratio, 1) AS \`倍数\`, s.p_value AS \`显著性\`, s.first_seen AS \`首次发现\`
FROM spikes AS s FINAL
${joinNames("category", "c", "s.category_code")}
${joinNames("district", "d", "s.district_code")}
WHERE ${SPIKES_IN_RANGE}
ORDER BY s.started_at DESC
LIMIT 500`;

const SPIKE_COUNTS = `
SELECT countIf(s.status != 'closed') AS \`未结束\`, count() AS \`范围内突增\`, sum(s.observed) AS \`涉及工单\`
FROM spikes AS s FINAL
WHERE ${SPIKES_IN_RANGE}`;

/** The spike whose series is drawn: the selected one, or with All the one with the largest excess. */
const TARGET = `
    SELECT toString(s.category_code) AS category_code, toString(s.district_code) AS district_code
    FROM spikes AS s FINAL
    WHERE ${SPIKES_IN_RANGE}
      AND ${SELECTED}
    ORDER BY s.observed - s.expected DESC, s.spike_id
    LIMIT 1`;

const SERIES = `
WITH target AS (${TARGET})
SELECT time, countIf(k = 0) AS \`实际\`, countIf(k > 0) / 4 AS \`期望\`,
       greatest(0, \`期望\` - 2 * sqrt(\`期望\`)) AS \`期望下限\`, \`期望\` + 2 * sqrt(\`期望\`) + 1 AS \`期望上限\`
FROM
(
    SELECT toStartOfHour(occurred_at, 'Asia/Shanghai') + toIntervalDay(7 * k) AS time, k
    FROM events
    ARRAY JOIN [0, 1, 2, 3, 4] AS k
    WHERE type = 'ticket.created' AND occurred_at >= $__fromTime - INTERVAL 28 DAY AND occurred_at <= $__toTime
      AND hasAny(category_path, (SELECT groupArray(category_code) FROM target))
      AND hasAny((SELECT groupArray(district_code) FROM target), ['', toString(district_code)])
)
WHERE time >= toStartOfHour($__fromTime, 'Asia/Shanghai') AND time <= $__toTime
GROUP BY time
ORDER BY time WITH FILL FROM toStartOfHour($__fromTime, 'Asia/Shanghai') TO $__toTime STEP toIntervalHour(1)`;

const LINE_LIST = `
SELECT sp.spike_id AS spike_id, e.ticket_id AS ticket_id, e.occurred_at AS \`受理时间\`, e.district_name AS \`区\`,
       e.street_name AS \`街道\`, e.community_name AS \`社区\`, arrayStringConcat(e.category_names, ' > ') AS \`分类\`,
       e.channel AS \`渠道\`, e.request_type AS \`诉求类型\`, e.urgency AS \`紧急程度\`, substring(e.text, 1, 120) AS \`诉求摘要\`
FROM
(
    SELECT s.spike_id AS spike_id, s.category_code AS category_code, s.district_code AS district_code,
           s.started_at AS started_at, ifNull(s.ended_at, s.last_updated) AS until
    FROM spikes AS s FINAL
    WHERE ${SPIKES_IN_RANGE}
      AND ${SELECTED}
) AS sp
INNER JOIN
(
    SELECT ticket_id, occurred_at, district_code, district_name, street_name, community_name, category_names, channel,
           request_type, urgency, text, toString(category) AS category, place
    FROM events
    ARRAY JOIN category_path AS category
    ARRAY JOIN [toString(district_code), ''] AS place
    WHERE type = 'ticket.created' AND occurred_at >= $__fromTime - INTERVAL 7 DAY AND occurred_at <= $__toTime
      AND ${ticketDepartment()}
      AND ${ticketChannel()}
) AS e ON e.category = sp.category_code AND e.place = sp.district_code
WHERE e.occurred_at >= sp.started_at AND e.occurred_at <= sp.until
ORDER BY e.occurred_at DESC
LIMIT 1000`;

export function spikes(): dashboard.Dashboard {
  const board = hotlineDashboard(
    UID.spikes,
    "突增",
    "Spikes (突增): categories (any level) in a district or city-wide far above what their history predicts; each spike's series against a reference band, and the tickets behind it.",
    { from: "now-7d", to: "now" },
  )
    .variables(commonVariables())
    .withVariable(
      resultVariable(
        "spike_id",
        "突增",
        "One spike for the series and the line list; All = every spike in the time range",
        `SELECT s.spike_id, concat(s.category_code, ' ', if(s.district_code = '', '全市', s.district_code), ' ', toString(s.started_at)) FROM spikes AS s FINAL
WHERE s.started_at <= $__toTime AND ifNull(s.ended_at, s.last_updated) >= $__fromTime AND ${district("s.district_code")} AND ${categoryRelated("s.category_code")}
ORDER BY s.started_at DESC LIMIT 500`,
      ),
    );
  new Grid(board)
    .add(statPanel("突增概况", "Spikes overlapping the time range: still open, all, and the tickets in their windows", SPIKE_COUNTS), 24, 4)
    .add(
      tablePanel("突增列表", "Every spike overlapping the time range; click a row to select it for the series and the line list", SPIKE_LIST).dataLinks([
        rowLink("选择该突增", UID.spikes, "spike_id", "spike_id"),
      ]),
      24,
      9,
    )
    .add(
      timeSeriesPanel(
        "序列与期望带",
        "Tickets per local hour in the series of the selected spike (All: the one with the largest excess) against a reference band: the mean of the same hour over the previous four weeks ± 2√mean. The detector's own model (negative binomial with trend) is in the spike's expected and p-value columns.",
        SERIES,
      ),
      24,
      9,
    )
    .add(tablePanel("突增背后的工单", "Line list: the tickets of each selected spike's series inside its window (category under the spike's, same district)", LINE_LIST), 24, 10);
  return board.build();
}
