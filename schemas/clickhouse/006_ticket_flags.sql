-- ticket_flags: abnormal and complex tickets (异常工单/复杂诉求), one row per ticket and kind of
-- trouble, replaced as the flag changes. Read with FINAL (or argMax by version) for the latest state.
CREATE TABLE IF NOT EXISTS ticket_flags
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
ENGINE = ReplacingMergeTree(version)
ORDER BY flag_id
COMMENT 'Abnormal and complex tickets, latest state per flag | 异常工单标记';
