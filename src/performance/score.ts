// The passive performance scorer (无感监测): judges every ticket of the scored span as of an event
// time, fits the case-mix model, scores departments and districts per day, week, month and span,
// writes the diagnosis and the agreement with the callback surveys. ClickHouse does the per-ticket
// work (named queries in ./queries); this module does the statistics on unit-level rows. Every
// table is a ReplacingMergeTree keyed by a deterministic id with version = as_of in ms, so
// scoring again as of the same time rewrites the same rows.
import { msToStoreTime } from "../contract/store-time.js";
import type { QueryParams, Store } from "../store/port.js";
import { agreement, correlate, type DepartmentPair, type SurveyCrosstab } from "./agreement.js";
import { fitCaseMix, type CaseMixCell } from "./casemix.js";
import { performanceConfig, type PerformanceConfig, type SlaTier } from "./config.js";
import { REFRESH_TICKET_OUTCOMES } from "./queries/outcomes.js";
import { CASE_MIX_CELLS, INSERT_CATEGORY_DIAGNOSIS, INSERT_STEP_DIAGNOSIS, SURVEY_CROSSTAB, UNIT_TOTALS, UNIT_VOLUMES } from "./queries/scores.js";
import { HIGHER_IS_BETTER, scoreUnits, volumeKey, type Metric, type PeriodKind, type UnitKind, type UnitScore, type UnitTotal } from "./rates.js";

export interface ScoreOptions {
  /** The local zone of days, weeks and months (HOTLINE_TIMEZONE). */
  readonly timeZone: string;
  /** Judge as of this event time (epoch ms); by default the newest stored event. */
  readonly asOfMs?: number;
  readonly config?: Partial<PerformanceConfig>;
}

export interface ScoreSummary {
  /** Undefined when the store holds no event yet (nothing was scored). */
  readonly asOfMs: number | undefined;
  readonly tickets: number;
  readonly scores: number;
  readonly diagnosis: number;
  readonly agreements: number;
  readonly correlations: number;
  readonly elapsedMs: number;
}

const TIERS: readonly SlaTier[] = ["emergency", "utility", "general", "complex"];
const FACTORS = ["category", "channel", "district", "urgency"] as const;
const DAY_MS = 86_400_000;

/** Scores the store as of `asOfMs` (or its newest event) and writes every performance table. */
export async function scorePerformance(store: Store, options: ScoreOptions): Promise<ScoreSummary> {
  const started = Date.now();
  const config = performanceConfig(options.config);
  const asOfMs = options.asOfMs ?? (await newestEventMs(store));
  if (asOfMs === undefined) return { asOfMs, tickets: 0, scores: 0, diagnosis: 0, agreements: 0, correlations: 0, elapsedMs: Date.now() - started };
  const params: QueryParams = {
    as_of_ms: asOfMs,
    since_ms: asOfMs - config.lookbackMs,
    day_since_ms: asOfMs - config.dayPeriods * DAY_MS,
    version: asOfMs,
    exclude_suspected: config.excludeSuspectedAbuse ? 1 : 0,
    tz: options.timeZone,
    top: config.diagnosisTop,
  };
  await refreshOutcomes(store, config, params);
  const tickets = await countRows(store, "ticket_outcomes FINAL", params);
  await writeCaseMix(store, config, params, asOfMs);
  const scores = await writeScores(store, config, params, asOfMs);
  await store.command(INSERT_CATEGORY_DIAGNOSIS, params);
  await store.command(INSERT_STEP_DIAGNOSIS, params);
  const diagnosis = await countVersion(store, "performance_diagnosis", asOfMs);
  const { agreements, correlations } = await writeAgreement(store, config, params, asOfMs, scores);
  return { asOfMs, tickets, scores: scores.length, diagnosis, agreements, correlations, elapsedMs: Date.now() - started };
}

async function newestEventMs(store: Store): Promise<number | undefined> {
  const [row] = await store.query<{ ms: string | number | null; n: string | number }>("SELECT toUnixTimestamp64Milli(max(occurred_at)) AS ms, count() AS n FROM events");
  return row === undefined || Number(row.n) === 0 ? undefined : Number(row.ms);
}

async function refreshOutcomes(store: Store, config: PerformanceConfig, params: QueryParams): Promise<void> {
  await store.command(REFRESH_TICKET_OUTCOMES, {
    as_of_ms: params.as_of_ms ?? 0,
    since_ms: params.since_ms ?? 0,
    window_ms: config.observationWindowMs,
    abuse_window_ms: config.abuseWindowMs,
    count_callback_reopens: config.countCallbackReopens ? 1 : 0,
    complex_prefixes: [...config.complexCategoryPrefixes],
    utility_prefixes: [...config.utilityCategoryPrefixes],
    accept_hours: TIERS.map((tier) => config.tiers[tier].acceptHours),
    respond_hours: TIERS.map((tier) => config.tiers[tier].respondHours),
    close_hours: TIERS.map((tier) => config.tiers[tier].closeHours),
  });
}

