-- volume_minute: tickets created per minute by district, category (levels 1, 2 and leaf), channel
-- and request type. A SummingMergeTree: always read it with sum(tickets) … GROUP BY.
CREATE TABLE IF NOT EXISTS volume_minute
(
    minute        DateTime('{{timezone}}')  COMMENT 'Start of the minute (shown in the local time zone) | 分钟',
    district_code LowCardinality(String)    COMMENT '区编码 | District code',
    category_l1   LowCardinality(String)    COMMENT '一级分类编码 | Top-level category code',
    category_l2   LowCardinality(String)    COMMENT '二级分类编码 | Second-level category code (empty if none)',
    category_code LowCardinality(String)    COMMENT '末级分类编码 | Leaf category code',
    channel       LowCardinality(String)    COMMENT '渠道 | Channel',
    request_type  LowCardinality(String)    COMMENT '诉求类型 | Request type',
    tickets       UInt64                    COMMENT '新建工单数 | Tickets created'
)
ENGINE = SummingMergeTree(tickets)
PARTITION BY toYYYYMM(minute)
ORDER BY (minute, district_code, category_l1, category_l2, category_code, channel, request_type)
COMMENT 'Tickets created per minute; read with sum() GROUP BY | 每分钟受理量';

CREATE MATERIALIZED VIEW IF NOT EXISTS volume_minute_mv TO volume_minute AS
SELECT
    toStartOfMinute(occurred_at) AS minute,
    district_code,
    category_path[1] AS category_l1,
    category_path[2] AS category_l2,
    category_code,
    channel,
    request_type,
    count() AS tickets
FROM events
WHERE type = 'ticket.created'
GROUP BY minute, district_code, category_l1, category_l2, category_code, channel, request_type;

-- Daily and hourly volume in the configured local time zone ({{timezone}}): days start at local midnight.
CREATE VIEW IF NOT EXISTS volume_daily AS
SELECT toDate(minute, '{{timezone}}') AS day, district_code, category_l1, category_l2, category_code, channel, request_type,
       sum(tickets) AS tickets
FROM volume_minute
GROUP BY day, district_code, category_l1, category_l2, category_code, channel, request_type;

CREATE VIEW IF NOT EXISTS volume_hourly AS
SELECT toStartOfHour(minute, '{{timezone}}') AS hour, district_code, category_l1, category_l2, category_code, channel, request_type,
       sum(tickets) AS tickets
FROM volume_minute
GROUP BY hour, district_code, category_l1, category_l2, category_code, channel, request_type;

-- Weeks start on Monday at local midnight.
CREATE VIEW IF NOT EXISTS volume_weekly AS
SELECT toMonday(minute, '{{timezone}}') AS week, district_code, category_l1, category_l2, category_code, channel, request_type,
       sum(tickets) AS tickets
FROM volume_minute
GROUP BY week, district_code, category_l1, category_l2, category_code, channel, request_type;
