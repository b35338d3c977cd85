// 热点 (hotline-hotspots): emerging and chronic hotspots on a map (H3 cells where tickets carry
// coordinates, communities at the centre of their tickets where not), their lists, and the
// tickets behind each.
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
import { barPanel, mapPanel, tablePanel } from "./panels.js";

/** Hotspots of the selection found, updated or still open in the time range. */
const IN_RANGE = `(h.status != 'closed' OR h.last_updated >= $__fromTime) AND h.first_seen <= $__toTime
  AND ${district("h.district_code")}
  AND ${categoryRelated("h.category_code")}
  AND ${ticketsDepartment("h.sample_ticket_ids")}
  AND ${ticketsChannel("h.sample_ticket_ids")}`;

const COLUMNS = `h.hotspot_id AS hotspot_id, h.status AS \`状态\`, ${named("c", "h.category_code")} AS \`分类\`, ${named("d", "h.district_code")} AS \`区\`,
       if(h.place_kind = 'community', ${named("m", "h.community_code")}, h.place) AS \`地点\`, h.place_kind AS \`地点类型\`,
       h.observed AS \`工单数\`, h.window_start AS \`窗口开始\`, h.window_end AS \`窗口结束\`, h.first_seen AS \`首次发现\``;
const JOINS = `${joinNames("category", "c", "h.category_code")}
${joinNames("district", "d", "h.district_code")}
${joinNames("community", "m", "h.community_code")}`;

/** Community centres: the mean position of the community's tickets that carry coordinates. */
const MAP = `
SELECT h.hotspot_id AS hotspot_id, h.kind AS kind, ${named("c", "h.category_code")} AS category,
       if(h.place_kind = 'community', ${named("m", "h.community_code")}, h.place) AS place, h.place_kind AS place_kind,
       h.h3_cell AS h3_cell, h.observed AS tickets,
       if(h.lat IS NULL, p.centre_lat, assumeNotNull(h.lat)) AS lat, if(h.lon IS NULL, p.centre_lon, assumeNotNull(h.lon)) AS lon
FROM hotspots AS h FINAL
${JOINS}
LEFT JOIN
(
    SELECT community_code, avg(assumeNotNull(lat)) AS centre_lat, avg(assumeNotNull(lon)) AS centre_lon
    FROM events
    WHERE type = 'ticket.created' AND lat IS NOT NULL AND lon IS NOT NULL AND community_code != ''
      AND occurred_at >= $__fromTime - INTERVAL 90 DAY AND occurred_at <= $__toTime
    GROUP BY community_code
) AS p ON p.community_code = h.community_code
WHERE ${IN_RANGE}
  AND (h.lat IS NOT NULL OR p.community_code != '')
ORDER BY h.observed DESC
LIMIT 2000`;

const EMERGING = `
SELECT ${COLUMNS}, round(h.expected, 1) AS \`期望\`, h.p_value AS \`显著性\`
FROM hotspots AS h FINAL
${JOINS}
WHERE h.kind = 'emerging' AND ${IN_RANGE}
ORDER BY h.first_seen DESC
LIMIT 500`;

const CHRONIC = `
SELECT ${COLUMNS}
FROM hotspots AS h FINAL
${JOINS}
WHERE h.kind = 'chronic' AND ${IN_RANGE}
ORDER BY h.observed DESC
LIMIT 500`;

const BY_DISTRICT = `
SELECT ${named("d", "h.district_code")} AS \`区\`, countIf(h.kind = 'emerging') AS \`新发\`, countIf(h.kind = 'chronic') AS \`常发\`
FROM hotspots AS h FINAL
${joinNames("district", "d", "h.district_code")}
WHERE ${IN_RANGE}
GROUP BY \`区\`
ORDER BY \`区\``;

/**
 * The tickets behind each selected hotspot: created in its window, under its category, and in its
 * place: the same community, or (H3 cells) within the cell's edge length of its centre, the
 * circle around the hexagon (so a few tickets just outside the cell are listed too).
 */
