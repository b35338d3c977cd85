-- phrases: emerging phrases (新词/新问题): character n-grams of the scrubbed free text whose daily
-- ticket count bursts against their own history, with example tickets. Read with FINAL.
CREATE TABLE IF NOT EXISTS phrases
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
ENGINE = ReplacingMergeTree(version)
ORDER BY phrase_id
COMMENT 'Emerging phrases in free text | 新兴短语';
