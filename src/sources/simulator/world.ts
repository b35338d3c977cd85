// The simulated world for a seed and a size: the city, its departments with their hidden
// behaviour, the category tree and the caller population. The same options build the same world,
// so later work can rebuild it to score detectors against the hidden truth.
import { CallerPopulation, frequentCallers, type FrequentCaller } from "./callers.js";
import { CATEGORY_LEAVES, type CategoryLeaf } from "./categories.js";
import { buildCity, SIZE_PROFILES, type City, type CitySize, type SizeProfile } from "./city.js";
import { buildDepartments, type DepartmentDirectory } from "./departments.js";

export interface World {
  readonly seed: number;
  readonly profile: SizeProfile;
  readonly city: City;
  readonly departments: DepartmentDirectory;
  readonly categories: readonly CategoryLeaf[];
  readonly callers: CallerPopulation;
  readonly frequentCallers: readonly FrequentCaller[];
}

export function buildWorld(seed: number, size: CitySize): World {
  const profile = SIZE_PROFILES[size];
  const city = buildCity(seed, size);
  const callers = new CallerPopulation(seed, profile.callers, profile.frequentCallers, city.districts.map((d) => d.code));
  return {
    seed,
    profile,
    city,
    departments: buildDepartments(seed, city),
    categories: CATEGORY_LEAVES,
    callers,
    frequentCallers: frequentCallers(seed, callers, city, CATEGORY_LEAVES),
  };
}
