-- 001_events.sql
CREATE TABLE IF NOT EXISTS events_local ON CLUSTER hotline_cluster
(
    event_id          String                         COMMENT 'Idempotency key from the source system | 事件ID',
    type              LowCardinality(String)         COMMENT 'Event type, e.g. ticket.created | 事件类型',
    schema_version    UInt8                          COMMENT 'Contract version of the event | 契约版本',
    occurred_at       DateTime64(3, 'UTC')           COMMENT 'When it happened in the source system (event time, UTC) | 发生时间',
    source_system     LowCardinality(String)         COMMENT 'System that emitted the event | 来源系统',
    source            String                         COMMENT 'Where the worker read it: kafka:topic/partition@offset or file:name:line | 读取位置',
    ticket_id         String                         COMMENT 'Ticket of a ticket.* event, empty for calls | 工单编号',
    call_id           String                         COMMENT 'Call of a call.* event, empty for tickets | 来电ID',
    channel           LowCardinality(String)         COMMENT 'ticket.created: channel | 渠道',
    request_type      LowCardinality(String)         COMMENT 'ticket.created: request type | 诉求类型',
    category_code     LowCardinality(String)         COMMENT 'ticket.created: leaf category code | 分类编码',
    category_path     Array(LowCardinality(String))  COMMENT 'ticket.created: category codes from root to leaf | 分类路径',
    category_names    Array(String)                  COMMENT 'ticket.created: category names from root to leaf | 分类名称',
    district_code     LowCardinality(String)         COMMENT 'ticket.created: district code | 区编码',
    district_name     LowCardinality(String)         COMMENT 'ticket.created: district name | 区',
    street_code       LowCardinality(String)         COMMENT 'ticket.created: street code | 街道编码',
    street_name       LowCardinality(String)         COMMENT 'ticket.created: street name | 街道',
    community_code    String                         COMMENT 'ticket.created: community code | 社区编码',
    community_name    String                         COMMENT 'ticket.created: community name | 社区',
    lat               Nullable(Float64)              COMMENT 'ticket.created: latitude, WGS-84 | 纬度',
    lon               Nullable(Float64)              COMMENT 'ticket.created: longitude, WGS-84 | 经度',
    urgency           LowCardinality(String)         COMMENT 'ticket.created: normal, urgent, emergency | 紧急程度',
    caller_key        String                         COMMENT 'Keyed hash of the caller phone (never the phone) | 诉求人标识(哈希)',
    department_code   LowCardinality(String)         COMMENT 'Department of the step (dispatch, return, accept, respond, extend, close) | 承办单位编码',
    department_name   LowCardinality(String)         COMMENT 'Department name | 承办单位',
    hop               UInt16                         COMMENT 'ticket.dispatched / returned: dispatch hop, 1 = first | 派单跳数',
    resolution        LowCardinality(String)         COMMENT 'ticket.closed: resolution | 办结结果',
    survey_result     LowCardinality(String)         COMMENT 'ticket.callback: survey result | 回访结果',
    deadline          Nullable(DateTime64(3, 'UTC')) COMMENT 'Closing deadline set by this event (created sla, dispatch, extension) | 办结时限',
    related_ticket_id String                         COMMENT 'ticket.merged: ticket merged into; call.ended: ticket produced | 关联工单',
    queue             LowCardinality(String)         COMMENT 'call.*: queue | 队列',
    agent_group       LowCardinality(String)         COMMENT 'call.answered / ended: agent group | 班组',
    wait_seconds      Nullable(Float64)              COMMENT 'call.*: seconds waited | 等待秒数',
    talk_seconds      Nullable(Float64)              COMMENT 'call.ended: seconds talked | 通话秒数',
    text              String                         COMMENT 'Scrubbed free text of the event (request, reason, reply, comment) | 文本(已脱敏)',
    data              String                         COMMENT 'The whole scrubbed payload as JSON | 载荷(已脱敏)',
    INDEX event_id_bloom event_id TYPE bloom_filter(0.001) GRANULARITY 1,
    INDEX ticket_id_bloom ticket_id TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX caller_key_bloom caller_key TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/events_local', '{replica}')
PARTITION BY toYYYYMM(occurred_at, 'Asia/Shanghai')
ORDER BY (toStartOfHour(occurred_at), type, ticket_id, event_id)
SETTINGS non_replicated_deduplication_window = 10000
COMMENT 'Every valid event, normalised and scrubbed | 全部有效事件';

CREATE TABLE IF NOT EXISTS events ON CLUSTER hotline_cluster AS events_local
ENGINE = Distributed(hotline_cluster, hotline, events_local, cityHash64(if(ticket_id != '', ticket_id, call_id)));

-- 002_dead_letters.sql
CREATE TABLE IF NOT EXISTS dead_letters_local ON CLUSTER hotline_cluster
(
    dead_lettered_at DateTime64(3, 'UTC')   COMMENT 'When the worker rejected it (worker clock) | 拒收时间',
    source           String                 COMMENT 'kafka:topic/partition@offset, file:name:line or sim:seed#seq | 读取位置',
    source_kind      LowCardinality(String) COMMENT 'kafka, file or simulator | 来源类型',
    topic            String                 COMMENT 'Kafka topic, empty otherwise | 主题',
    partition        Nullable(Int32)        COMMENT 'Kafka partition | 分区',
    offset           Nullable(Int64)        COMMENT 'Kafka offset | 偏移量',
    file             String                 COMMENT 'Input file (or - for stdin) | 文件',
    line             Nullable(UInt64)       COMMENT 'Line in the file, from 1 | 行号',
    reason_code      LowCardinality(String) COMMENT 'oversized, invalid_utf8, malformed_json, not_an_object, unsupported_version, unknown_type, schema_violation, timestamp_out_of_range | 原因代码',
    reason           String                 COMMENT 'What exactly was wrong, and what was expected | 原因',
    event_id         String                 COMMENT 'event_id if one could be read | 事件ID',
    type             String                 COMMENT 'type if one could be read | 事件类型',
    payload          String                 COMMENT 'The input, scrubbed of phone and ID numbers, cut at 16 KiB | 原文(已脱敏)',
    payload_bytes    UInt32                 COMMENT 'Size of the original input in bytes | 原文字节数',
    INDEX source_bloom source TYPE bloom_filter(0.001) GRANULARITY 1
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/dead_letters_local', '{replica}')
PARTITION BY toYYYYMM(dead_lettered_at, 'Asia/Shanghai')
ORDER BY (dead_lettered_at, source)
SETTINGS non_replicated_deduplication_window = 10000
COMMENT 'Inputs rejected at ingest, with reasons | 死信';

CREATE TABLE IF NOT EXISTS dead_letters ON CLUSTER hotline_cluster AS dead_letters_local
ENGINE = Distributed(hotline_cluster, hotline, dead_letters_local, cityHash64(source));

-- 003_tickets.sql
CREATE TABLE IF NOT EXISTS tickets_state_local ON CLUSTER hotline_cluster
(
    ticket_id          String,
    created            AggregateFunction(argMaxIf, Tuple(String, String, String, Array(String), Array(String), String, String, String, String, String, String, Nullable(Float64), Nullable(Float64), String, String), DateTime64(3, 'UTC'), UInt8),
    created_at         SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC'))),
    first_event_at     SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    last_event_at      SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
    status             AggregateFunction(argMaxIf, String, Tuple(DateTime64(3, 'UTC'), UInt8), UInt8),
    department         AggregateFunction(argMaxIf, Tuple(String, String), DateTime64(3, 'UTC'), UInt8),
    departments        SimpleAggregateFunction(groupUniqArrayArray, Array(String)),
    dispatches         SimpleAggregateFunction(sum, UInt64),
    returns            SimpleAggregateFunction(sum, UInt64),
    max_hop            SimpleAggregateFunction(max, UInt16),
    extensions         SimpleAggregateFunction(sum, UInt64),
    supervisions       SimpleAggregateFunction(sum, UInt64),
    reopens            SimpleAggregateFunction(sum, UInt64),
    first_accepted_at  SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC'))),
    first_responded_at SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC'))),
    closed_at          AggregateFunction(argMaxIf, Nullable(DateTime64(3, 'UTC')), DateTime64(3, 'UTC'), UInt8),
    closure            AggregateFunction(argMaxIf, Tuple(String, String), DateTime64(3, 'UTC'), UInt8),
    deadline           AggregateFunction(argMaxIf, Nullable(DateTime64(3, 'UTC')), DateTime64(3, 'UTC'), UInt8),
    merged_into        AggregateFunction(argMaxIf, String, DateTime64(3, 'UTC'), UInt8),
    callback_result    AggregateFunction(argMaxIf, String, DateTime64(3, 'UTC'), UInt8),
    events             SimpleAggregateFunction(sum, UInt64)
)
ENGINE = ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/{database}/tickets_state_local', '{replica}')
ORDER BY ticket_id
COMMENT 'Partial ticket states; read the tickets view | 工单状态(中间表)';

CREATE TABLE IF NOT EXISTS tickets_state ON CLUSTER hotline_cluster AS tickets_state_local
ENGINE = Distributed(hotline_cluster, hotline, tickets_state_local, cityHash64(ticket_id));

CREATE MATERIALIZED VIEW IF NOT EXISTS tickets_state_mv ON CLUSTER hotline_cluster TO tickets_state_local AS
SELECT
    ticket_id,
    argMaxIfState(
        (channel, request_type, category_code, category_path, category_names, district_code, district_name,
         street_code, street_name, community_code, community_name, lat, lon, urgency, caller_key),
        occurred_at, type = 'ticket.created')                                                AS created,
    min(if(type = 'ticket.created', occurred_at, NULL))                                      AS created_at,
    min(occurred_at)                                                                         AS first_event_at,
    max(occurred_at)                                                                         AS last_event_at,
    argMaxIfState(
        multiIf(type = 'ticket.created', 'created', type = 'ticket.dispatched', 'dispatched',
                type = 'ticket.returned', 'returned', type = 'ticket.accepted', 'accepted',
                type = 'ticket.responded', 'responded', type = 'ticket.closed', 'closed',
                type = 'ticket.reopened', 'reopened', 'merged'),
        (occurred_at, toUInt8(multiIf(type = 'ticket.created', 1, type = 'ticket.dispatched', 2,
                type = 'ticket.returned', 3, type = 'ticket.accepted', 4, type = 'ticket.responded', 5,
                type = 'ticket.closed', 6, type = 'ticket.reopened', 7, 8))),
        type IN ('ticket.created', 'ticket.dispatched', 'ticket.returned', 'ticket.accepted',
                 'ticket.responded', 'ticket.closed', 'ticket.reopened', 'ticket.merged'))  AS status,
    argMaxIfState((department_code, department_name), occurred_at, type = 'ticket.dispatched') AS department,
    groupUniqArrayArray(if(type = 'ticket.dispatched', [department_code], []))               AS departments,
    countIf(type = 'ticket.dispatched')                                                      AS dispatches,
    countIf(type = 'ticket.returned')                                                        AS returns,
    max(hop)                                                                                 AS max_hop,
    countIf(type = 'ticket.extended')                                                        AS extensions,
    countIf(type = 'ticket.supervised')                                                      AS supervisions,
    countIf(type = 'ticket.reopened')                                                        AS reopens,
    min(if(type = 'ticket.accepted', occurred_at, NULL))                                     AS first_accepted_at,
    min(if(type = 'ticket.responded', occurred_at, NULL))                                    AS first_responded_at,
    argMaxIfState(CAST(occurred_at, 'Nullable(DateTime64(3, \'UTC\'))'), occurred_at,
                  type IN ('ticket.closed', 'ticket.reopened'))                              AS closed_at,
    argMaxIfState((department_code, resolution), occurred_at, type = 'ticket.closed')        AS closure,
    argMaxIfState(deadline, occurred_at, deadline IS NOT NULL)                               AS deadline,
    argMaxIfState(related_ticket_id, occurred_at, type = 'ticket.merged')                    AS merged_into,
    argMaxIfState(CAST(survey_result, 'String'), occurred_at, type = 'ticket.callback')     AS callback_result,
    count()                                                                                  AS events
FROM events_local
WHERE ticket_id != ''
GROUP BY ticket_id;

CREATE VIEW IF NOT EXISTS tickets ON CLUSTER hotline_cluster AS
SELECT
    ticket_id,
    created_at,
    c.1 AS channel,
    c.2 AS request_type,
    c.3 AS category_code,
    c.4 AS category_path,
    c.5 AS category_names,
    c.6 AS district_code,
    c.7 AS district_name,
    c.8 AS street_code,
    c.9 AS street_name,
    c.10 AS community_code,
    c.11 AS community_name,
    c.12 AS lat,
    c.13 AS lon,
    c.14 AS urgency,
    c.15 AS caller_key,
    status,
    dep.1 AS department_code,
    dep.2 AS department_name,
    departments,
    dispatches,
    returns,
    max_hop,
    extensions,
    supervisions,
    reopens,
    first_accepted_at,
    first_responded_at,
    if(status = 'closed', closed_at_raw, NULL) AS closed_at,
    if(status = 'closed', closure.1, '') AS closed_by_department_code,
    if(status = 'closed', closure.2, '') AS resolution,
    deadline,
    merged_into,
    callback_result,
    first_event_at,
    last_event_at,
    events
FROM
(
    SELECT
        ticket_id,
        min(created_at) AS created_at,
        argMaxIfMerge(created) AS c,
        argMaxIfMerge(status) AS status,
        argMaxIfMerge(department) AS dep,
        arraySort(groupUniqArrayArray(departments)) AS departments,
        sum(dispatches) AS dispatches,
        sum(returns) AS returns,
        max(max_hop) AS max_hop,
        sum(extensions) AS extensions,
        sum(supervisions) AS supervisions,
        sum(reopens) AS reopens,
        min(first_accepted_at) AS first_accepted_at,
        min(first_responded_at) AS first_responded_at,
        argMaxIfMerge(closed_at) AS closed_at_raw,
        argMaxIfMerge(closure) AS closure,
        argMaxIfMerge(deadline) AS deadline,
        argMaxIfMerge(merged_into) AS merged_into,
        argMaxIfMerge(callback_result) AS callback_result,
        min(first_event_at) AS first_event_at,
        max(last_event_at) AS last_event_at,
        sum(events) AS events
    FROM tickets_state
    GROUP BY ticket_id
);

-- 004_volume_minute.sql
CREATE TABLE IF NOT EXISTS volume_minute_local ON CLUSTER hotline_cluster
(
    minute        DateTime('Asia/Shanghai')  COMMENT 'Start of the minute (shown in the local time zone) | 分钟',
    district_code LowCardinality(String)    COMMENT '区编码 | District code',
    category_l1   LowCardinality(String)    COMMENT '一级分类编码 | Top-level category code',
    category_l2   LowCardinality(String)    COMMENT '二级分类编码 | Second-level category code (empty if none)',
    category_code LowCardinality(String)    COMMENT '末级分类编码 | Leaf category code',
    channel       LowCardinality(String)    COMMENT '渠道 | Channel',
    request_type  LowCardinality(String)    COMMENT '诉求类型 | Request type',
    tickets       UInt64                    COMMENT '新建工单数 | Tickets created'
)
ENGINE = ReplicatedSummingMergeTree('/clickhouse/tables/{shard}/{database}/volume_minute_local', '{replica}', tickets)
PARTITION BY toYYYYMM(minute)
ORDER BY (minute, district_code, category_l1, category_l2, category_code, channel, request_type)
COMMENT 'Tickets created per minute; read with sum() GROUP BY | 每分钟受理量';

CREATE TABLE IF NOT EXISTS volume_minute ON CLUSTER hotline_cluster AS volume_minute_local
ENGINE = Distributed(hotline_cluster, hotline, volume_minute_local, cityHash64(minute, district_code, category_l1, category_l2, category_code, channel, request_type));

CREATE MATERIALIZED VIEW IF NOT EXISTS volume_minute_mv ON CLUSTER hotline_cluster TO volume_minute_local AS
SELECT
    toStartOfMinute(occurred_at) AS minute,
    district_code,
    category_path[1] AS category_l1,
    category_path[2] AS category_l2,
    category_code,
    channel,
    request_type,
    count() AS tickets
FROM events_local
WHERE type = 'ticket.created'
GROUP BY minute, district_code, category_l1, category_l2, category_code, channel, request_type;

CREATE VIEW IF NOT EXISTS volume_daily ON CLUSTER hotline_cluster AS
SELECT toDate(minute, 'Asia/Shanghai') AS day, district_code, category_l1, category_l2, category_code, channel, request_type,
       sum(tickets) AS tickets
FROM volume_minute
GROUP BY day, district_code, category_l1, category_l2, category_code, channel, request_type;

CREATE VIEW IF NOT EXISTS volume_hourly ON CLUSTER hotline_cluster AS
SELECT toStartOfHour(minute, 'Asia/Shanghai') AS hour, district_code, category_l1, category_l2, category_code, channel, request_type,
       sum(tickets) AS tickets
FROM volume_minute
GROUP BY hour, district_code, category_l1, category_l2, category_code, channel, request_type;

CREATE VIEW IF NOT EXISTS volume_weekly ON CLUSTER hotline_cluster AS
SELECT toMonday(minute, 'Asia/Shanghai') AS week, district_code, category_l1, category_l2, category_code, channel, request_type,
       sum(tickets) AS tickets
FROM volume_minute
GROUP BY week, district_code, category_l1, category_l2, category_code, channel, request_type;

-- 005_calls_minute.sql
CREATE TABLE IF NOT EXISTS calls_minute_local ON CLUSTER hotline_cluster
(
    minute                DateTime('Asia/Shanghai') COMMENT 'Start of the minute | 分钟',
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
ENGINE = ReplicatedSummingMergeTree('/clickhouse/tables/{shard}/{database}/calls_minute_local', '{replica}')
PARTITION BY toYYYYMM(minute)
ORDER BY (minute, queue, agent_group)
COMMENT 'Call centre per minute; read with sum() GROUP BY | 话务每分钟汇总';

CREATE TABLE IF NOT EXISTS calls_minute ON CLUSTER hotline_cluster AS calls_minute_local
ENGINE = Distributed(hotline_cluster, hotline, calls_minute_local, cityHash64(minute, queue, agent_group));

CREATE MATERIALIZED VIEW IF NOT EXISTS calls_minute_mv ON CLUSTER hotline_cluster TO calls_minute_local AS
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
FROM events_local
WHERE type LIKE 'call.%'
GROUP BY minute, queue, agent_group;

CREATE VIEW IF NOT EXISTS service_level_hourly ON CLUSTER hotline_cluster AS
SELECT
    toStartOfHour(minute, 'Asia/Shanghai') AS hour,
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

-- 006_ticket_flags.sql
CREATE TABLE IF NOT EXISTS ticket_flags_local ON CLUSTER hotline_cluster
(
    flag_id         String                  COMMENT 'ticket_id:kind, stable across restarts and replays | 标记ID',
    ticket_id       String                  COMMENT '工单编号 | Ticket',
    kind            LowCardinality(String)  COMMENT 'ping_pong (推诿), overdue (超期), repeated_extensions (多次延期), supervised (督办), reopened (重办), multi_department (多部门) | 类型',
    status          LowCardinality(String)  COMMENT 'open, updated, or closed (the ticket is closed, or the condition no longer holds) | 状态',
    reason          String                  COMMENT 'Why, in words, with the counts and departments | 原因',
    category_code   LowCardinality(String)  COMMENT '分类编码 | Category',
    district_code   LowCardinality(String)  COMMENT '区编码 | District',
    department_code LowCardinality(String)  COMMENT 'Department it is with now (last dispatch) | 当前承办单位',
    first_seen      DateTime64(3, 'UTC')    COMMENT 'Event time the condition first held (for overdue: the deadline) | 首次发现',
    last_updated    DateTime64(3, 'UTC')    COMMENT 'Event time of the last change | 最近更新',
    evidence        String                  COMMENT 'JSON: hops, returns, extensions, supervisions, reopens, departments | 证据',
    version         UInt64                  COMMENT 'last_updated in ms: the newest version wins | 版本'
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/ticket_flags_local', '{replica}', version)
ORDER BY flag_id
COMMENT 'Abnormal and complex tickets, latest state per flag | 异常工单标记';

CREATE TABLE IF NOT EXISTS ticket_flags ON CLUSTER hotline_cluster AS ticket_flags_local
ENGINE = Distributed(hotline_cluster, hotline, ticket_flags_local, cityHash64(flag_id));

-- 007_repeats.sql
CREATE TABLE IF NOT EXISTS repeats_local ON CLUSTER hotline_cluster
(
    repeat_id          String                        COMMENT 'kind:anchor ticket, stable across restarts and replays | 重复诉求ID',
    kind               LowCardinality(String)        COMMENT 'same_caller (重复来电), after_closure (办结≠解决), multi_channel (多头受理), collective (群体诉求), similar_text (相似文本) | 类型',
    status             LowCardinality(String)        COMMENT 'open, updated (tickets joined), closed (quiet for its window) | 状态',
    ticket_ids         Array(String)                 COMMENT 'The linked tickets, oldest first | 关联工单',
    tickets            UInt32                        COMMENT 'How many tickets | 工单数',
    caller_key         String                        COMMENT 'Hashed caller, for the caller kinds (never a phone) | 诉求人标识(哈希)',
    callers            UInt32                        COMMENT 'Distinct callers | 诉求人数',
    channels           Array(LowCardinality(String)) COMMENT 'Channels used | 渠道',
    category_code      LowCardinality(String)        COMMENT '分类编码 | Category',
    district_code      LowCardinality(String)        COMMENT '区编码 | District',
    community_code     String                        COMMENT '社区编码 | Community',
    charged_department LowCardinality(String)        COMMENT 'after_closure: the department that closed the earlier ticket (办结≠解决) | 责任单位',
    first_seen         DateTime64(3, 'UTC')          COMMENT 'Event time of the ticket that made it a repeat | 首次发现',
    last_updated       DateTime64(3, 'UTC')          COMMENT 'Event time of the last change | 最近更新',
    version            UInt64                        COMMENT 'last_updated in ms: the newest version wins | 版本'
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/repeats_local', '{replica}', version)
ORDER BY repeat_id
COMMENT 'Repeat complaints with their linked tickets | 重复诉求';

CREATE TABLE IF NOT EXISTS repeats ON CLUSTER hotline_cluster AS repeats_local
ENGINE = Distributed(hotline_cluster, hotline, repeats_local, cityHash64(repeat_id));

-- 008_caller_flags.sql
CREATE TABLE IF NOT EXISTS caller_flags_local ON CLUSTER hotline_cluster
(
    flag_id           String                 COMMENT 'caller_key:kind | 标记ID',
    caller_key        String                 COMMENT 'Hashed caller (never a phone) | 诉求人标识(哈希)',
    kind              LowCardinality(String) COMMENT 'frequent_caller (高频来电), identical_text (重复相同内容), out_of_scope (多次不属于受理范围) | 类型',
    status            LowCardinality(String) COMMENT 'open, updated, closed (quiet for the window) | 状态',
    reason            String                 COMMENT 'Why, with the counts | 原因',
    tickets           UInt32                 COMMENT 'Tickets behind the flag | 工单数',
    sample_ticket_ids Array(String)          COMMENT 'Up to 10 of them, newest last | 样例工单',
    first_seen        DateTime64(3, 'UTC')   COMMENT 'Event time the flag was raised | 首次发现',
    last_updated      DateTime64(3, 'UTC')   COMMENT 'Event time of the last change | 最近更新',
    version           UInt64                 COMMENT 'last_updated in ms | 版本'
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/caller_flags_local', '{replica}', version)
ORDER BY flag_id
COMMENT 'Callers to review for unreasonable or malicious requests | 疑似不合理诉求';

CREATE TABLE IF NOT EXISTS caller_flags ON CLUSTER hotline_cluster AS caller_flags_local
ENGINE = Distributed(hotline_cluster, hotline, caller_flags_local, cityHash64(flag_id));

-- 009_hotspots.sql
CREATE TABLE IF NOT EXISTS hotspots_local ON CLUSTER hotline_cluster
(
    hotspot_id        String                 COMMENT 'emerging:place:category:first day, or chronic:place:category | 热点ID',
    kind              LowCardinality(String) COMMENT 'emerging (新发) or chronic (常发) | 类型',
    status            LowCardinality(String) COMMENT 'open, updated (still found), closed (no longer found) | 状态',
    place_kind        LowCardinality(String) COMMENT 'h3 (grid cell from coordinates), community, or district | 地点类型',
    place             String                 COMMENT 'The H3 cell id or the community / district code | 地点',
    h3_cell           String                 COMMENT 'H3 cell (resolution 8) when coordinates exist | 网格',
    lat               Nullable(Float64)      COMMENT 'Cell centre latitude (WGS-84) | 纬度',
    lon               Nullable(Float64)      COMMENT 'Cell centre longitude | 经度',
    community_code    String                 COMMENT 'Community code when the place is a community | 社区编码',
    district_code     LowCardinality(String) COMMENT '区编码 | District',
    category_code     LowCardinality(String) COMMENT 'Second-level category (or the leaf of a shallow tree) | 分类编码',
    observed          UInt32                 COMMENT 'Tickets in the window | 观测数',
    expected          Float64                COMMENT 'Expected from the place and category totals (emerging), 0 for chronic | 期望数',
    p_value           Float64                COMMENT 'Poisson tail of observed given expected (emerging) | 显著性',
    window_start      Date                   COMMENT 'First local day of the window | 窗口开始',
    window_end        Date                   COMMENT 'Last local day of the window | 窗口结束',
    sample_ticket_ids Array(String)          COMMENT 'Up to 10 recent tickets behind it | 样例工单',
    first_seen        DateTime64(3, 'UTC')   COMMENT 'End of the local day it was first found | 首次发现',
    last_updated      DateTime64(3, 'UTC')   COMMENT 'End of the local day of the last change | 最近更新',
    version           UInt64                 COMMENT 'last_updated in ms | 版本'
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/hotspots_local', '{replica}', version)
ORDER BY hotspot_id
COMMENT 'Emerging and chronic hotspots | 热点';

CREATE TABLE IF NOT EXISTS hotspots ON CLUSTER hotline_cluster AS hotspots_local
ENGINE = Distributed(hotline_cluster, hotline, hotspots_local, cityHash64(hotspot_id));

-- 010_phrases.sql
CREATE TABLE IF NOT EXISTS phrases_local ON CLUSTER hotline_cluster
(
    phrase_id         String                 COMMENT 'phrase:first local day of the burst | 短语ID',
    phrase            String                 COMMENT 'The n-gram (2 to 4 Chinese characters) | 短语',
    status            LowCardinality(String) COMMENT 'open, updated (still bursting), closed | 状态',
    day               Date                   COMMENT 'Local day of this evaluation | 日期',
    observed          UInt32                 COMMENT 'Tickets containing it that day | 当日工单数',
    expected          Float64                COMMENT 'Its decayed daily mean before | 期望数',
    p_value           Float64                COMMENT 'Poisson tail of observed given expected | 显著性',
    sample_ticket_ids Array(String)          COMMENT 'Up to 10 tickets containing it | 样例工单',
    examples          Array(String)          COMMENT 'Up to 3 snippets of scrubbed text around it | 上下文',
    first_seen        DateTime64(3, 'UTC')   COMMENT 'End of the local day the burst began | 首次发现',
    last_updated      DateTime64(3, 'UTC')   COMMENT 'End of the local day of the last change | 最近更新',
    version           UInt64                 COMMENT 'last_updated in ms | 版本'
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/phrases_local', '{replica}', version)
ORDER BY phrase_id
COMMENT 'Emerging phrases in free text | 新兴短语';

CREATE TABLE IF NOT EXISTS phrases ON CLUSTER hotline_cluster AS phrases_local
ENGINE = Distributed(hotline_cluster, hotline, phrases_local, cityHash64(phrase_id));

-- 011_spikes.sql
CREATE TABLE IF NOT EXISTS spikes_local ON CLUSTER hotline_cluster
(
    spike_id          String                        COMMENT 'Hash of the series and the start: stable across restarts and replays | 突增ID',
    status            LowCardinality(String)        COMMENT 'open, updated (grew), closed (back to normal) | 状态',
    resolution        LowCardinality(String)        COMMENT 'hour or day | 粒度',
    level             UInt8                         COMMENT 'Level of the category in the tree, 1 = top | 分类层级',
    category_code     LowCardinality(String)        COMMENT 'The category of the series | 分类编码',
    category_path     Array(LowCardinality(String)) COMMENT 'Its path from the root | 分类路径',
    district_code     LowCardinality(String)        COMMENT 'District, empty for city-wide | 区编码(空=全市)',
    trigger           LowCardinality(String)        COMMENT 'bucket (one hour/day), window (the last hours together) or cusum (days accumulated) | 触发方式',
    started_at        DateTime64(3, 'UTC')          COMMENT 'When the rise began | 开始时间',
    ended_at          Nullable(DateTime64(3, 'UTC')) COMMENT 'When it ended, once closed | 结束时间',
    observed          UInt32                        COMMENT 'Tickets in the spike window | 观测数',
    expected          Float64                       COMMENT 'Tickets expected from its history (time of day, day of week, trend) | 期望数',
    ratio             Float64                       COMMENT 'observed / expected | 倍数',
    p_value           Float64                       COMMENT 'Negative-binomial tail of observed given expected | 显著性',
    sample_ticket_ids Array(String)                 COMMENT 'Up to 10 tickets of the window | 样例工单',
    first_seen        DateTime64(3, 'UTC')          COMMENT 'Event time first reported | 首次发现',
    last_updated      DateTime64(3, 'UTC')          COMMENT 'Event time last reported | 最近更新',
    version           UInt64                        COMMENT 'last_updated in ms | 版本'
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/spikes_local', '{replica}', version)
ORDER BY spike_id
COMMENT 'Spikes of categories by district and city-wide | 突增';

CREATE TABLE IF NOT EXISTS spikes ON CLUSTER hotline_cluster AS spikes_local
ENGINE = Distributed(hotline_cluster, hotline, spikes_local, cityHash64(spike_id));

-- 012_ticket_outcomes.sql
CREATE TABLE IF NOT EXISTS ticket_outcomes_local ON CLUSTER hotline_cluster
(
    ticket_id                 String                          COMMENT '工单编号 | Ticket',
    created_at                DateTime64(3, 'UTC')            COMMENT '受理时间 | Created (event time, UTC)',
    channel                   LowCardinality(String)          COMMENT '渠道 | Channel',
    request_type              LowCardinality(String)          COMMENT '诉求类型 | Request type',
    category_code             LowCardinality(String)          COMMENT '末级分类编码 | Leaf category code',
    category_l1               LowCardinality(String)          COMMENT '一级分类编码 | Top-level category code',
    category_l2               LowCardinality(String)          COMMENT '二级分类编码 | Second-level category code',
    category_name             String                          COMMENT '分类名称(末级) | Leaf category name',
    district_code             LowCardinality(String)          COMMENT '区编码 | District code',
    district_name             LowCardinality(String)          COMMENT '区 | District',
    urgency                   LowCardinality(String)          COMMENT '紧急程度: normal, urgent, emergency | Urgency',
    caller_key                String                          COMMENT '诉求人标识(哈希, 非手机号) | Hashed caller (never a phone)',
    first_department_code     LowCardinality(String)          COMMENT '首派单位 | Department of the first dispatch',
    department_code           LowCardinality(String)          COMMENT '责任单位: 首次办结单位, 未办结则为当前承办单位 | Accountable department: first closer, else current',
    responding_department_code LowCardinality(String)         COMMENT '首次响应单位 | Department of the first response (else accountable)',
    departments               Array(LowCardinality(String))   COMMENT '派过单的全部单位(按首次派单顺序) | Every department dispatched to, in order',
    returned_by               Array(LowCardinality(String))   COMMENT '退过单的单位 | Departments that returned it (退单)',
    dispatches                UInt32                          COMMENT '派单次数 | Dispatches',
    returns                   UInt32                          COMMENT '退单次数 | Returns',
    max_hop                   UInt16                          COMMENT '最大派单跳数 | Highest dispatch hop',
    extensions                UInt32                          COMMENT '延期次数 | Extensions',
    supervisions              UInt32                          COMMENT '督办次数 | Supervisions (any time)',
    reopens                   UInt32                          COMMENT '重办次数 | Reopenings (any time)',
    merged                    UInt8                           COMMENT '是否并单 | Merged into another ticket (left out of every rate)',
    merged_into               String                          COMMENT '并入工单 | Ticket it was merged into',
    sla_tier                  LowCardinality(String)          COMMENT '时限档: emergency 2小时, utility 水电气热24小时, general 7天, complex 15天 | SLA tier',
    deadline_source           LowCardinality(String)          COMMENT 'event: 事件携带的时限; tier: 按时限档推算 | Where the closing deadline came from',
    accept_deadline           DateTime64(3, 'UTC')            COMMENT '签收时限 | Acceptance deadline',
    respond_deadline          DateTime64(3, 'UTC')            COMMENT '响应时限 | First-response deadline',
    original_close_deadline   DateTime64(3, 'UTC')            COMMENT '原办结时限(受理时) | Closing deadline at creation',
    close_deadline            DateTime64(3, 'UTC')            COMMENT '适用办结时限(含批准的延期与转派) | Closing deadline in effect at the first closing (approved extensions and re-dispatches count)',
    first_dispatched_at       Nullable(DateTime64(3, 'UTC'))  COMMENT '首次派单时间 | First dispatch',
    first_accepted_at         Nullable(DateTime64(3, 'UTC'))  COMMENT '首次签收时间(直办件为办结时间) | First acceptance (direct answers: the closing)',
    first_responded_at        Nullable(DateTime64(3, 'UTC'))  COMMENT '首次响应时间(直办件为办结时间) | First response (direct answers: the closing)',
    first_closed_at           Nullable(DateTime64(3, 'UTC'))  COMMENT '首次办结时间 | First closing',
    hours_to_accept           Nullable(Float64)               COMMENT '受理到签收小时数 | Hours from creation to acceptance',
    hours_to_respond          Nullable(Float64)               COMMENT '受理到首次响应小时数 | Hours from creation to first response',
    hours_to_close            Nullable(Float64)               COMMENT '受理到首次办结小时数 | Hours from creation to first closing',
    accepted_on_time          Nullable(UInt8)                 COMMENT '按时签收: 1/0, 时限未到且未签收为NULL | Accepted by the deadline; NULL while still possible',
    responded_on_time         Nullable(UInt8)                 COMMENT '及时响应: 1/0, 时限未到且未响应为NULL | Responded by the deadline; NULL while still possible',
    closed_on_time            Nullable(UInt8)                 COMMENT '按期办结: 1/0, 时限未到且未办结为NULL | First closing by the deadline in effect; NULL while still possible',
    closed_within_original    Nullable(UInt8)                 COMMENT '在原时限内办结(不计延期) | First closing by the original deadline (extensions not counted)',
    resolution                LowCardinality(String)          COMMENT '首次办结结果 | Resolution declared at the first closing',
    first_reopened_at         Nullable(DateTime64(3, 'UTC'))  COMMENT '首次重办时间 | First reopening',
    reopened_by               LowCardinality(String)          COMMENT '首次重办发起方: caller, callback, supervisor, system | Who asked for the first reopening',
    supervised_after_close_at Nullable(DateTime64(3, 'UTC'))  COMMENT '办结后首次督办时间 | First supervision after the first closing',
    repeat_after_close_at     Nullable(DateTime64(3, 'UTC'))  COMMENT '办结后重复诉求时间(repeats after_closure) | When the same caller came back on the same issue after the closing',
    repeat_id                 String                          COMMENT '对应的重复诉求ID | The repeats row (after_closure)',
    window_ends_at            Nullable(DateTime64(3, 'UTC'))  COMMENT '观察期结束: 首次办结 + 观察天数 | End of the observation window',
    outcome                   LowCardinality(String)          COMMENT 'open 未办结, merged 并单, provisional 观察期内暂定, resolved 实际解决, not_resolved 未实际解决 | Passive outcome',
    real_resolution           Nullable(UInt8)                 COMMENT '实际解决: 1/0, 暂定或未办结为NULL | Really resolved; NULL while provisional or open',
    failure_reason            LowCardinality(String)          COMMENT '未解决的首个信号: reopened, supervised_after_close, repeat_after_close | First sign it was not solved',
    repeat_after_close        Nullable(UInt8)                 COMMENT '观察期内办结后重复诉求: 1/0, 暂定为NULL | Repeat complaint within the window after closing',
    callback_result           LowCardinality(String)          COMMENT '首次回访结果: satisfied, basically_satisfied, dissatisfied, unreachable, 无回访为空 | First callback survey after the first closing',
    callback_at               Nullable(DateTime64(3, 'UTC'))  COMMENT '首次回访时间 | When',
    callback_resolved         Nullable(UInt8)                 COMMENT '回访中诉求人是否表示已解决 | What the caller said about being solved, when asked',
    suspected_abuse           UInt8                           COMMENT '疑似不合理/恶意诉求(诉求人在caller_flags中) | Caller flagged in caller_flags around this ticket',
    abuse_kinds               Array(LowCardinality(String))   COMMENT '诉求人标记类型 | Kinds of the caller flags',
    abnormal                  UInt8                           COMMENT '异常工单(ticket_flags有记录) | Has an abnormal-ticket flag',
    abnormal_kinds            Array(LowCardinality(String))   COMMENT '异常类型 | Kinds of ticket flags',
    as_of                     DateTime64(3, 'UTC')            COMMENT '评估时点(事件时间) | Event time this row was judged at',
    version                   UInt64                          COMMENT 'as_of in ms: the newest judgement wins | 版本'
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/ticket_outcomes_local', '{replica}', version)
PARTITION BY toYYYYMM(created_at)
ORDER BY ticket_id
COMMENT 'Per-ticket passive performance facts; read with FINAL | 工单无感监测事实表';

CREATE TABLE IF NOT EXISTS ticket_outcomes ON CLUSTER hotline_cluster AS ticket_outcomes_local
ENGINE = Distributed(hotline_cluster, hotline, ticket_outcomes_local, cityHash64(ticket_id));

CREATE VIEW IF NOT EXISTS performance_trials ON CLUSTER hotline_cluster AS
SELECT
    ticket_id,
    created_at,
    as_of,
    category_code,
    category_l2,
    channel,
    district_code,
    urgency,
    suspected_abuse,
    failure_reason,
    trial.1 AS unit_kind,
    trial.2 AS metric,
    trial.3 AS unit_code,
    assumeNotNull(trial.4) AS success
FROM
(
    SELECT *
    FROM ticket_outcomes FINAL
    WHERE merged = 0
)
ARRAY JOIN arrayFilter(t -> t.4 IS NOT NULL, arrayConcat(
    [
        ('department', 'timely_response', responding_department_code, responded_on_time),
        ('department', 'on_time_closure', department_code, closed_on_time),
        ('department', 'real_resolution', department_code, real_resolution),
        ('department', 'repeat_after_close', department_code, repeat_after_close),
        ('department', 'abnormal', department_code, toNullable(abnormal)),
        ('district', 'timely_response', district_code, responded_on_time),
        ('district', 'on_time_closure', district_code, closed_on_time),
        ('district', 'real_resolution', district_code, real_resolution),
        ('district', 'repeat_after_close', district_code, repeat_after_close),
        ('district', 'abnormal', district_code, toNullable(abnormal)),
        ('district', 'returned', district_code, toNullable(toUInt8(returns > 0 OR length(departments) > 1)))
    ],
    arrayMap(d -> ('department', 'returned', d, toNullable(toUInt8(has(returned_by, d)))), departments)
)) AS trial
WHERE trial.3 != '';

-- 013_performance_scores.sql
CREATE TABLE IF NOT EXISTS performance_casemix_local ON CLUSTER hotline_cluster
(
    metric      LowCardinality(String) COMMENT '指标 | Metric (timely_response, on_time_closure, real_resolution, repeat_after_close, returned, abnormal)',
    unit_kind   LowCardinality(String) COMMENT '对象类型: department 部门, district 区 | Unit kind the model adjusts for',
    factor      LowCardinality(String) COMMENT '因素: intercept, category, channel, district, urgency | Case-mix factor',
    level       String                 COMMENT '因素取值(如分类编码) | Level of the factor',
    coefficient Float64                COMMENT '对数优势系数(相对全市) | Log-odds effect (ridge-penalised main-effects logistic model)',
    trials      UInt64                 COMMENT '该取值的样本量 | Trials with this level',
    as_of       DateTime64(3, 'UTC')   COMMENT '评估时点(事件时间) | Event time scored at',
    version     UInt64                 COMMENT 'as_of in ms | 版本'
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/performance_casemix_local', '{replica}', version)
ORDER BY (metric, unit_kind, factor, level)
COMMENT 'Case-mix model of expected rates (indirect standardisation) | 病例组合(案件结构)模型';

CREATE TABLE IF NOT EXISTS performance_casemix ON CLUSTER hotline_cluster AS performance_casemix_local
ENGINE = Distributed(hotline_cluster, hotline, performance_casemix_local, cityHash64(metric, unit_kind, factor, level));

CREATE TABLE IF NOT EXISTS performance_scores_local ON CLUSTER hotline_cluster
(
    score_id           String                 COMMENT 'unit_kind:unit_code:metric:period_kind:period_start, stable | 评分ID',
    unit_kind          LowCardinality(String) COMMENT 'department 部门 or district 区 | Unit kind',
    unit_code          LowCardinality(String) COMMENT '部门或区编码 | Department or district code',
    metric             LowCardinality(String) COMMENT 'timely_response 及时响应率, on_time_closure 按期办结率, real_resolution 实际解决率, repeat_after_close 办结后重复诉求率, returned 退单/转派率, abnormal 异常工单占比 | Metric',
    higher_is_better   UInt8                  COMMENT '1: 越高越好; 0: 越低越好 | Direction of the metric',
    period_kind        LowCardinality(String) COMMENT 'day 日, week 周(周一起), month 月, span 整个评分期 | Period kind (local time)',
    period_start       Date                   COMMENT '周期开始(本地日期) | First local day of the period',
    volume             UInt32                 COMMENT '工单量(该单位该周期的工单, 含排除的) | Tickets of the unit in the period, excluded ones too',
    trials             UInt32                 COMMENT '计入该率的样本数 | Trials counted in the rate (denominator)',
    observed           UInt32                 COMMENT '观察到的事件数 | Observed events (numerator)',
    expected           Float64                COMMENT '按案件结构在全市水平下的期望事件数 | Expected events from the case mix at city-wide rates',
    raw_rate           Nullable(Float64)      COMMENT '原始率 observed/trials | Raw rate',
    city_rate          Nullable(Float64)      COMMENT '全市同周期的率 | City-wide rate in the period',
    oe_ratio           Nullable(Float64)      COMMENT '观察/期望 | Observed over expected (1 = as expected for its case mix)',
    standardised_rate  Nullable(Float64)      COMMENT '标化率 = 全市率 × O/E | Indirectly standardised rate',
    shrunk_rate        Nullable(Float64)      COMMENT '经验贝叶斯收缩后的标化率 | Standardised rate shrunk toward the city (beta-binomial)',
    lower              Nullable(Float64)      COMMENT '收缩率95%可信区间下限 | 2.5% point of the posterior',
    upper              Nullable(Float64)      COMMENT '收缩率95%可信区间上限 | 97.5% point of the posterior',
    too_few            UInt8                  COMMENT '样本过少不予评价(< 最小样本量) | Below the minimum volume: too few to judge',
    excluded_suspected UInt32                 COMMENT '因疑似不合理/恶意诉求排除的样本 | Trials left out as suspected unreasonable or malicious',
    provisional        UInt32                 COMMENT '观察期未满的已办结工单(暂定, 未计入) | Closed tickets still inside the observation window (not counted yet)',
    funnel_lower95     Nullable(Float64)      COMMENT '漏斗图95%控制下限(该样本量) | Funnel-plot 95% lower limit at this volume',
    funnel_upper95     Nullable(Float64)      COMMENT '漏斗图95%控制上限 | Funnel-plot 95% upper limit',
    funnel_lower998    Nullable(Float64)      COMMENT '漏斗图99.8%控制下限 | Funnel-plot 99.8% lower limit',
    funnel_upper998    Nullable(Float64)      COMMENT '漏斗图99.8%控制上限 | Funnel-plot 99.8% upper limit',
    funnel_zone        LowCardinality(String) COMMENT 'high_998, high_95, within, low_95, low_998 (标化率相对控制限的位置) | Where the standardised rate falls',
    prior_a            Float64                COMMENT '收缩先验Beta(a,b)的a | Beta prior a of the unit kind, metric and period',
    prior_b            Float64                COMMENT '收缩先验Beta(a,b)的b | Beta prior b',
    as_of              DateTime64(3, 'UTC')   COMMENT '评估时点(事件时间) | Event time scored at',
    version            UInt64                 COMMENT 'as_of in ms: the newest scoring wins | 版本'
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/performance_scores_local', '{replica}', version)
PARTITION BY period_kind
ORDER BY score_id
COMMENT 'Passive performance per department and district and period, case-mix adjusted and shrunk | 无感监测评分';

CREATE TABLE IF NOT EXISTS performance_scores ON CLUSTER hotline_cluster AS performance_scores_local
ENGINE = Distributed(hotline_cluster, hotline, performance_scores_local, cityHash64(score_id));

CREATE VIEW IF NOT EXISTS performance_funnel ON CLUSTER hotline_cluster AS
SELECT unit_kind, unit_code, metric, period_kind, period_start, trials AS volume, standardised_rate AS rate, city_rate AS target,
       funnel_lower95, funnel_upper95, funnel_lower998, funnel_upper998, funnel_zone, too_few
FROM performance_scores FINAL;

CREATE TABLE IF NOT EXISTS performance_diagnosis_local ON CLUSTER hotline_cluster
(
    diagnosis_id  String                 COMMENT 'unit_kind:unit_code:metric:period_kind:period_start:driver_kind:driver | 诊断ID',
    unit_kind     LowCardinality(String) COMMENT 'department 部门 or district 区 | Unit kind',
    unit_code     LowCardinality(String) COMMENT '部门或区编码 | Unit code',
    metric        LowCardinality(String) COMMENT '指标 | Metric',
    period_kind   LowCardinality(String) COMMENT 'month 月 or span 整个评分期 | Period kind',
    period_start  Date                   COMMENT '周期开始(本地日期) | First local day of the period',
    driver_kind   LowCardinality(String) COMMENT 'category: 二级分类; step: 未解决信号(reopened, supervised_after_close, repeat_after_close) | Kind of driver',
    driver        String                 COMMENT '分类编码或环节 | Category code or step',
    driver_name   String                 COMMENT '分类名称 | Category name (for categories)',
    rank          UInt16                 COMMENT '贡献排序, 1最大 | Rank among the unit''s drivers, 1 = largest',
    trials        UInt32                 COMMENT '样本数 | Trials of this driver',
    observed      UInt32                 COMMENT '观察事件数 | Observed events',
    expected      Float64                COMMENT '期望事件数(category) | Expected events (categories; observed for steps)',
    excess        Float64                COMMENT '超出期望的不利事件数(正数=更差) | Unfavourable events beyond expected (positive = worse)',
    share_of_gap  Nullable(Float64)      COMMENT '占该单位总差距的比例 | Share of the unit''s total unfavourable excess',
    as_of         DateTime64(3, 'UTC')   COMMENT '评估时点(事件时间) | Event time scored at',
    version       UInt64                 COMMENT 'as_of in ms | 版本'
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/performance_diagnosis_local', '{replica}', version)
ORDER BY diagnosis_id
COMMENT 'Drivers of each unit''s gap: categories and steps | 差距诊断';

CREATE TABLE IF NOT EXISTS performance_diagnosis ON CLUSTER hotline_cluster AS performance_diagnosis_local
ENGINE = Distributed(hotline_cluster, hotline, performance_diagnosis_local, cityHash64(diagnosis_id));

-- 014_survey_agreement.sql
CREATE TABLE IF NOT EXISTS survey_agreement_local ON CLUSTER hotline_cluster
(
    agreement_id            String                 COMMENT 'unit_kind:unit_code:period_kind:period_start, stable | 一致性ID',
    unit_kind               LowCardinality(String) COMMENT 'department 部门(首次办结单位) or city 全市 | Unit kind',
    unit_code               LowCardinality(String) COMMENT '部门编码, 全市为空 | Department code, empty for the city',
    period_kind             LowCardinality(String) COMMENT 'month 月 or span 整个评分期 | Period kind (by creation, local time)',
    period_start            Date                   COMMENT '周期开始(本地日期) | First local day of the period',
    surveyed                UInt32                 COMMENT '有回访的已办结工单 | Closed tickets with a callback',
    unreachable             UInt32                 COMMENT '回访未接通 | Callbacks that reached nobody',
    provisional             UInt32                 COMMENT '有回访但观察期未满 | Surveyed, outcome still provisional',
    resolved_positive       UInt32                 COMMENT '实际解决 且 满意/基本满意 | Resolved and satisfied (agree)',
    resolved_negative       UInt32                 COMMENT '实际解决 但 不满意 | Resolved but dissatisfied (disagree)',
    unresolved_positive     UInt32                 COMMENT '未实际解决 但 满意/基本满意 | Not resolved but satisfied (disagree: polite answers)',
    unresolved_negative     UInt32                 COMMENT '未实际解决 且 不满意 | Not resolved and dissatisfied (agree)',
    answered_positive       UInt32                 COMMENT '回访满意/基本满意(不论被动结果) | Satisfied or basically satisfied answers, whatever the passive outcome',
    answered_negative       UInt32                 COMMENT '回访不满意(不论被动结果) | Dissatisfied answers, whatever the passive outcome',
    agreement_rate          Nullable(Float64)      COMMENT '一致率 = (一致两格)/四格合计 | Share of the four cells that agree',
    kappa                   Nullable(Float64)      COMMENT 'Cohen kappa(扣除偶然一致) | Agreement beyond chance',
    passive_rate            Nullable(Float64)      COMMENT '四格中实际解决率 | Real-resolution rate over the four cells',
    survey_rate             Nullable(Float64)      COMMENT '四格中满意率(含基本满意) | Satisfaction rate over the four cells',
    as_of                   DateTime64(3, 'UTC')   COMMENT '评估时点(事件时间) | Event time scored at',
    version                 UInt64                 COMMENT 'as_of in ms | 版本'
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/survey_agreement_local', '{replica}', version)
ORDER BY agreement_id
COMMENT 'Passive outcome against the callback survey: confusion matrix and agreement | 无感监测与回访的一致性';

CREATE TABLE IF NOT EXISTS survey_agreement ON CLUSTER hotline_cluster AS survey_agreement_local
ENGINE = Distributed(hotline_cluster, hotline, survey_agreement_local, cityHash64(agreement_id));

CREATE TABLE IF NOT EXISTS survey_correlation_local ON CLUSTER hotline_cluster
(
    correlation_id      String                 COMMENT 'period_kind:period_start | 相关ID',
    period_kind         LowCardinality(String) COMMENT 'month 月 or span 整个评分期 | Period kind',
    period_start        Date                   COMMENT '周期开始(本地日期) | First local day of the period',
    departments         UInt32                 COMMENT '参与比较的部门数(样本量达标) | Departments compared (enough volume on both measures)',
    spearman            Nullable(Float64)      COMMENT '收缩后实际解决率与回访满意率的Spearman秩相关 | Spearman rho, shrunk real-resolution rate vs survey satisfaction',
    pearson             Nullable(Float64)      COMMENT '同上的Pearson相关 | Pearson r of the same',
    spearman_raw        Nullable(Float64)      COMMENT '原始实际解决率与满意率的Spearman | Spearman rho with the raw real-resolution rate',
    as_of               DateTime64(3, 'UTC')   COMMENT '评估时点(事件时间) | Event time scored at',
    version             UInt64                 COMMENT 'as_of in ms | 版本'
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/survey_correlation_local', '{replica}', version)
ORDER BY correlation_id
COMMENT 'Across departments: does the passive measure rank like the survey? | 部门间无感监测与回访的相关';

CREATE TABLE IF NOT EXISTS survey_correlation ON CLUSTER hotline_cluster AS survey_correlation_local
ENGINE = Distributed(hotline_cluster, hotline, survey_correlation_local, cityHash64(correlation_id));

-- 015_call_service_level.sql
CREATE VIEW IF NOT EXISTS service_level_agent_group_hourly ON CLUSTER hotline_cluster
(
    hour                     DateTime('Asia/Shanghai') COMMENT '小时(本地) | Local hour',
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
    toStartOfHour(minute, 'Asia/Shanghai') AS hour,
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

CREATE VIEW IF NOT EXISTS call_abandonment_hourly ON CLUSTER hotline_cluster
(
    hour                 DateTime('Asia/Shanghai') COMMENT '小时(本地) | Local hour',
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
    toStartOfHour(occurred_at, 'Asia/Shanghai') AS hour,
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

CREATE VIEW IF NOT EXISTS call_queue_minute ON CLUSTER hotline_cluster
(
    minute        DateTime('Asia/Shanghai') COMMENT '分钟(本地) | Local minute',
    queue         String                   COMMENT '队列 | Queue',
    mean_waiting  Float64                  COMMENT '该分钟平均排队人数 | Mean callers waiting during the minute',
    entered       UInt64                   COMMENT '该分钟开始排队的来电 | Calls that started waiting in the minute'
)
AS SELECT
    toDateTime(m, 'Asia/Shanghai') AS minute,
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

CREATE VIEW IF NOT EXISTS call_queue_now ON CLUSTER hotline_cluster
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

-- 016_performance_view_comments.sql
CREATE OR REPLACE VIEW performance_trials ON CLUSTER hotline_cluster
(
    ticket_id       String                 COMMENT '工单编号 | Ticket',
    created_at      DateTime64(3, 'UTC')   COMMENT '受理时间 | Created (UTC)',
    as_of           DateTime64(3, 'UTC')   COMMENT '评估时点 | Event time the ticket was judged at',
    category_code   String                 COMMENT '末级分类编码 | Leaf category (case-mix factor)',
    category_l2     String                 COMMENT '二级分类编码 | Second-level category (diagnosis)',
    channel         String                 COMMENT '渠道 | Channel (case-mix factor)',
    district_code   String                 COMMENT '区编码 | District (case-mix factor of departments)',
    urgency         String                 COMMENT '紧急程度 | Urgency (case-mix factor)',
    suspected_abuse UInt8                  COMMENT '疑似不合理/恶意诉求 | Caller flagged: left out of scores by default',
    failure_reason  String                 COMMENT '未解决的首个信号 | First sign of non-resolution',
    unit_kind       String                 COMMENT 'department 部门 or district 区 | Unit kind',
    metric          String                 COMMENT '指标 | Metric',
    unit_code       String                 COMMENT '部门或区编码 | Unit the trial is charged to',
    success         UInt8                  COMMENT '1: 该指标计数的事件发生了 | 1 when the counted event happened (for repeat_after_close, returned, abnormal: the bad one)'
)
AS SELECT
    ticket_id,
    created_at,
    as_of,
    toString(category_code) AS category_code,
    toString(category_l2) AS category_l2,
    toString(channel) AS channel,
    toString(district_code) AS district_code,
    toString(urgency) AS urgency,
    suspected_abuse,
    toString(failure_reason) AS failure_reason,
    trial.1 AS unit_kind,
    trial.2 AS metric,
    toString(trial.3) AS unit_code,
    assumeNotNull(trial.4) AS success
FROM
(
    SELECT *
    FROM ticket_outcomes FINAL
    WHERE merged = 0
)
ARRAY JOIN arrayFilter(t -> t.4 IS NOT NULL, arrayConcat(
    [
        ('department', 'timely_response', responding_department_code, responded_on_time),
        ('department', 'on_time_closure', department_code, closed_on_time),
        ('department', 'real_resolution', department_code, real_resolution),
        ('department', 'repeat_after_close', department_code, repeat_after_close),
        ('department', 'abnormal', department_code, toNullable(abnormal)),
        ('district', 'timely_response', district_code, responded_on_time),
        ('district', 'on_time_closure', district_code, closed_on_time),
        ('district', 'real_resolution', district_code, real_resolution),
        ('district', 'repeat_after_close', district_code, repeat_after_close),
        ('district', 'abnormal', district_code, toNullable(abnormal)),
        ('district', 'returned', district_code, toNullable(toUInt8(returns > 0 OR length(departments) > 1)))
    ],
    arrayMap(d -> ('department', 'returned', d, toNullable(toUInt8(has(returned_by, d)))), departments)
)) AS trial
WHERE trial.3 != '';

CREATE OR REPLACE VIEW performance_funnel ON CLUSTER hotline_cluster
(
    unit_kind        String            COMMENT 'department 部门 or district 区 | Unit kind',
    unit_code        String            COMMENT '部门或区编码 | Unit',
    metric           String            COMMENT '指标 | Metric',
    period_kind      String            COMMENT '周期类型: day, week, month, span | Period kind',
    period_start     Date              COMMENT '周期开始 | First local day of the period',
    volume           UInt32            COMMENT '样本数(横轴) | Trials (x axis)',
    rate             Nullable(Float64) COMMENT '标化率(纵轴) | Standardised rate (y axis)',
    target           Nullable(Float64) COMMENT '全市率(中线) | City rate (centre line)',
    funnel_lower95   Nullable(Float64) COMMENT '95%控制下限 | 95% lower limit',
    funnel_upper95   Nullable(Float64) COMMENT '95%控制上限 | 95% upper limit',
    funnel_lower998  Nullable(Float64) COMMENT '99.8%控制下限 | 99.8% lower limit',
    funnel_upper998  Nullable(Float64) COMMENT '99.8%控制上限 | 99.8% upper limit',
    funnel_zone      String            COMMENT '所在区域 | high_998, high_95, within, low_95, low_998',
    too_few          UInt8             COMMENT '样本过少 | Too few to judge'
)
AS SELECT toString(unit_kind) AS unit_kind, toString(unit_code) AS unit_code, toString(metric) AS metric, toString(period_kind) AS period_kind,
       period_start, trials AS volume, standardised_rate AS rate, city_rate AS target,
       funnel_lower95, funnel_upper95, funnel_lower998, funnel_upper998, toString(funnel_zone) AS funnel_zone, too_few
FROM performance_scores FINAL;

-- 020_dead_letters_too_late.sql
ALTER TABLE dead_letters_local ON CLUSTER hotline_cluster
    COMMENT COLUMN reason_code 'oversized, invalid_utf8, malformed_json, not_an_object, unsupported_version, unknown_type, schema_violation, timestamp_out_of_range, too_late | 原因代码';

ALTER TABLE dead_letters ON CLUSTER hotline_cluster
    COMMENT COLUMN reason_code 'oversized, invalid_utf8, malformed_json, not_an_object, unsupported_version, unknown_type, schema_violation, timestamp_out_of_range, too_late | 原因代码';

-- 021_alerts.sql
CREATE TABLE IF NOT EXISTS alerts_local ON CLUSTER hotline_cluster
(
    alert_id        String                        COMMENT 'result_table:result_id:rung:severity, stable across restarts and replays | 告警ID',
    raised_at       DateTime64(3, 'UTC')          COMMENT 'Event time of the change that raised it (the result''s last_updated) | 触发时间(事件时间)',
    recorded_at     DateTime64(3, 'UTC')          COMMENT 'Worker clock when it was recorded in this outbox | 记录时间',
    kind            LowCardinality(String)        COMMENT 'spike, hotspot.emerging, repeat.collective, ticket_flag.<kind>, caller_flag.<kind>, phrase, … | 类型',
    change          LowCardinality(String)        COMMENT 'new (first alert of the result) or grew (higher rung or severity) | 变化',
    step            UInt32                        COMMENT 'Growth rung: floor(log2(tickets)) for spikes, repeats and phrases, tickets for hotspots, 0 for flags | 增长级别',
    severity        LowCardinality(String)        COMMENT 'info, low, medium, high, critical | 严重程度',
    severity_rank   UInt8                         COMMENT '0 (info) to 4 (critical), for ordering | 严重程度序号',
    title           String                        COMMENT 'Message title (scrubbed) | 标题',
    summary         String                        COMMENT 'What, where, how many, in one line (scrubbed) | 摘要',
    result_table    LowCardinality(String)        COMMENT 'spikes, hotspots, repeats, ticket_flags, caller_flags or phrases | 结果表',
    result_id       String                        COMMENT 'The result''s id in its table (spike_id, hotspot_id, …) | 结果ID',
    district_code   LowCardinality(String)        COMMENT 'District, empty for city-wide | 区编码',
    category_code   LowCardinality(String)        COMMENT 'Category | 分类编码',
    department_code LowCardinality(String)        COMMENT 'Department (ticket flags: current; repeats: charged), else empty | 承办单位',
    tickets         UInt32                        COMMENT 'Tickets behind the result at that change | 工单数',
    ticket_ids      Array(String)                 COMMENT 'Some of those tickets | 样例工单',
    panel_url       String                        COMMENT 'Grafana panel with the time range and variables set | Grafana链接',
    routes          Array(String)                 COMMENT 'Routes of the routing file that matched | 匹配的路由',
    receivers       Array(String)                 COMMENT 'Receivers (robots, webhooks) it is delivered to | 接收方',
    details         String                        COMMENT 'JSON of the alert as rendered, to resend it after a restart | 详情(JSON)',
    version         UInt64                        COMMENT 'recorded_at in ms | 版本'
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/alerts_local', '{replica}', version)
ORDER BY alert_id
COMMENT 'Chat alerts raised from results, the outbox of their delivery | 告警';

CREATE TABLE IF NOT EXISTS alerts ON CLUSTER hotline_cluster AS alerts_local
ENGINE = Distributed(hotline_cluster, hotline, alerts_local, cityHash64(alert_id));

CREATE TABLE IF NOT EXISTS alert_deliveries_local ON CLUSTER hotline_cluster
(
    alert_id    String                 COMMENT 'alerts.alert_id | 告警ID',
    receiver    String                 COMMENT 'Receiver name in the routing file | 接收方',
    platform    LowCardinality(String) COMMENT 'wecom, dingtalk, feishu, slack or webhook | 平台',
    attempt     UInt16                 COMMENT '1 for the first attempt; 0 when dropped before any | 第几次尝试',
    outcome     LowCardinality(String) COMMENT 'sent, retry (will try again), failed (gave up), dropped (queue full) | 结果',
    http_status UInt16                 COMMENT 'HTTP status, 0 when there was no answer (timeout, connection error) | HTTP状态码',
    error       String                 COMMENT 'Why it failed, secrets removed | 错误',
    at          DateTime64(3, 'UTC')   COMMENT 'Worker clock at the end of the attempt | 时间'
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/alert_deliveries_local', '{replica}')
ORDER BY (alert_id, receiver, at)
COMMENT 'Delivery attempts of chat alerts | 告警投递记录';

CREATE TABLE IF NOT EXISTS alert_deliveries ON CLUSTER hotline_cluster AS alert_deliveries_local
ENGINE = Distributed(hotline_cluster, hotline, alert_deliveries_local, cityHash64(alert_id));

-- 022_dimensions.sql
CREATE TABLE IF NOT EXISTS dimension_names_local ON CLUSTER hotline_cluster
(
    kind      LowCardinality(String) COMMENT 'district 区, street 街道, community 社区, department 承办单位 | What the code names',
    code      String                 COMMENT '编码 | Code',
    name      String                 COMMENT '名称(最近一次出现) | Name, as last seen',
    last_seen DateTime64(3, 'UTC')   COMMENT '最近出现的事件时间 | Event time it was last seen'
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/dimension_names_local', '{replica}', last_seen)
ORDER BY (kind, code)
COMMENT 'Names of districts, streets, communities and departments; read with FINAL | 维度名称';

CREATE TABLE IF NOT EXISTS dimension_names ON CLUSTER hotline_cluster AS dimension_names_local
ENGINE = Distributed(hotline_cluster, hotline, dimension_names_local, cityHash64(kind, code));

CREATE MATERIALIZED VIEW IF NOT EXISTS dimension_names_mv ON CLUSTER hotline_cluster TO dimension_names AS
SELECT d.1 AS kind, d.2 AS code, argMax(d.3, occurred_at) AS name, max(occurred_at) AS last_seen
FROM events_local
ARRAY JOIN [('district', toString(district_code), toString(district_name)), ('street', toString(street_code), toString(street_name)),
            ('community', community_code, community_name), ('department', toString(department_code), toString(department_name))] AS d
WHERE d.2 != '' AND d.3 != ''
GROUP BY kind, code;

INSERT INTO dimension_names
SELECT d.1 AS kind, d.2 AS code, argMax(d.3, occurred_at) AS name, max(occurred_at) AS last_seen
FROM events
ARRAY JOIN [('district', toString(district_code), toString(district_name)), ('street', toString(street_code), toString(street_name)),
            ('community', community_code, community_name), ('department', toString(department_code), toString(department_name))] AS d
WHERE d.2 != '' AND d.3 != ''
GROUP BY kind, code;

CREATE TABLE IF NOT EXISTS category_tree_local ON CLUSTER hotline_cluster
(
    code      String                 COMMENT '分类编码(任一层级) | Category code, any level',
    name      String                 COMMENT '分类名称 | Category name',
    level     UInt8                  COMMENT '层级, 1 = 一级 | Level in the tree, 1 = top',
    parent    String                 COMMENT '上级分类编码, 一级为空 | Parent code, empty at the top',
    path      Array(String)          COMMENT '从根到本级的编码(含本级) | Codes from the root down to this one, itself included',
    last_seen DateTime64(3, 'UTC')   COMMENT '最近出现的事件时间 | Event time it was last seen'
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/category_tree_local', '{replica}', last_seen)
ORDER BY code
COMMENT 'Every category of any level with its path; filter with hasAny(path, [...]) and read with FINAL | 分类树';

CREATE TABLE IF NOT EXISTS category_tree ON CLUSTER hotline_cluster AS category_tree_local
ENGINE = Distributed(hotline_cluster, hotline, category_tree_local, cityHash64(code));

CREATE MATERIALIZED VIEW IF NOT EXISTS category_tree_mv ON CLUSTER hotline_cluster TO category_tree AS
SELECT toString(category_path[i]) AS code, argMax(category_names[i], occurred_at) AS name, toUInt8(i) AS level,
       if(i > 1, toString(category_path[i - 1]), '') AS parent, arrayMap(c -> toString(c), arraySlice(category_path, 1, i)) AS path,
       max(occurred_at) AS last_seen
FROM events_local
ARRAY JOIN arrayEnumerate(category_path) AS i
WHERE type = 'ticket.created'
GROUP BY code, level, parent, path;

INSERT INTO category_tree
SELECT toString(category_path[i]) AS code, argMax(category_names[i], occurred_at) AS name, toUInt8(i) AS level,
       if(i > 1, toString(category_path[i - 1]), '') AS parent, arrayMap(c -> toString(c), arraySlice(category_path, 1, i)) AS path,
       max(occurred_at) AS last_seen
FROM events
ARRAY JOIN arrayEnumerate(category_path) AS i
WHERE type = 'ticket.created'
GROUP BY code, level, parent, path;

-- 023_monthly_problems.sql
CREATE VIEW IF NOT EXISTS monthly_problems ON CLUSTER hotline_cluster
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
        SELECT toStartOfMonth(e.occurred_at, 'Asia/Shanghai') AS month, toString(e.district_code) AS district_code,
               if(e.community_code != '', 'community', 'street') AS place_kind,
               if(e.community_code != '', e.community_code, toString(e.street_code)) AS place_code,
               toString(if(length(e.category_path) >= 2, e.category_path[2], e.category_code)) AS category_code,
               count() AS tickets, uniqExact(e.caller_key) AS callers,
               countIf(o.real_resolution = 0) AS not_resolved, countIf(o.real_resolution IS NOT NULL) AS judged
        FROM events AS e
        GLOBAL LEFT JOIN (SELECT ticket_id, real_resolution FROM ticket_outcomes FINAL) AS o ON o.ticket_id = e.ticket_id
        WHERE e.type = 'ticket.created'
        GROUP BY month, district_code, place_kind, place_code, category_code
    ) AS m
    ARRAY JOIN [0, 1, 2, 3, 4, 5] AS k
    GROUP BY month, district_code, place_kind, place_code, category_code
)
WHERE tickets > 0;

-- 024_detection_progress.sql
CREATE TABLE IF NOT EXISTS detection_progress_local ON CLUSTER hotline_cluster
(
    stage      LowCardinality(String)  COMMENT 'What follows the store: detect | 阶段',
    watermark  DateTime64(3, 'UTC')    COMMENT 'Events before this instant (event time) have been fed to the detectors and their results written | 已处理至(事件时间)',
    updated_at DateTime64(3, 'UTC')    COMMENT 'When it was written (wall clock) | 更新时间',
    version    UInt64                  COMMENT 'watermark in ms | 版本'
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/detection_progress_local', '{replica}', version)
ORDER BY stage
COMMENT 'Progress of detection following the store (Kafka mode) | 检测进度';

CREATE TABLE IF NOT EXISTS detection_progress ON CLUSTER hotline_cluster AS detection_progress_local
ENGINE = Distributed(hotline_cluster, hotline, detection_progress_local, cityHash64(stage));

-- 025_alert_silences.sql
CREATE TABLE IF NOT EXISTS alert_silences_local ON CLUSTER hotline_cluster
(
    silence_id    String                 COMMENT 'Random id given at creation | 静默ID',
    kind          String                 COMMENT 'Alert kind or its prefix before a dot (repeat = every repeat.*); empty: any | 告警类型(前缀)',
    max_severity  LowCardinality(String) COMMENT 'Matches alerts of this severity or lower (info … critical); empty: any | 最高严重程度',
    district_code String                 COMMENT 'District code; empty: any | 区编码',
    category_code String                 COMMENT 'Category code: the code itself, a code on the alert''s path or a prefix of its code; empty: any | 分类编码(前缀)',
    department_code String               COMMENT 'Department code; empty: any | 承办单位',
    reason        String                 COMMENT 'Why (scrubbed of phone and ID numbers) | 原因',
    created_by    String                 COMMENT 'Name of the API token that created it (never the token) | 创建人',
    created_at    DateTime64(3, 'UTC')   COMMENT 'Worker clock at creation | 创建时间',
    until         DateTime64(3, 'UTC')   COMMENT 'Expiry: it matches while the worker clock is before this | 到期时间',
    version       UInt64                 COMMENT 'Worker clock in ms at this write (creation, or expiry by DELETE) | 版本'
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/alert_silences_local', '{replica}', version)
ORDER BY silence_id
COMMENT 'Silences of chat alerts with an expiry, created through the API | 告警静默';

CREATE TABLE IF NOT EXISTS alert_silences ON CLUSTER hotline_cluster AS alert_silences_local
ENGINE = Distributed(hotline_cluster, hotline, alert_silences_local, cityHash64(silence_id));

CREATE TABLE IF NOT EXISTS alert_acks_local ON CLUSTER hotline_cluster
(
    alert_id     String                 COMMENT 'alerts.alert_id | 告警ID',
    result_table LowCardinality(String) COMMENT 'The alert''s result table | 结果表',
    result_id    String                 COMMENT 'The alert''s result id: the acknowledgement covers the result | 结果ID',
    acked_by     String                 COMMENT 'Name of the API token that acknowledged it (never the token) | 确认人',
    note         String                 COMMENT 'Optional note, scrubbed of phone and ID numbers | 备注',
    acked_at     DateTime64(3, 'UTC')   COMMENT 'Worker clock when acknowledged | 确认时间'
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/alert_acks_local', '{replica}')
ORDER BY (alert_id, acked_at)
COMMENT 'Acknowledgements of chat alerts | 告警确认';

CREATE TABLE IF NOT EXISTS alert_acks ON CLUSTER hotline_cluster AS alert_acks_local
ENGINE = Distributed(hotline_cluster, hotline, alert_acks_local, cityHash64(alert_id, acked_at));

-- 027_caller_key_previous.sql
ALTER TABLE events_local ON CLUSTER hotline_cluster
    ADD COLUMN IF NOT EXISTS caller_key_previous String DEFAULT ''
        COMMENT 'During a key rotation: keyed hash of the caller phone under the previous key, empty otherwise | 轮换期间: 旧密钥下的诉求人标识(哈希)'
        AFTER caller_key;

ALTER TABLE events ON CLUSTER hotline_cluster
    ADD COLUMN IF NOT EXISTS caller_key_previous String DEFAULT ''
        COMMENT 'During a key rotation: keyed hash of the caller phone under the previous key, empty otherwise | 轮换期间: 旧密钥下的诉求人标识(哈希)'
        AFTER caller_key;

-- 028_events_by_event_id.sql
ALTER TABLE events_local ON CLUSTER hotline_cluster
    ADD PROJECTION IF NOT EXISTS by_event_id (SELECT event_id, source ORDER BY event_id);

ALTER TABLE events_local ON CLUSTER hotline_cluster
    MATERIALIZE PROJECTION by_event_id
    SETTINGS mutations_sync = 1;

-- 029_dead_letters_reasons.sql
ALTER TABLE dead_letters_local ON CLUSTER hotline_cluster
    COMMENT COLUMN reason_code 'oversized, invalid_utf8, malformed_json, not_an_object, unsupported_version, unknown_type, schema_violation, invalid_text, timestamp_out_of_range, timestamp_in_future, too_late, store_refused | 原因代码';

ALTER TABLE dead_letters ON CLUSTER hotline_cluster
    COMMENT COLUMN reason_code 'oversized, invalid_utf8, malformed_json, not_an_object, unsupported_version, unknown_type, schema_violation, invalid_text, timestamp_out_of_range, timestamp_in_future, too_late, store_refused | 原因代码';