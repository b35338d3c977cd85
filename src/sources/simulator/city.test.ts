// The simulated city: sizes, codes, names, coordinates, determinism, chronic hotspots.
import { describe, expect, it } from "vitest";
import { buildCity, SIZE_PROFILES, type CitySize } from "./city.js";

describe("city", () => {
  it.each<CitySize>(["small", "medium", "large"])("builds a %s city within its profile", (size) => {
    const city = buildCity(1, size);
    const profile = SIZE_PROFILES[size];
    expect(city.districts).toHaveLength(profile.districts);
    for (const district of city.districts) {
      expect(district.streets.length).toBeGreaterThanOrEqual(profile.streetsPerDistrict[0]);
      expect(district.streets.length).toBeLessThanOrEqual(profile.streetsPerDistrict[1]);
      expect(district.name).toMatch(/区$/);
    }
    for (const street of city.streets) {
      expect(street.code.startsWith(street.district.code)).toBe(true);
      expect(street.communities.length).toBeGreaterThanOrEqual(profile.communitiesPerStreet[0]);
      expect(street.name).toMatch(/(街道|镇|乡)$/);
    }
    const codes = [...city.districts, ...city.streets, ...city.communities].map((p) => p.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(city.communities.every((c) => /(社区|村)$/.test(c.name) && c.code.length === 12)).toBe(true);
  });

  it("places everything around 39.9 N 116.4 E, communities near their street, bigger cities wider", () => {
    const spread = (size: CitySize) => {
      const city = buildCity(1, size);
      for (const c of city.communities) {
        expect(Math.abs(c.lat - 39.9)).toBeLessThan(0.6);
        expect(Math.abs(c.lon - 116.4)).toBeLessThan(0.8);
        expect(Math.hypot(c.lat - c.street.lat, c.lon - c.street.lon)).toBeLessThan(0.2);
      }
      return Math.max(...city.communities.map((c) => Math.hypot(c.lat - city.lat, c.lon - city.lon)));
    };
    expect(spread("large")).toBeGreaterThan(spread("small"));
  });

  it("is deterministic from the seed", () => {
    const names = (seed: number) => buildCity(seed, "medium").communities.map((c) => `${c.code}${c.name}${c.lat},${c.lon}`);
    expect(names(5)).toEqual(names(5));
    expect(names(5)).not.toEqual(names(6));
  });

  it("gives some communities chronic problems (hotspots)", () => {
    const city = buildCity(1, "medium");
    const chronic = city.communities.filter((c) => c.chronic.length > 0);
    expect(chronic.length).toBeGreaterThan(city.communities.length * 0.1);
    expect(chronic.every((c) => c.chronic.every((issue) => issue.leaf.chronic))).toBe(true);
  });
});
