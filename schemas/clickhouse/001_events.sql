-- events: every valid contract event, normalised. One row per event_id (the worker skips ids it
-- has stored before). Personal data is hashed and free text scrubbed before a row is written.
CREATE TABLE IF NOT EXISTS events
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
ENGINE = MergeTree
PARTITION BY toYYYYMM(occurred_at, '{{timezone}}')
ORDER BY (toStartOfHour(occurred_at), type, ticket_id, event_id)
SETTINGS non_replicated_deduplication_window = 10000
COMMENT 'Every valid event, normalised and scrubbed | 全部有效事件';
