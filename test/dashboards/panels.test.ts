// Every ClickHouse query of every committed dashboard (panels and variables), expanded as Grafana
// and the ClickHouse data source expand it, runs on chdb loaded with a simulated city (the real
// pipeline with every detector, then the performance scorer), returns rows, and returns the
// columns its panel type needs. With All selected, and again with a district and category
// selection, and with a department and channel on top.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Store } from "../../src/store/port.js";
import { replayDashboardCity, type DashboardCity } from "./city.js";
import { ALL, expand, type QueryContext, type TemplateVariable } from "./macros.js";

const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../dashboards");

type Json = Record<string, unknown>;
interface Target {
  readonly refId: string;
  readonly rawSql: string;
  readonly datasource?: { uid?: string };
}
interface Panel {
  readonly title: string;
  readonly type: string;
  readonly targets?: readonly Target[];
  readonly options?: Json;
  readonly fieldConfig?: { defaults?: { links?: readonly { url?: string }[] } };
}
interface Variable {
  readonly name: string;
  readonly type: string;
  readonly query?: string | { rawSql?: string };
  readonly current?: { value?: string | string[] };
  readonly options?: readonly { value: string }[];
}
interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly time: { from: string; to: string };
  readonly panels: readonly Panel[];
  readonly templating: { list: readonly Variable[] };
}

const dashboards: Dashboard[] = readdirSync(DIR)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((f) => JSON.parse(readFileSync(path.join(DIR, f), "utf8")) as Dashboard);

interface Case {
  readonly board: Dashboard;
  readonly panel: Panel;
  readonly target: Target;
}
const cases: Case[] = dashboards.flatMap((board) =>
  board.panels.flatMap((panel) => (panel.targets ?? []).filter((t) => t.datasource?.uid === "clickhouse").map((target) => ({ board, panel, target }))),
);
const variableCases = dashboards.flatMap((board) =>
  board.templating.list.filter((v) => v.type === "query").map((variable) => ({ board, variable, rawSql: typeof variable.query === "string" ? variable.query : (variable.query?.rawSql ?? "") })),
);

let city: DashboardCity;
let store: Store;
/** Options of the common variables, as Grafana would load them. */
const options: Record<string, string[]> = {};
let selection: Record<string, string[]> = {};
let narrow: Record<string, string[]> = {};

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000, M: 30.5 * 86_400_000, y: 365 * 86_400_000 };
/** A dashboard's default range (now-Nu … now), with `now` at the simulated city's last event (real now for dead letters). */
function range(board: Dashboard): { fromMs: number; toMs: number } {
  const match = /^now-(\d+)([mhdwMy])$/.exec(board.time.from);
  if (match === null || board.time.to !== "now") throw new Error(`${board.uid}: unexpected default range ${board.time.from}..${board.time.to}`);
  const toMs = board.uid === "hotline-operations" ? Date.now() : city.toMs;
  return { fromMs: toMs - Number(match[1]) * (UNITS[match[2] ?? "d"] ?? 0), toMs };
}

function context(board: Dashboard, picked: Record<string, string[]>, span = range(board)): QueryContext {
  const { fromMs, toMs } = span;
  const variables: Record<string, TemplateVariable> = {};
  for (const v of board.templating.list) {
    const fixed = v.type === "custom" && v.name !== "channel" ? v.current?.value : undefined;
    variables[v.name] = {
      current: fixed ?? picked[v.name] ?? [ALL],
      options: options[v.name] ?? v.options?.map((o) => o.value) ?? [],
    };
  }
  // Grafana's interval for a panel about 1,000 points wide, in whole minutes
  const intervalMs = Math.max(60_000, Math.ceil((toMs - fromMs) / 1000 / 60_000) * 60_000);
  return { fromMs, toMs, intervalMs, variables };
}