const LINE_LIST = `
SELECT hs.hotspot_id AS hotspot_id, e.ticket_id AS ticket_id, e.occurred_at AS \`受理时间\`, e.district_name AS \`区\`,
       e.street_name AS \`街道\`, e.community_name AS \`社区\`, arrayStringConcat(e.category_names, ' > ') AS \`分类\`,
       e.channel AS \`渠道\`, substring(e.text, 1, 120) AS \`诉求摘要\`
FROM
(
    SELECT h.hotspot_id AS hotspot_id, h.category_code AS category_code, h.place_kind AS place_kind, h.community_code AS community_code,
           h.lat AS lat, h.lon AS lon, if(h.h3_cell = '', 0., h3EdgeLengthM(h3GetResolution(stringToH3(h.h3_cell)))) AS radius_m,
           toDateTime(h.window_start, 'Asia/Shanghai') AS from_time, toDateTime(h.window_end, 'Asia/Shanghai') + INTERVAL 1 DAY AS to_time
    FROM hotspots AS h FINAL
    WHERE ${IN_RANGE}
      AND $__conditionalAll(h.hotspot_id IN (\${hotspot_id:sqlstring}), $hotspot_id)
) AS hs
INNER JOIN
(
    SELECT ticket_id, occurred_at, district_name, street_name, community_code, community_name, category_names, channel, text, lat, lon,
           toString(category) AS category
    FROM events
    ARRAY JOIN category_path AS category
    WHERE type = 'ticket.created' AND occurred_at >= $__fromTime - INTERVAL 90 DAY AND occurred_at <= $__toTime
      AND ${ticketDepartment()}
      AND ${ticketChannel()}
) AS e ON e.category = hs.category_code
WHERE e.occurred_at >= hs.from_time AND e.occurred_at < hs.to_time
  AND if(hs.place_kind = 'h3',
         e.lat IS NOT NULL AND hs.lat IS NOT NULL
           AND greatCircleDistance(assumeNotNull(hs.lon), assumeNotNull(hs.lat), assumeNotNull(e.lon), assumeNotNull(e.lat)) <= hs.radius_m,
         e.community_code = hs.community_code)
ORDER BY e.occurred_at DESC
LIMIT 1000`;

export function hotspots(): dashboard.Dashboard {
  const board = hotlineDashboard(
    UID.hotspots,
    "热点",
    "Hotspots (热点): places where a category concentrates, emerging (新发) now and chronic (常发) for proactive fixing (未诉先办), on a map with the tickets behind each.",
    { from: "now-30d", to: "now" },
  )
    .variables(commonVariables())
    .withVariable(
      resultVariable(
        "hotspot_id",
        "热点",
        "One hotspot for the line list; All = every hotspot in the time range",
        `SELECT h.hotspot_id, concat(h.kind, ' ', h.category_code, ' ', h.place) FROM hotspots AS h FINAL
WHERE (h.status != 'closed' OR h.last_updated >= $__fromTime) AND h.first_seen <= $__toTime AND ${district("h.district_code")} AND ${categoryRelated("h.category_code")}
ORDER BY h.first_seen DESC LIMIT 500`,
      ),
    );
  new Grid(board)
    .add(
      mapPanel("热点地图", "Emerging and chronic hotspots: H3 cells at their centre, communities at the mean position of their tickets; size and colour by tickets", MAP, "tickets").dataLinks([
        rowLink("查看该热点", UID.hotspots, "hotspot_id", "hotspot_id"),
      ]),
      16,
      14,
    )
    .add(barPanel("各区热点", "Hotspots in the time range by district, emerging and chronic", BY_DISTRICT), 8, 14)
    .add(tablePanel("新发热点", "Emerging hotspots: a place's share of a category in the last days well above its baseline (space-time permutation)", EMERGING).dataLinks([rowLink("选择该热点", UID.hotspots, "hotspot_id", "hotspot_id")]), 12, 9)
    .add(tablePanel("常发热点", "Chronic hotspots: near the top of their category for three 30-day blocks running, the list for proactive fixing (未诉先办)", CHRONIC).dataLinks([rowLink("选择该热点", UID.hotspots, "hotspot_id", "hotspot_id")]), 12, 9)
    .add(tablePanel("热点背后的工单", "Line list: tickets of each selected hotspot (All: every hotspot in range), in its window, category and place", LINE_LIST), 24, 10);
  return board.build();
}
