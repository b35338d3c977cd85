-- How the passive outcome (实际解决) agrees with the callback survey (回访) it is meant to replace,
-- written by the performance scorer. Survey "satisfied" and "basically satisfied" count as a
-- positive answer, "dissatisfied" as negative; unreachable callers and provisional outcomes are
-- counted but left out of the agreement. Read with FINAL.
CREATE TABLE IF NOT EXISTS survey_agreement
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
ENGINE = ReplacingMergeTree(version)
ORDER BY agreement_id
COMMENT 'Passive outcome against the callback survey: confusion matrix and agreement | 无感监测与回访的一致性';

CREATE TABLE IF NOT EXISTS survey_correlation
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
ENGINE = ReplacingMergeTree(version)
ORDER BY correlation_id
COMMENT 'Across departments: does the passive measure rank like the survey? | 部门间无感监测与回访的相关';
