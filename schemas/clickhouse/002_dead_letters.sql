-- dead_letters: every input that could not become an event, with a precise reason and where it
-- was read, so nothing is lost. One row per source position.
CREATE TABLE IF NOT EXISTS dead_letters
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
ENGINE = MergeTree
PARTITION BY toYYYYMM(dead_lettered_at, '{{timezone}}')
ORDER BY (dead_lettered_at, source)
SETTINGS non_replicated_deduplication_window = 10000
COMMENT 'Inputs rejected at ingest, with reasons | 死信';
