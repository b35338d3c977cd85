-- repeats: repeat complaints (重复诉求), one row per group of linked tickets, replaced as tickets
-- join it. Read with FINAL (or argMax by version) for the latest state.
CREATE TABLE IF NOT EXISTS repeats
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
ENGINE = ReplacingMergeTree(version)
ORDER BY repeat_id
COMMENT 'Repeat complaints with their linked tickets | 重复诉求';
