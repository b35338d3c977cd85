-- Column comments for the views of 012 and 013 (a view's columns carry comments only when it is
-- created with a column list): the same queries, replaced with documented columns.
CREATE OR REPLACE VIEW performance_trials
(
    ticket_id       String                 COMMENT '工单编号 | Ticket',
    created_at      DateTime64(3, 'UTC')   COMMENT '受理时间 | Created (UTC)',
    as_of           DateTime64(3, 'UTC')   COMMENT '评估时点 | Event time the ticket was judged at',
    category_code   String                 COMMENT '末级分类编码 | Leaf category (case-mix factor)',
    category_l2     String                 COMMENT '二级分类编码 | Second-level category (diagnosis)',
    channel         String                 COMMENT '渠道 | Channel (case-mix factor)',
    district_code   String                 COMMENT '区编码 | District (case-mix factor of departments)',
    urgency         String                 COMMENT '紧急程度 | Urgency (case-mix factor)',
    suspected_abuse UInt8                  COMMENT '疑似不合理/恶意诉求 | Caller flagged: left out of scores by default',
    failure_reason  String                 COMMENT '未解决的首个信号 | First sign of non-resolution',
    unit_kind       String                 COMMENT 'department 部门 or district 区 | Unit kind',
    metric          String                 COMMENT '指标 | Metric',
    unit_code       String                 COMMENT '部门或区编码 | Unit the trial is charged to',
    success         UInt8                  COMMENT '1: 该指标计数的事件发生了 | 1 when the counted event happened (for repeat_after_close, returned, abnormal: the bad one)'
)
AS SELECT
    ticket_id,
    created_at,
    as_of,
    toString(category_code) AS category_code,
    toString(category_l2) AS category_l2,
    toString(channel) AS channel,
    toString(district_code) AS district_code,
    toString(urgency) AS urgency,
    suspected_abuse,
    toString(failure_reason) AS failure_reason,
    trial.1 AS unit_kind,
    trial.2 AS metric,
    toString(trial.3) AS unit_code,
    assumeNotNull(trial.4) AS success
FROM
(
    SELECT *
    FROM ticket_outcomes FINAL
    WHERE merged = 0
)
ARRAY JOIN arrayFilter(t -> t.4 IS NOT NULL, arrayConcat(
    [
        ('department', 'timely_response', responding_department_code, responded_on_time),
        ('department', 'on_time_closure', department_code, closed_on_time),
        ('department', 'real_resolution', department_code, real_resolution),
        ('department', 'repeat_after_close', department_code, repeat_after_close),
        ('department', 'abnormal', department_code, toNullable(abnormal)),
        ('district', 'timely_response', district_code, responded_on_time),
        ('district', 'on_time_closure', district_code, closed_on_time),
        ('district', 'real_resolution', district_code, real_resolution),
        ('district', 'repeat_after_close', district_code, repeat_after_close),
        ('district', 'abnormal', district_code, toNullable(abnormal)),
        ('district', 'returned', district_code, toNullable(toUInt8(returns > 0 OR length(departments) > 1)))
    ],
    arrayMap(d -> ('department', 'returned', d, toNullable(toUInt8(has(returned_by, d)))), departments)
)) AS trial
WHERE trial.3 != '';

CREATE OR REPLACE VIEW performance_funnel
(
    unit_kind        String            COMMENT 'department 部门 or district 区 | Unit kind',
    unit_code        String            COMMENT '部门或区编码 | Unit',
    metric           String            COMMENT '指标 | Metric',
    period_kind      String            COMMENT '周期类型: day, week, month, span | Period kind',
    period_start     Date              COMMENT '周期开始 | First local day of the period',
    volume           UInt32            COMMENT '样本数(横轴) | Trials (x axis)',
    rate             Nullable(Float64) COMMENT '标化率(纵轴) | Standardised rate (y axis)',
    target           Nullable(Float64) COMMENT '全市率(中线) | City rate (centre line)',
    funnel_lower95   Nullable(Float64) COMMENT '95%控制下限 | 95% lower limit',
    funnel_upper95   Nullable(Float64) COMMENT '95%控制上限 | 95% upper limit',
    funnel_lower998  Nullable(Float64) COMMENT '99.8%控制下限 | 99.8% lower limit',
    funnel_upper998  Nullable(Float64) COMMENT '99.8%控制上限 | 99.8% upper limit',
    funnel_zone      String            COMMENT '所在区域 | high_998, high_95, within, low_95, low_998',
    too_few          UInt8             COMMENT '样本过少 | Too few to judge'
)
AS SELECT toString(unit_kind) AS unit_kind, toString(unit_code) AS unit_code, toString(metric) AS metric, toString(period_kind) AS period_kind,
       period_start, trials AS volume, standardised_rate AS rate, city_rate AS target,
       funnel_lower95, funnel_upper95, funnel_lower998, funnel_upper998, toString(funnel_zone) AS funnel_zone, too_few
FROM performance_scores FINAL;
