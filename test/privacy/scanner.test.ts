// The leak scanner finds what it must (known numbers however written, shapes of mobiles and IDs)
// and not hashes, ids, times or coordinates, so the leak-scan test can fail and does not cry wolf.
import { describe, expect, it } from "vitest";
import { LeakScanner } from "./scanner.js";

const found = (secrets: string[], text: string) => {
  const scanner = new LeakScanner(secrets);
  scanner.scan("t", text);
  return scanner.leaks.map((l) => l.what);
};

describe("LeakScanner", () => {
  it("finds a known number in clear, spaced, dashed, with +86 or in full-width digits", () => {
    for (const text of ["13811112222", "138 1111 2222", "138-1111-2222", "+86 13811112222", "１３８１１１１２２２２", "电话:1 3 8 1 1 1 1 2 2 2 2"]) {
      expect(found(["+86 138 1111 2222"], text), text).toContain("known number 13811112222");
    }
    expect(found(["11010519900307123X"], "证件 110105 1990 0307 123x")).toContain("known number 11010519900307123X");
    expect(found(["010-65123456"], '{"a":"01065123456"}')).toContain("known number 01065123456");
  });

  it("finds a known number with separators of any kind, in Chinese numerals, and a known e-mail in any case", () => {
    for (const text of ["139.2345.6789", "139  2345  6789", "139—2345—6789", "1 3 9 2 3 4 5 - 6 7 8 9", "一三九二三四五六七八九", "幺三九 二三四五 六七八九"]) {
      expect(found(["13923456789"], text), text).toContain(text.includes("三") ? "known number 13923456789 (in Chinese numerals)" : "known number 13923456789");
    }
    expect(found(["Zhang.San@Example.com"], "mail: zhang.san@example.COM")).toContain("known e-mail zhang.san@example.com");
    expect(found(["zhang.san@example.com"], "mail: [邮箱]")).toEqual([]);
  });

  it("finds unknown mobiles and 18-digit IDs by their shape", () => {
    expect(found([], "call 159 0000 1111 now")).toContain("a mobile number");
    expect(found([], "id 440106198507234567.")).toContain("an ID-card number");
  });

  it("leaves hashes, uuids, epoch times, coordinates and placeholders alone", () => {
    const clean = [
      '{"caller_key":"3f1c9a0e7b2d4c68a5e19f0b7d3c2a41","event_id":"0b9f6c1e-4d2a-4c8e-9a31-6f2d8e1a7c01"}',
      '{"time":1764142272123,"lat":39.13800138000,"ms":13800138000123}',
      "市民来电，手机[手机号]，座机[电话]，身份证[身份证号]",
      "a1380013800b 13800138000123",
    ];
    for (const text of clean) expect(found(["13800138000"], text), text).toEqual([]);
  });
});
