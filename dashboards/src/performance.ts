// 部门与区诊断 (hotline-performance): the passive rates (无感监测) per department and district with
// observed/expected, intervals and volume, funnel plots, what drives each gap, and how the passive
// measure agrees with the callback survey. No league tables: units are listed in code order.
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import {
  all,
  categoryPath,
  categoryRelatedCondition,
  channel,
  commonVariables,
  department,
  district,
  Grid,
  hotlineDashboard,
  joinNames,
  named,
  noFilter,
  panelLink,
  selected,
  UID,
} from "./common.js";
import { scatterPanel, statPanel, tablePanel, timeSeriesPanel } from "./panels.js";

const METRICS: ReadonlyArray<readonly [string, string]> = [
  ["real_resolution", "实际解决率"],
  ["on_time_closure", "按期办结率"],
  ["timely_response", "及时响应率"],
  ["repeat_after_close", "办结后重复诉求率"],
  ["returned", "退单/转派率"],
  ["abnormal", "异常工单占比"],
];

const metricVariable = new dashboard.CustomVariableBuilder("metric")
  .label("指标")
  .description("The passive metric (无感监测指标) the panels show")
  .values(METRICS.map(([value, text]) => `${text} : ${value}`).join(", "))
  .options(METRICS.map(([value, text], i) => ({ text, value, selected: i === 0 })))
  .multi(false)
  .includeAll(false)
  .current({ selected: true, text: "实际解决率", value: "real_resolution" });

const SCORES_NOT_BY = [
  noFilter("category", "scores are per unit over its whole case mix (category is a case-mix factor); see the diagnosis and the selection's raw rates"),
  noFilter("channel", "scores are per unit over its whole case mix (channel is a case-mix factor)"),
].join("\n");

/** The latest scoring of the whole span (as of the newest event scored), for one unit kind. */
const unitScores = (kind: "department" | "district") => `
${SCORES_NOT_BY}
SELECT p.unit_code AS unit_code, ${named("n", "p.unit_code")} AS \`单位\`, p.volume AS \`工单量\`, p.trials AS \`样本\`,
       p.observed AS \`观察\`, round(p.expected, 1) AS \`期望\`, round(p.oe_ratio, 2) AS \`观察/期望\`,
       round(p.raw_rate, 3) AS \`原始率\`, round(p.standardised_rate, 3) AS \`标化率\`, round(p.shrunk_rate, 3) AS \`收缩率\`,
       round(p.lower, 3) AS \`下限95\`, round(p.upper, 3) AS \`上限95\`, round(p.city_rate, 3) AS \`全市率\`,
       if(p.too_few = 1, '样本过少', p.funnel_zone) AS \`漏斗区\`, p.provisional AS \`暂定\`, p.excluded_suspected AS \`排除(疑似不合理)\`
FROM performance_scores AS p FINAL
${joinNames(kind, "n", "p.unit_code")}
WHERE p.unit_kind = '${kind}' AND p.metric = '\${metric}' AND p.period_kind = 'span'
  AND p.as_of = (SELECT max(as_of) FROM performance_scores WHERE period_kind = 'span' AND as_of <= $__toTime)
  AND ${kind === "department" ? department("p.unit_code") : district("p.unit_code")}
  AND ${kind === "department" ? noDistrictSql("p.unit_code") : noDepartmentSql("p.unit_code")}
ORDER BY p.unit_code`;

/** Departments that handled tickets of the selected districts; districts whose tickets the selected departments handled. */
const noDistrictSql = (unit: string) =>
  all(`${unit} IN (SELECT department_code FROM ticket_outcomes FINAL WHERE district_code IN (${selected("district")}))`, "district");
const noDepartmentSql = (unit: string) =>
  all(`${unit} IN (SELECT district_code FROM ticket_outcomes FINAL WHERE department_code IN (${selected("department")}))`, "department");

