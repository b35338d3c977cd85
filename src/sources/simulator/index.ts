// The simulated 12345 city: its public API (the event generator, the Source, and the world with
// its hidden truth for scoring detectors).
export { openSimulation, simulate, simulateTimed, type EventStream, type SimulationOptions, type TimedEvent } from "./simulate.js";
export { createSimulatorSource, type RealtimeOptions, type SimulatorSourceOptions } from "./source.js";
export { buildWorld, type World } from "./world.js";
export { buildCity, SIZE_PROFILES, type City, type CitySize, type Community, type District, type SizeProfile, type Street } from "./city.js";
export { CATEGORY_LEAVES, SLA_TIERS, leafByCode, type CategoryLeaf, type SlaTier } from "./categories.js";
export {
  buildDepartments,
  type Archetype,
  type Department,
  type DepartmentBehaviour,
  type DepartmentDirectory,
  type DepartmentKind,
} from "./departments.js";
export { CallerPopulation, type CallerIdentity, type FrequentCaller } from "./callers.js";
