// Callers: derived phone and ID numbers, written forms, and the caller a ticket carries.
import { describe, expect, it } from "vitest";
import { normalisePhone, scrubText } from "../../contract/personal-data.js";
import { CallerPopulation, contractCaller, idCheckDigit, writtenPhone } from "./callers.js";
import { Rng } from "./random.js";

const population = new CallerPopulation(42, 60_000, 3, ["379901", "379902"]);

describe("callers", () => {
  it("derives distinct, well-formed phone numbers from the index", () => {
    const phones = Array.from({ length: 20_000 }, (_, i) => population.identity(i).phone);
    const mobiles = phones.filter((p) => p.startsWith("1"));
    expect(new Set(mobiles).size).toBe(mobiles.length);
    expect(mobiles.every((p) => /^1[3-9]\d{9}$/.test(p))).toBe(true);
    expect(phones.some((p) => /^010[68]\d{7}$/.test(p))).toBe(true);
    const visible = (i: number) => {
      const c = population.identity(i);
      return [c.index, c.phone, c.landline, c.idNumber];
    };
    expect(visible(123)).toEqual(visible(123));
  });

  it("gives valid 18-digit ID numbers that the scrubber recognises", () => {
    for (let i = 0; i < 200; i++) {
      const id = population.identity(i).idNumber;
      expect(id).toMatch(/^[1-9]\d{16}[\dX]$/);
      expect(idCheckDigit(id.slice(0, 17))).toBe(id[17]);
      expect(scrubText(`身份证${id}`)).toBe("身份证[身份证号]");
    }
    expect(idCheckDigit("11010519491231002")).toBe("X"); // the national standard's example
  });

  it("writes phones in several forms that normalise to the same caller", () => {
    const rng = new Rng(1);
    for (let i = 0; i < 300; i++) {
      const identity = population.identity(i);
      const written = writtenPhone(identity, rng);
      expect(normalisePhone(written)).toBe(identity.phone);
      expect(scrubText(written)).not.toContain(identity.phone.slice(-4));
    }
  });

  it("hands over raw phones, sometimes with an ID, sometimes anonymous", () => {
    const rng = new Rng(2);
    const callers = Array.from({ length: 2_000 }, (_, i) => contractCaller(population.identity(i), i % 2 ? "app" : "web", rng));
    expect(callers.some((c) => "id_number" in c)).toBe(true);
    expect(callers.some((c) => "anonymous" in c)).toBe(true);
    expect(callers.filter((c) => "phone" in c).length).toBeGreaterThan(1_800);
  });
});