const funnel = (kind: "department" | "district") => `
${SCORES_NOT_BY}
SELECT f.volume AS volume, f.rate AS rate, f.target AS target, f.funnel_lower95 AS lower95, f.funnel_upper95 AS upper95,
       f.funnel_lower998 AS lower998, f.funnel_upper998 AS upper998, f.unit_code AS unit_code
FROM performance_funnel AS f
WHERE f.unit_kind = '${kind}' AND f.metric = '\${metric}' AND f.period_kind = 'span' AND f.too_few = 0 AND f.rate IS NOT NULL
  AND ${kind === "department" ? department("f.unit_code") : district("f.unit_code")}
  AND ${kind === "department" ? noDistrictSql("f.unit_code") : noDepartmentSql("f.unit_code")}
ORDER BY f.volume`;

const MONTHLY = `
${SCORES_NOT_BY}
SELECT toDateTime(p.period_start, 'Asia/Shanghai') AS time, ${named("n", "p.unit_code")} AS unit, p.shrunk_rate AS rate
FROM performance_scores AS p FINAL
${joinNames("district", "n", "p.unit_code")}
WHERE p.unit_kind = 'district' AND p.metric = '\${metric}' AND p.period_kind = 'month' AND p.too_few = 0
  AND p.period_start >= toStartOfMonth($__fromTime, 'Asia/Shanghai') AND p.period_start <= toDate($__toTime, 'Asia/Shanghai')
  AND ${district("p.unit_code")}
  AND ${noDepartmentSql("p.unit_code")}
ORDER BY time, unit`;

const DIAGNOSIS = `
${noFilter("channel", "the diagnosis breaks a unit's whole gap down by category and step")}
SELECT ${named("n", "g.unit_code")} AS \`单位\`, g.unit_kind AS \`类型\`, g.driver_kind AS \`因素\`,
       if(g.driver_name = '', g.driver, g.driver_name) AS \`分类或环节\`, g.trials AS \`样本\`, g.observed AS \`观察\`,
       round(g.expected, 1) AS \`期望\`, round(g.excess, 1) AS \`超出期望\`, round(g.share_of_gap, 2) AS \`占差距\`
FROM performance_diagnosis AS g FINAL
LEFT JOIN (SELECT code, name FROM dimension_names FINAL WHERE kind IN ('department', 'district')) AS n ON n.code = g.unit_code
WHERE g.metric = '\${metric}' AND g.period_kind = 'span'
  AND g.as_of = (SELECT max(as_of) FROM performance_diagnosis WHERE period_kind = 'span' AND as_of <= $__toTime)
  AND $__conditionalAll(g.unit_kind != 'district' OR g.unit_code IN (\${district:sqlstring}), $district)
  AND $__conditionalAll(g.unit_kind != 'department' OR g.unit_code IN (\${department:sqlstring}), $department)
  AND ${all(`(g.driver_kind != 'category' OR ${categoryRelatedCondition("g.driver")})`, "category")}
ORDER BY g.unit_kind, g.unit_code, g.driver_kind, g.rank
LIMIT 1000`;

const SURVEY = `
${noFilter("category", "the survey agreement is per closing department over all its tickets")}
${noFilter("channel", "the survey agreement is per closing department over all its tickets")}
SELECT if(a.unit_kind = 'city', '全市', ${named("n", "a.unit_code")}) AS \`单位\`, a.surveyed AS \`回访\`, a.unreachable AS \`未接通\`,
       a.resolved_positive AS \`解决且满意\`, a.resolved_negative AS \`解决但不满意\`, a.unresolved_positive AS \`未解决但满意\`,
       a.unresolved_negative AS \`未解决且不满意\`, round(a.agreement_rate, 3) AS \`一致率\`, round(a.kappa, 3) AS kappa,
       round(a.passive_rate, 3) AS \`实际解决率\`, round(a.survey_rate, 3) AS \`回访满意率\`
FROM survey_agreement AS a FINAL
${joinNames("department", "n", "a.unit_code")}
WHERE a.period_kind = 'span'
  AND a.as_of = (SELECT max(as_of) FROM survey_agreement WHERE period_kind = 'span' AND as_of <= $__toTime)
  AND $__conditionalAll(a.unit_kind = 'city' OR a.unit_code IN (\${department:sqlstring}), $department)
  AND $__conditionalAll(a.unit_kind = 'city' OR a.unit_code IN (SELECT department_code FROM ticket_outcomes FINAL WHERE district_code IN (\${district:sqlstring})), $district)
ORDER BY a.unit_kind = 'city' DESC, a.unit_code`;

