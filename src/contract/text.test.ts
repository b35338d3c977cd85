// Unit tests of the text check: lone surrogates are found in values and keys at any depth, and repaired or escaped.
import { describe, expect, it } from "vitest";
import { asciiEscaped, brokenText, findBrokenText, wellFormed } from "./text.js";

describe("brokenText", () => {
  it.each([
    ["a\ud800b", 1, "\\ud800"],
    ["ab\udbff", 2, "\\udbff"],
    ["\udc00ab", 0, "\\udc00"],
    ["\udc00\ud800", 0, "\\udc00"],
    ["😀\ud83d", 2, "\\ud83d"],
  ])("finds the lone surrogate of %j at %i", (text, index, codeUnit) => {
    expect(brokenText(text)).toEqual({ index, codeUnit });
  });

  it.each(["", "plain", "中文 😀 \u{10ffff}", "a\u0000b\u0001\u007f\u0085", "\ufffe\uffff\ufdd0\ufeff\u2028", "back\\slash \\ud800 spelled out"])("passes well-formed %j", (text) => {
    expect(brokenText(text)).toBeUndefined();
    expect(wellFormed(text)).toBe(text);
  });
});

describe("wellFormed and asciiEscaped", () => {
  it("replaces each lone surrogate by U+FFFD and keeps pairs", () => {
    expect(wellFormed("a\ud800b\udc00c😀\udbff")).toBe("a\ufffdb\ufffdc😀\ufffd");
  });

  it("spells every non-printable-ASCII code unit out", () => {
    expect(asciiEscaped("a中\ud800\n~")).toBe("a\\u4e2d\\ud800\\u000a~");
  });
});

describe("findBrokenText", () => {
  it("names the path of the first broken value, in document order, at any depth", () => {
    const event = { event_id: "e-1", data: { location: { address: "ok" }, category: { path: [{ code: "a", name: "fine" }, { code: "b", name: "x\ud800" }] }, text: "\udc00" } };
    expect(findBrokenText(event)).toEqual({ path: "data.category.path.1.name", broken: { index: 1, codeUnit: "\\ud800" }, inKey: false });
  });

  it("finds a broken key and names it repaired", () => {
    expect(findBrokenText({ data: { ["k\udbff"]: 1 } })).toEqual({ path: "data.k\ufffd", broken: { index: 1, codeUnit: "\\udbff" }, inKey: true });
  });

  it("passes a well-formed value and walks a deep one without recursion", () => {
    let deep: unknown = "\ud800";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findBrokenText({ a: ["x", 1, null, true, { b: "😀" }] })).toBeUndefined();
    expect(findBrokenText(deep)?.broken.codeUnit).toBe("\\ud800");
  });
});
