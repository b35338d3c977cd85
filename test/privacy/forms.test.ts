// The property behind issue 12, on scrubText itself (thousands of cases, shrunk on failure): a
// personal number in any of the generated forms, inside random text, is found by the scanner
// before scrubbing and nowhere after; identifiers holding one become a pii: hash; numbers that
// cannot be personal (measures, amounts) stay as they are. leak-scan.test.ts runs the same
// generators through the real worker.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createHasher, scrubText } from "../../src/contract/personal-data.js";
import { notPersonal, personalNumber, textWith } from "./forms.js";
import { LeakScanner } from "./scanner.js";

const hasher = createHasher(new TextEncoder().encode("forms-test-key-0123456789abcdef"));
const leaksIn = (secret: string, text: string) => {
  const scanner = new LeakScanner([secret]);
  scanner.scan("text", text);
  return scanner.leaks.filter((l) => l.what.startsWith("known"));
};

describe("personal numbers in every form", () => {
  it("are in clear before scrubText and nowhere after, inside random text", () => {
    fc.assert(
      fc.property(personalNumber().chain((n) => textWith(n).map((text) => ({ n, text }))), ({ n, text }) => {
        expect(leaksIn(n.value, text), "the scanner sees the number before scrubbing").not.toEqual([]);
        expect(leaksIn(n.value, scrubText(text))).toEqual([]);
      }),
      { numRuns: 3_000, seed: 1212 },
    );
  });

  it("in an identifier make it a keyed pii: hash, the same for the same id", () => {
    fc.assert(
      fc.property(personalNumber(), fc.constantFrom("T", "C-", "sys.", ""), (n, prefix) => {
        const id = `${prefix}${n.written}`;
        expect(hasher.identifier(id)).toMatch(/^pii:[a-p]{20}$/);
        expect(hasher.identifier(id)).toBe(createHasher(new TextEncoder().encode("forms-test-key-0123456789abcdef")).identifier(id));
      }),
      { numRuns: 1_000, seed: 1213 },
    );
  });

  it("leave numbers that cannot be phone or ID numbers alone", () => {
    fc.assert(
      fc.property(notPersonal, (text) => {
        expect(scrubText(text)).toBe(text);
      }),
      { numRuns: 2_000, seed: 1214 },
    );
  });
});
