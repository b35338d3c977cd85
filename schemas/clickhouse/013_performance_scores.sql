-- Passive performance scores (无感监测) per department and district, by day, week, month and the
-- whole scored span, written by the performance scorer (src/performance/). Fair comparison:
-- observed over expected from the unit's case mix at city-wide rates (indirect standardisation),
-- empirical-Bayes (beta-binomial) shrinkage with an interval, funnel-plot limits, too-few marks.
-- Read with FINAL.

-- performance_casemix: the fitted case-mix model, one row per metric, unit kind and factor level.
CREATE TABLE IF NOT EXISTS performance_casemix
(
    metric      LowCardinality(String) COMMENT '指标 | Metric (timely_response, on_time_closure, real_resolution, repeat_after_close, returned, abnormal)',
    unit_kind   LowCardinality(String) COMMENT '对象类型: department 部门, district 区 | Unit kind the model adjusts for',
    factor      LowCardinality(String) COMMENT '因素: intercept, category, channel, district, urgency | Case-mix factor',
    level       String                 COMMENT '因素取值(如分类编码) | Level of the factor',
    coefficient Float64                COMMENT '对数优势系数(相对全市) | Log-odds effect (ridge-penalised main-effects logistic model)',
    trials      UInt64                 COMMENT '该取值的样本量 | Trials with this level',
    as_of       DateTime64(3, 'UTC')   COMMENT '评估时点(事件时间) | Event time scored at',
    version     UInt64                 COMMENT 'as_of in ms | 版本'
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (metric, unit_kind, factor, level)
COMMENT 'Case-mix model of expected rates (indirect standardisation) | 病例组合(案件结构)模型';

CREATE TABLE IF NOT EXISTS performance_scores
(
    score_id           String                 COMMENT 'unit_kind:unit_code:metric:period_kind:period_start, stable | 评分ID',
    unit_kind          LowCardinality(String) COMMENT 'department 部门 or district 区 | Unit kind',
    unit_code          LowCardinality(String) COMMENT '部门或区编码 | Department or district code',
    metric             LowCardinality(String) COMMENT 'timely_response 及时响应率, on_time_closure 按期办结率, real_resolution 实际解决率, repeat_after_close 办结后重复诉求率, returned 退单/转派率, abnormal 异常工单占比 | Metric',
    higher_is_better   UInt8                  COMMENT '1: 越高越好; 0: 越低越好 | Direction of the metric',
    period_kind        LowCardinality(String) COMMENT 'day 日, week 周(周一起), month 月, span 整个评分期 | Period kind (local time)',
    period_start       Date                   COMMENT '周期开始(本地日期) | First local day of the period',
    volume             UInt32                 COMMENT '工单量(该单位该周期的工单, 含排除的) | Tickets of the unit in the period, excluded ones too',
    trials             UInt32                 COMMENT '计入该率的样本数 | Trials counted in the rate (denominator)',
    observed           UInt32                 COMMENT '观察到的事件数 | Observed events (numerator)',
    expected           Float64                COMMENT '按案件结构在全市水平下的期望事件数 | Expected events from the case mix at city-wide rates',
    raw_rate           Nullable(Float64)      COMMENT '原始率 observed/trials | Raw rate',
    city_rate          Nullable(Float64)      COMMENT '全市同周期的率 | City-wide rate in the period',
    oe_ratio           Nullable(Float64)      COMMENT '观察/期望 | Observed over expected (1 = as expected for its case mix)',
    standardised_rate  Nullable(Float64)      COMMENT '标化率 = 全市率 × O/E | Indirectly standardised rate',
    shrunk_rate        Nullable(Float64)      COMMENT '经验贝叶斯收缩后的标化率 | Standardised rate shrunk toward the city (beta-binomial)',
    lower              Nullable(Float64)      COMMENT '收缩率95%可信区间下限 | 2.5% point of the posterior',
    upper              Nullable(Float64)      COMMENT '收缩率95%可信区间上限 | 97.5% point of the posterior',
    too_few            UInt8                  COMMENT '样本过少不予评价(< 最小样本量) | Below the minimum volume: too few to judge',
    excluded_suspected UInt32                 COMMENT '因疑似不合理/恶意诉求排除的样本 | Trials left out as suspected unreasonable or malicious',
    provisional        UInt32                 COMMENT '观察期未满的已办结工单(暂定, 未计入) | Closed tickets still inside the observation window (not counted yet)',
    funnel_lower95     Nullable(Float64)      COMMENT '漏斗图95%控制下限(该样本量) | Funnel-plot 95% lower limit at this volume',
    funnel_upper95     Nullable(Float64)      COMMENT '漏斗图95%控制上限 | Funnel-plot 95% upper limit',
    funnel_lower998    Nullable(Float64)      COMMENT '漏斗图99.8%控制下限 | Funnel-plot 99.8% lower limit',
    funnel_upper998    Nullable(Float64)      COMMENT '漏斗图99.8%控制上限 | Funnel-plot 99.8% upper limit',
    funnel_zone        LowCardinality(String) COMMENT 'high_998, high_95, within, low_95, low_998 (标化率相对控制限的位置) | Where the standardised rate falls',
    prior_a            Float64                COMMENT '收缩先验Beta(a,b)的a | Beta prior a of the unit kind, metric and period',
    prior_b            Float64                COMMENT '收缩先验Beta(a,b)的b | Beta prior b',
    as_of              DateTime64(3, 'UTC')   COMMENT '评估时点(事件时间) | Event time scored at',
    version            UInt64                 COMMENT 'as_of in ms: the newest scoring wins | 版本'
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY period_kind
ORDER BY score_id
COMMENT 'Passive performance per department and district and period, case-mix adjusted and shrunk | 无感监测评分';

-- performance_funnel: the funnel-plot data of the dashboards (rate against volume with limits).
CREATE VIEW IF NOT EXISTS performance_funnel AS
SELECT unit_kind, unit_code, metric, period_kind, period_start, trials AS volume, standardised_rate AS rate, city_rate AS target,
       funnel_lower95, funnel_upper95, funnel_lower998, funnel_upper998, funnel_zone, too_few
FROM performance_scores FINAL;

-- performance_diagnosis: what drives a unit's gap, rather than a league table: the categories
-- (二级分类) with the most events beyond what the case mix expects, and the failure steps.
CREATE TABLE IF NOT EXISTS performance_diagnosis
(
    diagnosis_id  String                 COMMENT 'unit_kind:unit_code:metric:period_kind:period_start:driver_kind:driver | 诊断ID',
    unit_kind     LowCardinality(String) COMMENT 'department 部门 or district 区 | Unit kind',
    unit_code     LowCardinality(String) COMMENT '部门或区编码 | Unit code',
    metric        LowCardinality(String) COMMENT '指标 | Metric',
    period_kind   LowCardinality(String) COMMENT 'month 月 or span 整个评分期 | Period kind',
    period_start  Date                   COMMENT '周期开始(本地日期) | First local day of the period',
    driver_kind   LowCardinality(String) COMMENT 'category: 二级分类; step: 未解决信号(reopened, supervised_after_close, repeat_after_close) | Kind of driver',
    driver        String                 COMMENT '分类编码或环节 | Category code or step',
    driver_name   String                 COMMENT '分类名称 | Category name (for categories)',
    rank          UInt16                 COMMENT '贡献排序, 1最大 | Rank among the unit''s drivers, 1 = largest',
    trials        UInt32                 COMMENT '样本数 | Trials of this driver',
    observed      UInt32                 COMMENT '观察事件数 | Observed events',
    expected      Float64                COMMENT '期望事件数(category) | Expected events (categories; observed for steps)',
    excess        Float64                COMMENT '超出期望的不利事件数(正数=更差) | Unfavourable events beyond expected (positive = worse)',
    share_of_gap  Nullable(Float64)      COMMENT '占该单位总差距的比例 | Share of the unit''s total unfavourable excess',
    as_of         DateTime64(3, 'UTC')   COMMENT '评估时点(事件时间) | Event time scored at',
    version       UInt64                 COMMENT 'as_of in ms | 版本'
)
ENGINE = ReplacingMergeTree(version)
ORDER BY diagnosis_id
COMMENT 'Drivers of each unit''s gap: categories and steps | 差距诊断';
