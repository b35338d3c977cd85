-- The hotline's own service level (话务服务水平), what the duty supervisor (值班长) watches live:
-- answered within 15 s and connection by agent group and hour, when callers give up, and how many
-- wait in the queue now and over the day. Views: always current, nothing to refresh.

-- By local hour, queue and agent group (班组). Offered and abandoned calls never reach a group, so
-- their rates are per queue (service_level_hourly); here: what each group answered and how fast.
CREATE VIEW IF NOT EXISTS service_level_agent_group_hourly
(
    hour                     DateTime('{{timezone}}') COMMENT '小时(本地) | Local hour',
    queue                    String                   COMMENT '队列 | Queue',
    agent_group              String                   COMMENT '班组 | Agent group',
    answered                 UInt64                   COMMENT '接通量 | Calls answered',
    answered_within_15s      UInt64                   COMMENT '15秒内接通 | Answered within 15 s',
    share_within_15s         Nullable(Float64)        COMMENT '接通中15秒内比例 | Share of answered calls answered within 15 s',
    mean_answer_wait_seconds Nullable(Float64)        COMMENT '平均接通等待秒数 | Mean wait of answered calls',
    ended                    UInt64                   COMMENT '结束通话 | Calls ended',
    mean_talk_seconds        Nullable(Float64)        COMMENT '平均通话秒数 | Mean talk time of ended calls',
    tickets_produced         UInt64                   COMMENT '生成工单 | Tickets produced',
    ticket_rate              Nullable(Float64)        COMMENT '通话生成工单比例 | Share of ended calls producing a ticket'
)
AS SELECT
    toStartOfHour(minute, '{{timezone}}') AS hour,
    toString(queue) AS queue,
    toString(agent_group) AS agent_group,
    sum(answered) AS answered,
    sum(answered_within_15s) AS answered_within_15s,
    if(answered = 0, NULL, answered_within_15s / answered) AS share_within_15s,
    if(answered = 0, NULL, sum(answer_wait_seconds) / answered) AS mean_answer_wait_seconds,
    sum(ended) AS ended,
    if(ended = 0, NULL, sum(talk_seconds) / ended) AS mean_talk_seconds,
    sum(tickets_produced) AS tickets_produced,
    if(ended = 0, NULL, tickets_produced / ended) AS ticket_rate
FROM calls_minute
WHERE agent_group != ''
GROUP BY hour, queue, agent_group;

-- When callers give up (放弃时长分布): abandoned calls by local hour, queue and how long they waited.
CREATE VIEW IF NOT EXISTS call_abandonment_hourly
(
    hour                 DateTime('{{timezone}}') COMMENT '小时(本地) | Local hour',
    queue                String                   COMMENT '队列 | Queue',
    abandoned            UInt64                   COMMENT '放弃量 | Calls abandoned',
    within_10s           UInt64                   COMMENT '10秒内放弃(多为误拨) | Gave up within 10 s',
    from_10_to_30s       UInt64                   COMMENT '10-30秒放弃 | After 10 to 30 s',
    from_30_to_60s       UInt64                   COMMENT '30-60秒放弃 | After 30 to 60 s',
    from_60_to_120s      UInt64                   COMMENT '60-120秒放弃 | After 60 to 120 s',
    over_120s            UInt64                   COMMENT '120秒以上放弃 | After more than 120 s',
    mean_wait_seconds    Nullable(Float64)        COMMENT '放弃前平均等待秒数 | Mean wait before giving up',
    median_wait_seconds  Nullable(Float64)        COMMENT '放弃前等待中位数 | Median wait before giving up'
)
AS SELECT
    toStartOfHour(occurred_at, '{{timezone}}') AS hour,
    toString(queue) AS queue,
    count() AS abandoned,
    countIf(w <= 10) AS within_10s,
    countIf(w > 10 AND w <= 30) AS from_10_to_30s,
    countIf(w > 30 AND w <= 60) AS from_30_to_60s,
    countIf(w > 60 AND w <= 120) AS from_60_to_120s,
    countIf(w > 120) AS over_120s,
    if(abandoned = 0, NULL, avg(w)) AS mean_wait_seconds,
    if(abandoned = 0, NULL, quantileExact(0.5)(w)) AS median_wait_seconds
FROM (SELECT occurred_at, queue, ifNull(wait_seconds, 0) AS w FROM events WHERE type = 'call.abandoned')
GROUP BY hour, queue;

-- Queue length over the day (排队长度): per minute and queue, the mean number of callers waiting
-- (seconds spent waiting inside the minute / 60) and how many started waiting. Every answered or
-- abandoned call waited from (its event time − wait_seconds) until its event time.
CREATE VIEW IF NOT EXISTS call_queue_minute
(
    minute        DateTime('{{timezone}}') COMMENT '分钟(本地) | Local minute',
    queue         String                   COMMENT '队列 | Queue',
    mean_waiting  Float64                  COMMENT '该分钟平均排队人数 | Mean callers waiting during the minute',
    entered       UInt64                   COMMENT '该分钟开始排队的来电 | Calls that started waiting in the minute'
)
AS SELECT
    toDateTime(m, '{{timezone}}') AS minute,
    toString(queue) AS queue,
    sum(greatest(0, least(toFloat64(m) + 60, end_s) - greatest(toFloat64(m), start_s))) / 60 AS mean_waiting,
    countIf(start_s >= toFloat64(m) AND start_s < toFloat64(m) + 60) AS entered
FROM
(
    SELECT queue,
           toUnixTimestamp64Milli(occurred_at) / 1000. AS end_s,
           end_s - ifNull(wait_seconds, 0) AS start_s,
           arrayJoin(range(toUInt32(intDiv(toUInt64(start_s), 60) * 60), toUInt32(intDiv(toUInt64(end_s), 60) * 60) + 1, 60)) AS m
    FROM events
    WHERE type IN ('call.answered', 'call.abandoned') AND ifNull(wait_seconds, 0) > 0
)
GROUP BY m, queue;

-- Queue now (当前排队): calls offered in the last hour before the newest call event that were
-- neither answered nor abandoned yet, per queue.
CREATE VIEW IF NOT EXISTS call_queue_now
(
    queue            String                   COMMENT '队列 | Queue',
    waiting          UInt64                   COMMENT '正在排队的来电 | Calls waiting now',
    longest_wait_s   Nullable(Float64)        COMMENT '最长已等待秒数 | Longest current wait, seconds',
    as_of            DateTime64(3, 'UTC')     COMMENT '以最新话务事件时间为准 | Newest call event time'
)
AS SELECT
    toString(queue) AS queue,
    count() AS waiting,
    max(dateDiff('millisecond', offered_at, newest) / 1000.) AS longest_wait_s,
    any(newest) AS as_of
FROM
(
    SELECT call_id, any(queue) AS queue, minIf(occurred_at, type = 'call.offered') AS offered_at,
           countIf(type IN ('call.answered', 'call.abandoned', 'call.ended')) AS done,
           (SELECT max(occurred_at) FROM events WHERE type LIKE 'call.%') AS newest
    FROM events
    WHERE type LIKE 'call.%' AND occurred_at >= (SELECT max(occurred_at) FROM events WHERE type LIKE 'call.%') - INTERVAL 1 HOUR
    GROUP BY call_id
    HAVING done = 0 AND countIf(type = 'call.offered') > 0
)
GROUP BY queue;
