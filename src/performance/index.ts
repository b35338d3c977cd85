// Passive performance (无感监测): the scorer and its configuration, for the worker and the CLI.
export { scorePerformance, type ScoreOptions, type ScoreSummary } from "./score.js";
export { DEFAULT_PERFORMANCE_CONFIG, performanceConfig, type PerformanceConfig, type SlaTier, type TierHours } from "./config.js";
export { METRICS, HIGHER_IS_BETTER, type Metric, type PeriodKind, type UnitKind } from "./rates.js";
export { pearson, spearman } from "./correlation.js";
