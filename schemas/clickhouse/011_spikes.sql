-- spikes: a category (any level of the tree), in a district or city-wide, far above what its own
-- history predicts (突增), at hourly and daily resolution. Read with FINAL.
CREATE TABLE IF NOT EXISTS spikes
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
ENGINE = ReplacingMergeTree(version)
ORDER BY spike_id
COMMENT 'Spikes of categories by district and city-wide | 突增';
