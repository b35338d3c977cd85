// `hotline-sensor query "<SQL>"`: runs SQL on the configured store (embedded chdb or a server) and
// prints the rows, as an aligned table or as NDJSON.
import type { Config } from "../config.js";
import type { Row } from "../store/port.js";
import { openStore } from "../wiring.js";

export type QueryFormat = "table" | "json";

export async function queryCommand(config: Config, sql: string, format: QueryFormat, out: NodeJS.WritableStream): Promise<number> {
  const store = await openStore(config);
  try {
    const rows = await store.query(sql);
    out.write(format === "json" ? rows.map((r) => JSON.stringify(r)).join("\n") + (rows.length > 0 ? "\n" : "") : formatTable(rows));
    return rows.length;
  } finally {
    await store.close();
  }
}

/**
 * The output format a statement asks for with its own FORMAT clause, if any: this command reads
 * rows as JSONEachRow and prints them itself, so such a statement cannot run as it is. Literals,
 * quoted names and comments are blanked first, so `'… FORMAT X'` in a string is not mistaken for it.
 */
export function formatClause(sql: string): string | undefined {
  const code = sql.replace(/'(?:[^'\\]|\\[\s\S]|'')*'|"(?:[^"\\]|\\[\s\S]|"")*"|`(?:[^`\\]|\\[\s\S]|``)*`|--[^\n]*|\/\*[\s\S]*?\*\//g, " ");
  const match = /\bFORMAT\s+([A-Za-z_][A-Za-z0-9_]*)(?:\s+SETTINGS\b[\s\S]*)?\s*;?\s*$/i.exec(code);
  const name = match?.[1];
  // `ORDER BY format DESC` names a column called format, not an output format.
  return name === undefined || /^(ASC|DESC|ASCENDING|DESCENDING)$/i.test(name) ? undefined : name;
}

export function formatTable(rows: readonly Row[]): string {
  if (rows.length === 0) return "(no rows)\n";
  const columns = Object.keys(rows[0]!);
  const cell = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value) ?? "");
  const cells = rows.map((row) => columns.map((c) => cell(row[c])));
  const widths = columns.map((c, i) => Math.min(60, Math.max(width(c), ...cells.map((r) => width(r[i]!)))));
  const render = (values: readonly string[]) => values.map((v, i) => pad(v, widths[i]!)).join("  ").trimEnd();
  return [render(columns), render(widths.map((w) => "-".repeat(w))), ...cells.map(render)].join("\n") + `\n(${rows.length} rows)\n`;
}

/** Display width: CJK characters take two columns. */
function width(text: string): number {
  let w = 0;
  for (const ch of text) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{20000}-\u{3fffd}]/u.test(ch) ? 2 : 1;
  return w;
}

function pad(text: string, target: number): string {
  let out = text;
  if (width(out) > target) {
    while (width(out) > target - 1) out = out.slice(0, -1);
    out += "…";
  }
  return out + " ".repeat(Math.max(0, target - width(out)));
}
