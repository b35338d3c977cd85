// Departments: the directory, the routes, and hidden behaviour that shows in the events.
import { describe, expect, it } from "vitest";
import { CATEGORY_LEAVES, leafByCode } from "./categories.js";
import { buildCity } from "./city.js";
import { buildDepartments, type Archetype } from "./departments.js";
import { simulate } from "./simulate.js";

const SEED = 42;
const city = buildCity(SEED, "small");
const directory = buildDepartments(SEED, city);
const archetypeOf = new Map(directory.all.map((d) => [d.code, d.behaviour.archetype]));

describe("departments", () => {
  it("has a 12345 centre, city bureaus, district bureaus and one office per street", () => {
    const levels = directory.all.map((d) => d.level);
    expect(levels.filter((l) => l === "centre")).toHaveLength(1);
    expect(levels.filter((l) => l === "street")).toHaveLength(city.streets.length);
    expect(levels.filter((l) => l === "district").length).toBeGreaterThanOrEqual(city.districts.length * 5);
    expect(new Set(directory.all.map((d) => d.code)).size).toBe(directory.all.length);
    expect(directory.all.every((d) => /^[A-Za-z0-9_.:-]+$/.test(d.code))).toBe(true);
  });

  it("hides different behaviours, every archetype present, and is deterministic", () => {
    const archetypes = new Set<Archetype>(directory.all.map((d) => d.behaviour.archetype));
    expect([...archetypes].sort()).toEqual(["bouncer", "closer", "diligent", "extender", "slow", "typical"]);
    const again = buildDepartments(SEED, buildCity(SEED, "small"));
    expect(again.all.map((d) => d.behaviour)).toEqual(directory.all.map((d) => d.behaviour));
  });

  it("routes every leaf in every street to at least two distinct departments but the centre's own", () => {
    for (const street of city.streets) {
      for (const leaf of CATEGORY_LEAVES) {
        const route = directory.route(leaf, street);
        expect(route.length).toBeGreaterThan(0);
        expect(new Set(route).size).toBe(route.length);
      }
    }
    const street = city.streets[0];
    if (street === undefined) throw new Error("no street");
    expect(directory.route(leafByCode("03.05.01"), street)[0]?.kind).toBe("heating");
    expect(directory.route(leafByCode("01.01.01"), street)[0]?.code).toBe(`${street.code}.street`);
  });

  it("shows in the events: bouncers return far more tickets (退单) than the others", () => {
    const dispatched = new Map<string, number>();
    const returned = new Map<string, number>();
    const add = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
    for (const e of simulate({ seed: SEED, startMs: Date.parse("2026-11-23T00:00:00+08:00"), days: 3, size: "small" })) {
      if (e.type === "ticket.dispatched") add(dispatched, archetypeOf.get(e.data.department.code) === "bouncer" ? "bouncer" : "other");
      if (e.type === "ticket.returned") add(returned, archetypeOf.get(e.data.department.code) === "bouncer" ? "bouncer" : "other");
    }
    const rate = (k: string) => (returned.get(k) ?? 0) / (dispatched.get(k) ?? 1);
    expect(dispatched.get("bouncer")).toBeGreaterThan(30);
    expect(rate("bouncer")).toBeGreaterThan(3 * rate("other"));
  });
});