async function countRows(store: Store, table: string, params: QueryParams): Promise<number> {
  const [row] = await store.query<{ n: string | number }>(
    `SELECT count() AS n FROM ${table} WHERE created_at >= fromUnixTimestamp64Milli(toInt64({since_ms:Int64}), 'UTC') AND created_at <= fromUnixTimestamp64Milli(toInt64({as_of_ms:Int64}), 'UTC')`,
    params,
  );
  return Number(row?.n ?? 0);
}

async function countVersion(store: Store, table: string, version: number): Promise<number> {
  const [row] = await store.query<{ n: string | number }>(`SELECT count() AS n FROM ${table} FINAL WHERE version = {version:UInt64}`, { version });
  return Number(row?.n ?? 0);
}

type CellRow = {
  unit_kind: UnitKind;
  metric: Metric;
  category_code: string;
  channel: string;
  district: string;
  urgency: string;
  trials: string | number;
  events: string | number;
};

/** Fits one case-mix model per unit kind and metric on the city's cells and stores its coefficients. */
async function writeCaseMix(store: Store, config: PerformanceConfig, params: QueryParams, asOfMs: number): Promise<void> {
  const rows = await store.query<CellRow>(CASE_MIX_CELLS, params);
  const byModel = new Map<string, CaseMixCell[]>();
  for (const row of rows) {
    const key = `${row.unit_kind}|${row.metric}`;
    const cells = byModel.get(key) ?? [];
    cells.push({ levels: [row.category_code, row.channel, row.district, row.urgency], trials: Number(row.trials), events: Number(row.events) });
    byModel.set(key, cells);
  }
  const out: object[] = [];
  const stamp = { as_of: msToStoreTime(asOfMs), version: asOfMs };
  for (const [key, cells] of byModel) {
    const [unitKind, metric] = key.split("|");
    const model = fitCaseMix(FACTORS, cells, { penalty: config.caseMixPenalty });
    const trials = cells.reduce((s, c) => s + c.trials, 0);
    out.push({ metric, unit_kind: unitKind, factor: "intercept", level: "", coefficient: model.intercept, trials, ...stamp });
    FACTORS.forEach((factor, f) => {
      for (const [level, coefficient] of model.effects[f] ?? []) {
        out.push({ metric, unit_kind: unitKind, factor, level, coefficient, trials: model.trials[f]?.get(level) ?? 0, ...stamp });
      }
    });
  }
  await store.insert("performance_casemix", out);
}

type TotalRow = {
  unit_kind: UnitKind;
  metric: Metric;
  unit_code: string;
  period_kind: PeriodKind;
  period_start: string;
  trials: string | number;
  observed: string | number;
  expected: number | null;
  excluded: string | number;
};

type VolumeRow = { unit_kind: string; unit_code: string; period_kind: string; period_start: string; volume: string | number; provisional: string | number };

async function writeScores(store: Store, config: PerformanceConfig, params: QueryParams, asOfMs: number): Promise<UnitScore[]> {
  const totals: UnitTotal[] = (await store.query<TotalRow>(UNIT_TOTALS, params)).map((r) => ({
    unitKind: r.unit_kind,
    metric: r.metric,
    unitCode: r.unit_code,
    periodKind: r.period_kind,
    periodStart: r.period_start,
    trials: Number(r.trials),
    observed: Number(r.observed),
    expected: Number(r.expected ?? 0),
    excluded: Number(r.excluded),
  }));
  const volumes = new Map<string, { volume: number; provisional: number }>();
  for (const r of await store.query<VolumeRow>(UNIT_VOLUMES, params)) {
    volumes.set(volumeKey(r.unit_kind, r.unit_code, r.period_kind, r.period_start), { volume: Number(r.volume), provisional: Number(r.provisional) });
  }
  const scores = scoreUnits({ totals, volumes, minVolume: config.minVolume });
  const stamp = { as_of: msToStoreTime(asOfMs), version: asOfMs };
  const rows = scores.map((s) => ({
    score_id: `${s.unitKind}:${s.unitCode}:${s.metric}:${s.periodKind}:${s.periodStart}`,
    unit_kind: s.unitKind,
    unit_code: s.unitCode,
    metric: s.metric,
    higher_is_better: HIGHER_IS_BETTER[s.metric] ? 1 : 0,
    period_kind: s.periodKind,
    period_start: s.periodStart,
    volume: s.volume,
    trials: s.trials,
    observed: s.observed,
    expected: s.expected,
    raw_rate: s.rawRate,
    city_rate: s.cityRate,
    oe_ratio: s.oeRatio,
    standardised_rate: s.standardisedRate,
    shrunk_rate: s.shrunkRate,
    lower: s.lower,
    upper: s.upper,
    too_few: s.tooFew ? 1 : 0,
    excluded_suspected: s.excluded,
    provisional: s.provisional,
    funnel_lower95: s.funnel?.lower95 ?? null,
    funnel_upper95: s.funnel?.upper95 ?? null,
    funnel_lower998: s.funnel?.lower998 ?? null,
    funnel_upper998: s.funnel?.upper998 ?? null,
    funnel_zone: s.funnelZone,
    prior_a: s.priorA,
    prior_b: s.priorB,
    ...stamp,
  }));
  for (let i = 0; i < rows.length; i += 50_000) await store.insert("performance_scores", rows.slice(i, i + 50_000));
  return scores;
}