const CORRELATION = `
${noFilter("district", "one correlation across all departments")}
${noFilter("category", "one correlation across all departments")}
${noFilter("department", "one correlation across all departments")}
${noFilter("channel", "one correlation across all departments")}
SELECT c.departments AS \`参与部门\`, round(c.spearman, 2) AS \`Spearman(收缩率)\`, round(c.spearman_raw, 2) AS \`Spearman(原始率)\`, round(c.pearson, 2) AS Pearson
FROM survey_correlation AS c FINAL
WHERE c.period_kind = 'span' AND c.as_of <= $__toTime
ORDER BY c.as_of DESC
LIMIT 1`;

/** The selection's own raw rates, from the per-ticket facts: every variable applies. */
const SELECTION_RATES = `
SELECT toStartOfMonth(o.created_at, 'Asia/Shanghai') AS time,
       avgIf(o.real_resolution, o.real_resolution IS NOT NULL) AS \`实际解决率\`,
       avgIf(o.closed_on_time, o.closed_on_time IS NOT NULL) AS \`按期办结率\`,
       avgIf(o.responded_on_time, o.responded_on_time IS NOT NULL) AS \`及时响应率\`
FROM ticket_outcomes AS o FINAL
WHERE o.merged = 0 AND $__timeFilter(o.created_at)
  AND ${district("o.district_code")}
  AND ${categoryPath("[toString(o.category_l1), toString(o.category_l2), toString(o.category_code)]")}
  AND ${department("o.department_code")}
  AND ${channel("o.channel")}
GROUP BY time
ORDER BY time`;

export function performance(): dashboard.Dashboard {
  const board = hotlineDashboard(
    UID.performance,
    "部门与区诊断",
    "Passive performance (无感监测) per department and district: observed against expected for the case mix, shrunk rates with intervals and volume, funnel plots, what drives each gap, and the agreement with the callback survey. A diagnosis, not a league table: units are in code order.",
    { from: "now-90d", to: "now" },
  )
    .variables(commonVariables())
    .withVariable(metricVariable);
  new Grid(board)
    .row("部门 (承办单位)")
    .add(tablePanel("部门: 观察/期望与区间", "Each department over the scored span: volume, trials, observed and expected (case mix), O/E, raw, standardised and shrunk rates with the 95% interval; too few cases are marked, never ranked", unitScores("department")), 24, 10)
    .add(scatterPanel("部门漏斗图", "Standardised rate against trials, with the city rate and the 95% and 99.8% control limits at each volume (funnel plot)", funnel("department"), "volume", ["rate", "target", "lower95", "upper95", "lower998", "upper998"]), 12, 10)
    .add(tablePanel("差距诊断", "What drives each unit's gap: the categories with the most unfavourable events beyond the case-mix expectation, and how unresolved tickets failed", DIAGNOSIS), 12, 10)
    .row("区")
    .add(tablePanel("区: 观察/期望与区间", "Each district over the scored span, the same measures as for departments", unitScores("district")), 24, 9)
    .add(scatterPanel("区漏斗图", "Districts: standardised rate against trials with control limits", funnel("district"), "volume", ["rate", "target", "lower95", "upper95", "lower998", "upper998"]), 12, 9)
    .add(timeSeriesPanel("各区月度收缩率", "Shrunk rate of the metric per district and month of creation (months with too few cases left out)", MONTHLY), 12, 9)
    .row("回访一致性与所选范围")
    .add(tablePanel("被动结果与回访一致性", "Closed tickets with a callback: passive real resolution against the survey's answer, agreement and Cohen's kappa, per closing department and for the city", SURVEY), 16, 9)
    .add(statPanel("部门间相关", "Across departments with enough cases: rank correlation of the shrunk real-resolution rate with the survey's satisfaction rate", CORRELATION), 8, 9)
    .add(
      timeSeriesPanel("所选范围的原始率", "Raw monthly rates of the tickets in the current selection (all four variables apply), from ticket_outcomes", SELECTION_RATES).links([
        panelLink("重复诉求", UID.repeats),
      ]),
      24,
      8,
    );
  return board.build();
}
