-- calls_minute: the call centre per minute and queue (and agent group, once a call is answered).
-- Service level = answered_within_15s / offered; connection rate = answered / offered.
CREATE TABLE IF NOT EXISTS calls_minute
(
    minute                DateTime('{{timezone}}') COMMENT 'Start of the minute | 分钟',
    queue                 LowCardinality(String)   COMMENT '队列 | Queue',
    agent_group           LowCardinality(String)   COMMENT '班组 (answered and ended calls only) | Agent group',
    offered               UInt64                   COMMENT '呼入量 | Calls offered',
    answered              UInt64                   COMMENT '接通量 | Calls answered',
    answered_within_15s   UInt64                   COMMENT '15秒内接通 | Answered within 15 seconds',
    abandoned             UInt64                   COMMENT '放弃量 | Calls abandoned before answer',
    abandoned_within_10s  UInt64                   COMMENT '10秒内放弃 | Short abandons (within 10 s)',
    ended                 UInt64                   COMMENT '结束通话 | Calls ended',
    tickets_produced      UInt64                   COMMENT '生成工单 | Ended calls that produced a ticket',
    answer_wait_seconds   Float64                  COMMENT '接通等待秒数合计 | Sum of waits of answered calls',
    abandon_wait_seconds  Float64                  COMMENT '放弃等待秒数合计 | Sum of waits of abandoned calls',
    talk_seconds          Float64                  COMMENT '通话秒数合计 | Sum of talk seconds of ended calls'
)
ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(minute)
ORDER BY (minute, queue, agent_group)
COMMENT 'Call centre per minute; read with sum() GROUP BY | 话务每分钟汇总';

CREATE MATERIALIZED VIEW IF NOT EXISTS calls_minute_mv TO calls_minute AS
SELECT
    toStartOfMinute(occurred_at) AS minute,
    queue,
    agent_group,
    countIf(type = 'call.offered') AS offered,
    countIf(type = 'call.answered') AS answered,
    countIf(type = 'call.answered' AND wait_seconds <= 15) AS answered_within_15s,
    countIf(type = 'call.abandoned') AS abandoned,
    countIf(type = 'call.abandoned' AND wait_seconds <= 10) AS abandoned_within_10s,
    countIf(type = 'call.ended') AS ended,
    countIf(type = 'call.ended' AND related_ticket_id != '') AS tickets_produced,
    sumIf(ifNull(wait_seconds, 0), type = 'call.answered') AS answer_wait_seconds,
    sumIf(ifNull(wait_seconds, 0), type = 'call.abandoned') AS abandon_wait_seconds,
    sumIf(ifNull(talk_seconds, 0), type = 'call.ended') AS talk_seconds
FROM events
WHERE type LIKE 'call.%'
GROUP BY minute, queue, agent_group;

CREATE VIEW IF NOT EXISTS service_level_hourly AS
SELECT
    toStartOfHour(minute, '{{timezone}}') AS hour,
    queue,
    sum(offered) AS offered,
    sum(answered) AS answered,
    sum(answered_within_15s) AS answered_within_15s,
    sum(abandoned) AS abandoned,
    if(offered = 0, NULL, answered / offered) AS connection_rate,
    if(offered = 0, NULL, answered_within_15s / offered) AS service_level_15s,
    if(offered = 0, NULL, abandoned / offered) AS abandonment_rate,
    if(answered = 0, NULL, sum(answer_wait_seconds) / answered) AS mean_answer_wait_seconds
FROM calls_minute
GROUP BY hour, queue;
