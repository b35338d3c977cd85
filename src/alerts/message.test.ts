import { describe, expect, it } from "vitest";
import { truncateUtf8 } from "./message.js";

describe("truncateUtf8", () => {
  const text = "a水😀é".repeat(50); // 1-, 3-, 4- and 2-byte characters

  it("never exceeds the limit, never splits a character, and keeps a prefix", () => {
    for (let max = 0; max <= Buffer.byteLength(text) + 2; max++) {
      const cut = truncateUtf8(text, max);
      expect(Buffer.byteLength(cut, "utf8")).toBeLessThanOrEqual(max);
      expect(cut).not.toContain("\uFFFD");
      const body = cut.endsWith("…") && cut !== text ? cut.slice(0, -1) : cut;
      expect(text.startsWith(body)).toBe(true);
    }
  });

  it("leaves text within the limit alone and marks a cut with an ellipsis", () => {
    expect(truncateUtf8("水", 3)).toBe("水");
    expect(truncateUtf8("水水水", 8)).toBe("水…");
    expect(truncateUtf8("😀😀", 7)).toBe("😀…"); // 4 + 3 bytes
    expect(truncateUtf8("😀😀", 6)).toBe("…"); // half an emoji is never sent
  });
});
