// The simulated 12345 city: its public API (the event generator, the Source, and the world with
// its hidden truth for scoring detectors).
export {
  openSimulation,
  simulate,
  simulateTimed,
  simulateWithLabels,
  type EventStream,
  type LabelledSimulation,
  type SimulationOptions,
  type TimedEvent,
} from "./simulate.js";
// Labelled incidents for benchmarking detectors: pass `incidents` in the options, read the events
// from `simulateWithLabels(options).events` and, once they are exhausted, the ground truth from
// `labels()` (ticket ids and actual counts and times per incident; never a phone number).
export type {
  AbusiveCallerIncident,
  AbusiveCallerLabel,
  ChronicHotspotIncident,
  ChronicHotspotLabel,
  CollectiveComplaintIncident,
  CollectiveComplaintLabel,
  CrossChannelDuplicateIncident,
  CrossChannelDuplicateLabel,
  EmergingHotspotIncident,
  EmergingHotspotLabel,
  Incident,
  IncidentKind,
  IncidentLabel,
  RepeatChainIncident,
  RepeatChainLabel,
  SpikeIncident,
  SpikeLabel,
  Spot,
  TicketGroup,
} from "./incidents.js";
export { parseIncidents } from "./incident-schema.js";
export { defaultRandomIncidents, normalPerHour, randomIncidents, type RandomIncidentOptions } from "./random-incidents.js";
export { createSimulatorSource, type RealtimeOptions, type SimulatorSourceOptions } from "./source.js";
export { buildWorld, type World } from "./world.js";
export type { Holiday } from "./arrivals.js";
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
