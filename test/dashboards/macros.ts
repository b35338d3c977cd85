// Expands a panel's SQL the way Grafana and the ClickHouse data source (grafana-clickhouse-datasource
// v4) do before ClickHouse sees it, in the same three steps:
//  1. the plugin's frontend: $__conditionalAll(cond, $var) becomes `cond`, or 1=1 when the variable's
//     current value is All or empty (applyConditionalAll in src/data/CHDatasource.ts);
//  2. Grafana's template service: $var, ${var}, ${var:format}, [[var]] with the plugin's format
//     function (a multi-value becomes 'a','b'; a single value is left bare) unless a format is named;
//  3. the plugin's backend (pkg/macros, through sqlds): $__timeFilter(c), $__timeFilter_ms(c),
//     $__fromTime, $__toTime (and _ms), $__dateFilter(c), $__timeInterval(c), $__timeInterval_ms(c), $__interval_s.

export interface TemplateVariable {
  /** The selected values; ["$__all"] (or "$__all") for All. */
  readonly current: string | readonly string[];
  /** Every option's value, what All stands for when the variable has no custom all value. */
  readonly options: readonly string[];
}

export interface QueryContext {
  readonly fromMs: number;
  readonly toMs: number;
  /** Grafana's interval for the panel (from the range and the panel's width). */
  readonly intervalMs: number;
  readonly variables: Readonly<Record<string, TemplateVariable>>;
}

export const ALL = "$__all";

// ---------------------------------------------------------------------------------------------
// 1. $__conditionalAll, as the plugin's frontend applies it

/** The plugin's getMacroArgs: arguments of the macro whose "(" is at `argsIndex`, split at top-level commas, untrimmed. */
function macroArgs(query: string, argsIndex: number): string[] {
  const args: string[] = [];
  const re = /\(|\)|,/g;
  let depth = 0;
  let lastArgEnd = 1;
  const rest = query.substring(argsIndex);
  for (let match = re.exec(rest); match !== null; match = re.exec(rest)) {
    const found = match[0];
    if (found === "(") depth++;
    else if (found === ")") depth--;
    if (found === "," && depth === 1) {
      args.push(rest.substring(lastArgEnd, re.lastIndex - 1));
      lastArgEnd = re.lastIndex;
    }
    if (depth === 0) {
      args.push(rest.substring(lastArgEnd, re.lastIndex - 1));
      return args;
    }
  }
  return [];
}

/** String(current.value) in the plugin: an array joins with commas, so ["$__all"] is "$__all". */
const valueText = (variable: TemplateVariable) => (typeof variable.current === "string" ? variable.current : variable.current.join(","));

export function applyConditionalAll(rawSql: string, variables: Readonly<Record<string, TemplateVariable>>): string {
  const macro = "$__conditionalAll(";
  let query = rawSql;
  let at = query.lastIndexOf(macro);
  while (at !== -1) {
    const params = macroArgs(query, at + macro.length - 1);
    if (params.length !== 2) return query;
    const [condition = "", variableParam = ""] = params;
    const name = /(?<=\$\{)[\w\d]+(?=\})|(?<=\$)[\w\d]+/.exec(variableParam.trim())?.[0];
    let phrase = condition;
    if (name !== undefined) {
      const variable = variables[name];
      const value = variable === undefined ? undefined : valueText(variable);
      if (value === "" || value === ALL) phrase = "1=1";
    }
    query = query.replace(`${macro}${condition},${variableParam})`, () => phrase);
    at = query.lastIndexOf(macro);
  }
  return query;
}

// ---------------------------------------------------------------------------------------------
// 2. Template variables, as Grafana's template service replaces them

/** Grafana's variable syntax: $name, [[name:format]], ${name.fieldPath:format}. */
const VARIABLE = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^}]+))?(?::([^}]+))?\}/g;

/** The values a variable stands for: its selection, or every option when All is selected. */
function values(variable: TemplateVariable): string | readonly string[] {
  const current = variable.current;
  const isAll = typeof current === "string" ? current === ALL : current.includes(ALL);
  return isAll ? variable.options : current;
}

/** The ClickHouse data source's format function (used when the SQL names no format). */
function pluginFormat(value: string | readonly string[]): string {
  return typeof value === "string" ? value : `'${value.join("','")}'`;
}

function namedFormat(value: string | readonly string[], format: string): string {
  const list = typeof value === "string" ? [value] : value;
  switch (format) {
    case "sqlstring":
      return list.map((v) => `'${v.replace(/'/g, "''")}'`).join(",");
    case "singlequote":
      return list.map((v) => `'${v.replace(/'/g, "\\'")}'`).join(",");
    case "csv":
      return list.join(",");
    case "raw":
      return list.join(",");
    default:
      throw new Error(`format :${format} is not implemented by this expander`);
  }
}

