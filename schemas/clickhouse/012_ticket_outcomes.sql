-- ticket_outcomes: the per-ticket fact table of passive performance (无感监测), one row per ticket,
-- written by the performance scorer (src/performance/) as of an event time (`as_of`): the SLA that
-- applied, the times and on-time flags of each step, and the passive outcome "real resolution"
-- (实际解决) judged over an observation window after the first closing. Read with FINAL.
CREATE TABLE IF NOT EXISTS ticket_outcomes
(
    ticket_id                 String                          COMMENT '工单编号 | Ticket',
    created_at                DateTime64(3, 'UTC')            COMMENT '受理时间 | Created (event time, UTC)',
    channel                   LowCardinality(String)          COMMENT '渠道 | Channel',
    request_type              LowCardinality(String)          COMMENT '诉求类型 | Request type',
    category_code             LowCardinality(String)          COMMENT '末级分类编码 | Leaf category code',
    category_l1               LowCardinality(String)          COMMENT '一级分类编码 | Top-level category code',
    category_l2               LowCardinality(String)          COMMENT '二级分类编码 | Second-level category code',
    category_name             String                          COMMENT '分类名称(末级) | Leaf category name',
    district_code             LowCardinality(String)          COMMENT '区编码 | District code',
    district_name             LowCardinality(String)          COMMENT '区 | District',
    urgency                   LowCardinality(String)          COMMENT '紧急程度: normal, urgent, emergency | Urgency',
    caller_key                String                          COMMENT '诉求人标识(哈希, 非手机号) | Hashed caller (never a phone)',
    first_department_code     LowCardinality(String)          COMMENT '首派单位 | Department of the first dispatch',
    department_code           LowCardinality(String)          COMMENT '责任单位: 首次办结单位, 未办结则为当前承办单位 | Accountable department: first closer, else current',
    responding_department_code LowCardinality(String)         COMMENT '首次响应单位 | Department of the first response (else accountable)',
    departments               Array(LowCardinality(String))   COMMENT '派过单的全部单位(按首次派单顺序) | Every department dispatched to, in order',
    returned_by               Array(LowCardinality(String))   COMMENT '退过单的单位 | Departments that returned it (退单)',
    dispatches                UInt32                          COMMENT '派单次数 | Dispatches',
    returns                   UInt32                          COMMENT '退单次数 | Returns',
    max_hop                   UInt16                          COMMENT '最大派单跳数 | Highest dispatch hop',
    extensions                UInt32                          COMMENT '延期次数 | Extensions',
    supervisions              UInt32                          COMMENT '督办次数 | Supervisions (any time)',
    reopens                   UInt32                          COMMENT '重办次数 | Reopenings (any time)',
    merged                    UInt8                           COMMENT '是否并单 | Merged into another ticket (left out of every rate)',
    merged_into               String                          COMMENT '并入工单 | Ticket it was merged into',
    sla_tier                  LowCardinality(String)          COMMENT '时限档: emergency 2小时, utility 水电气热24小时, general 7天, complex 15天 | SLA tier',
    deadline_source           LowCardinality(String)          COMMENT 'event: 事件携带的时限; tier: 按时限档推算 | Where the closing deadline came from',
    accept_deadline           DateTime64(3, 'UTC')            COMMENT '签收时限 | Acceptance deadline',
    respond_deadline          DateTime64(3, 'UTC')            COMMENT '响应时限 | First-response deadline',
    original_close_deadline   DateTime64(3, 'UTC')            COMMENT '原办结时限(受理时) | Closing deadline at creation',
    close_deadline            DateTime64(3, 'UTC')            COMMENT '适用办结时限(含批准的延期与转派) | Closing deadline in effect at the first closing (approved extensions and re-dispatches count)',
    first_dispatched_at       Nullable(DateTime64(3, 'UTC'))  COMMENT '首次派单时间 | First dispatch',
    first_accepted_at         Nullable(DateTime64(3, 'UTC'))  COMMENT '首次签收时间(直办件为办结时间) | First acceptance (direct answers: the closing)',
    first_responded_at        Nullable(DateTime64(3, 'UTC'))  COMMENT '首次响应时间(直办件为办结时间) | First response (direct answers: the closing)',
    first_closed_at           Nullable(DateTime64(3, 'UTC'))  COMMENT '首次办结时间 | First closing',
    hours_to_accept           Nullable(Float64)               COMMENT '受理到签收小时数 | Hours from creation to acceptance',
    hours_to_respond          Nullable(Float64)               COMMENT '受理到首次响应小时数 | Hours from creation to first response',
    hours_to_close            Nullable(Float64)               COMMENT '受理到首次办结小时数 | Hours from creation to first closing',
    accepted_on_time          Nullable(UInt8)                 COMMENT '按时签收: 1/0, 时限未到且未签收为NULL | Accepted by the deadline; NULL while still possible',
    responded_on_time         Nullable(UInt8)                 COMMENT '及时响应: 1/0, 时限未到且未响应为NULL | Responded by the deadline; NULL while still possible',
    closed_on_time            Nullable(UInt8)                 COMMENT '按期办结: 1/0, 时限未到且未办结为NULL | First closing by the deadline in effect; NULL while still possible',
    closed_within_original    Nullable(UInt8)                 COMMENT '在原时限内办结(不计延期) | First closing by the original deadline (extensions not counted)',
    resolution                LowCardinality(String)          COMMENT '首次办结结果 | Resolution declared at the first closing',
    first_reopened_at         Nullable(DateTime64(3, 'UTC'))  COMMENT '首次重办时间 | First reopening',
    reopened_by               LowCardinality(String)          COMMENT '首次重办发起方: caller, callback, supervisor, system | Who asked for the first reopening',
    supervised_after_close_at Nullable(DateTime64(3, 'UTC'))  COMMENT '办结后首次督办时间 | First supervision after the first closing',
    repeat_after_close_at     Nullable(DateTime64(3, 'UTC'))  COMMENT '办结后重复诉求时间(repeats after_closure) | When the same caller came back on the same issue after the closing',
    repeat_id                 String                          COMMENT '对应的重复诉求ID | The repeats row (after_closure)',
    window_ends_at            Nullable(DateTime64(3, 'UTC'))  COMMENT '观察期结束: 首次办结 + 观察天数 | End of the observation window',
    outcome                   LowCardinality(String)          COMMENT 'open 未办结, merged 并单, provisional 观察期内暂定, resolved 实际解决, not_resolved 未实际解决 | Passive outcome',
    real_resolution           Nullable(UInt8)                 COMMENT '实际解决: 1/0, 暂定或未办结为NULL | Really resolved; NULL while provisional or open',
    failure_reason            LowCardinality(String)          COMMENT '未解决的首个信号: reopened, supervised_after_close, repeat_after_close | First sign it was not solved',
    repeat_after_close        Nullable(UInt8)                 COMMENT '观察期内办结后重复诉求: 1/0, 暂定为NULL | Repeat complaint within the window after closing',
    callback_result           LowCardinality(String)          COMMENT '首次回访结果: satisfied, basically_satisfied, dissatisfied, unreachable, 无回访为空 | First callback survey after the first closing',
    callback_at               Nullable(DateTime64(3, 'UTC'))  COMMENT '首次回访时间 | When',
    callback_resolved         Nullable(UInt8)                 COMMENT '回访中诉求人是否表示已解决 | What the caller said about being solved, when asked',
    suspected_abuse           UInt8                           COMMENT '疑似不合理/恶意诉求(诉求人在caller_flags中) | Caller flagged in caller_flags around this ticket',
    abuse_kinds               Array(LowCardinality(String))   COMMENT '诉求人标记类型 | Kinds of the caller flags',
    abnormal                  UInt8                           COMMENT '异常工单(ticket_flags有记录) | Has an abnormal-ticket flag',
    abnormal_kinds            Array(LowCardinality(String))   COMMENT '异常类型 | Kinds of ticket flags',
    as_of                     DateTime64(3, 'UTC')            COMMENT '评估时点(事件时间) | Event time this row was judged at',
    version                   UInt64                          COMMENT 'as_of in ms: the newest judgement wins | 版本'
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(created_at)
ORDER BY ticket_id
COMMENT 'Per-ticket passive performance facts; read with FINAL | 工单无感监测事实表';

-- performance_trials: every ticket_outcomes row turned into the Bernoulli trials the rates count,
-- one per unit (department or district) and metric; `success` is 1 when the event the metric
-- counts happened (for repeat_after_close, returned and abnormal that is the bad thing).
CREATE VIEW IF NOT EXISTS performance_trials AS
SELECT
    ticket_id,
    created_at,
    as_of,
    category_code,
    category_l2,
    channel,
    district_code,
    urgency,
    suspected_abuse,
    failure_reason,
    trial.1 AS unit_kind,
    trial.2 AS metric,
    trial.3 AS unit_code,
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
