// Unit tests of the query command: table rendering (column alignment by display width, CJK is two columns, truncation, empty results) and finding a FORMAT clause in the SQL.
import { describe, expect, it } from "vitest";
import { formatClause, formatTable } from "./query.js";

/** Terminal columns of a string: East Asian wide characters (CJK, full-width forms) take two. */
function columns(text: string): number {
  let n = 0;
  for (const ch of text) n += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{20000}-\u{3fffd}]/u.test(ch) ? 2 : 1;
  return n;
}

/** The terminal column where the last cell of each table line starts (cells are separated by two or more spaces). */
function lastCellStarts(table: string): number[] {
  return table
    .split("\n")
    .filter((line) => line !== "" && !/^\(\d+ rows\)$/.test(line))
    .map((line) => columns(line.slice(0, line.lastIndexOf("  ") + 2)));
}

describe("formatTable", () => {
  it("says so when there are no rows", () => {
    expect(formatTable([])).toBe("(no rows)\n");
  });

  it("aligns columns by display width, counting CJK characters as two columns", () => {
    const table = formatTable([
      { district: "朝阳区", tickets: 12, street: "建外街道" },
      { district: "Haidian", tickets: 3, street: "x" },
    ]);
    expect(table).toBe(
      [
        "district  tickets  street",
        "--------  -------  --------",
        "朝阳区    12       建外街道",
        "Haidian   3        x",
        "(2 rows)",
        "",
      ].join("\n"),
    );
  });

  it("widens a column to its widest CJK cell", () => {
    const table = formatTable([
      { 区: "东城区", n: 1 },
      { 区: "石景山区", n: 22 },
    ]);
    expect(lastCellStarts(table)).toEqual([10, 10, 10, 10]);
    expect(table.split("\n")[1]).toBe("--------  --");
  });

  it("renders numbers, booleans, null, arrays and objects as JSON and strings as they are", () => {
    const table = formatTable([{ s: "a b", n: 1.5, b: true, z: null, a: ["02", "02.05"], o: { k: 1 } }]);
    expect(table.split("\n")[2]).toBe('a b  1.5  true  null  ["02","02.05"]  {"k":1}');
  });

  it("takes the columns from the first row and leaves a missing value empty", () => {
    const table = formatTable([{ a: "x", b: "y" }, { a: "z" }]);
    expect(table.split("\n").slice(0, 4)).toEqual(["a  b", "-  -", "x  y", "z"]);
  });

  it("cuts a long ASCII value to 60 columns with an ellipsis", () => {
    const long = "x".repeat(100);
    const table = formatTable([{ text: long, n: 1 }]);
    const row = table.split("\n")[2]!;
    expect(row).toBe(`${"x".repeat(59)}…  1`);
    expect(table.split("\n")[1]).toBe(`${"-".repeat(60)}  -`);
  });

  it("cuts a long CJK value without exceeding 60 columns and keeps the next column aligned", () => {
    const long = "市民来电反映小区电梯停运三天无人维修".repeat(4);
    const table = formatTable([
      { text: long, n: 1 },
      { text: "短", n: 2 },
    ]);
    const lines = table.split("\n");
    const cut = lines[2]!.slice(0, lines[2]!.lastIndexOf("  1"));
    expect(cut.trimEnd().endsWith("…")).toBe(true);
    expect(long.startsWith(cut.trimEnd().slice(0, -1))).toBe(true);
    expect(columns(cut)).toBe(60);
    expect(lastCellStarts(table)).toEqual([62, 62, 62, 62]);
  });

  it("counts the row total", () => {
    const rows = Array.from({ length: 7 }, (_, i) => ({ i }));
    expect(formatTable(rows).endsWith("\n(7 rows)\n")).toBe(true);
  });

  // 生僻字 from CJK Extension B (outside the Basic Multilingual Plane) appear in names and
  // addresses; a terminal draws them two columns wide like every other CJK character.
  it("counts CJK characters outside the Basic Multilingual Plane as two columns", () => {
    const table = formatTable([
      { name: "𠮷野家", n: 1 },
      { name: "吉野家", n: 2 },
    ]);
    expect(lastCellStarts(table)).toEqual([8, 8, 8, 8]);
  });
});

describe("formatClause", () => {
  it("finds the output format a statement asks for, with SETTINGS or a semicolon after it", () => {
    expect(formatClause("SELECT 1 FORMAT Pretty")).toBe("Pretty");
    expect(formatClause("select 1\nformat JSONEachRow;\n")).toBe("JSONEachRow");
    expect(formatClause("SELECT 1 FORMAT CSV SETTINGS max_threads = 1")).toBe("CSV");
    expect(formatClause("SELECT 1 INTO OUTFILE 'x.csv' FORMAT CSV")).toBe("CSV");
  });

  it("ignores the word in strings, quoted names and comments, and a column called format", () => {
    for (const sql of [
      "SELECT 'FORMAT CSV'",
      "SELECT 'it''s FORMAT CSV'",
      'SELECT 1 AS "FORMAT TSV"',
      "SELECT 1 -- FORMAT TSV",
      "SELECT 1 /* FORMAT TSV */",
      "SELECT format FROM t ORDER BY format DESC",
      "SELECT format('{}', 1) AS x",
      "SELECT count() FROM events",
    ]) {
      expect(formatClause(sql), sql).toBeUndefined();
    }
  });
});