export function replaceVariables(sql: string, variables: Readonly<Record<string, TemplateVariable>>): string {
  return sql.replace(VARIABLE, (match, bare?: string, bracket?: string, bracketFormat?: string, braced?: string, _path?: string, bracedFormat?: string) => {
    const name = bare ?? bracket ?? braced ?? "";
    const variable = variables[name];
    if (variable === undefined) return match; // $__macros and unknown names stay for the backend
    const format = bracketFormat ?? bracedFormat;
    const value = values(variable);
    return format === undefined ? pluginFormat(value) : namedFormat(value, format);
  });
}

// ---------------------------------------------------------------------------------------------
// 3. The backend's macros (sqlds finds `$__name` at a word boundary, with optional parenthesised arguments)

const seconds = (ms: number) => Math.floor(ms / 1000);
const dateTime = (ms: number) => `toDateTime(${seconds(ms)})`;
const dateTime64 = (ms: number) => `fromUnixTimestamp64Milli(${Math.trunc(ms)})`;
const date = (ms: number) => `toDate('${new Date(ms).toISOString().slice(0, 10)}')`;

type Macro = (args: readonly string[], context: QueryContext) => string;

function oneArg(name: string, args: readonly string[]): string {
  if (args.length !== 1 || args[0] === "") throw new Error(`$__${name}: expected 1 argument, received ${args.length}`);
  return args[0] ?? "";
}

const MACROS: Readonly<Record<string, Macro>> = {
  fromTime: (_a, c) => dateTime(c.fromMs),
  toTime: (_a, c) => dateTime(c.toMs),
  fromTime_ms: (_a, c) => dateTime64(c.fromMs),
  toTime_ms: (_a, c) => dateTime64(c.toMs),
  timeFilter: (a, c) => {
    const column = oneArg("timeFilter", a);
    return `${column} >= ${dateTime(c.fromMs)} AND ${column} <= ${dateTime(c.toMs)}`;
  },
  timeFilter_ms: (a, c) => {
    const column = oneArg("timeFilter_ms", a);
    return `${column} >= ${dateTime64(c.fromMs)} AND ${column} <= ${dateTime64(c.toMs)}`;
  },
  dateFilter: (a, c) => {
    const column = oneArg("dateFilter", a);
    return `${column} >= ${date(c.fromMs)} AND ${column} <= ${date(c.toMs)}`;
  },
  timeInterval: (a, c) => `toStartOfInterval(toDateTime(${oneArg("timeInterval", a)}), INTERVAL ${Math.max(seconds(c.intervalMs), 1)} second)`,
  timeInterval_ms: (a, c) => `toStartOfInterval(toDateTime64(${oneArg("timeInterval_ms", a)}, 3), INTERVAL ${Math.max(Math.trunc(c.intervalMs), 1)} millisecond)`,
  interval_s: (_a, c) => String(Math.max(seconds(c.intervalMs), 1)),
};

/** Splits the text after a macro name into its arguments when it opens with "(" (nested parentheses kept). */
function parenthesised(sql: string, start: number): { args: string[]; end: number } | undefined {
  if (sql[start] !== "(") return undefined;
  let depth = 0;
  let last = start + 1;
  const args: string[] = [];
  for (let i = start; i < sql.length; i++) {
    const ch = sql[i];
    if (ch === "(") depth++;
    else if (ch === ")") depth--;
    if (ch === "," && depth === 1) {
      args.push(sql.slice(last, i).trim());
      last = i + 1;
    }
    if (depth === 0) {
      args.push(sql.slice(last, i).trim());
      return { args, end: i + 1 };
    }
  }
  throw new Error(`unclosed macro arguments at ${sql.slice(start, start + 40)}`);
}

export function applyMacros(sql: string, context: QueryContext): string {
  let out = "";
  let i = 0;
  const re = /\$__(\w+)/g;
  for (let match = re.exec(sql); match !== null; match = re.exec(sql)) {
    const name = match[1] ?? "";
    const macro = MACROS[name];
    if (macro === undefined) throw new Error(`unknown macro $__${name}: the data source would leave it in the SQL`);
    const after = match.index + match[0].length;
    const call = parenthesised(sql, after);
    out += sql.slice(i, match.index) + macro(call?.args ?? [], context);
    i = call?.end ?? after;
    re.lastIndex = i;
  }
  return out + sql.slice(i);
}

/** The SQL ClickHouse receives for a panel query in this context. */
export function expand(rawSql: string, context: QueryContext): string {
  return applyMacros(replaceVariables(applyConditionalAll(rawSql, context.variables), context.variables), context);
}