type CrosstabRow = {
  unit_kind: "department" | "city";
  unit_code: string;
  period_kind: string;
  period_start: string;
} & Record<"surveyed" | "unreachable" | "provisional" | "resolved_positive" | "resolved_negative" | "unresolved_positive" | "unresolved_negative" | "positive" | "negative", string | number>;

async function writeAgreement(
  store: Store,
  config: PerformanceConfig,
  params: QueryParams,
  asOfMs: number,
  scores: readonly UnitScore[],
): Promise<{ agreements: number; correlations: number }> {
  const tables: SurveyCrosstab[] = (await store.query<CrosstabRow>(SURVEY_CROSSTAB, params)).map((r) => ({
    unitKind: r.unit_kind,
    unitCode: r.unit_code,
    periodKind: r.period_kind,
    periodStart: r.period_start,
    surveyed: Number(r.surveyed),
    unreachable: Number(r.unreachable),
    provisional: Number(r.provisional),
    resolvedPositive: Number(r.resolved_positive),
    resolvedNegative: Number(r.resolved_negative),
    unresolvedPositive: Number(r.unresolved_positive),
    unresolvedNegative: Number(r.unresolved_negative),
    positive: Number(r.positive),
    negative: Number(r.negative),
  }));
  const stamp = { as_of: msToStoreTime(asOfMs), version: asOfMs };
  const rows = tables.map((t) => {
    const a = agreement(t);
    return {
      agreement_id: `${t.unitKind}:${t.unitCode}:${t.periodKind}:${t.periodStart}`,
      unit_kind: t.unitKind,
      unit_code: t.unitCode,
      period_kind: t.periodKind,
      period_start: t.periodStart,
      surveyed: t.surveyed,
      unreachable: t.unreachable,
      provisional: t.provisional,
      resolved_positive: t.resolvedPositive,
      resolved_negative: t.resolvedNegative,
      unresolved_positive: t.unresolvedPositive,
      unresolved_negative: t.unresolvedNegative,
      answered_positive: t.positive,
      answered_negative: t.negative,
      agreement_rate: a.agreementRate,
      kappa: a.kappa,
      passive_rate: a.passiveRate,
      survey_rate: a.surveyRate,
      ...stamp,
    };
  });
  await store.insert("survey_agreement", rows);

  const resolution = new Map<string, UnitScore>();
  for (const s of scores) {
    if (s.unitKind === "department" && s.metric === "real_resolution") resolution.set(`${s.unitCode}:${s.periodKind}:${s.periodStart}`, s);
  }
  const pairsByPeriod = new Map<string, DepartmentPair[]>();
  for (const t of tables) {
    if (t.unitKind !== "department") continue;
    const score = resolution.get(`${t.unitCode}:${t.periodKind}:${t.periodStart}`);
    const answers = t.positive + t.negative;
    if (score?.shrunkRate == null || score.rawRate === null || score.trials < config.minVolume || answers < config.minVolume) continue;
    const key = `${t.periodKind}:${t.periodStart}`;
    const pairs = pairsByPeriod.get(key) ?? [];
    pairs.push({ passive: score.shrunkRate, passiveRaw: score.rawRate, survey: t.positive / answers });
    pairsByPeriod.set(key, pairs);
  }
  const correlations = [...pairsByPeriod].map(([key, pairs]) => {
    const [periodKind, periodStart] = key.split(":");
    const c = correlate(pairs);
    return { correlation_id: key, period_kind: periodKind, period_start: periodStart, departments: c.departments, spearman: c.spearman, pearson: c.pearson, spearman_raw: c.spearmanRaw, ...stamp };
  });
  await store.insert("survey_correlation", correlations);
  return { agreements: rows.length, correlations: correlations.length };
}