type Column = { name: string; type: string };
async function describeQuery(sql: string): Promise<Column[]> {
  return store.query<Column>(`DESCRIBE TABLE (${sql}\n)`);
}
const isTime = (type: string) => /^(Nullable\()?(DateTime|Date)/.test(type);
const isNumber = (type: string) => /^(Nullable\()?(U?Int|Float|Decimal)/.test(type);
const isText = (type: string) => /^(Nullable\()?(LowCardinality\()?(String|FixedString|Enum)/.test(type);

/** What the panel type needs from the columns, as readable problems. */
function columnProblems(panel: Panel, columns: readonly Column[]): string[] {
  const problems: string[] = [];
  const byName = new Map(columns.map((c) => [c.name, c.type]));
  const numeric = columns.filter((c) => isNumber(c.type));
  switch (panel.type) {
    case "timeseries":
      if (columns[0]?.name !== "time" || !isTime(columns[0].type)) problems.push(`first column must be time (DateTime), got ${JSON.stringify(columns[0])}`);
      if (numeric.length === 0) problems.push("no numeric value column");
      break;
    case "stat":
      if (numeric.length === 0) problems.push("no numeric column");
      break;
    case "barchart":
      if (!isText(columns[0]?.type ?? "")) problems.push(`first column must be the text axis, got ${JSON.stringify(columns[0])}`);
      if (numeric.length === 0) problems.push("no numeric column");
      break;
    case "geomap": {
      const layers = (panel.options?.["layers"] ?? []) as { location?: { latitude?: string; longitude?: string } }[];
      for (const layer of layers) {
        for (const field of [layer.location?.latitude, layer.location?.longitude]) {
          if (field === undefined || !isNumber(byName.get(field) ?? "")) problems.push(`coordinate column ${String(field)} missing or not numeric`);
        }
      }
      break;
    }
    case "xychart": {
      const series = (panel.options?.["series"] ?? []) as { x?: { matcher: { options: string } }; y?: { matcher: { options: string } } }[];
      for (const s of series) {
        for (const field of [s.x?.matcher.options, s.y?.matcher.options]) {
          if (field === undefined || !isNumber(byName.get(field) ?? "")) problems.push(`xy column ${String(field)} missing or not numeric`);
        }
      }
      break;
    }
    case "table":
      if (columns.length === 0) problems.push("no columns");
      break;
    default:
      problems.push(`no column rule for panel type ${panel.type}`);
  }
  for (const link of panel.fieldConfig?.defaults?.links ?? []) {
    for (const m of (link.url ?? "").matchAll(/\$\{__data\.fields\.([^}]+)\}/g)) {
      if (!byName.has(m[1] ?? "")) problems.push(`data link uses field ${m[1]}, which the query does not return`);
    }
  }
  return problems;
}

beforeAll(async () => {
  city = await replayDashboardCity();
  store = city.store;
  const column = async (sql: string) => (await store.query<{ v: string }>(sql)).map((r) => String(r.v));
  options["district"] = await column("SELECT code AS v FROM dimension_names FINAL WHERE kind = 'district' ORDER BY code");
  options["category"] = await column("SELECT code AS v FROM category_tree FINAL ORDER BY code");
  options["department"] = await column("SELECT code AS v FROM dimension_names FINAL WHERE kind = 'department' ORDER BY code");
  // a selection with results: the two districts with the most spikes, and the top category the most spikes there are under
  const districts = await column("SELECT district_code AS v FROM spikes FINAL WHERE district_code != '' GROUP BY v ORDER BY count() DESC, v LIMIT 2");
  const [top] = await column(
    `SELECT category_path[1] AS v FROM spikes FINAL WHERE district_code IN (${districts.map((d) => `'${d}'`).join(",")}) GROUP BY v ORDER BY count() DESC, v LIMIT 1`,
  );
  selection = { district: districts, category: [top ?? ""] };
  const [department] = await column(
    `SELECT department_code AS v FROM events WHERE type = 'ticket.dispatched' AND ticket_id IN (SELECT ticket_id FROM events WHERE type = 'ticket.created' AND district_code IN (${districts.map((d) => `'${d}'`).join(",")}) AND has(category_path, '${top ?? ""}')) GROUP BY v ORDER BY count() DESC, v LIMIT 1`,
  );
  narrow = { ...selection, department: [department ?? ""], channel: ["phone"] };
}, 600_000);

afterAll(async () => {
  await store?.close();
});

describe("the dashboards read", () => {
  it("has every dashboard and ClickHouse queries to test", () => {
    expect(dashboards.map((d) => d.uid).sort()).toEqual(
      ["hotline-hotspots", "hotline-monthly-problems", "hotline-operations", "hotline-overview", "hotline-performance", "hotline-repeats", "hotline-spikes"],
    );
    expect(cases.length).toBeGreaterThan(30);
  });
});

describe.each(cases.map((c) => [`${c.board.uid} / ${c.panel.title} / ${c.target.refId}`, c] as const))("%s", (_name, { board, panel, target }) => {
  it("runs with All selected, returns rows and the columns its panel type needs", async () => {
    const sql = expand(target.rawSql, context(board, {}));
    expect(sql).not.toMatch(/\$__|\$\{|\$[a-z]/);
    const columns = await describeQuery(sql);
    expect(columnProblems(panel, columns)).toEqual([]);
    const rows = await store.query(sql);
    expect(rows.length, `no rows for:\n${sql}`).toBeGreaterThan(0);
  });

  it("runs with two districts and a category selected, and with a department and a channel too", async () => {
    for (const picked of [selection, narrow]) {
      const sql = expand(target.rawSql, context(board, picked));
      expect(sql).not.toMatch(/\$__|\$\{|\$[a-z]/);
      expect(columnProblems(panel, await describeQuery(sql))).toEqual([]);
      await store.query(sql);
    }
  });
});

describe("variables", () => {
  it.each(variableCases.map((c) => [`${c.board.uid} / ${c.variable.name}`, c] as const))("%s lists values (value, text)", async (_name, { board, rawSql }) => {
    const sql = expand(rawSql, context(board, {}));
    const columns = await describeQuery(sql);
    expect(columns.length).toBe(2);
    expect((await store.query(sql)).length).toBeGreaterThan(0);
  });
});

describe("a selection narrows what the panels show (over the whole simulated span)", () => {
  const whole = () => ({ fromMs: city.fromMs, toMs: city.toMs });
  const volume = cases.find((c) => c.board.uid === "hotline-overview" && c.panel.title === "受理量");
  const spikes = cases.find((c) => c.board.uid === "hotline-spikes" && c.panel.title === "突增列表");
  it("volume: fewer tickets for two districts and a category, fewer still with a department and a channel", async () => {
    if (volume === undefined) throw new Error("the overview's volume panel is gone");
    const total = async (picked: Record<string, string[]>) =>
      (await store.query<{ n: number }>(`SELECT sum(\`受理量\`) AS n FROM (${expand(volume.target.rawSql, context(volume.board, picked, whole()))})`))[0]?.n ?? 0;
    const [all, some, fewer] = [await total({}), await total(selection), await total(narrow)];
    expect(all).toBeGreaterThan(some);
    expect(some).toBeGreaterThan(fewer);
    expect(fewer).toBeGreaterThan(0);
  });
  it("spikes: only the selected districts, and some of them", async () => {
    if (spikes === undefined) throw new Error("the spike list is gone");
    const rows = await store.query<{ spike_id: string }>(expand(spikes.target.rawSql, context(spikes.board, selection, whole())));
    expect(rows.length).toBeGreaterThan(0);
    const ids = rows.map((r) => `'${r.spike_id}'`).join(",");
    const districts = await store.query<{ d: string }>(`SELECT DISTINCT district_code AS d FROM spikes FINAL WHERE spike_id IN (${ids})`);
    expect(districts.map((r) => r.d).every((d) => selection["district"]?.includes(d))).toBe(true);
  });
});

describe("the dashboards' own tables and views (022, 023)", () => {
  it("document every column in English and Chinese", async () => {
    const objects = ["dimension_names", "category_tree", "monthly_problems"];
    const rows = await store.query<{ table: string; name: string; comment: string }>(
      "SELECT table, name, comment FROM system.columns WHERE database = currentDatabase() AND table IN {objects:Array(String)}",
      { objects },
    );
    expect(new Set(rows.map((r) => r.table))).toEqual(new Set(objects));
    const bilingual = (c: string) => c.includes("|") && /[\u4e00-\u9fff]/.test(c) && /[A-Za-z]{2}/.test(c);
    expect(rows.filter((r) => !bilingual(r.comment)).map((r) => `${r.table}.${r.name}`)).toEqual([]);
  });

  it("know every category of the events at every level, and the names of every district", async () => {
    const [tree] = await store.query<{ missing: string }>(
      "SELECT count() AS missing FROM (SELECT DISTINCT arrayJoin(category_path) AS code FROM events WHERE type = 'ticket.created') WHERE code NOT IN (SELECT code FROM category_tree FINAL)",
    );
    expect(Number(tree?.missing)).toBe(0);
    const [names] = await store.query<{ missing: string }>(
      "SELECT count() AS missing FROM (SELECT DISTINCT toString(district_code) AS code FROM events WHERE type = 'ticket.created') WHERE code NOT IN (SELECT code FROM dimension_names FINAL WHERE kind = 'district')",
    );
    expect(Number(names?.missing)).toBe(0);
  });
});
