-- caller_flags: callers suspected of unreasonable or malicious requests (不合理/恶意诉求), for a
-- person to review. Nothing is dropped or blocked because of a flag. Read with FINAL.
CREATE TABLE IF NOT EXISTS caller_flags
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
ENGINE = ReplacingMergeTree(version)
ORDER BY flag_id
COMMENT 'Callers to review for unreasonable or malicious requests | 疑似不合理诉求';
