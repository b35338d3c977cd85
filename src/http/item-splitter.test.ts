// Unit tests of the item splitter (pure logic): the items it finds are exactly the top-level values
// of a JSON array or the non-blank lines of NDJSON, wherever the chunks are cut; the item limit and
// a body of the wrong shape stop it with a 413 or a 400.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BodyError } from "./body.js";
import { createItemSplitter, itemsOf, MAX_ITEM_DEPTH, type BodyFormat } from "./item-splitter.js";

/** Splits `text` fed in chunks cut at `cuts` (byte offsets), and returns each item as text, or its refusal. */
function split(text: string, format: BodyFormat, maxItems = 1_000, cuts: readonly number[] = []): string[] {
  const body = Buffer.from(text, "utf8");
  const splitter = createItemSplitter(format, maxItems);
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b).filter((c) => c > 0 && c < body.length)) {
    splitter.push(body.subarray(from, cut));
    from = cut;
  }
  splitter.push(body.subarray(from));
  return itemsOf(body, splitter.end()).map((item) => (item.bytes === undefined ? `refused:${item.refused!.reasonCode}` : Buffer.from(item.bytes).toString("utf8")));
}

function refusal(run: () => unknown): { status: number; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof BodyError) return { status: error.statusCode, message: error.message };
    throw error;
  }
  throw new Error("not refused");
}

describe("JSON bodies", () => {
  it("finds each top-level value of an array, strings with brackets, quotes and escapes included", () => {
    expect(split(' [ {"a":"]}\\"[{"}, [1,[2]] ,"x\\\\",12.5e3, true ,null ] ', "json")).toEqual(['{"a":"]}\\"[{"}', "[1,[2]]", '"x\\\\"', "12.5e3", "true", "null"]);
    expect(split("[]", "json")).toEqual([]);
    expect(split('\ufeff{"one": [1]}\n', "json")).toEqual(['{"one": [1]}']);
  });

  it("gives every item to the door as sent: one that is not JSON is the door's to reject", () => {
    expect(split('[{"a":1,}, tru, {"b":[}]]', "json")).toEqual(['{"a":1,}', "tru", '{"b":[}]']);
  });

  it("refuses items nested deeper than the limit without parsing them", () => {
    const deep = `${"[".repeat(MAX_ITEM_DEPTH + 1)}${"]".repeat(MAX_ITEM_DEPTH + 1)}`;
    const fits = `${"[".repeat(MAX_ITEM_DEPTH)}${"]".repeat(MAX_ITEM_DEPTH)}`;
    expect(split(`[${deep},${fits}]`, "json")).toEqual(["refused:nested_too_deep", fits]);
  });

  it("refuses a body of the wrong shape as a whole with 400", () => {
    for (const text of ["", "  \n", '"a string"', "12", "null", "[1,]", "[,1]", "[1 2]", "[1]x", '{"a":1}{"b":2}', "[1,2", '[{"a":"]', "{"]) {
      expect(refusal(() => split(text, "json")).status, text).toBe(400);
    }
  });

  it("stops at the item past the limit with 413, before the rest of the body is scanned", () => {
    const splitter = createItemSplitter("json", 3);
    const { status, message } = refusal(() => splitter.push(Buffer.from("[1,2,3,4")));
    expect(status).toBe(413);
    expect(message).toContain("HOTLINE_API_MAX_EVENTS");
    expect(split("[1,2,3]", "json", 3)).toEqual(["1", "2", "3"]);
  });

  it("finds the same items wherever the chunks are cut", () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 6 }), fc.constantFrom("", " ", "\n\t"), (values, cuts, space) => {
        const text = `${space}[${space}${values.map((v) => JSON.stringify(v, null, space === "" ? undefined : 1)).join(`${space},${space}`)}${space}]${space}`;
        const items = split(text, "json", 1_000, cuts.map((c) => c % (Buffer.byteLength(text) + 1)));
        expect(items.map((i) => JSON.parse(i))).toEqual(values.map((v) => JSON.parse(JSON.stringify(v))));
      }),
      { numRuns: 500, seed: 1_212 },
    );
  });
});

describe("NDJSON bodies", () => {
  it("gives each non-blank line with its line number, without the line end", () => {
    const body = Buffer.from('{"a":1}\r\n\n  \t\n{"b":2}\n{"c":3}');
    const splitter = createItemSplitter("ndjson", 10);
    splitter.push(body);
    expect(itemsOf(body, splitter.end()).map((i) => [Buffer.from(i.bytes!).toString(), i.line])).toEqual([
      ['{"a":1}', 1],
      ['{"b":2}', 4],
      ['{"c":3}', 5],
    ]);
  });

  it("refuses an empty body with 400 and the line past the limit with 413", () => {
    expect(refusal(() => split("\n \n\r\n", "ndjson")).status).toBe(400);
    expect(refusal(() => split("1\n2\n3\n", "ndjson", 2)).status).toBe(413);
    expect(split("1\n2\n\n", "ndjson", 2)).toEqual(["1", "2"]);
  });

  it("finds the same lines wherever the chunks are cut, CR LF included", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.jsonValue().map((v) => JSON.stringify(v)), fc.constantFrom("", " ", "\t")), { maxLength: 10 }), fc.array(fc.nat(), { maxLength: 6 }), fc.boolean(), (lines, cuts, crlf) => {
        const text = lines.join(crlf ? "\r\n" : "\n");
        const expected = lines.filter((l) => l.trim() !== "");
        if (expected.length === 0) return;
        expect(split(text, "ndjson", 1_000, cuts.map((c) => c % (Buffer.byteLength(text) + 1)))).toEqual(expected);
      }),
      { numRuns: 500, seed: 3_434 },
    );
  });
});
