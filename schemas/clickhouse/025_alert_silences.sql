-- alert_silences: silences created through the HTTP API (POST /v1/silences). A silence matches
-- alerts by kind (prefix), severity at most, district, category (prefix) and department (every
-- field set must hold; empty = any) until it expires; matching alerts are recorded in `alerts`
-- and their deliveries as outcome 'silenced', but nothing is sent. DELETE /v1/silences/{id}
-- writes a new version with until = now: an expired silence simply stops matching. Read with
-- FINAL. Silences of the routing file are static and not stored here.
CREATE TABLE IF NOT EXISTS alert_silences
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
ENGINE = ReplacingMergeTree(version)
ORDER BY silence_id
COMMENT 'Silences of chat alerts with an expiry, created through the API | 告警静默';

-- alert_acks: acknowledgements of alerts (告警确认) through POST /v1/alerts/{alert_id}/ack. While
-- an acknowledgement is younger than the routing file's acknowledgements.quietMs, the result it
-- belongs to is not announced again for growth alone (a higher severity still is).
CREATE TABLE IF NOT EXISTS alert_acks
(
    alert_id     String                 COMMENT 'alerts.alert_id | 告警ID',
    result_table LowCardinality(String) COMMENT 'The alert''s result table | 结果表',
    result_id    String                 COMMENT 'The alert''s result id: the acknowledgement covers the result | 结果ID',
    acked_by     String                 COMMENT 'Name of the API token that acknowledged it (never the token) | 确认人',
    note         String                 COMMENT 'Optional note, scrubbed of phone and ID numbers | 备注',
    acked_at     DateTime64(3, 'UTC')   COMMENT 'Worker clock when acknowledged | 确认时间'
)
ENGINE = MergeTree
ORDER BY (alert_id, acked_at)
COMMENT 'Acknowledgements of chat alerts | 告警确认';
