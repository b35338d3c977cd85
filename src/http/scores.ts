// GET /v1/scores: passive performance (无感监测) per department and district, as scoring rounds stored it.
import { z } from "zod";
import { DASHBOARDS } from "../alerts/grafana.js";
import { code, DAY, filters, iso, link, localDate, ms, num, numOrNull, paging, resultBase, str, type Endpoint } from "./result-fields.js";

const PERIOD_DAYS: Readonly<Record<string, number>> = { day: 1, week: 7, month: 31 };

export const scores: Endpoint<z.ZodObject, z.ZodType> = {
  url: "/v1/scores",
  table: "performance_scores",
  summary: "Passive performance (无感监测) of departments and districts",
  description: "Case-mix standardised and shrunk rates per unit, metric and period, with intervals and funnel zones: a diagnosis, not a league table.",
  query: z.strictObject({
    ...paging,
    from: localDate.optional().meta({ description: "Periods starting on or after this local date." }),
    to: localDate.optional().meta({ description: "Periods starting before this local date." }),
    unit_kind: z.enum(["department", "district"]).optional(),
    unit: code("department or district").optional(),
    metric: z.enum(["timely_response", "on_time_closure", "real_resolution", "repeat_after_close", "returned", "abnormal"]).optional(),
    period: z.enum(["day", "week", "month", "span"]).optional(),
  }),
  item: z
    .object({
      score_id: z.string(),
      unit_kind: z.string(),
      unit_code: z.string(),
      metric: z.string(),
      higher_is_better: z.boolean(),
      period_kind: z.string(),
      period_start: z.string(),
      volume: z.number().int(),
      trials: z.number().int(),
      observed: z.number().int(),
      expected: z.number(),
      raw_rate: z.number().nullable(),
      city_rate: z.number().nullable(),
      oe_ratio: z.number().nullable(),
      standardised_rate: z.number().nullable(),
      shrunk_rate: z.number().nullable(),
      lower: z.number().nullable(),
      upper: z.number().nullable(),
      too_few: z.boolean(),
      excluded_suspected: z.number().int(),
      provisional: z.number().int(),
      funnel_zone: z.string(),
      as_of: z.string(),
      grafana_url: resultBase.grafana_url,
    })
    .meta({ id: "Score" }),
  idColumn: "score_id",
  orderColumn: "period_start",
  orderType: "Date",
  columns: [
    "score_id", "unit_kind", "unit_code", "metric", "higher_is_better", "period_kind", "period_start", "volume", "trials", "observed", "expected",
    "raw_rate", "city_rate", "oe_ratio", "standardised_rate", "shrunk_rate", "lower", "upper", "too_few", "excluded_suspected", "provisional", "funnel_zone", "as_of",
  ],
  where: (q) => {
    const own = filters(q, { unit_kind: "unit_kind", unit: "unit_code", metric: "metric", period: "period_kind" });
    if (q["from"] !== undefined) (own.sql.push("period_start >= toDate({from:String})"), (own.params["from"] = String(q["from"])));
    if (q["to"] !== undefined) (own.sql.push("period_start < toDate({to:String})"), (own.params["to"] = String(q["to"])));
    return own;
  },
  toItem: (r, links) => {
    const start = Date.parse(`${str(r["period_start"])}T00:00:00Z`);
    const asOf = ms(r["as_of"]);
    const days = PERIOD_DAYS[str(r["period_kind"])];
    const department = str(r["unit_kind"]) === "department" ? str(r["unit_code"]) : "";
    return {
      score_id: str(r["score_id"]),
      unit_kind: str(r["unit_kind"]),
      unit_code: str(r["unit_code"]),
      metric: str(r["metric"]),
      higher_is_better: num(r["higher_is_better"]) === 1,
      period_kind: str(r["period_kind"]),
      period_start: str(r["period_start"]),
      volume: num(r["volume"]),
      trials: num(r["trials"]),
      observed: num(r["observed"]),
      expected: num(r["expected"]),
      raw_rate: numOrNull(r["raw_rate"]),
      city_rate: numOrNull(r["city_rate"]),
      oe_ratio: numOrNull(r["oe_ratio"]),
      standardised_rate: numOrNull(r["standardised_rate"]),
      shrunk_rate: numOrNull(r["shrunk_rate"]),
      lower: numOrNull(r["lower"]),
      upper: numOrNull(r["upper"]),
      too_few: num(r["too_few"]) === 1,
      excluded_suspected: num(r["excluded_suspected"]),
      provisional: num(r["provisional"]),
      funnel_zone: str(r["funnel_zone"]),
      as_of: iso(r["as_of"]),
      grafana_url: link(links, {
        uid: DASHBOARDS.performance,
        fromMs: start,
        toMs: days === undefined ? asOf : start + days * DAY,
        district: department === "" ? str(r["unit_code"]) : "",
        category: "",
        department,
      }),
    };
  },
};

