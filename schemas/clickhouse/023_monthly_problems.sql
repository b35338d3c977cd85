-- monthly_problems: candidates for 每月一题 (Beijing's "one problem a month"): recurring problems of
-- a category (second level) in a place (community, else street) by local month, with the change
-- from the month before, how many of the last six months it was a problem, how many callers and how
-- many of its tickets were not really resolved (ticket_outcomes). score ranks what most deserves a
-- proactive fix (未诉先办): tickets × (months recurring / 6) × (1 + share not resolved).
CREATE VIEW IF NOT EXISTS monthly_problems
(
    month            Date              COMMENT '月份(本地, 月初) | Local month (first day)',
    district_code    String            COMMENT '区编码 | District',
    place_kind       String            COMMENT 'community 社区 or street 街道(工单无社区时) | Place kind',
    place_code       String            COMMENT '社区或街道编码 | Community or street code',
    category_code    String            COMMENT '二级分类编码(浅层分类树为末级) | Second-level category (the leaf of a shallow tree)',
    tickets          UInt64            COMMENT '本月工单 | Tickets created in the month',
    callers          UInt64            COMMENT '本月诉求人(去重) | Distinct callers in the month',
    not_resolved     UInt64            COMMENT '本月工单中未实际解决的 | Of them, not really resolved (ticket_outcomes)',
    judged           UInt64            COMMENT '本月工单中已判定解决与否的 | Of them, judged resolved or not',
    previous_tickets UInt64            COMMENT '上月工单 | Tickets in the month before',
    change           Int64             COMMENT '环比变化(件) | Month-on-month change in tickets',
    change_ratio     Nullable(Float64) COMMENT '环比变化率, 上月为0时为NULL | Month-on-month change over the month before; NULL when it had none',
    months_recurring UInt8             COMMENT '近6个月(含本月)中工单≥3的月数 | Months of the last six (this one included) with at least 3 tickets',
    score            Float64           COMMENT '优先程度 = 工单 × 复发月数/6 × (1 + 未解决占比) | Priority: tickets × months recurring / 6 × (1 + share not resolved)'
)
AS
SELECT month, district_code, place_kind, place_code, category_code, tickets, callers, not_resolved, judged, previous_tickets,
       toInt64(tickets) - toInt64(previous_tickets) AS change,
       if(previous_tickets = 0, NULL, (toFloat64(tickets) - previous_tickets) / previous_tickets) AS change_ratio,
       toUInt8(months_recurring) AS months_recurring,
       tickets * (months_recurring / 6) * (1 + if(judged = 0, 0, not_resolved / judged)) AS score
FROM
(
    SELECT addMonths(m.month, k) AS month, m.district_code AS district_code, m.place_kind AS place_kind, m.place_code AS place_code,
           m.category_code AS category_code,
           sumIf(m.tickets, k = 0) AS tickets, sumIf(m.callers, k = 0) AS callers, sumIf(m.not_resolved, k = 0) AS not_resolved,
           sumIf(m.judged, k = 0) AS judged, sumIf(m.tickets, k = 1) AS previous_tickets, countIf(m.tickets >= 3) AS months_recurring
    FROM
    (
        SELECT toStartOfMonth(e.occurred_at, '{{timezone}}') AS month, toString(e.district_code) AS district_code,
               if(e.community_code != '', 'community', 'street') AS place_kind,
               if(e.community_code != '', e.community_code, toString(e.street_code)) AS place_code,
               toString(if(length(e.category_path) >= 2, e.category_path[2], e.category_code)) AS category_code,
               count() AS tickets, uniqExact(e.caller_key) AS callers,
               countIf(o.real_resolution = 0) AS not_resolved, countIf(o.real_resolution IS NOT NULL) AS judged
        FROM events AS e
        LEFT JOIN (SELECT ticket_id, real_resolution FROM ticket_outcomes FINAL) AS o ON o.ticket_id = e.ticket_id
        WHERE e.type = 'ticket.created'
        GROUP BY month, district_code, place_kind, place_code, category_code
    ) AS m
    ARRAY JOIN [0, 1, 2, 3, 4, 5] AS k
    GROUP BY month, district_code, place_kind, place_code, category_code
)
WHERE tickets > 0;
