// The expander against the plugin's documented expansions and its frontend tests' cases.
import { describe, expect, it } from "vitest";
import { ALL, applyConditionalAll, expand, replaceVariables, type QueryContext } from "./macros.js";

const FROM = Date.parse("2026-04-01T00:00:00Z");
const TO = Date.parse("2026-04-02T00:00:00Z");
const context = (variables: QueryContext["variables"] = {}, intervalMs = 60_000): QueryContext => ({ fromMs: FROM, toMs: TO, intervalMs, variables });
const district = (current: string | string[]) => ({ current, options: ["110105", "110108", "O'Brien"] });

describe("$__conditionalAll", () => {
  const sql = "SELECT * FROM t WHERE $__conditionalAll(d IN ($district), $district) AND $__conditionalAll(c IN (${category:sqlstring}), ${category})";
  it("degrades to 1=1 for All and for an empty value, keeps the condition otherwise", () => {
    expect(applyConditionalAll(sql, { district: district([ALL]), category: district("") })).toBe("SELECT * FROM t WHERE 1=1 AND 1=1");
    expect(applyConditionalAll(sql, { district: district(["110105"]), category: district(ALL) })).toBe("SELECT * FROM t WHERE d IN ($district) AND 1=1");
  });
  it("keeps nested parentheses and commas inside the condition", () => {
    expect(applyConditionalAll("$__conditionalAll(hasAny(p, [$c]), $c)", { c: district(["x"]) })).toBe("hasAny(p, [$c])");
  });
  it("leaves the condition when the variable is unknown", () => {
    expect(applyConditionalAll("$__conditionalAll(a = 1, $nope)", {})).toBe("a = 1");
  });
});

describe("template variables", () => {
  it("formats multi-values with the plugin's format, single values bare, and :sqlstring with escaping", () => {
    const vars = { district: district(["110105", "110108"]), one: { current: "x", options: ["x"] } };
    expect(replaceVariables("IN ($district) = $one = ${one} = [[one]]", vars)).toBe("IN ('110105','110108') = x = x = x");
    expect(replaceVariables("IN (${district:sqlstring})", { district: district(["O'Brien"]) })).toBe("IN ('O''Brien')");
  });
  it("expands All to every option", () => {
    expect(replaceVariables("${district:sqlstring}", { district: district([ALL]) })).toBe("'110105','110108','O''Brien'");
  });
  it("leaves macros and unknown names alone", () => {
    expect(replaceVariables("$__timeFilter(t) $unknown", {})).toBe("$__timeFilter(t) $unknown");
  });
});

describe("backend macros", () => {
  it("expands the time macros in whole seconds and milliseconds", () => {
    const s = FROM / 1000;
    const e = TO / 1000;
    expect(expand("$__timeFilter(t)", context())).toBe(`t >= toDateTime(${s}) AND t <= toDateTime(${e})`);
    expect(expand("$__timeFilter_ms(t)", context())).toBe(`t >= fromUnixTimestamp64Milli(${FROM}) AND t <= fromUnixTimestamp64Milli(${TO})`);
    expect(expand("$__fromTime $__toTime $__fromTime_ms", context())).toBe(`toDateTime(${s}) toDateTime(${e}) fromUnixTimestamp64Milli(${FROM})`);
    expect(expand("$__dateFilter(d)", context())).toBe("d >= toDate('2026-04-01') AND d <= toDate('2026-04-02')");
  });
  it("uses the interval in whole seconds, at least 1", () => {
    expect(expand("$__timeInterval(toStartOfHour(t)) $__interval_s", context({}, 3_600_000))).toBe("toStartOfInterval(toDateTime(toStartOfHour(t)), INTERVAL 3600 second) 3600");
    expect(expand("$__interval_s", context({}, 200))).toBe("1");
  });
  it("refuses a macro the data source does not know", () => {
    expect(() => expand("$__timeGroup(t)", context())).toThrow(/unknown macro/);
  });
  it("runs the steps in the data source's order: conditionalAll, variables, macros", () => {
    const sql = "WHERE $__timeFilter(t) AND $__conditionalAll(d IN (${district:sqlstring}) AND t >= $__fromTime, $district)";
    expect(expand(sql, context({ district: district(["110105"]) }))).toBe(
      `WHERE t >= toDateTime(${FROM / 1000}) AND t <= toDateTime(${TO / 1000}) AND d IN ('110105') AND t >= toDateTime(${FROM / 1000})`,
    );
  });
});
