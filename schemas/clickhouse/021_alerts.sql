-- alerts: the outbox of chat alerts (告警). One row per alert: a result (spike, hotspot, repeat,
-- flag, phrase) that is new, or reached a higher rung of growth or severity. alert_id is
-- deterministic (result table, result id, rung, severity), so a replay or a restart raises the same
-- id and the worker sends nothing twice. Read with FINAL.
CREATE TABLE IF NOT EXISTS alerts
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
ENGINE = ReplacingMergeTree(version)
ORDER BY alert_id
COMMENT 'Chat alerts raised from results, the outbox of their delivery | 告警';

-- alert_deliveries: every delivery attempt of an alert to a receiver, and its outcome. A receiver
-- is done with an alert once it has a row with outcome sent, failed or dropped.
CREATE TABLE IF NOT EXISTS alert_deliveries
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
ENGINE = MergeTree
ORDER BY (alert_id, receiver, at)
COMMENT 'Delivery attempts of chat alerts | 告警投递记录';
